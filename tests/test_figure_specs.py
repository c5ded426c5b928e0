"""Every figure the app shows is a valid Plotly figure: the figures are built without Plotly's
validation (`figures.figure`), so these tests validate them, in both themes."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from helpers import SHIPPED, traces

from timeline import figures, maps, packing, relations, timeline_chart, views
from timeline.filters import FilterState, apply_filters, prepare
from timeline.io import read_events
from timeline.palette import DARK, LIGHT, Palette, for_page
from timeline.selection import selected_span


@cache
def shipped() -> pd.DataFrame:
    return prepare(read_events(SHIPPED))


@cache
def many() -> pd.DataFrame:
    """More events than the timeline draws one by one: the shipped ones again and again, each
    time a few days later, under new ids."""
    df = read_events(SHIPPED)
    times = -(-(timeline_chart.DETAIL_MAX + 1) // len(df))
    out = pd.concat([df] * times, ignore_index=True)
    shift = pd.to_timedelta(np.repeat(np.arange(times) * 3, len(df)), unit="D")
    out["start"], out["end"] = out["start"] + shift, out["end"] + shift
    out["id"] = [f"{i}-{k}" for k in range(times) for i in df["id"]]
    return out


def filtered(**state: object) -> pd.DataFrame:
    return apply_filters(shipped(), FilterState(**state))


def in_a_cluster() -> str:
    """An event the shipped timeline draws inside a cluster (not on its own)."""
    fig = timeline_chart.timeline(shipped())
    marks = [t for kind in ("ranged", "short-range", "point") for t in traces(fig, kind=kind)]
    drawn = {str(c[0]) for t in marks for c in t.customdata}
    return next(i for i in shipped()["id"] if i not in drawn)


def a_cluster_zoomed() -> packing.Stretch | None:
    """The window the timeline shows after a click on the shipped timeline's first cluster."""
    (clusters,) = traces(timeline_chart.timeline(shipped()), kind="cluster")
    click = {"selection": {"points": [{"customdata": list(clusters.customdata[0])}]}}
    return timeline_chart.timeline_window(selected_span(click), None)


ALONE = "1994-05-05-bishkek-protocol"  # drawn on its own on the shipped timeline

BUILDERS: dict[str, Callable[[Palette], go.Figure]] = {
    "timeline": lambda pal: timeline_chart.timeline(shipped(), pal=pal),
    "timeline, an event selected": lambda pal: timeline_chart.timeline(shipped(), ALONE, pal=pal),
    "timeline, an event in a cluster selected": lambda pal: timeline_chart.timeline(
        shipped(), in_a_cluster(), pal=pal
    ),
    "timeline, wars": lambda pal: timeline_chart.timeline(filtered(categories=("war",)), pal=pal),
    "timeline, 'oil'": lambda pal: timeline_chart.timeline(filtered(query="oil"), pal=pal),
    "timeline, 1991-2000": lambda pal: timeline_chart.timeline(
        filtered(years=(1991, 2000)),
        None,
        timeline_chart.timeline_window(None, (1991, 2000)),
        pal=pal,
    ),
    "timeline, a cluster zoomed": lambda pal: timeline_chart.timeline(
        shipped(), ALONE, a_cluster_zoomed(), pal=pal
    ),
    "timeline, nothing": lambda pal: timeline_chart.timeline(
        filtered(query="no such words"), pal=pal
    ),
    "timeline, density": lambda pal: timeline_chart.timeline(many(), many()["id"].iloc[7], pal=pal),
    "places": lambda pal: maps.places_map(shipped(), ALONE, pal=pal),
    "places, the world": lambda pal: maps.places_map(shipped(), None, world=True, pal=pal),
    "places, none located": lambda pal: maps.places_map(
        shipped()[shipped()["lat"].isna()], pal=pal
    ),
    "places, grid cells": lambda pal: maps.places_map(many(), pal=pal),
    "countries": lambda pal: maps.countries_map(shipped(), pal=pal),
    "countries, the world": lambda pal: maps.countries_map(shipped(), world=True, pal=pal),
    "countries, nothing": lambda pal: maps.countries_map(shipped().iloc[:0], pal=pal),
    "relations 1995": lambda pal: relations.relations_map(shipped(), 1995, pal=pal),
    "relations 1950": lambda pal: relations.relations_map(shipped(), 1950, pal=pal),
    "relations, nothing": lambda pal: relations.relations_map(
        filtered(categories=("agreement",)), 1995, pal=pal
    ),
    "relations played": lambda pal: relations.relations_map_animated(
        shipped(), None, 1995, pal=pal
    ),
    "relations played from 1950": lambda pal: relations.relations_map_animated(
        shipped(), [1919, 1950, 1995], 1950, pal=pal
    ),
    "relations by year": lambda pal: relations.relations_over_time(shipped(), 1995, pal=pal),
    "relations by year, 1950": lambda pal: relations.relations_over_time(shipped(), 1950, pal=pal),
}


# The charts of the views (`views.TABS`), each on every event and on none: a new chart view
# is checked here without an entry of its own.
TAB_CHARTS = [chart for view in views.TABS for chart in view.charts]
BUILDERS |= {
    f"{chart.key}{suffix}": lambda pal, build=chart.build, rows=rows: build(rows(), pal=pal)
    for chart in TAB_CHARTS
    for suffix, rows in (("", shipped), (", nothing", lambda: shipped().iloc[:0]))
}


def test_the_views_charts_are_checked():
    assert figures.events_per_year in [chart.build for chart in TAB_CHARTS]
    assert {"per_year_chart", "per_year_chart, nothing"} <= set(BUILDERS)


def validated(fig: go.Figure) -> go.Figure:
    """`fig` built again with Plotly's full validation: raises ValueError on any property
    Plotly does not know or value it does not take."""
    return go.Figure(fig.to_dict())


def assert_valid(fig: go.Figure) -> None:
    """`fig` passes Plotly's validation and comes out of it the same."""
    assert json.loads(pio.to_json(validated(fig))) == json.loads(pio.to_json(fig))


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_figure_is_valid_and_unchanged_by_validation(name, dark):
    assert_valid(BUILDERS[name](for_page(dark)))


def test_the_check_catches_a_property_plotly_does_not_know():
    fig = figures.figure({"data": [{"type": "scatter", "x": [1], "hovertemplat": "%{x}"}]}, LIGHT)
    with pytest.raises(ValueError, match="hovertemplat"):
        assert_valid(fig)
    fig = figures.figure({"data": [], "layout": {"xaxis": {"tickformat": "d", "sid": "top"}}}, DARK)
    with pytest.raises(ValueError, match="sid"):
        assert_valid(fig)


def test_the_check_catches_a_value_plotly_does_not_take():
    fig = figures.figure({"data": [{"type": "bar", "orientation": "sideways"}]}, LIGHT)
    with pytest.raises(ValueError, match="orientation"):
        assert_valid(fig)


def test_a_figure_is_built_unvalidated_and_reads_like_a_validated_one():
    """The app and the tests read traces' meta and customdata and the layout's meta."""
    fig = timeline_chart.timeline(shipped(), ALONE)
    assert not fig._validate  # the point of figures.figure
    (ring,) = traces(fig, kind="selected")
    assert ring.customdata[0][0] == ALONE
    assert timeline_chart.axis_of(fig) == timeline_chart.axis_of(validated(fig))
    assert [t.meta for t in fig.data] == [t.meta for t in validated(fig).data]


@pytest.mark.parametrize("name", ["timeline", "places", "relations 1995", "relations played"])
def test_a_figure_carries_no_theme_template(name):
    """The page draws every chart in Streamlit's theme itself: a copy of Plotly's or
    Streamlit's template in each figure would only be made, sent and parsed on every run."""
    import streamlit.elements.plotly_chart  # noqa: F401  (sets Streamlit's default template)

    assert pio.templates.default == "streamlit"
    for fig in (BUILDERS[name](LIGHT), BUILDERS[name](DARK)):
        assert fig.to_dict()["layout"]["template"] == figures.NO_TEMPLATE
