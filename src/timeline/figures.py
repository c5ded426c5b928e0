"""What every figure of the dashboard shares: the spec a figure is written as and `figure()`
that makes it, the one escape of table text (`escape_text`), empty figures and titles, and the
events-per-year chart. The timeline is `timeline_chart`, the maps are `maps` and `relations`.

Text from the table is HTML-escaped (`escape_text`) before it reaches any text a figure draws:
Plotly renders tags there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from timeline import palette, schema

NO_EVENTS = "No events match the filters"
FONT = {"family": "sans-serif"}


def escape_text(text: str) -> str:
    """`text` safe in any text Plotly draws (labels, hover, annotations, names): `&`, `<` and
    `>` as entities, which Plotly decodes and shows literally; it would render tags. The one
    escape of every figure (`escape`, `escaped` and relations use it)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def escape(values: pd.Series) -> pd.Series:
    """`escape_text` of each value."""
    return pd.Series(escaped(values), index=values.index, dtype="string")


def escaped(values: pd.Series | np.ndarray) -> np.ndarray:
    """`escape` as an object array of str (missing values "")."""
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=object, na_value="")
    out = np.empty(len(values), dtype=object)
    out[:] = [escape_text("" if t is None else t if isinstance(t, str) else str(t)) for t in values]
    return out


Spec = dict[str, Any]  # a figure as plain data: {"data": [trace dicts], "layout": {...}}


# Plotly's "none" template, as Plotly writes it (so that validation leaves it as it is).
NO_TEMPLATE: Spec = {"data": {"scatter": [{"type": "scatter"}]}}


def figure(spec: Spec) -> go.Figure:
    """The Figure of `spec` (`{"data": [trace dicts, each with its "type"], "layout": {...}}`,
    and "frames" for an animation): every figure of the app is built as a spec and made here."""
    # Not validated: Plotly checks every property of every trace, shape and annotation against
    # its schema as it builds the objects, which cost most of a figure's build. The specs are
    # plain dicts written against that schema; tests/test_figure_specs.py builds every figure
    # the app shows with full validation and checks that it comes out the same.
    # An animation's frames are validated all the same: go.Figure does not pass `_validate`
    # on to them, and an unvalidated Frame cannot be read back (`frame.data` fails).
    # No template of Plotly's or Streamlit's: the page draws each chart in Streamlit's theme
    # itself (st.plotly_chart's theme="streamlit"), the same with it or without. Copied into
    # every figure, it was a tenth of the bytes sent per chart, and most of making a Figure.
    layout = spec.get("layout") or {}
    if "template" not in layout:
        spec = {**spec, "layout": {**layout, "template": NO_TEMPLATE}}
    return go.Figure(spec, _validate=False)


def say(layout: Spec, message: str) -> None:
    """`message` across the middle of a figure (its `layout` spec) that has nothing to draw."""
    layout.setdefault("annotations", []).append(
        {
            "text": message,
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "font": {"size": 16},
        }
    )


def empty(layout: Spec, message: str = NO_EVENTS) -> go.Figure:
    return figure(empty_spec(layout, message))


def empty_spec(layout: Spec, message: str = NO_EVENTS) -> Spec:
    say(layout, message)
    palette.merge(layout, {"xaxis": {"visible": False}, "yaxis": {"visible": False}})
    return {"data": [], "layout": layout}


def heading(text: str) -> dict[str, Any]:
    return {"text": text, "x": 0, "xanchor": "left"}


def category_codes(df: pd.DataFrame, categories: list[str]) -> np.ndarray:
    """Each row's position in `categories` (-1 when not there), from the category column's
    codes: a million rows of `.astype(str)` cost a quarter of a second on every rerun."""
    column = df["category"]
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype("category")
    return column.cat.set_categories(categories).cat.codes.to_numpy()


def events_per_year(df: pd.DataFrame) -> go.Figure:
    """Stacked bars: how many of the events start in each year, by category."""
    layout: Spec = {
        "title": heading("Events per year, by category (year each event starts)"),
        "height": 400,
        "font": dict(FONT),
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
    }
    if df.empty:
        return empty(layout)
    year = df["start"].dt.year.to_numpy()
    first, cats = int(year.min()), list(schema.CATEGORIES)
    years = np.arange(first, int(year.max()) + 1)
    codes = category_codes(df, cats)
    known = codes >= 0
    grid = np.bincount(
        (year[known] - first) * len(cats) + codes[known], minlength=len(years) * len(cats)
    ).reshape(len(years), len(cats))
    counts = pd.DataFrame(grid, index=years, columns=cats)
    counts = counts.loc[:, counts.sum(axis=0) > 0]
    data: list[Spec] = []
    for cat in [c for c in schema.CATEGORIES if c in counts.columns]:
        # Only the years that have such events: a zero-height bar is invisible, but the browser
        # still draws it (a century of years times the categories: most of the chart's work).
        some = counts[cat].to_numpy() > 0
        data.append(
            {
                "type": "bar",
                "name": schema.CATEGORIES[cat],
                "x": years[some],
                "y": counts[cat].to_numpy()[some],
                "marker": {"color": schema.CATEGORY_COLORS[cat]},
                "hovertemplate": "%{x}: %{y} " + schema.CATEGORIES[cat] + "<extra></extra>",
                "meta": {"category": cat},
            }
        )
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
        yaxis={
            "title": {"text": "Events"},
            "rangemode": "tozero",
            "dtick": max(1, -(-most // 6)),
        },
    )
    return figure({"data": data, "layout": layout})
