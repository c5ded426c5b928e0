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
from theme import themed

from timeline import figures, maps, packing, relations, timeline_chart
from timeline.filters import FilterState, apply_filters, prepare
from timeline.io import read_events
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

BUILDERS: dict[str, Callable[[], go.Figure]] = {
    "timeline": lambda: timeline_chart.timeline(shipped()),
    "timeline, an event selected": lambda: timeline_chart.timeline(shipped(), ALONE),
    "timeline, an event in a cluster selected": lambda: timeline_chart.timeline(
        shipped(), in_a_cluster()
    ),
    "timeline, wars": lambda: timeline_chart.timeline(filtered(categories=("war",))),
    "timeline, 'oil'": lambda: timeline_chart.timeline(filtered(query="oil")),
    "timeline, 1991-2000": lambda: timeline_chart.timeline(
        filtered(years=(1991, 2000)), None, timeline_chart.timeline_window(None, (1991, 2000))
    ),
    "timeline, a cluster zoomed": lambda: timeline_chart.timeline(
        shipped(), ALONE, a_cluster_zoomed()
    ),
    "timeline, nothing": lambda: timeline_chart.timeline(filtered(query="no such words")),
    "timeline, density": lambda: timeline_chart.timeline(many(), many()["id"].iloc[7]),
    "places": lambda: maps.places_map(shipped(), ALONE),
    "places, the world": lambda: maps.places_map(shipped(), None, world=True),
    "places, none located": lambda: maps.places_map(shipped()[shipped()["lat"].isna()]),
    "places, grid cells": lambda: maps.places_map(many()),
    "countries": lambda: maps.countries_map(shipped()),
    "countries, the world": lambda: maps.countries_map(shipped(), world=True),
    "countries, nothing": lambda: maps.countries_map(shipped().iloc[:0]),
    "per year": lambda: figures.events_per_year(shipped()),
    "per year, nothing": lambda: figures.events_per_year(shipped().iloc[:0]),
    "relations 1995": lambda: relations.relations_map(shipped(), 1995),
    "relations 1950": lambda: relations.relations_map(shipped(), 1950),
    "relations, nothing": lambda: relations.relations_map(
        filtered(categories=("agreement",)), 1995
    ),
    "relations played": lambda: relations.relations_map_animated(shipped(), None, 1995),
    "relations played from 1950": lambda: relations.relations_map_animated(
        shipped(), [1919, 1950, 1995], 1950
    ),
    "relations by year": lambda: relations.relations_over_time(shipped(), 1995),
    "relations by year, 1950": lambda: relations.relations_over_time(shipped(), 1950),
}


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
    assert_valid(themed(BUILDERS[name](), dark))


def test_the_check_catches_a_property_plotly_does_not_know():
    fig = figures.figure({"data": [{"type": "scatter", "x": [1], "hovertemplat": "%{x}"}]})
    with pytest.raises(ValueError, match="hovertemplat"):
        assert_valid(fig)
    fig = figures.figure({"data": [], "layout": {"xaxis": {"tickformat": "d", "sid": "top"}}})
    with pytest.raises(ValueError, match="sid"):
        assert_valid(themed(fig, dark=True))


def test_the_check_catches_a_value_plotly_does_not_take():
    fig = figures.figure({"data": [{"type": "bar", "orientation": "sideways"}]})
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
    for fig in (BUILDERS[name](), themed(BUILDERS[name](), dark=True)):
        assert fig.to_dict()["layout"]["template"] == figures.NO_TEMPLATE
