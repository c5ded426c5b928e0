"""src/timeline/vocabularies.csv, the vocabularies as data: well formed, and a broken row is
named with its file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from timeline import dates, schema

SHIPPED = schema.VOCABULARY_FILE.read_text(encoding="utf-8")


def test_the_shipped_file_holds_every_vocabulary_with_codes_of_its_form():
    found = schema.read_vocabularies()
    assert list(found) == list(schema.CODE_PATTERNS)
    for vocabulary, codes in found.items():
        assert codes, vocabulary
        for code, (name, _) in codes.items():
            assert re.fullmatch(schema.CODE_PATTERNS[vocabulary], code) and name, code
    lines = SHIPPED.splitlines()
    keys = [tuple(line.split(",")[:2]) for line in lines[1:]]
    assert len(keys) == len(set(keys)) == sum(map(len, found.values()))  # no code twice
    assert all(schema.CATEGORY_HELP[c] for c in schema.CATEGORIES)


def test_the_vocabularies_fit_the_code_that_reads_them():
    assert schema.PRECISIONS == ("year", "month", "day")  # what dates.parse_dates gives
    parsed = dates.parse_dates(pd.Series(["1994", "1994-05", "1994-05-12"]))
    assert tuple(parsed["precision"]) == schema.PRECISIONS
    # The periods follow each other without a gap; the last is not over.
    ends = [last for _, _, last in schema.PERIODS]
    assert [first for _, first, _ in schema.PERIODS][1:] == ends[:-1] and ends[-1] is None
    assert all(pycountry.countries.get(alpha_3=c) for c in schema.read_vocabularies()["country"])
    assert schema.country_name("RUS") == "Russia" and schema.country_name("ARM") == "Armenia"
    assert list(schema.CELL_SCHEMA.columns) == list(schema.COLUMNS)


def broken(tmp_path: Path, text: str) -> str:
    """The message of reading `text` as the vocabularies."""
    path = tmp_path / "vocabularies.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        schema.read_vocabularies(path)
    return str(caught.value).removeprefix(str(path))


LAST = len(SHIPPED.splitlines())


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("category,war,War again,wars", "category 'war' is already on line 3"),
        ("topics,trade,Trade,", "unknown vocabulary 'topics'"),
        ("topic,Energy,Energy,", "topic code 'Energy' is not of the form "),
        ("category,peace-talks,Peace talks,talks", "category code 'peace-talks' is not of the "),
        ("organization,U N,United Nations,", "organization code 'U N' is not of the form"),
        ("country,ARMX,Armenia,", "country code 'ARMX' is not of the form"),
        ("period,1991/..,Independence,", "period code '1991/..' is not of the form"),
        ("topic,water,,", "topic 'water' needs a name"),
        ("category,riot,Riot,", "category 'riot' needs a name and help"),
        ("topic,water,Water", "3 fields, not 4"),
        ("topic,water,Water,,", "5 fields, not 4"),
    ],
)
def test_a_broken_row_is_named_with_its_file_and_line(tmp_path, row, message):
    assert broken(tmp_path, SHIPPED + row + "\n").startswith(f":{LAST + 1}: {message}")
    # In the middle of the file too: the line is the row's own.
    lines = SHIPPED.splitlines(keepends=True)
    assert broken(tmp_path, "".join([*lines[:5], row + "\n", *lines[5:]])).startswith(
        f":6: {message}"
    )


def test_a_missing_vocabulary_or_header_is_named(tmp_path):
    without = "".join(line for line in SHIPPED.splitlines(True) if not line.startswith("period,"))
    assert broken(tmp_path, without) == ": no rows for period"
    assert broken(tmp_path, SHIPPED.replace("vocabulary,code", "vocab,code", 1)).startswith(
        ":1: the header must begin vocabulary,code,name,help"
    )


def test_more_columns_may_follow_such_as_names_in_other_languages(tmp_path):
    lines = SHIPPED.splitlines()
    widened = [lines[0] + ",name_az", *(line + "," for line in lines[1:])]
    path = tmp_path / "vocabularies.csv"
    path.write_text("\n".join(widened) + "\n", encoding="utf-8")
    assert schema.read_vocabularies(path) == schema.read_vocabularies()
