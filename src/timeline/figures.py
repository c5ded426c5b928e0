"""What every figure shares: the `Spec` a figure is written as, `figure(spec, pal)` that makes
it on the page of a palette, the one escape of table text (Plotly renders tags), notes, bands,
the ring and empty figures; and the events-per-year chart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from timeline import schema
from timeline.palette import LIGHT, Palette

NO_EVENTS = "No events match the filters"
Spec = dict[str, Any]  # a figure as plain data: {"data": [trace dicts], "layout": {...}}
# Plotly's "none" template, as Plotly writes it (so that validation leaves it as it is).
NO_TEMPLATE: Spec = {"data": {"scatter": [{"type": "scatter"}]}}


def escape_text(text: str) -> str:
    """`text` with `&`, `<` and `>` as entities, which Plotly shows literally."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def escaped(values: pd.Series | np.ndarray) -> np.ndarray:
    """`escape_text` of each value, as an object array of str (missing values "")."""
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=object, na_value="")
    texts = ("" if t is None else t if isinstance(t, str) else str(t) for t in values)
    return np.array([escape_text(t) for t in texts], dtype=object)


def figure(spec: Spec, pal: Palette) -> go.Figure:
    """The Figure of `spec` (data, layout and frames) on the page of `pal`, which adds the
    page's colours to its traces' own; `spec` is left as it was."""
    # Not validated (most of a build's cost): tests/test_figure_specs.py validates every figure.
    # No template: the page's colours are in the figure, and a template is bytes on every run.
    layout = containers(spec.get("layout") or {})
    layout.setdefault("template", NO_TEMPLATE)
    _on_page(layout, pal)
    return go.Figure({**spec, "layout": layout}, _validate=False)


def _on_page(layout: Spec, pal: Palette) -> None:
    """Into `layout`: the page's colours of every part the figure has."""
    text, muted = {"color": pal.text}, {"color": pal.muted_text}
    merge(
        layout,
        {
            "paper_bgcolor": pal.background,
            "plot_bgcolor": pal.background,
            "font": {"family": "sans-serif", **text},
            "title": {"font": text, "subtitle": {"font": text}},
            "legend": {"font": text, "title": {"font": text}},
            "hoverlabel": {
                "bgcolor": pal.background,
                "bordercolor": pal.hover_border,
                "font": text,
            },
        },
    )
    axis = {
        "gridcolor": pal.grid,
        "linecolor": pal.axis_line,
        "zerolinecolor": pal.grid,
        "tickfont": muted,
        "title": {"font": muted},
    }
    geo = {
        "bgcolor": pal.background,
        "landcolor": pal.land,
        "oceancolor": pal.ocean,
        "lakecolor": pal.ocean,
        "countrycolor": pal.border,
        "coastlinecolor": pal.border,
        "framecolor": pal.border,
    }
    menu = {"bgcolor": pal.button, "bordercolor": pal.axis_line, "font": {"color": pal.button_text}}
    slider = {
        "bgcolor": pal.button,
        "activebgcolor": pal.button_active,
        "bordercolor": pal.axis_line,
        "tickcolor": pal.muted_text,
        "font": muted,
        "currentvalue": {"font": text},
    }
    geos = [key for key in layout if re.fullmatch(r"geo\d*", key)]
    axes = {key for key in layout if re.fullmatch(r"[xy]axis\d*", key)}
    # A figure without a map has its x and y axes even when it leaves them at their defaults.
    for name in axes | (set() if geos else {"xaxis", "yaxis"}):
        merge(layout.setdefault(name, {}), axis)
    for name in geos:
        merge(layout[name], geo)
    for item, look in [("updatemenus", menu), ("sliders", slider)]:
        for part in layout.get(item, []):
            merge(part, look)
    for note in layout.get("annotations", []):
        note.setdefault("font", {}).setdefault("color", pal.text)


def merge(into: Spec, values: Mapping[str, Any]) -> None:
    """Update `into` with `values`, nested dicts key by key (as Plotly's `update_layout`)."""
    for key, value in values.items():
        if isinstance(value, Mapping):
            node = into.get(key)
            if not isinstance(node, dict):
                node = into[key] = {}
            merge(node, value)
        else:
            into[key] = value


def containers(node: Any) -> Any:
    """`node` with new dicts, lists and tuples, and the same values (arrays, text) in them."""
    if isinstance(node, dict):
        return {key: containers(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return type(node)(containers(item) for item in node)
    return node


def say(layout: Spec, message: str) -> None:
    """`message` across the middle of a figure (its `layout` spec) that has nothing to draw."""
    layout.setdefault("annotations", []).append(note(message, 0.5, 0.5, font={"size": 16}))


def note(text: str, x: Any, y: Any, xref: str = "paper", yref: str = "paper", **more: Any) -> Spec:
    """An annotation: `text` at (x, y), without an arrow."""
    return {"text": text, "showarrow": False, "x": x, "y": y, "xref": xref, "yref": yref, **more}


def band(x0: float, x1: float, fill: str, name: str, yref: str = "y domain") -> Spec:
    """A shape: the stretch `x0`-`x1` of the x axis shaded across the plot, under the data."""
    look = {"fillcolor": fill, "line": {"width": 0}, "layer": "below"}
    return {"type": "rect", **_across(x0, x1, yref), **look, "name": name}


def rule(x: float, line: Spec, name: str, yref: str = "y domain") -> Spec:
    """A shape: a vertical line at `x` across the plot."""
    return {"type": "line", **_across(x, x, yref), "line": line, "name": name}


def _across(x0: float, x1: float, yref: str) -> Spec:
    return {"x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1, "yref": yref}


def ring(trace: Spec, size: float, customdata: np.ndarray, pal: Palette) -> Spec:
    """The selected event's ring at the one point of `trace`, over a halo of the background."""
    return {
        **{key: value * 2 if isinstance(value, list) else value for key, value in trace.items()},
        "name": "Selected event",
        "mode": "markers",
        "marker": {
            "symbol": "circle-open",
            "size": [size, size],
            "color": [pal.ring_halo, pal.ring],
            "line": {"width": [6, 2.5]},
        },
        "customdata": np.concatenate([customdata, customdata]),
        "hoverinfo": "skip",
        "showlegend": False,
        "meta": {"kind": "selected"},
    }


def empty(layout: Spec, pal: Palette, message: str = NO_EVENTS) -> go.Figure:
    """A figure of nothing but `message` (and `layout`)."""
    return figure(empty_spec(layout, message), pal)


def empty_spec(layout: Spec, message: str = NO_EVENTS) -> Spec:
    """`empty` as a spec: `layout` gets the message and hides its axes."""
    say(layout, message)
    merge(layout, {"xaxis": {"visible": False}, "yaxis": {"visible": False}})
    return {"data": [], "layout": layout}


def heading(text: str) -> dict[str, Any]:
    return {"text": text, "x": 0, "xanchor": "left"}


def category_codes(df: pd.DataFrame, categories: list[str]) -> np.ndarray:
    """Each row's position in `categories` (-1 when not there), from the column's codes."""
    return df["category"].astype("category").cat.set_categories(categories).cat.codes.to_numpy()


def by_category(df: pd.DataFrame, key: np.ndarray, keys: int) -> pd.DataFrame:
    """Rows of `df` per `key` (0 to `keys` - 1) and category (columns that have rows)."""
    cats = list(schema.CATEGORIES)
    codes = category_codes(df, cats)
    known = codes >= 0
    grid = np.bincount(key[known] * len(cats) + codes[known], minlength=keys * len(cats))
    grid = grid.reshape(keys, len(cats))
    some = grid.sum(axis=0) > 0
    names = pd.Index([c for c, s in zip(cats, some, strict=True) if s], name="category")
    return pd.DataFrame(grid[:, some], columns=names)


def events_per_year(df: pd.DataFrame, pal: Palette = LIGHT) -> go.Figure:
    """Stacked bars: how many of the events start in each year, by category."""
    layout: Spec = {
        "title": heading("Events per year, by category (year each event starts)"),
        "height": 400,
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
    }
    if df.empty:
        return empty(layout, pal)
    year = df["start"].dt.year.to_numpy()
    first = int(year.min())
    counts = by_category(df, year - first, int(year.max()) - first + 1)
    counts.index += first
    # Only the years with such events: the browser still draws a zero-height bar.
    data: list[Spec] = [
        {
            "type": "bar",
            "name": schema.CATEGORIES[cat],
            "x": counts.index[counts[cat] > 0].to_numpy(),
            "y": counts[cat][counts[cat] > 0].to_numpy(),
            "marker": {"color": pal.category[cat]},
            "hovertemplate": "%{x}: %{y} " + schema.CATEGORIES[cat] + "<extra></extra>",
            "meta": {"category": cat},
        }
        for cat in counts.columns
    ]
    most = int(counts.sum(axis=1).max())
    pad = 0.5 + max(0, 12 - len(counts)) / 2  # a few years do not make one wide bar
    layout.update(
        barmode="stack",
        bargap=0.15,
        legend={"title": {"text": "Category"}, "traceorder": "normal"},
        xaxis={
            "title": {"text": "Year"},
            "tickformat": "d",
            "range": [counts.index[0] - pad, counts.index[-1] + pad],
        },
        yaxis={"title": {"text": "Events"}, "rangemode": "tozero", "dtick": max(1, -(-most // 6))},
    )
    return figure({"data": data, "layout": layout}, pal)
