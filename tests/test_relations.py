"""The relations figures: the map of a year's standings, the map animated and the counts by year
(traces, colours, hover, customdata, JSON size), on test_standing's hand-made table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from helpers import at, event, table

from timeline import relations, standing
from timeline.palette import LIGHT

XSS = "<img src=x onerror=alert(1)>"
MB = 1_000_000


# --- figures ----------------------------------------------------------------------------------


def standing_trace(fig: go.Figure):
    (trace,) = [t for t in fig.data if (t.meta or {}).get("kind") == "standing"]
    return trace


def color_of(trace, z: float) -> str:
    """The colour the stepped scale gives `z`."""
    position = (z - trace.zmin) / (trace.zmax - trace.zmin)
    for (lo, color), (hi, _) in zip(trace.colorscale[::2], trace.colorscale[1::2], strict=True):
        if lo <= position < hi:
            return color
    raise AssertionError(position)


def test_the_map_colours_each_country_by_its_standing(hand):
    fig = relations.relations_map(hand, 1995)
    trace = standing_trace(fig)
    assert trace.locationmode == "ISO-3"
    expected = at(hand, 1995)["standing"]
    colors = {c: color_of(trace, z) for c, z in zip(trace.locations, trace.z, strict=True)}
    assert colors == {c: LIGHT.standing[s] for c, s in expected.items()}
    assert colors["ARM"] == LIGHT.category["war"]
    assert len(set(colors.values())) == 4  # conflict, relations, recognised, none
    # The legend names every standing but "soviet", in its colour.
    legend = {t.name: t.marker.color for t in fig.data if (t.meta or {}).get("kind") == "legend"}
    labels = standing.STANDING_LABELS
    shown = {labels[code]: color for code, color in LIGHT.standing.items() if code != "soviet"}
    assert legend == shown | {relations.NOT_IN_TABLE: fig.layout.geo.landcolor}
    assert fig.layout.title.text == "Azerbaijan's relations in 1995"
    assert fig.layout.title.subtitle.text == "Diplomatic relations with 7 countries in the table"
    # Armenia in 1919: at war, and counted with the relations (as relations_by_year does).
    assert relations.relations_map(hand, 1919).layout.title.subtitle.text.endswith(
        "with 2 countries in the table"
    )
    one = hand[~hand["countries"].apply(lambda c: "ARM" in c)]
    assert relations.relations_map(one, 1919).layout.title.subtitle.text.endswith(
        "with 1 country in the table"
    )


def test_a_click_on_the_map_gives_the_country(hand):
    trace = standing_trace(relations.relations_map(hand, 1995))
    assert [c[0] for c in trace.customdata] == list(trace.locations)
    assert "FRA" in trace.locations


def test_the_map_hover_has_name_standing_date_and_source(hand):
    trace = standing_trace(relations.relations_map(hand, 1995))
    hover = dict(zip(trace.locations, trace.customdata, strict=True))
    assert hover["FRA"][1] == "France"
    assert "Diplomatic relations since 10 June 1995" in hover["FRA"][2]
    assert "Source: French MFA" in hover["FRA"][2]
    assert "customdata[2]" in trace.hovertemplate
    war = standing_trace(relations.relations_map(hand, 1919))
    arm_hover = dict(zip(war.locations, war.customdata, strict=True))["ARM"][2]
    assert "At war or in conflict" in arm_hover and "Diplomatic relations since 1918" in arm_hover


def test_the_map_hover_escapes_the_table_text():
    df = table(event("rel", "diplomatic_relations", "1992", "", "FRA", source=XSS))
    (custom,) = standing_trace(relations.relations_map(df, 2000)).customdata
    assert "<img" not in custom[2] and "&lt;img src=x onerror=alert(1)&gt;" in custom[2]


def test_the_map_in_the_soviet_years(hand):
    fig = relations.relations_map(hand, 1950)
    assert len(standing_trace(fig).locations) == 0
    assert relations.SOVIET_NOTE in [a.text for a in fig.layout.annotations]
    assert fig.layout.title.text == "Azerbaijan's relations in 1950"
    assert not fig.layout.title.subtitle.text  # the note across the map says it, once
    aze = next(t for t in fig.data if (t.meta or {}).get("kind") == "azerbaijan")
    assert list(aze.locations) == ["AZE"]
    assert not any(
        a.text == relations.SOVIET_NOTE
        for a in relations.relations_map(hand, 1992).layout.annotations
    )


def test_the_map_of_an_empty_table(hand):
    fig = relations.relations_map(hand.iloc[:0], 2000)
    assert len(standing_trace(fig).locations) == 0
    assert fig.layout.annotations


def test_relations_over_time(hand):
    fig = relations.relations_over_time(hand, 1995)
    kinds = {t.meta["kind"]: t for t in fig.data}
    line = kinds["relations"]
    assert dict(zip(line.x, line.y, strict=True))[1995] == 7
    assert dict(zip(line.x, line.y, strict=True))[1950] == 0
    bars = kinds["joined"]
    assert dict(zip(bars.x, bars.y, strict=True)) == {1992: 3, 2001: 2, 2006: 1}
    assert "OSCE, UN, UNGA" in bars.customdata[list(bars.x).index(1992)]
    marker = [s for s in fig.layout.shapes if s.name == "year"]
    assert len(marker) == 1 and marker[0].x0 == marker[0].x1 == 1995
    assert sum(s.name == "Soviet period" for s in fig.layout.shapes) == 2  # one per panel


def test_relations_over_time_marks_a_year_after_the_table(hand):
    fig = relations.relations_over_time(hand, 2030)
    assert fig.layout.xaxis.range[1] >= 2030


def json_size(fig: go.Figure) -> int:
    return len(fig.to_json().encode())


def test_figures_of_the_shipped_table_are_small(events):
    for year in (1919, 1950, 1995, 2020):
        assert json_size(relations.relations_map(events, year)) < 0.5 * MB
    assert json_size(relations.relations_over_time(events, 2020)) < 0.5 * MB


def test_the_animated_map(events):
    years = list(range(1918, 2021))
    fig = relations.relations_map_animated(events, years, 1995)
    assert json_size(fig) < 0.5 * MB
    assert [f.name for f in fig.frames] == [str(y) for y in years]
    trace = standing_trace(fig)
    frames = {int(f.name): f for f in fig.frames}
    # A frame colours the same countries as the map of its year.
    for year in (1919, 1995, 2020):
        expected = at(events, year)["standing"].reindex(trace.locations)
        z = frames[year].data[0].z
        assert [color_of(trace, v) for v in z] == [LIGHT.standing[s] for s in expected]
    assert len(frames[1950].data[0].z) == 0  # nothing drawn in the Soviet years
    assert relations.SOVIET_NOTE in [a.text for a in frames[1950].layout.annotations]
    # It opens at the year asked for; the slider and the play button run in the browser.
    assert fig.layout.sliders[0].active == years.index(1995)
    assert np.array_equal(trace.z, frames[1995].data[0].z)
    assert [b.method for b in fig.layout.updatemenus[0].buttons] == ["animate", "animate"]
    assert list(fig.layout.sliders[0].steps[0].args[0]) == ["1918"]


def test_each_frame_of_the_animated_map_shows_the_soviet_note_or_hides_it(events):
    """Plotly.animate changes only what a frame names: a frame without the note would leave
    the Soviet years' note over the map of 1991 and after."""
    fig = relations.relations_map_animated(events, [1919, 1950, 1990, 1991, 1995], 1995)
    for frame in fig.frames:
        (note,) = frame.layout.annotations
        assert note.text == relations.SOVIET_NOTE
        assert note.visible is standing.is_soviet_year(int(frame.name)), frame.name


def test_the_hover_of_a_recognition_names_its_date(hand):
    trace = standing_trace(relations.relations_map(hand, 1993))
    hover = dict(zip(trace.locations, trace.customdata, strict=True))
    assert hover["DEU"][2].startswith("Recognition: January 1992; no diplomatic relations")
    assert hover["LBY"][2].startswith("Diplomatic relations since 1993")
    assert hover["GBR"][2] == "No relations"  # 1920's recognition lapsed


def test_play_animates_play_years(hand):
    far = pd.concat([hand, table(event("far", "agreement", "2000", "2999", "JPN"))])
    played = [int(f.name) for f in relations.relations_map_animated(far).frames]
    assert played == [*range(1918, 2038)]
    assert [int(f.name) for f in relations.relations_map_animated(hand).frames][-1] == 2020
