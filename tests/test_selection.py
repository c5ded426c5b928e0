"""Selections from st.plotly_chart and st.dataframe, read back as an event, a country or a row."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import traces

from timeline import selection, timeline_chart


@pytest.mark.parametrize(
    ("picked", "event"),
    [
        (None, None),
        ({}, None),
        ({"selection": {"points": []}}, None),
        (
            {"selection": {"points": [{"curve_number": 1, "customdata": ["war-2020", "T"]}]}},
            "war-2020",
        ),
        ({"selection": {"points": [{"customdata": {"0": "war-2020", "1": "T"}}]}}, "war-2020"),
        ({"selection": {"points": [{"customdata": 22}]}}, None),
        ({"selection": {"points": [{"location": "ARM", "customdata": ["ARM", "Armenia"]}]}}, None),
        ({"selection": {"points": [{"point_index": 3}]}}, None),
    ],
)
def test_selected_event_id(picked, event):
    assert selection.selected_event_id(picked) == event


def test_selected_event_round_trips_through_the_figures_customdata(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample)
    trace = traces(fig, kind="point")[0]
    point = {"curve_number": 0, "point_index": 0, "customdata": list(trace.customdata[0])}
    assert selection.selected_event_id({"selection": {"points": [point]}}) == trace.customdata[0][0]


def test_selected_country_and_row():
    choropleth = {"selection": {"points": [{"location": "ARM", "z": 7}]}}
    assert selection.selected_country(choropleth) == "ARM"
    assert selection.selected_country({"selection": {"points": [{"customdata": ["x"]}]}}) is None
    assert selection.selected_row({"selection": {"rows": [4], "columns": []}}) == 4
    assert selection.selected_row({"selection": {"rows": []}}) is None
    assert selection.selected_row(None) is None
    # The events table selects cells: the row of the clicked cell.
    assert selection.selected_row({"selection": {"rows": [], "cells": [[3, "Title"]]}}) == 3
    assert selection.selected_row({"selection": {"rows": [], "cells": []}}) is None


def test_a_cluster_that_lists_its_events_is_read_as_a_list_not_an_event_or_a_zoom():
    box = {"selection": {"points": [{"customdata": ["list:a-1,b-2", "2 events: War"]}]}}
    assert selection.listed_events(box) == ["a-1", "b-2"]
    assert selection.listed_events({"selection": {"points": [{"customdata": {"0": "list:c"}}]}})
    assert selection.selected_event_id(box) is None and selection.selected_span(box) is None
    zoom = {"selection": {"points": [{"customdata": ["zoom:1992-01-01/1992-02-01", "x"]}]}}
    event = {"selection": {"points": [{"customdata": ["war-2020", "T"]}]}}
    assert selection.listed_events(zoom) is None and selection.listed_events(event) is None
    assert selection.listed_events(None) is None
