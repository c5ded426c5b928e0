"""Clicks coming back from the page (plotly_chart and dataframe selections), read as an event
id (first in a point's customdata), a country (a choropleth point's location), a zoom, a
cluster's list of events or a row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

# What a cluster on the timeline carries as its first customdata: `zoom:first/last`, or
# `list:id,id,...` when zooming cannot separate its events.
ZOOM_PREFIX, LIST_PREFIX = "zoom:", "list:"
Span = tuple[dt.date, dt.date]


def _picked(selection: Mapping[str, Any] | None, kind: str) -> list[Any]:
    """The selection's `kind` (points, box, rows, cells), wrapped in {"selection": ...} or not."""
    inner = selection.get("selection", selection) if selection else None
    return list((inner.get(kind) if isinstance(inner, Mapping) else None) or [])


def _points(selection: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    return [p for p in _picked(selection, "points") if isinstance(p, Mapping)]


def _first_customdata(point: Mapping[str, Any]) -> Any:
    data = point.get("customdata")
    if isinstance(data, list | tuple):
        return data[0] if data else None
    if isinstance(data, Mapping):
        return data.get("0", data.get(0))  # type: ignore[call-overload]
    return data


def selected_event_id(selection: Mapping[str, Any] | None) -> str | None:
    """The event id of the first clicked event point (not a country) in a selection, if any."""
    found = (_first_customdata(p) for p in _points(selection) if not p.get("location"))
    prefixes = (ZOOM_PREFIX, LIST_PREFIX)
    return next((v for v in found if isinstance(v, str) and v and not v.startswith(prefixes)), None)


def listed_events(selection: Mapping[str, Any] | None) -> list[str] | None:
    """The event ids of the first clicked cluster that lists them (`LIST_PREFIX`), if any."""
    for value in map(_first_customdata, _points(selection)):
        if isinstance(value, str) and value.startswith(LIST_PREFIX):
            return [i for i in value.removeprefix(LIST_PREFIX).split(",") if i]
    return None


def _day(value: Any) -> dt.date | None:
    try:
        when = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(when) else when.date()


def selected_span(
    selection: Mapping[str, Any] | None, to_time: Callable[[float], Any] | None = None
) -> Span | None:
    """The stretch of time a timeline selection asks to zoom to: a dragged box (x positions
    read through `to_time`) or a clicked cluster (`ZOOM_PREFIX` first/last); else None."""
    for box in _picked(selection, "box"):
        xs = box.get("x") if isinstance(box, Mapping) else None
        if to_time is not None and isinstance(xs, list | tuple) and len(xs) == 2:
            try:
                a, b = (_day(to_time(float(x))) for x in xs)
            except (TypeError, ValueError):
                continue
            if a is not None and b is not None:
                return (min(a, b), max(a, b))
    for point in _points(selection):
        value = _first_customdata(point)
        if isinstance(value, str) and value.startswith(ZOOM_PREFIX):
            first, _, last = value.removeprefix(ZOOM_PREFIX).partition("/")
            a, b = _day(first), _day(last)
            if a is not None and b is not None:
                return (min(a, b), max(a, b))
    return None


def selected_country(selection: Mapping[str, Any] | None) -> str | None:
    """The ISO3 code of the first clicked country in a choropleth selection, if any."""
    found = (p.get("location") for p in _points(selection))
    return next((loc for loc in found if isinstance(loc, str) and loc), None)


def selected_row(selection: Mapping[str, Any] | None) -> int | None:
    """The first selected row, or else the row of the first selected cell, if any."""
    rows = [*_picked(selection, "rows"), *(cell[0] for cell in _picked(selection, "cells"))]
    return int(rows[0]) if rows else None
