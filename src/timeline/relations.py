"""The figures of Azerbaijan's relations: a world map of each country's standing in a year
(`standing` gives the rules), the counts by year, and Play: the map over the counts, animated.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from timeline import figures, maps, standing
from timeline.dates import format_date
from timeline.figures import Spec
from timeline.palette import LIGHT, Palette

NOT_IN_TABLE = "No row in the table"  # the countries the rows never name: the bare land
SOVIET_NOTE = (
    f"{standing.SOVIET_PERIOD[0].year}–{standing.SOVIET_PERIOD[1].year}: Soviet period<br>"
    "no foreign relations of its own"
)

# The standings in the order of the map's legend, each drawn in `pal.standing[code]`.
_CODES = {code: i for i, code in enumerate(standing.STANDING_LABELS)}


def _colorscale(pal: Palette) -> list[list[Any]]:
    """A stepped colour scale: code i of standing.STANDING_LABELS (z = i) gets its own colour."""
    n = len(_CODES)
    return [[(i + k) / n, pal.standing[code]] for i, code in enumerate(_CODES) for k in (0, 1)]


def _hover_lines(table: pd.DataFrame, sources: bool = True) -> list[str]:
    """Per country, the lines under its name: its standing, since when, the source."""
    code = table["standing"].to_numpy(dtype=object)
    since = table["since"].map(format_date).to_numpy(dtype=object)
    relations = table["relations_since"].map(format_date).to_numpy(dtype=object)
    label = np.array([standing.STANDING_LABELS[c] for c in code], dtype=object)
    war = label + "<br>" + figures.escaped(table["title"]) + " (" + since + ")"
    war += np.where(relations != "", "<br>Diplomatic relations since " + relations, "")
    # Recognition either way: "2006 Azerbaijan recognises Montenegro" is a recognition row too.
    lines = np.select(
        [code == "relations", code == "recognised", code == "conflict"],
        [label + " since " + since, "Recognition: " + since + "; no diplomatic relations", war],
        label,
    )
    if sources:
        source = figures.escaped(table["source_title"])
        lines += np.where(source != "", "<br>Source: " + source, "")
    return lines.tolist()


def _countries(table: pd.DataFrame, *more: np.ndarray) -> np.ndarray:
    """A map's customdata: per country its ISO3 code, its name (escaped), then `more`."""
    names = figures.escaped(table["name"])
    return np.column_stack([table["country"].to_numpy(dtype=object), names, *more])


def _map_trace(table: pd.DataFrame, pal: Palette) -> Spec:
    return {
        "type": "choropleth",
        "name": "Standing",
        "locations": table["country"].to_list(),
        "z": table["standing"].map(_CODES).to_numpy(dtype=float),
        "zmin": -0.5,  # code i sits in the middle of its colour's band
        "zmax": len(_CODES) - 0.5,
        "locationmode": "ISO-3",
        "colorscale": _colorscale(pal),
        "showscale": False,
        "marker": {"line": {"color": pal.border, "width": 0.5}},
        "customdata": _countries(table, np.array(_hover_lines(table), dtype=object)),
        "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>",
        "meta": {"kind": "standing"},
    }


def _azerbaijan(soviet: bool, pal: Palette) -> Spec:
    # Not the countries map's orange: too close to the vermilion of a neighbour at war.
    color = pal.standing["soviet"] if soviet else pal.azerbaijan
    text = "Azerbaijan SSR, part of the Soviet Union" if soviet else "Azerbaijan"
    marker, meta = {"line": {"color": pal.border, "width": 0.5}}, {"kind": "azerbaijan"}
    return maps.azerbaijan(color, f"<b>{text}</b>", text, marker=marker, meta=meta)


def _legend(pal: Palette) -> list[Spec]:
    """Legend entries (empty geo traces) for the standings but "soviet", and the bare land."""
    looks = {code: {"color": pal.standing[code]} for code in standing.STANDING_LABELS}
    looks[""] = {"color": pal.land, "line": {"color": pal.border, "width": 1}}
    names = {**standing.STANDING_LABELS, "": NOT_IN_TABLE}
    return [
        {
            "type": "scattergeo",
            "name": name,
            "lat": [None],
            "lon": [None],
            "mode": "markers",
            "marker": {"symbol": "square", "size": 12, **looks[code]},
            "hoverinfo": "skip",
            "showlegend": True,
            "meta": {"kind": "legend", "standing": code},
        }
        for code, name in names.items()
        if code != "soviet"
    ]


def _map_title(year: int, table: pd.DataFrame, label: str = "") -> Spec:
    """The map's title (`label`, default the year) and subtitle: what it counts, and which part
    of the year in the years of the Soviet takeover and of independence (none in the Soviet
    years)."""
    count = ""
    if not standing.is_soviet_year(year):
        n = int((table["relations_since"] != "").sum())
        # "in the table": the record does not date every state's relations.
        count = f"Diplomatic relations with {n} {'country' if n == 1 else 'countries'} in the table"
        parts = ("Until the Soviet takeover", "From independence")
        for when, part in zip(standing.SOVIET_PERIOD, parts, strict=True):
            if year == when.year:
                count = f"{part}, {format_date(str(when.date()))}<br>{count}"
    heading = figures.heading(f"Azerbaijan's relations in {label or year}")
    return {**heading, "subtitle": {"text": count}}


def relations_map(df: pd.DataFrame, year: int, pal: Palette = LIGHT) -> go.Figure:
    """A world map of every country's standing with Azerbaijan in `year` (customdata [ISO3,
    name, hover line]); in the Soviet years, Azerbaijan alone and a note saying why."""
    table = standing.standing_by_year(df, year)
    return figures.figure(_relations_map(table, year, pal), pal)


def _relations_map(table: pd.DataFrame, year: int, pal: Palette) -> Spec:
    layout = maps.geo_layout(_map_title(year, table))
    soviet = standing.is_soviet_year(year)
    data = [_map_trace(table.iloc[:0] if soviet else table, pal), _azerbaijan(soviet, pal)]
    if soviet:
        layout["annotations"] = [_soviet_note(pal)]
    elif table.empty:
        figures.say(layout, "None of these events dates relations, recognition or a war")
    data += _legend(pal)
    layout["legend"] = {"itemclick": False, "itemdoubleclick": False, "orientation": "h", "y": 0}
    return {"data": data, "layout": layout}


@functools.cache
def _panels() -> Spec:
    """The layout of relations_over_time's two panels, without a template: made once."""
    titles = ("Countries with diplomatic relations in the table", "Organizations joined")
    # The spacing leaves room for the lower panel's title below the upper panel.
    fig = make_subplots(2, 1, shared_xaxes=True, vertical_spacing=0.14, subplot_titles=titles)
    return {key: value for key, value in fig.to_dict()["layout"].items() if key != "template"}


def _counts(df: pd.DataFrame, last: int, pal: Palette) -> list[Spec]:
    """The traces of the counts by year to `last`: countries with diplomatic relations (axes x,
    y), organizations joined each year and in all (x2, y2)."""
    relations = standing.relations_by_year(df, last)
    members = standing.memberships_by_year(df, last)
    years = relations.index.to_numpy()
    some = members["joined"].to_numpy() > 0
    return [
        {
            "type": "scatter",
            "name": "Countries with relations",
            "x": years,
            "y": relations["relations"].to_numpy(),
            "mode": "lines",
            "line": {"shape": "hv", "color": pal.standing["relations"], "width": 2},
            "hovertemplate": "%{x}: relations with %{y} countries<extra></extra>",
            "meta": {"kind": "relations"},
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "bar",
            "name": "Organizations joined that year",
            "x": years[some],
            "y": members["joined"].to_numpy()[some],
            "marker": {"color": pal.category["membership"]},
            "customdata": figures.escaped(members["organizations"][some]),
            "hovertemplate": "%{x}: joined %{y}<br>%{customdata}<extra></extra>",
            "meta": {"kind": "joined"},
            "xaxis": "x2",
            "yaxis": "y2",
        },
        {
            "type": "scatter",
            "name": "Organizations, running total",
            "x": years,
            "y": members["cumulative"].where(members["cumulative"] > 0).to_numpy(),
            "mode": "lines",
            "line": {"shape": "hv", "color": pal.cumulative, "width": 1.5, "dash": "dash"},
            "hovertemplate": "%{x}: %{y} organizations in all<extra></extra>",
            "meta": {"kind": "cumulative"},
            "xaxis": "x2",
            "yaxis": "y2",
        },
    ]


def _soviet_bands(layout: Spec, pal: Palette) -> None:
    """Into a layout with the panels of `_counts`: the Soviet years shaded, named in the upper."""
    taken, back = (day.year + (day.day_of_year - 1) / 365 for day in standing.SOVIET_PERIOD)
    layout.setdefault("shapes", []).extend(
        figures.band(taken, back, pal.soviet_fill, "Soviet period", f"{axis} domain")
        for axis in ("y", "y2")
    )
    text = "Soviet period:<br>no foreign relations<br>of its own"  # within the band
    middle = (standing.SOVIET_PERIOD[0].year + standing.SOVIET_PERIOD[1].year) / 2
    font = {"color": pal.muted_text}
    layout.setdefault("annotations", []).append(
        figures.note(text, middle, 0.5, "x", "y domain", font=font, name="Soviet period")
    )


def relations_over_time(df: pd.DataFrame, year: int, pal: Palette = LIGHT) -> go.Figure:
    """Two panels over the years: countries with diplomatic relations, and organizations
    joined with their running total; the Soviet years shaded and `year` marked."""
    last = max(standing.last_year_of(df, None), year)
    layout = copy.deepcopy(_panels())
    data = _counts(df, last, pal)
    _soviet_bands(layout, pal)
    # `year`'s line; its label in the top panel, on the side with room (above, it hit the titles).
    line = {"color": pal.year_marker, "width": 2, "dash": "dot"}
    layout["shapes"].append(figures.rule(year, line, "year", yref="paper"))
    side = {"xanchor": "right", "xshift": -4} if year > 1990 else {"xanchor": "left", "xshift": 4}
    label = figures.note(f"<b>{year}</b>", year, 1, "x", "y domain", yanchor="top", **side)
    layout["annotations"].append({**label, "font": {"color": pal.year_marker}, "name": "year"})
    x_range = [standing.FIRST_YEAR - 0.5, last + 0.5]
    figures.merge(
        layout,
        {
            "title": figures.heading(f"Relations and memberships by year ({year} marked)"),
            "height": 460,
            "margin": {"l": 10, "r": 10, "t": 80, "b": 10},
            "hovermode": "x unified",
            "legend": {"orientation": "h", "y": -0.12},
            "bargap": 0.15,
            "xaxis": {"tickformat": "d", "range": x_range},
            "xaxis2": {"tickformat": "d", "range": x_range},
            "yaxis": {"rangemode": "tozero"},
            "yaxis2": {"rangemode": "tozero"},
        },
    )
    return figures.figure({"data": data, "layout": layout}, pal)


# Play's figure, top to bottom in its paper: the map, its legend, the two panels of the counts.
# Its height is fixed. The legend's bottom stays put: on a phone, its rows (one per standing)
# grow up into the room the narrow map leaves in its domain.
PLAY_HEIGHT = 840
_PLAY_GEO, _PLAY_LEGEND, _PLAY_PANELS = (0.47, 1.0), 0.43, ((0.25, 0.39), (0.0, 0.15))
_PLAY_TITLES = (
    "Countries with diplomatic relations in the table",
    "Organizations joined (bars) and in all (dashed)",
)
FRAME_MS = 800  # each frame's time on screen: a span of unchanged years is one frame


def relations_map_animated(
    df: pd.DataFrame,
    years: Sequence[int] | None = None,
    year: int | None = None,
    pal: Palette = LIGHT,
) -> go.Figure:
    """Play: the map over `years` (default `standing.play_years`) above the counts by year, one
    frame per span of years in which the map stays the same (named "1921–1990"), the span marked
    on the counts; opens on the span of `year` (default the first)."""
    years = list(standing.play_years(df) if years is None else years)
    if not years:
        raise ValueError("relations_map_animated needs at least one year")
    tables = standing.Rows(standing.relation_intervals(df), df).standings(years)
    spans = play_spans(tables)
    start = next((s for s in spans if year in s), spans[0])
    base = tables[start[0]]
    spec = _relations_map(base, start[0], pal)
    _, text = _frame_values(base, start[0])
    spec["data"][0].update(
        locations=base["country"].to_list(),
        customdata=_countries(base),
        hovertemplate="<b>%{customdata[1]}</b><br>%{text}<extra></extra>",
        text=text,
    )
    last = max(standing.last_year_of(df, None), years[-1])
    counts = _counts(df, last, pal)
    tops = [max(1, np.nanmax(t["y"], initial=0)) * 1.05 for t in (counts[0], counts[2])]
    for trace in counts:
        trace["showlegend"] = False  # the panels' titles say what they count
    spec["data"] += counts + _span_marks(start, tops, pal)
    moved = [0, 1, len(spec["data"]) - 2, len(spec["data"]) - 1]
    frames, note = [], _soviet_note(pal, sum(_PLAY_GEO) / 2)  # in the middle of Play's map
    for span in spans:
        table, first = tables[span[0]], span[0]
        z, text = _frame_values(table, first)
        soviet = standing.is_soviet_year(first)
        # The note in every frame: Plotly.animate changes only what a frame names.
        shown = {**note, "visible": soviet}
        changes = {"title": _map_title(first, table, span_label(span)), "annotations": [shown]}
        data = [{"type": "choropleth", "z": z, "text": text}, _azerbaijan(soviet, pal)]
        data += _span_marks(span, tops, pal)
        frames.append({"name": span_label(span), "data": data, "traces": moved, "layout": changes})
    spec["frames"] = frames
    layout = spec["layout"]
    layout["title"] = _map_title(start[0], base, span_label(start))
    # The note first: a frame's annotations replace the layout's from the first on.
    kept = [a for a in layout.get("annotations", []) if a.get("name") != "soviet"]
    layout["annotations"] = [{**note, "visible": standing.is_soviet_year(start[0])}]
    layout["annotations"] += kept + [
        figures.note(title, 0, top, yanchor="bottom", xanchor="left", name="panel")
        for title, (_, top) in zip(_PLAY_TITLES, _PLAY_PANELS, strict=True)
    ]
    _soviet_bands(layout, pal)
    x_range = [standing.FIRST_YEAR - 0.5, last + 0.5]
    (high, low), axis = _PLAY_PANELS, {"tickformat": "d", "range": x_range}
    play = _animate(FRAME_MS, True, fromcurrent=True, transition={"duration": 0})
    stop, jump = _animate(0, False, mode="immediate"), _animate(0, True, mode="immediate")
    figures.merge(
        layout,
        {
            "geo": {"domain": {"x": [0, 1], "y": list(_PLAY_GEO)}},
            "legend": {"x": 0, "y": _PLAY_LEGEND, "yanchor": "bottom"},
            "xaxis": {**axis, "domain": [0, 1], "anchor": "y"},
            "yaxis": {"domain": list(high), "anchor": "x", "range": [0, tops[0]]},
            "xaxis2": {**axis, "domain": [0, 1], "anchor": "y2", "matches": "x"},
            "yaxis2": {"domain": list(low), "anchor": "x2", "range": [0, tops[1]]},
            "bargap": 0.15,
            "margin": {"l": 10, "r": 10, "t": 90, "b": 135},
            "height": PLAY_HEIGHT,
        },
    )
    layout["updatemenus"] = [
        {
            "type": "buttons",
            "direction": "left",
            "x": 0,
            "y": 0,
            "xanchor": "left",
            "yanchor": "top",
            "pad": {"t": 30},
            "buttons": [
                {"label": "▶ Play", "method": "animate", "args": [None, play]},
                {"label": "❚❚ Pause", "method": "animate", "args": [[None], stop]},
            ],
        }
    ]
    layout["sliders"] = [
        {
            "active": spans.index(start),
            "x": 0,
            "len": 1,
            "y": 0,
            "yanchor": "top",
            "pad": {"t": 70},
            "currentvalue": {"prefix": "Year: "},
            "steps": [
                {"label": span_label(s), "method": "animate", "args": [[span_label(s)], jump]}
                for s in spans
            ],
        }
    ]
    return figures.figure(spec, pal)


def play_spans(tables: dict[int, pd.DataFrame]) -> list[range]:
    """The years of `tables` (in order) cut into spans of consecutive years over which the map
    (its colours, hovers and subtitle) stays the same: one frame of Play each."""
    spans: list[range] = []
    before = None
    for year, table in tables.items():
        z, text = _frame_values(table, year)
        seen = (z, text, _map_title(year, table)["subtitle"]["text"])
        if seen == before and year == spans[-1].stop:
            spans[-1] = range(spans[-1].start, year + 1)
        else:
            spans.append(range(year, year + 1))
        before = seen
    return spans


def span_label(span: range) -> str:
    """A span's frame name and label: "1993", or "1921–1990"."""
    first, last = span[0], span[-1]
    return str(first) if first == last else f"{first}–{last}"


def _span_marks(span: range, tops: list[float], pal: Palette) -> list[Spec]:
    """On each panel of Play's counts (up to its `tops`), a line at each end of `span`, or one."""
    ends = sorted({span[0], span[-1]})
    x = [v for end in ends for v in (end, end, None)]
    line = {"color": pal.year_marker, "width": 2, "dash": "dot"}
    return [
        {
            "type": "scatter",
            "x": x,
            "y": [0, top, None] * len(ends),
            "mode": "lines",
            "line": line,
            "hoverinfo": "skip",
            "showlegend": False,
            "meta": {"kind": "year"},
            "xaxis": f"x{axis}",
            "yaxis": f"y{axis}",
        }
        for top, axis in zip(tops, ("", "2"), strict=True)
    ]


def _animate(duration: int, redraw: bool, **more: Any) -> Spec:
    """The options of Plotly.animate: each frame shown for `duration` ms."""
    return {"frame": {"duration": duration, "redraw": redraw}, **more}


def _frame_values(table: pd.DataFrame, year: int) -> tuple[list[Any], list[str]]:
    """A frame's colours and hover lines (without sources: they would double its size)."""
    if standing.is_soviet_year(year):
        return [], []  # Plotly draws min(len(locations), len(z)) countries: none
    z = [_CODES[s] for s in table["standing"]]
    return z, _hover_lines(table, sources=False)


def _soviet_note(pal: Palette, y: float = 0.5) -> Spec:
    """The Soviet years' note in the middle of a map (Play's: `y` the middle of its domain)."""
    font = {"size": 18}
    return figures.note(SOVIET_NOTE, 0.5, y, font=font, bgcolor=pal.note_box, name="soviet")
