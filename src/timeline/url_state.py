"""The view in the URL: FilterState and the selected event <-> query parameters.

Parameters: one per list filter (`filters.LIST_FILTERS`: `category`, `topic`, `country` as ISO3,
`org`; repeated for several values, a comma-separated value is accepted too), `years` (two
values), `q`, `event`, the open `view`, the relations view's `year`, the timeline's
`zoom` (two dates), and the map tab's `map` and `extent`. Parsing never
raises: unknown or malformed values are dropped and described in a short notice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from timeline.dates import parse_dates
from timeline.filters import LIST_FILTERS, FilterOptions, FilterState, restrict, short_year
from timeline.selection import Span

# FilterState field -> query parameter, for the list filters.
LIST_PARAMS: dict[str, str] = {f.field: f.param for f in LIST_FILTERS}
# The page's views (its tabs): URL value -> tab label. The first is the default, left out of
# URLs.
VIEWS: dict[str, str] = {
    "table": "Events",
    "map": "Map",
    "per-year": "Per year",
    "relations": "Relations",
    "about": "About this data",
}
DEFAULT_VIEW = next(iter(VIEWS))
# The map tab's modes and extents, the same way: URL value -> label, the default first.
MAP_MODES: dict[str, str] = {"places": "Places", "countries": "Countries"}
DEFAULT_MAP = next(iter(MAP_MODES))
MAP_EXTENTS: dict[str, str] = {"region": "Region", "world": "World"}
DEFAULT_EXTENT = next(iter(MAP_EXTENTS))
PARAMS: tuple[str, ...] = (
    *LIST_PARAMS.values(), "years", "q", "event", "view", "year", "zoom", "map", "extent"
)  # fmt: skip
QUERY_MAX = 200
# One value of `years`: a year, or two with a separator between them. A "-" right before a
# number's digits, at the start or after a separator, is its sign: "-5", "-5--1", "1988-1994".
_YEARS = re.compile(r"\s*(-?\d+)(?:\s*(?:,|\.\.|–|—|-|\s)\s*(-?\d+))?\s*")

QueryParams = Mapping[str, str | Iterable[str]]


@dataclass(frozen=True)
class UrlState:
    """What a URL asks for, after validation, and what was ignored on the way."""

    filters: FilterState
    event: str | None = None
    notices: tuple[str, ...] = ()
    view: str = DEFAULT_VIEW
    year: int | None = None  # the relations view's year; None: the table's last year
    zoom: Span | None = None  # the stretch of time the timeline shows; None: all of it
    map_mode: str = DEFAULT_MAP
    extent: str = DEFAULT_EXTENT


def _values(params: QueryParams, name: str) -> list[str]:
    raw = params.get(name)
    if raw is None:
        return []
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


QUOTED_MAX = 5  # values a notice names; it counts the rest
VALUE_MAX = 40  # characters of a value a notice shows


def quoted(values: Iterable[str]) -> str:
    """A few values as a notice names them: each cut to VALUE_MAX characters, then a count of
    the rest ("'a', 'b' and 12 more"), so that no link makes a notice long."""
    values = list(values)
    shown = [repr(v) if len(v) <= VALUE_MAX else repr(v[: VALUE_MAX - 3] + "...") for v in values]
    if len(shown) > QUOTED_MAX:
        return ", ".join(shown[:QUOTED_MAX]) + f" and {len(shown) - QUOTED_MAX:,} more"
    return ", ".join(shown)


def _parse_list(
    params: QueryParams, name: str, allowed: tuple[str, ...], notices: list[str]
) -> tuple[str, ...]:
    by_folded = {a.casefold(): a for a in allowed}
    chosen: list[str] = []
    unknown: list[str] = []
    for value in _values(params, name):
        for item in (v.strip() for v in value.split(",")):
            if not item:
                continue
            match = by_folded.get(item.casefold())
            if match is None:
                unknown.append(item)
            elif match not in chosen:
                chosen.append(match)
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        notices.append(f"Ignored unknown {name} value{plural} {quoted(unknown)} in the link.")
    return tuple(chosen)


def _parse_years(
    params: QueryParams, span: tuple[int, int], notices: list[str]
) -> tuple[int, int] | None:
    """Two years (from one or two values, "1988-1994" too; a "-" before a number is its sign),
    brought into the table's span and in order; each notice names the values as the link has
    them."""
    values = [v for v in _values(params, "years") if v.strip()]
    if not values:
        return None
    said = quoted(values)
    try:
        years = [int(y) for v in values for y in _YEARS.fullmatch(v).groups() if y is not None]
    except (AttributeError, ValueError):  # no match; more digits than int() reads
        years = []
    if len(years) == 1:
        years *= 2
    if len(years) != 2:
        notices.append(f"Ignored years {said} in the link: expected two years.")
        return None
    first, last = sorted(years)
    lo, hi = span
    if last < lo or first > hi:
        notices.append(f"Ignored years {said} in the link: the table covers {lo}–{hi}.")
        return None
    if first < lo or last > hi:
        first, last = max(first, lo), min(last, hi)
        notices.append(
            f"Years {said} in the link were narrowed to {first}–{last}: the table covers {lo}–{hi}."
        )
    return (first, last)


def parse_query_params(params: QueryParams, options: FilterOptions) -> UrlState:
    """The filter state and selected event that `params` ask for, valid for `options`."""
    notices: list[str] = []
    lists = {
        field: _parse_list(params, name, getattr(options, field), notices)
        for field, name in LIST_PARAMS.items()
    }
    years = _parse_years(params, options.years, notices)
    queries = _values(params, "q")
    query = queries[-1].strip() if queries else ""
    if len(query) > QUERY_MAX:
        notices.append(f"The search text in the link was cut to {QUERY_MAX} characters.")
        query = query[:QUERY_MAX]
    state = restrict(FilterState(**lists, years=years, query=query), options)

    event, unknown = None, []
    for value in _values(params, "event"):
        value = value.strip()
        if value in options.event_ids and event is None:
            event = value
        elif value and value not in options.event_ids:
            unknown.append(value)
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        verb = "has that id" if len(unknown) == 1 else "has those ids"
        notices.append(f"Ignored event{plural} {quoted(unknown)} in the link: no event {verb}.")
    view = _parse_choice(params, "view", VIEWS, notices)
    year = _parse_year(params, options, notices)
    zoom = _parse_zoom(params, options, notices)
    map_mode = _parse_choice(params, "map", MAP_MODES, notices)
    extent = _parse_choice(params, "extent", MAP_EXTENTS, notices)
    return UrlState(state, event, tuple(notices), view, year, zoom, map_mode, extent)


_ZOOM_SPLIT = re.compile(r"\s*(?:\.\.|/|,|–|—)\s*")


def _parse_zoom(params: QueryParams, options: FilterOptions, notices: list[str]) -> Span | None:
    """The timeline's zoom: two dates (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), from the first day
    of the first to the last day of the second, within the table's span."""
    values = [v.strip() for v in _values(params, "zoom") if v.strip()]
    if not values:
        return None
    parts = [p for v in values[-1:] for p in _ZOOM_SPLIT.split(v) if p]
    if len(parts) == 1:
        parts *= 2
    parsed = parse_dates(pd.Series(parts[:2], dtype="string")) if len(parts) == 2 else None
    if parsed is None or parsed["first"].isna().any():
        notices.append(
            f"Ignored zoom {quoted(values[-1:])} in the link: expected two dates, "
            "e.g. 1992-01..1993-06."
        )
        return None
    first = min(parsed["first"]).date()
    last = max(parsed["last"]).date()
    lo, hi = options.years
    span = (dt.date(lo, 1, 1), dt.date(hi, 12, 31))
    if last < span[0] or first > span[1]:
        notices.append(
            f"Ignored zoom {quoted(values[-1:])} in the link: the table covers {lo}–{hi}."
        )
        return None
    if first < span[0] or last > span[1]:
        notices.append(
            f"The zoom {quoted(values[-1:])} in the link was narrowed to the table's span "
            f"{lo}–{hi}."
        )
    return (max(first, span[0]), min(last, span[1]))


def _parse_choice(
    params: QueryParams, name: str, choices: Mapping[str, str], notices: list[str]
) -> str:
    """One of `choices` (their URL values; the first is the default), by its last value."""
    given = [v.strip().casefold() for v in _values(params, name) if v.strip()]
    default = next(iter(choices))
    if not given:
        return default
    if given[-1] not in choices:
        notices.append(
            f"Ignored {name} {quoted(given[-1:])} in the link: the {name}s are "
            f"{quoted(list(choices))}."
        )
        return default
    return given[-1]


def _parse_year(params: QueryParams, options: FilterOptions, notices: list[str]) -> int | None:
    """The relations view's year: one year within the table's span."""
    values = [v.strip() for v in _values(params, "year") if v.strip()]
    if not values:
        return None
    lo, hi = options.years
    try:
        year = int(values[-1])
    except ValueError:
        notices.append(f"Ignored year {quoted(values[-1:])} in the link: expected a year.")
        return None
    if not lo <= year <= hi:
        notices.append(f"Ignored year {short_year(year)} in the link: the table covers {lo}–{hi}.")
        return None
    return year


def to_query_params(
    state: FilterState,
    event: str | None = None,
    view: str = DEFAULT_VIEW,
    year: int | None = None,
    zoom: Span | None = None,
    map_mode: str = DEFAULT_MAP,
    extent: str = DEFAULT_EXTENT,
) -> dict[str, list[str]]:
    """The query parameters for a view; filters and the view at their default are left out."""
    params: dict[str, list[str]] = {}
    for field, name in LIST_PARAMS.items():
        values = getattr(state, field)
        if values:
            params[name] = list(values)
    if state.years is not None:
        params["years"] = [str(y) for y in sorted(state.years)]
    if state.query:
        params["q"] = [state.query]
    if event:
        params["event"] = [event]
    if view != DEFAULT_VIEW:
        params["view"] = [view]
    if year is not None:
        params["year"] = [str(year)]
    if zoom is not None:
        params["zoom"] = [f"{zoom[0].isoformat()}..{zoom[1].isoformat()}"]
    if map_mode != DEFAULT_MAP:
        params["map"] = [map_mode]
    if extent != DEFAULT_EXTENT:
        params["extent"] = [extent]
    return params


def normalize_params(params: QueryParams) -> dict[str, list[str]]:
    """`params` with every value as a list of strings and only this app's parameters, for
    comparing the URL a browser holds with the one the app last wrote."""
    return {name: _values(params, name) for name in PARAMS if _values(params, name)}
