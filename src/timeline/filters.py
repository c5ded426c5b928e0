"""The filters, each declared once (`FILTERS`), and filtering: which events of a table are shown.

Within one filter the selected values are alternatives; the filters combine with AND. `prepare`
adds the columns that make every mask vectorised.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, make_dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from timeline import schema
from timeline.folding import TEXT, fold_array, normalize_query
from timeline.schema import KEY_COLUMNS, PREPARED_COLUMNS, TEXT_COLUMN

QUERY_MAX = 200  # characters of search text a link may set
QUOTED_MAX = 5  # values a notice names; it counts the rest
VALUE_MAX = 40  # characters of a value a notice shows
_MAX_ITEMS_IN_NAME = 3  # values a file name lists; it counts more
# One value of `years`: a year, or two with a separator between them. A "-" right before a
# number's digits, at the start or after a separator, is its sign: "-5", "-5--1", "1988-1994".
_YEARS = re.compile(r"\s*(-?\d+)(?:\s*(?:,|\.\.|–|—|-|\s)\s*(-?\d+))?\s*")


def quoted(values: Iterable[str]) -> str:
    """A few values as a notice names them: each cut to VALUE_MAX characters, then a count of
    the rest ("'a', 'b' and 12 more"), so that no link makes a notice long."""
    shown = [repr(v) if len(v) <= VALUE_MAX else repr(v[: VALUE_MAX - 3] + "...") for v in values]
    more = f" and {len(shown) - QUOTED_MAX:,} more" if len(shown) > QUOTED_MAX else ""
    return ", ".join(shown[:QUOTED_MAX]) + more


def year_span(df: pd.DataFrame) -> tuple[int, int]:
    """The first and last year the table's events touch."""
    if df.empty:
        return (0, 0)
    return (int(df["start"].min().year), int(df["end"].max().year))


def slug(text: str) -> str:
    """Text as a part of a file name: lower-case letters and digits, words joined by "-"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Widget:
    """A filter's widget, as data: `ui.sidebar_filters` draws it by its `kind`."""

    kind: str  # "multiselect", "years" (a slider and two typed years) or "text"
    label: str
    help: str | None = None
    placeholder: str | None = None
    format: Callable[[str], str] | None = None  # how an option is shown


class Filter:
    """A filter: its FilterState `field` (FilterOptions' too when it `offers` choices), URL `param`,
    `widget`, `default` (no filter), value `kind`; `offered`, `restrict`, `read` (a link's values,
    with notices), `write`, `mask`, `to_widget`, `from_widget`, `words` (summary line), `file_part`
    (file name), `applied` (data package)."""

    field: str
    param: str
    widget: Widget
    default: Any = None
    kind: Any = Any
    offers: Any = None
    offers_none: Any = ()

    def to_widget(self, value: Any, options: Any) -> Any:
        return value

    def applied(self, value: Any) -> Any:
        return self.write(value)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ListFilter(Filter):
    """A filter that picks values of a column; a list column matches when any item is picked."""

    field: str
    column: str
    param: str
    label: str
    vocabulary: Mapping[str, str] | None  # known values -> names, in the order offered
    help: str | None = None
    default: Any = ()
    kind: Any = tuple[str, ...]
    offers: Any = tuple[str, ...]

    def name(self, value: str) -> str:
        """How a value is shown in the widget."""
        if self.vocabulary is None:
            return schema.country_name(value)
        return self.vocabulary.get(value, value)

    @property
    def widget(self) -> Widget:  # type: ignore[override]
        return Widget("multiselect", self.label, self.help, f"All {self.field}", self.name)

    def offered(self, df: pd.DataFrame) -> tuple[str, ...]:
        """Known values in the vocabulary's order, then any others sorted; or all by name."""
        values = df[self.column]
        if self.column in KEY_COLUMNS:  # each distinct list once
            present = {item for items in pd.unique(values) for item in items}
        else:
            present = set(values.unique().dropna().astype(str))  # distinct first: 1M rows
        if self.vocabulary is None:
            return tuple(sorted(present, key=self.name))
        known = tuple(v for v in self.vocabulary if v in present)
        return known + tuple(sorted(present - set(self.vocabulary)))

    def read(self, values: list[str], options: Any, notices: list[str]) -> tuple[str, ...]:
        """Case-insensitive, comma-separated values accepted; unknown ones named."""
        by_folded = {a.casefold(): a for a in getattr(options, self.field)}
        items = [i for value in values for v in value.split(",") if (i := v.strip())]
        if unknown := [i for i in items if i.casefold() not in by_folded]:
            plural = "s" if len(unknown) > 1 else ""
            notices.append(
                f"Ignored unknown {self.param} value{plural} {quoted(unknown)} in the link."
            )
        return tuple(dict.fromkeys(by_folded[k] for i in items if (k := i.casefold()) in by_folded))

    def write(self, value: tuple[str, ...]) -> list[str]:
        return list(value)

    def restrict(self, value: tuple[str, ...], options: Any) -> tuple[str, ...]:
        offered = getattr(options, self.field)
        return tuple(v for v in value if v in offered)

    def mask(self, df: pd.DataFrame, value: tuple[str, ...]) -> Any:
        if self.column not in KEY_COLUMNS:
            return df[self.column].isin(value).to_numpy()
        sep = re.escape(schema.LIST_SEP)
        pattern = "|".join(sep + re.escape(v) + sep for v in value)
        key = df[KEY_COLUMNS[self.column]]
        return key.str.contains(pattern, regex=True).fillna(False).astype(bool)

    def to_widget(self, value: tuple[str, ...], options: Any) -> list[str]:
        return list(value)

    def from_widget(self, raw: Any) -> tuple[str, ...]:
        return tuple(raw or ())

    def words(self, value: tuple[str, ...]) -> str:
        names = [self.name(v).split(" – ")[0] for v in value]
        more = f" and {len(names) - 3} more" if len(names) > 3 else ""
        return ", ".join(names[:3]) + more

    def file_part(self, value: tuple[str, ...]) -> str:
        if len(value) > _MAX_ITEMS_IN_NAME:
            return f"{len(value)}-{self.field}"
        return "-".join(slug(v) for v in value)


class YearsFilter(Filter):
    """The years an event's period overlaps: a (first, last) pair, None for every year."""

    field, param, kind, offers = "years", "years", tuple[int, int] | None, tuple[int, int]
    offers_none = (0, 0)
    widget = Widget("years", "Years", "An event is shown when its period overlaps these years.")
    offered = staticmethod(year_span)

    def read(self, values: list[str], options: Any, notices: list[str]) -> tuple[int, int] | None:
        """Two years (from one or two values, "1988-1994" too), brought into the table's span."""
        values = [v for v in values if v.strip()]
        if not values:
            return None
        said = quoted(values)
        try:
            years = [int(y) for v in values for y in _YEARS.fullmatch(v).groups() if y is not None]
        except (AttributeError, ValueError):  # no match; more digits than int() reads
            years = []
        if len(years) not in (1, 2):  # one year is that year to itself
            notices.append(f"Ignored years {said} in the link: expected two years.")
            return None
        first, last, (lo, hi) = min(years), max(years), options.years
        if last < lo or first > hi:
            notices.append(f"Ignored years {said} in the link: the table covers {lo}–{hi}.")
            return None
        if first < lo or last > hi:
            first, last = max(first, lo), min(last, hi)
            notices.append(
                f"Years {said} in the link were narrowed to {first}–{last}: the table covers "
                f"{lo}–{hi}."
            )
        return (first, last)

    def write(self, value: tuple[int, int]) -> list[str]:
        return [str(y) for y in sorted(value)]

    def restrict(self, value: tuple[int, int] | None, options: Any) -> tuple[int, int] | None:
        """Clamped to the table's span, in order; the whole span is no filter (None)."""
        if value is None:
            return None
        (lo, hi), (first, last) = options.years, sorted(value)
        first, last = max(first, lo), min(last, hi)
        return None if first > last or (first, last) == (lo, hi) else (first, last)

    def mask(self, df: pd.DataFrame, value: tuple[int, int]) -> Any:
        first, last = sorted(value)
        return (df["start"] <= pd.Timestamp(year=last, month=12, day=31)) & (
            df["end"] >= pd.Timestamp(year=first, month=1, day=1)
        )

    def to_widget(self, value: tuple[int, int] | None, options: Any) -> tuple[int, int]:
        return tuple(value or options.years)  # type: ignore[return-value]

    def from_widget(self, raw: Any) -> tuple[int, int] | None:
        return tuple(int(y) for y in raw) if raw is not None else None  # type: ignore[return-value]

    def words(self, value: tuple[int, int], dash: str = "–") -> str:
        first, last = sorted(value)
        return str(first) if first == last else f"{first}{dash}{last}"

    def file_part(self, value: tuple[int, int]) -> str:
        return self.words(value, "-")

    def applied(self, value: tuple[int, int]) -> list[int]:
        return sorted(value)


class SearchFilter(Filter):
    """Words and quoted phrases that must all appear in an event's text (`prepare`), case and
    accents aside."""

    field, param, default, kind = "query", "q", "", str
    widget = Widget(
        "text",
        "Search",
        "Title, description, place, countries and organizations. Every word must appear; "
        'case and accents do not matter. Put words in quotes ("Council of Europe") to find '
        "them together, in that order.",
        "e.g. ceasefire, Volonte",
    )

    def read(self, values: list[str], options: Any, notices: list[str]) -> str:
        query = values[-1].strip() if values else ""
        if len(query) > QUERY_MAX:
            notices.append(f"The search text in the link was cut to {QUERY_MAX} characters.")
        return query[:QUERY_MAX]

    def write(self, value: str) -> list[str]:
        return [value]

    def restrict(self, value: str, options: Any) -> str:
        return value.strip()

    def mask(self, df: pd.DataFrame, value: str) -> Any:
        keep: Any = True
        for word in normalize_query(value):
            keep &= df[TEXT_COLUMN].str.contains(word, regex=False).fillna(False).astype(bool)
        return keep

    def from_widget(self, raw: Any) -> str:
        return str(raw or "")

    def words(self, value: str) -> str:
        return f"“{value}”"

    def file_part(self, value: str) -> str:
        query = slug(" ".join(normalize_query(value)))[:40].strip("-")
        return f"search-{query}" if query else ""

    def applied(self, value: str) -> str:
        return value


class StoryFilter(Filter):
    """A guided story (`stories.Story`): its events alone. The stories a table offers are its
    options' `stories`; while one is open the other filters stay at their defaults (ui)."""

    field, param, kind = "story", "story", Any
    widget = Widget("story", "Story")  # drawn above the timeline, not in the sidebar

    def read(self, values: list[str], options: Any, notices: list[str]) -> Any:
        """The story a link names, if the table offers it; an unknown one named."""
        if not values or not (wanted := values[-1].strip()):
            return None
        story = next((s for s in options.stories if s.id == wanted.casefold()), None)
        if story is None:
            notices.append(f"Ignored story {quoted([wanted])} in the link: no such story here.")
        return story

    def write(self, value: Any) -> list[str]:
        return [value.id]

    def restrict(self, value: Any, options: Any) -> Any:
        return value if value in options.stories else None

    def mask(self, df: pd.DataFrame, value: Any) -> Any:
        return df["id"].isin([s.event_id for s in value.steps]).to_numpy()

    def from_widget(self, raw: Any) -> Any:
        return raw

    def words(self, value: Any) -> str:
        return f"Story: {value.title}"

    def file_part(self, value: Any) -> str:
        return f"story-{value.id}"

    def applied(self, value: Any) -> dict[str, str]:
        return {"id": value.id, "title": value.title}


_ORGANIZATIONS = {code: f"{code} – {name}" for code, name in schema.ORGANIZATIONS.items()}
_COUNTRIES_HELP = "Countries other than Azerbaijan that the event involves."
LIST_FILTERS: tuple[ListFilter, ...] = (
    ListFilter("categories", "category", "category", "Category", schema.CATEGORIES),
    ListFilter("topics", "topics", "topic", "Topic", schema.TOPICS),
    ListFilter("countries", "countries", "country", "Country", None, _COUNTRIES_HELP),
    ListFilter("organizations", "organizations", "org", "Organization", _ORGANIZATIONS),
)
YEARS, SEARCH, STORY = YearsFilter(), SearchFilter(), StoryFilter()
# The order of the sidebar, the URL, the summary line and the data package's filters.
FILTERS: tuple[Filter, ...] = (STORY, *LIST_FILTERS, YEARS, SEARCH)
# A file name says the years first: "azerbaijan-relations_1988-1994_war.csv".
FILE_NAME_ORDER: tuple[Filter, ...] = (STORY, YEARS, *LIST_FILTERS, SEARCH)
BY_FIELD: dict[str, Filter] = {f.field: f for f in FILTERS}


# What the person asked for: each filter's value, at its default ("all") unless set.
FilterState = make_dataclass(
    "FilterState",
    [(f.field, f.kind, field(default=f.default)) for f in FILTERS],
    frozen=True,
    namespace={"is_default": lambda self: self == type(self)(), "__module__": __name__},
)
# The choices a loaded table offers (`filter_options`), and the ids of its events.
FilterOptions = make_dataclass(
    "FilterOptions",
    [
        *((f.field, f.offers, field(default=f.offers_none)) for f in FILTERS if f.offers),
        ("event_ids", frozenset[str], field(default_factory=frozenset)),
        ("stories", tuple[Any, ...], field(default=())),  # stories.offered: the ui adds them
    ],
    frozen=True,
    namespace={"__module__": __name__},
)


def chosen(state: Any, order: Iterable[Filter] = FILTERS) -> list[tuple[Filter, Any]]:
    """The filters `state` sets (those not at their default), each with its value."""
    return [(f, v) for f in order if (v := getattr(state, f.field)) != f.default]


def mask(df: pd.DataFrame, state: Any) -> pd.Series:
    """A boolean Series over `df`'s rows: True where the event passes every filter."""
    if not all(c in df.columns for c in PREPARED_COLUMNS):
        df = prepare(df)
    keep = pd.Series(True, index=df.index)
    for f, value in chosen(state):
        keep &= f.mask(df, value)
    return keep


def apply_filters(df: pd.DataFrame, state: Any) -> pd.DataFrame:
    """The events of `df` that pass every filter in `state`, in `df`'s order."""
    if state.is_default():
        return df
    return df[mask(df, state).to_numpy()]


def filter_options(df: pd.DataFrame) -> Any:
    """The values each filter can take for this table, in the order the widgets list them."""
    return FilterOptions(
        **{f.field: f.offered(df) for f in FILTERS if f.offers},
        event_ids=frozenset(df["id"].to_numpy(dtype=object)),  # not row by row through pandas
    )


def restrict(state: Any, options: Any) -> Any:
    """`state` made valid for the table: values it does not offer dropped, the years clamped."""
    return replace(
        state, **{f.field: f.restrict(getattr(state, f.field), options) for f in FILTERS}
    )


def carried_over(before: Any, old_span: tuple[int, int], options: Any) -> tuple[Any, list[str]]:
    """The filters made valid for a new table (a years range that was the old whole span
    becomes the new one's), and sentences saying what was kept or dropped."""
    if before.years is not None and tuple(sorted(before.years)) == tuple(old_span):
        before = replace(before, years=None)
    after = restrict(before, options)
    said = []
    if after.years is not None:
        said.append("The years filter {}–{} was kept for this table.".format(*after.years))
    dropped = [
        value
        for f in LIST_FILTERS
        for value in getattr(before, f.field)
        if value not in getattr(after, f.field)
    ]
    if dropped:
        said.append(f"Filter values this table does not have were removed: {quoted(dropped)}.")
    return after, said


def by_date(df: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """`df`'s rows sorted by start, then end (ties keep `df`'s order); only the first `limit`."""
    # Positions are sorted, then only the rows kept are taken: no text column is moved twice.
    order = np.lexsort((df["end"].to_numpy(), df["start"].to_numpy()))
    return df.take(order if limit is None else order[:limit])


def categories_present(df: pd.DataFrame) -> tuple[str, ...]:
    """The categories that occur in `df`, in the schema's order."""
    return LIST_FILTERS[0].offered(df)


def typed_years(
    first: float, last: float, span: tuple[int, int]
) -> tuple[tuple[int, int], str | None]:
    """Typed years (finite numbers) as whole years in order within `span`, and a sentence
    saying what was changed (None when nothing was)."""
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


def _named(items: pd.Series) -> pd.Series:
    """Each list of codes with their names, for searching: "ARM Armenia FRA France"."""
    names = schema.list_vocabulary(str(items.name))
    return schema.map_distinct(items, lambda t: " ".join(f"{c} {names.get(c, c)}" for c in t), TEXT)


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a loaded table with the columns `apply_filters` needs (see PREPARED_COLUMNS)."""
    out = df.copy(deep=False)  # columns are added, never changed: no need to copy the table
    sep = schema.LIST_SEP
    for col, key in KEY_COLUMNS.items():  # ";ARM;RUS;": a mask looks for ";ARM;"
        out[key] = schema.map_distinct(
            out[col], lambda t: sep + sep.join(t) + sep if t else "", TEXT
        )
    parts = [out[c].astype(TEXT) for c in ("title", "description", "location")]
    parts += [_named(out[c]) for c in ("countries", "organizations")]
    # One join: chaining `+` would copy the growing text once per part.
    joined = pc.binary_join_element_wise(
        *(pa.array(p.fillna("")) for p in parts),
        pa.scalar(" \n ", pa.large_string()),
    )
    out[TEXT_COLUMN] = pd.Series(pd.array(fold_array(joined), dtype=TEXT), index=out.index)
    return out
