"""Filter state and filtering: which events of a loaded table a person is looking at.

`prepare` adds, once per loaded table, the columns that make filtering vectorised (list columns
joined as `;ARM;RUS;`, and a normalised search text); `apply_filters` then needs no per-row
Python. Within one filter the selected values are alternatives (any of them); the filters
combine with AND.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, make_dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from timeline import schema

KEY_COLUMNS, TEXT_COLUMN, PREPARED_COLUMNS = (
    schema.KEY_COLUMNS,
    schema.TEXT_COLUMN,
    schema.PREPARED_COLUMNS,
)

# Letters that Unicode decomposition leaves alone but a person types without the accent, and
# punctuation that has a plain twin on every keyboard (applied after lower-casing).
_FOLD: tuple[tuple[str, str], ...] = (
    ("ı", "i"),
    ("ə", "a"),
    ("ø", "o"),
    ("ł", "l"),
    ("đ", "d"),
    ("ð", "d"),
    ("þ", "th"),
    ("æ", "ae"),
    ("œ", "oe"),
    ("ß", "ss"),
    ("–", "-"),
    ("—", "-"),
    ("‐", "-"),
    ("‑", "-"),
    ("’", "'"),
    ("‘", "'"),
    ("“", '"'),
    ("”", '"'),
)
# Combining marks (accents) left over after NFKD decomposition, in RE2 syntax.
_COMBINING = (
    r"[\x{0300}-\x{036f}\x{1ab0}-\x{1aff}\x{1dc0}-\x{1dff}\x{20d0}-\x{20ff}\x{fe20}-\x{fe2f}]"
)
# The same ranges for Python's `re`.
_COMBINING_PY = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_TEXT = "string[pyarrow]"


@dataclass(frozen=True)
class ListFilter:
    """One filter that picks values of a column: everything else about it is derived from this
    declaration (FilterState/FilterOptions fields, the mask, the URL, the widget, the file name).
    """

    field: str  # FilterState's and FilterOptions' attribute: the selected and offered values
    column: str  # the table's column; a list column matches when any of its items is selected
    param: str  # the URL parameter, which is also the widget's key
    label: str  # the widget's label
    placeholder: str  # what the empty widget says
    vocabulary: Mapping[str, str] | None  # known values -> names, in the order offered
    help: str | None = None

    def name(self, value: str) -> str:
        """How a value is shown in the widget."""
        if self.vocabulary is None:
            return schema.country_name(value)
        known = self.vocabulary.get(value)
        return value if known is None else known


def _org_names() -> dict[str, str]:
    return {code: f"{code} – {name}" for code, name in schema.ORGANIZATIONS.items()}


LIST_FILTERS: tuple[ListFilter, ...] = (
    ListFilter("categories", "category", "category", "Category", "All categories",
               schema.CATEGORIES),
    ListFilter("topics", "topics", "topic", "Topic", "All topics", schema.TOPICS),
    ListFilter("countries", "countries", "country", "Country", "All countries", None,
               help="Countries other than Azerbaijan that the event involves."),
    ListFilter("organizations", "organizations", "org", "Organization", "All organizations",
               _org_names()),
)  # fmt: skip


FILTERS: dict[str, ListFilter] = {f.field: f for f in LIST_FILTERS}


def _is_default(self: Any) -> bool:
    return self == type(self)()


# FilterState: what the person asked for. Empty tuples mean "all"; `years` None means every year.
FilterState = make_dataclass(
    "FilterState",
    [*((f.field, tuple[str, ...], field(default=())) for f in LIST_FILTERS),
     ("years", tuple[int, int] | None, field(default=None)),
     ("query", str, field(default=""))],
    frozen=True,
    namespace={"is_default": _is_default, "__module__": __name__},
)  # fmt: skip

# FilterOptions: the choices a loaded table offers, the values that occur in it in display order.
FilterOptions = make_dataclass(
    "FilterOptions",
    [*((f.field, tuple[str, ...], field(default=())) for f in LIST_FILTERS),
     ("years", tuple[int, int], field(default=(0, 0))),
     ("event_ids", frozenset[str], field(default_factory=frozenset))],
    frozen=True,
    namespace={"__module__": __name__},
)  # fmt: skip


def _contiguous(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def normalize_text(values: pd.Series) -> pd.Series:
    """Lower-case, accent-free text for searching: "Volontè" -> "volonte", "Bakı" -> "baki".
    Vectorised with Arrow kernels; rows of plain ASCII skip everything but lower-casing."""
    arr = pa.array(values.astype(_TEXT).fillna(""))
    return pd.Series(pd.array(_normalized(arr), dtype=_TEXT), index=values.index)


def _normalized(arr: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """`normalize_text` on an Arrow string array, in slices of `_ROWS_PER_SLICE` rows on a few
    threads (Arrow's kernels release the GIL): faster, and only slices are ever copied."""
    slices = [arr.slice(i, _ROWS_PER_SLICE) for i in range(0, len(arr), _ROWS_PER_SLICE)]
    if len(slices) <= 1:
        return pa.chunked_array([_normalized_slice(s) for s in slices], type=arr.type)
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        done = list(pool.map(_normalized_slice, slices))
    # One contiguous array: selecting rows across chunks makes every filter slower.
    return pa.chunked_array([pa.concat_arrays(done)], type=arr.type)


_ROWS_PER_SLICE = 65_536


def _normalized_slice(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return _fold(_contiguous(pc.utf8_lower(arr)))


def _letter_changes(letters: set[str]) -> dict[str, str] | None:
    """What each of `letters` (lower-case, non-ASCII) becomes when folded, for those that
    change; None when replacing them one by one would not give what `_fold_whole` gives.

    Tables use few distinct non-ASCII letters, so replacing each one that changes in its own
    pass is much faster than decomposing every string (see the benchmark). It gives
    the same text as decomposing whole strings when every result is made of base characters
    (combining class 0), because canonical reordering then moves nothing that is kept, and
    no result holds a letter that is itself replaced.
    """
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
    """Lower-cased text folded for searching: letter by letter when `_letter_changes` allows,
    else by `_fold_whole` on the rows that are not plain ASCII."""
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
    for letter, plain in _FOLD:
        arr = pc.replace_substring(arr, letter, plain)
    arr = pc.utf8_normalize(arr, "NFKD")
    return pc.replace_substring_regex(arr, _COMBINING, "")


_MAX_LETTER_PASSES = 24
_FOLD_TABLE = dict(_FOLD)


def _fold_char(char: str) -> str:
    """One lower-case character as it is searched for: folded, decomposed, accents dropped."""
    decomposed = unicodedata.normalize("NFKD", _FOLD_TABLE.get(char, char))
    return re.sub(_COMBINING_PY, "", decomposed)


def _non_ascii_letters(arr: pa.Array) -> set[str]:
    """The distinct non-ASCII characters in a string array (without building Python strings
    per row: the UTF-8 bytes minus their ASCII bytes are still UTF-8). Read in slices, so that
    no copy of the whole text is made."""
    data = arr.buffers()[2]
    if data is None:
        return set()
    rest = b"".join(
        data.slice(i, min(_SLICE, data.size - i)).to_pybytes().translate(None, _ASCII)
        for i in range(0, data.size, _SLICE)
    )
    return set(rest.decode("utf-8"))


_SLICE = 1 << 24
_ASCII = bytes(range(128))


def normalize_query(query: str) -> list[str]:
    """The search words of a query, normalised like the text they are looked for in."""
    if not query or query.isspace():
        return []  # every run asks, mostly with no search: no Arrow round trip for nothing
    return _normalized_slice(pa.array([query], type=pa.large_string()))[0].as_py().split()


def _map_text(values: pd.Series, func: Callable[[Hashable], str]) -> pd.Series:
    return schema.map_distinct(values, func, _TEXT)


def _joined_key(items: Any) -> str:
    return schema.LIST_SEP + schema.LIST_SEP.join(items) + schema.LIST_SEP if items else ""


def _names(items: Any, names: Callable[[str], str]) -> str:
    return " ".join(f"{code} {names(code)}" for code in items)


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a loaded table with the columns `apply_filters` needs (see PREPARED_COLUMNS)."""
    out = df.copy(deep=False)  # columns are added, never changed: no need to copy the table
    for col, key in KEY_COLUMNS.items():
        out[key] = _map_text(out[col], _joined_key)
    countries = _map_text(out["countries"], lambda t: _names(t, schema.country_name))
    orgs = _map_text(
        out["organizations"], lambda t: _names(t, lambda c: schema.ORGANIZATIONS.get(c, c))
    )
    parts = [out[c].astype(_TEXT) for c in ("title", "description", "location")]
    # One join: chaining `+` would copy the growing text once per part.
    joined = pc.binary_join_element_wise(
        *(pa.array(p.fillna("")) for p in (*parts, countries, orgs)),
        pa.scalar(" \n ", pa.large_string()),
    )
    out[TEXT_COLUMN] = pd.Series(pd.array(_normalized(joined), dtype=_TEXT), index=out.index)
    return out


def _prepared(df: pd.DataFrame) -> pd.DataFrame:
    return df if all(c in df.columns for c in PREPARED_COLUMNS) else prepare(df)


def _any_of(key: pd.Series, values: tuple[str, ...]) -> pd.Series:
    sep = re.escape(schema.LIST_SEP)
    pattern = "|".join(sep + re.escape(v) + sep for v in values)
    return key.str.contains(pattern, regex=True).fillna(False).astype(bool)


def mask(df: pd.DataFrame, state: FilterState) -> pd.Series:
    """A boolean Series over `df`'s rows: True where the event passes every filter."""
    df = _prepared(df)
    keep = pd.Series(True, index=df.index)
    for f in LIST_FILTERS:
        values = getattr(state, f.field)
        if not values:
            continue
        if f.column in KEY_COLUMNS:
            keep &= _any_of(df[KEY_COLUMNS[f.column]], values)
        else:
            keep &= df[f.column].isin(values).to_numpy()
    if state.years is not None:
        first, last = sorted(state.years)
        keep &= (df["start"] <= pd.Timestamp(year=last, month=12, day=31)) & (
            df["end"] >= pd.Timestamp(year=first, month=1, day=1)
        )
    for word in normalize_query(state.query):
        keep &= df[TEXT_COLUMN].str.contains(word, regex=False).fillna(False).astype(bool)
    return keep


def apply_filters(df: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The events of `df` that pass every filter in `state`, in `df`'s order."""
    if state.is_default():
        return df
    return df[mask(df, state).to_numpy()]


def by_date(df: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """`df`'s rows sorted by start, then end (ties keep `df`'s order); only the first `limit`.

    Sorts positions, then takes only the rows kept: sorting a million-row frame itself moves
    every text column (seconds), where the table shows a few thousand rows.
    """
    order = np.lexsort((df["end"].to_numpy(), df["start"].to_numpy()))
    return df.take(order if limit is None else order[:limit])


def year_span(df: pd.DataFrame) -> tuple[int, int]:
    """The first and last year the table's events touch."""
    if df.empty:
        return (0, 0)
    return (int(df["start"].min().year), int(df["end"].max().year))


def _present(df: pd.DataFrame, column: str) -> set[str]:
    """The values that occur in a column; a list column's items (each distinct list once)."""
    values = df[column]
    if column in KEY_COLUMNS:
        return {item for items in pd.unique(values) for item in items}
    return set(values.unique().dropna().astype(str))  # distinct first: 1M rows


def _offered(f: ListFilter, present: set[str]) -> tuple[str, ...]:
    """Known values in the vocabulary's order, then any others sorted; or all by name."""
    if f.vocabulary is None:
        return tuple(sorted(present, key=f.name))
    known = tuple(v for v in f.vocabulary if v in present)
    return known + tuple(sorted(present - set(f.vocabulary)))


def categories_present(df: pd.DataFrame) -> tuple[str, ...]:
    """The categories that occur in `df`, in the schema's order."""
    return _offered(FILTERS["categories"], _present(df, "category"))


def filter_options(df: pd.DataFrame) -> FilterOptions:
    """The values each filter can take for this table, in the order the widgets list them."""
    return FilterOptions(
        **{f.field: _offered(f, _present(df, f.column)) for f in LIST_FILTERS},
        years=year_span(df),
        event_ids=frozenset(df["id"].to_numpy(dtype=object)),  # not row by row through pandas
    )


def restrict(state: FilterState, options: FilterOptions) -> FilterState:
    """`state` with values the table does not offer dropped and the years clamped to its span;
    a year range that covers the whole span becomes None (no year filter)."""
    years = state.years
    if years is not None:
        lo, hi = options.years
        first, last = sorted(years)
        first, last = max(first, lo), min(last, hi)
        years = None if first > last or (first, last) == (lo, hi) else (first, last)
    allowed = {
        f.field: tuple(v for v in getattr(state, f.field) if v in getattr(options, f.field))
        for f in LIST_FILTERS
    }
    return replace(state, **allowed, years=years, query=state.query.strip())


def typed_years(
    first: float, last: float, span: tuple[int, int]
) -> tuple[tuple[int, int], str | None]:
    """Typed start and end years (finite numbers) as a range of whole years within the table's
    `span`, in order, and a sentence naming the values as typed and what was done with them
    (None when they were taken as typed)."""
    lo, hi = span
    whole = (math.floor(first), math.floor(last))
    start, end = sorted(whole)
    why = []
    if whole != (first, last):
        why.append("a year is a whole number")
    if whole[0] > whole[1]:
        why.append("the start was after the end")
    if start < lo or end > hi:
        why.append(f"the table covers {lo}–{hi}")
    if not why:
        return (start, end), None
    years = (min(max(start, lo), hi), min(max(end, lo), hi))
    said = f"Years {_as_typed(first)} to {_as_typed(last)} were read as {years[0]}–{years[1]}: "
    return years, said + " and ".join(why) + "."


def _as_typed(value: float) -> str:
    """A typed number as a notice names it: the digits typed, of which a float keeps 15."""
    if value != int(value):
        return repr(value)
    text = str(int(value))
    return text if len(text.lstrip("-")) <= 15 else text[:12] + "..."


def short_year(year: int) -> str:
    """A year as a notice shows it: a number of absurd length is cut."""
    text = str(year)
    return text if len(text) <= 8 else text[:5] + "..."
