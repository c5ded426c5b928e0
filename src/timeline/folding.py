"""Text folded for searching: lower case, no accents, punctuation as any keyboard types it
("Volontè" -> "volonte", "Bakı" -> "baki", "–" -> "-"), for a table's search text and a query.
"""

from __future__ import annotations

import os
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc

TEXT = "string[pyarrow]"  # the dtype of folded text in a frame
_ROWS_PER_SLICE = 65_536  # rows folded per task of the thread pool
_SLICE = 1 << 24  # bytes of text read at a time for its letters
_ASCII = bytes(range(128))
_TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')  # a quoted phrase (curly quotes fold to "), or a word

# Letters that Unicode decomposition leaves alone but a person types without the accent, and
# punctuation that has a plain twin on every keyboard (applied after lower-casing).
_FOLD: dict[str, str] = {
    **dict(zip("ıəøłđð", "iaoldd", strict=True)),
    **{"þ": "th", "æ": "ae", "œ": "oe", "ß": "ss"},
    **dict.fromkeys("–—‐‑", "-"),
    **dict.fromkeys("’‘", "'"),
    **dict.fromkeys("“”", '"'),
}
_MAX_LETTER_PASSES = 24  # with more letters to change, whole strings are decomposed
# Combining marks (accents) left over after NFKD decomposition; for Arrow's RE2 and for `re`.
_COMBINING = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


def _contiguous(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def fold_array(arr: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """An Arrow string array folded for searching, as one contiguous chunk."""
    # Slices on a few threads (Arrow's kernels release the GIL); only slices are ever copied.
    slices = [arr.slice(i, _ROWS_PER_SLICE) for i in range(0, len(arr), _ROWS_PER_SLICE)]
    if len(slices) <= 1:
        return pa.chunked_array([_normalized_slice(s) for s in slices], type=arr.type)
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        done = list(pool.map(_normalized_slice, slices))
    # One contiguous array: selecting rows across chunks makes every filter slower.
    return pa.chunked_array([pa.concat_arrays(done)], type=arr.type)


def _normalized_slice(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return _fold(_contiguous(pc.utf8_lower(arr)))


def _letter_changes(letters: set[str]) -> dict[str, str] | None:
    """What each of `letters` (lower-case, non-ASCII) that changes becomes when folded; None
    when replacing them one by one would not give what `_fold_whole` gives."""
    # Letter by letter equals decomposing whole strings when every result is of base characters
    # (canonical reordering then moves nothing kept) and none holds a letter itself replaced.
    changes = {c: f for c in letters if (f := _fold_char(c)) != c}
    kept = {x for c in letters for x in changes.get(c, c)}
    if (
        len(changes) > _MAX_LETTER_PASSES
        or any(unicodedata.combining(x) for x in kept)
        or kept & changes.keys()  # a result that another pass would change again
    ):
        return None
    return changes


def _fold(arr: pa.Array) -> pa.Array:
    """Lower-cased text folded, letter by letter if `_letter_changes` allows, else `_fold_whole`."""
    changes = _letter_changes(_non_ascii_letters(arr))
    if changes is not None:
        # Few letters to change: one pass each over all rows (ASCII rows hold none of them).
        for letter, plain in changes.items():
            arr = pc.replace_substring(arr, letter, plain)
        return arr
    rows = pc.invert(pc.string_is_ascii(arr))
    other = _fold_whole(_contiguous(pc.filter(arr, rows)))
    return _contiguous(pc.replace_with_mask(arr, rows, _contiguous(other)))


def _fold_whole(arr: pa.Array) -> pa.Array:
    """Fold by decomposing whole strings (NFKD) and dropping the combining marks."""
    for letter, plain in _FOLD.items():
        arr = pc.replace_substring(arr, letter, plain)
    arr = pc.utf8_normalize(arr, "NFKD")
    return pc.replace_substring_regex(arr, _COMBINING, "")


def _fold_char(char: str) -> str:
    """One lower-case character as it is searched for: folded, decomposed, accents dropped."""
    return re.sub(_COMBINING, "", unicodedata.normalize("NFKD", _FOLD.get(char, char)))


def _non_ascii_letters(arr: pa.Array) -> set[str]:
    """The distinct non-ASCII characters in a string array."""
    # The UTF-8 bytes without their ASCII bytes are still UTF-8; in slices, so no whole copy.
    data = arr.buffers()[2]
    if data is None:
        return set()
    rest = b"".join(
        data.slice(i, min(_SLICE, data.size - i)).to_pybytes().translate(None, _ASCII)
        for i in range(0, data.size, _SLICE)
    )
    return set(rest.decode("utf-8"))


def normalize_query(query: str) -> list[str]:
    """The search terms of a query, normalised like the text they are looked for in: its words,
    and each phrase in quotes ("council of europe") as one term (an unclosed quote runs on)."""
    if not query or query.isspace():
        return []  # every run asks, mostly with no search: no Arrow round trip for nothing
    folded = _normalized_slice(pa.array([query], type=pa.large_string()))[0].as_py()
    terms = (" ".join(phrase.split()) or word for phrase, word in _TERM.findall(folded))
    return [term for term in terms if term]
