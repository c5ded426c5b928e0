"""Clicks coming back from the page: st.plotly_chart(on_select=...) and
st.dataframe(on_select=...) selections, read as an event id, a country or a row.

Event points carry the event id first in their customdata (`figures`); choropleth points carry
the country's ISO3 code as their location.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _points(selection: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if not selection:
        return []
    inner = selection.get("selection", selection)
    points = inner.get("points", []) if isinstance(inner, Mapping) else []
    return [p for p in points or [] if isinstance(p, Mapping)]


def _first_customdata(point: Mapping[str, Any]) -> Any:
    data = point.get("customdata")
    if isinstance(data, list | tuple):
        return data[0] if data else None
    if isinstance(data, Mapping):
        return data.get("0", data.get(0))  # type: ignore[call-overload]
    return data


def selected_event_id(selection: Mapping[str, Any] | None) -> str | None:
    """The event id of the first clicked event point in a plotly_chart selection, if any
    (choropleth countries are not events: see `selected_country`)."""
    for point in _points(selection):
        if point.get("location"):
            continue
        value = _first_customdata(point)
        if isinstance(value, str) and value:
            return value
    return None


def selected_country(selection: Mapping[str, Any] | None) -> str | None:
    """The ISO3 code of the first clicked country in a choropleth selection, if any."""
    for point in _points(selection):
        location = point.get("location")
        if isinstance(location, str) and location:
            return location
    return None


def selected_row(selection: Mapping[str, Any] | None) -> int | None:
    """The row position of the first selected row, or else of the first selected cell (a
    [row, column] pair), in an st.dataframe selection, if any."""
    if not selection:
        return None
    inner = selection.get("selection", selection)
    if not isinstance(inner, Mapping):
        return None
    rows = [*inner.get("rows", []), *(cell[0] for cell in inner.get("cells", []))]
    return int(rows[0]) if rows else None
