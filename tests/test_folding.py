"""Folding text for searching: what the search text and a query become, by either way."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from timeline import folding


def fold(text: str) -> str:
    """`text` folded as a table's search text is (`filters.prepare`)."""
    return folding.fold_array(pa.array([text], type=pa.large_string()))[0].as_py()


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Volontè", "volonte"),
        ("Bakı", "baki"),
        ("Əliyev", "aliyev"),
        ("Muižnieks", "muiznieks"),
        ("Şəki–Gəncə", "saki-ganca"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
    ],
)
def test_fold_array(text: str, folded: str):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("", []),
        ("   ", []),
        ("Volontè  Bakı", ["volonte", "baki"]),
        (" Şəki–Gəncə STRASSE ", ["saki-ganca", "strasse"]),
        ("İstanbul Ǆ ﬁ", ["istanbul", "dz", "fi"]),
    ],
)
def test_normalize_query_folds_like_the_searched_text(query: str, words: list[str]):
    assert folding.normalize_query(query) == words
    assert words == fold(query).split()


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ('"Council of  Europe"', ["council of europe"]),
        ("“Council of Europe” ceasefire", ["council of europe", "ceasefire"]),
        ('"unclosed Phrase', ["unclosed phrase"]),
        ('"" war', ["war"]),
        ('a"b', ["a", "b"]),
    ],
)
def test_a_quoted_phrase_is_one_term(query: str, terms: list[str]):
    assert folding.normalize_query(query) == terms


# Letters that exercise both ways of folding: accents, the fold table, compatibility forms,
# loose combining marks (some outside the stripped ranges), and letters whose decomposition
# holds another letter of the list.
_FOLD_ALPHABET = "aeiosz -'ÉéèşŞçğıİəƏøǿłßæœ–’“ﬁ²Ａ\u0301\u0323\u05b4\u05d0שׁ\u0651\u064eﺃ"


@given(st.lists(st.text(alphabet=_FOLD_ALPHABET, max_size=12), min_size=1, max_size=8))
@example(["ǿø"])  # ǿ folds to ø, which folds on to o
@example(["\ufb2a\u05b4", "a\u0651\u064e"])  # marks that decomposition may reorder
def test_folding_letter_by_letter_matches_decomposing_whole_strings(texts: list[str]):
    lowered = pc.utf8_lower(pa.array(texts, type=pa.large_string()))
    assert folding._fold(lowered).to_pylist() == folding._fold_whole(lowered).to_pylist()


def test_folding_takes_the_letter_by_letter_way_for_a_few_accented_letters(monkeypatch):
    def whole(arr):
        raise AssertionError("decomposed whole strings")

    monkeypatch.setattr(folding, "_fold_whole", whole)
    lowered = pc.utf8_lower(pa.array(["Şəki–Gəncə", "Volontè", "Straße"]))
    assert folding._fold(lowered).to_pylist() == ["saki-ganca", "volonte", "strasse"]
