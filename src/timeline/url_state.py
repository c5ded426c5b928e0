"""The view in the URL: the filters (declared in `filters.FILTERS`) and the page's other
parameters (`PAGE_PARAMS`) <-> query parameters. Parsing never raises: what it ignores, a notice
says. Not Streamlit's `bind="query-params"`, which drops bad values without a word and reads no
comma-separated, case-folded or `years=1988-1994` values that old links hold.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, make_dataclass
from typing import Any

import pandas as pd

from timeline.dates import parse_dates
from timeline.filters import FILTERS, FilterOptions, FilterState, chosen, quoted, restrict
from timeline.selection import Span
from timeline.views import TABS

QueryParams = Mapping[str, str | Iterable[str]]
# The page's views, its map's modes and extents: URL value -> label, the default first.
VIEWS: dict[str, str] = {v.value: v.label for v in TABS}
MAP_MODES: dict[str, str] = {"places": "Places", "countries": "Countries"}
MAP_EXTENTS: dict[str, str] = {"region": "Region", "world": "World"}
DEFAULT_VIEW = next(iter(VIEWS))
_ZOOM_SPLIT = re.compile(r"\s*(?:\.\.|/|,|–|—)\s*")


@dataclass(frozen=True)
class PageParam:
    """One of the page's parameters other than the filters. `read` gets the link's values
    (stripped, the empty ones left out), the table's options and the notices to add to."""

    field: str  # UrlState's attribute, and to_query_params' keyword
    param: str  # the URL parameter
    key: str  # where the page keeps it: its widget's key or its session state's (ui)
    read: Callable[[list[str], Any, list[str]], Any]
    write: Callable[[Any], str] = str  # the link's one value
    default: Any = None  # left out of links
    to_page: Callable[[Any, Any], Any] = lambda v, _: v  # the value -> what the page keeps
    of_page: Callable[[Any, Any], Any] = lambda v, _: v  # what the page keeps -> it, made valid
    per_table: bool = False  # a new table starts it again from its default
    view: str | None = None  # written only while this view is open: a link shows what is seen


def _read_event(values: list[str], options: FilterOptions, notices: list[str]) -> str | None:
    """The first value that is an event of the table; the others that are not are named."""
    if unknown := [v for v in values if v not in options.event_ids]:
        plural = "s" if len(unknown) > 1 else ""
        verb = "has that id" if len(unknown) == 1 else "has those ids"
        notices.append(f"Ignored event{plural} {quoted(unknown)} in the link: no event {verb}.")
    return next((v for v in values if v in options.event_ids), None)


def _known_event(event: Any, options: FilterOptions) -> str | None:
    return event if event in options.event_ids else None


def _short_year(year: int) -> str:
    """A year as a notice shows it: a number of absurd length is cut."""
    text = str(year)
    return text if len(text) <= 8 else text[:5] + "..."


def _read_year(values: list[str], options: FilterOptions, notices: list[str]) -> int | None:
    """The relations view's year: one year within the table's span."""
    if not values:
        return None
    lo, hi = options.years
    try:
        year = int(values[-1])
    except ValueError:
        notices.append(f"Ignored year {quoted(values[-1:])} in the link: expected a year.")
        return None
    if not lo <= year <= hi:
        notices.append(f"Ignored year {_short_year(year)} in the link: the table covers {lo}–{hi}.")
        return None
    return year


def _year_of_page(year: Any, options: FilterOptions) -> int | None:
    """The slider's year, within the table's span; None (left out of links) for its last year."""
    lo, hi = options.years
    year = None if year is None else min(max(int(year), lo), hi)
    return None if year == hi else year


def _read_zoom(values: list[str], options: FilterOptions, notices: list[str]) -> Span | None:
    """The timeline's zoom: two partial dates, first day to last day, within the table's span."""
    if not values:
        return None
    said = quoted(values[-1:])
    parts = [p for p in _ZOOM_SPLIT.split(values[-1]) if p]  # one date is its first to last day
    parsed = parse_dates(pd.Series(parts, dtype="string")) if len(parts) in (1, 2) else None
    if parsed is None or parsed["first"].isna().any():
        notices.append(
            f"Ignored zoom {said} in the link: expected two dates, e.g. 1992-01..1993-06."
        )
        return None
    first, last = min(parsed["first"]).date(), max(parsed["last"]).date()
    lo, hi = options.years
    start, end = dt.date(lo, 1, 1), dt.date(hi, 12, 31)
    if last < start or first > end:
        notices.append(f"Ignored zoom {said} in the link: the table covers {lo}–{hi}.")
        return None
    if first < start or last > end:
        notices.append(f"The zoom {said} in the link was narrowed to the table's span {lo}–{hi}.")
    return (max(first, start), min(last, end))


def _read_step(values: list[str], options: FilterOptions, notices: list[str]) -> int:
    """A story's step: a whole number, brought into the story's 1…N by `parse_query_params`."""
    try:
        return int(values[-1]) if values else 1
    except ValueError:
        notices.append(f"Ignored step {quoted(values[-1:])} in the link: expected a number.")
        return 1


def step_within(story: Any, step: int, notices: list[str] | None = None) -> int:
    """`step` within the story's steps 1…N, with a notice (when asked) if it was not."""
    within = min(max(step, 1), len(story.steps))
    if within != step and notices is not None:
        notices.append(
            f"Step {_short_year(step)} in the link was brought to {within}: the story "
            f"“{story.title}” has {len(story.steps)} steps."
        )
    return within


def _choice(field: str, param: str, key: str, choices: Mapping[str, str], **more: Any) -> PageParam:
    """A parameter that is one of `choices` (URL value -> label; the first is the default)."""
    default = next(iter(choices))

    def read(values: list[str], options: FilterOptions, notices: list[str]) -> str:
        given = values[-1].casefold() if values else default
        if given not in choices:
            notices.append(
                f"Ignored {param} {quoted([given])} in the link: the {param}s are "
                f"{quoted(choices)}."
            )
        return given if given in choices else default

    more.setdefault("of_page", lambda value, _: value if value in choices else default)
    return PageParam(field, param, key, read, default=default, **more)


def _view_of_label(label: Any, options: FilterOptions) -> str:
    return next((v for v, shown in VIEWS.items() if shown == label), DEFAULT_VIEW)


PAGE_PARAMS: tuple[PageParam, ...] = (
    PageParam("event", "event", "selected_event", _read_event, of_page=_known_event),
    # The tabs keep the open tab's label.
    _choice("view", "view", "view", VIEWS, to_page=lambda v, _: VIEWS[v], of_page=_view_of_label),
    PageParam(
        "year",
        "year",
        "year",
        _read_year,
        to_page=lambda year, options: options.years[1] if year is None else year,
        of_page=_year_of_page,
        per_table=True,
        view="relations",
    ),
    # The zoom's key is not a widget's: (first day, last day) or None.
    PageParam(
        "zoom", "zoom", "_zoom", _read_zoom, lambda z: f"{z[0].isoformat()}..{z[1].isoformat()}"
    ),
    _choice("map_mode", "map", "map_mode", MAP_MODES),
    _choice("extent", "extent", "map_extent", MAP_EXTENTS),
    # Written only in a story (`to_query_params`), whose step then selects the event.
    PageParam("step", "step", "story_step", _read_step, default=1),
)
PARAMS: tuple[str, ...] = (*(f.param for f in FILTERS), *(p.param for p in PAGE_PARAMS))

# What a URL asks for, after validation, and what was ignored on the way.
UrlState = make_dataclass(
    "UrlState",
    [
        ("filters", FilterState),
        ("notices", tuple[str, ...], field(default=())),
        *((p.field, Any, field(default=p.default)) for p in PAGE_PARAMS),
    ],
    frozen=True,
    namespace={"__module__": __name__},
)


def _values(params: QueryParams, name: str) -> list[str]:
    raw = params.get(name)
    return [raw] if isinstance(raw, str) else [str(v) for v in raw or ()]


def _given(params: QueryParams, name: str) -> list[str]:
    return [v.strip() for v in _values(params, name) if v.strip()]


def parse_query_params(params: QueryParams, options: FilterOptions) -> Any:
    """The UrlState that `params` ask for, valid for the table's `options`."""
    notices: list[str] = []
    values = {f.field: f.read(_values(params, f.param), options, notices) for f in FILTERS}
    state = restrict(FilterState(**values), options)
    page = {p.field: p.read(_given(params, p.param), options, notices) for p in PAGE_PARAMS}
    if state.story is not None:
        page["step"] = step_within(state.story, page["step"], notices)
    return UrlState(state, tuple(notices), **page)


def to_query_params(state: Any, event: str | None = None, **page: Any) -> dict[str, list[str]]:
    """The query parameters of a view: the filters `state` sets and the page's parameters
    (`page`: PAGE_PARAMS by field) not at their default, each only in its view, if it has one."""
    # In a story the step says the event; out of one there is no step.
    page["event"] = None if state.story else event
    if state.story is None:
        page.pop("step", None)
    view = page.get("view", DEFAULT_VIEW)
    params = {f.param: f.write(value) for f, value in chosen(state)}
    for p in PAGE_PARAMS:
        value = page.pop(p.field, p.default)
        if value != p.default and p.view in (None, view):
            params[p.param] = [p.write(value)]
    if page:
        raise TypeError(f"not parameters of the page: {sorted(page)}")
    return params


def normalize_params(params: QueryParams) -> dict[str, list[str]]:
    """`params` as lists of strings, this app's parameters only: to compare two URLs."""
    return {name: _values(params, name) for name in PARAMS if _values(params, name)}
