"""The relations figures: the map of a year's standings, the map animated and the counts by year
(traces, colours, hover, customdata, JSON size), on test_standing's hand-made table."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from helpers import APP, at, counter, event, table
from streamlit.testing.v1 import AppTest

from timeline import loading, relations, standing, ui
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


def frame_of(fig: go.Figure, year: int):
    """The frame of Play that shows `year`."""
    (frame,) = [f for f in fig.frames if year in years_of(f.name)]
    return frame


def years_of(label: str) -> range:
    """The years a frame's label names: "1993", or "1921–1990"."""
    first, _, last = label.partition("–")
    return range(int(first), int(last or first) + 1)


def test_the_animated_map(events):
    years = list(range(1918, 2021))
    fig = relations.relations_map_animated(events, years, 1995)
    assert json_size(fig) < 0.5 * MB
    # One frame per span of years with the same map: every year in one frame, in order.
    assert [y for f in fig.frames for y in years_of(f.name)] == years
    trace = standing_trace(fig)
    # A frame colours the same countries as the map of each of its years.
    for year in (1919, 1995, 2000, 2020):
        expected = at(events, year)["standing"].reindex(trace.locations)
        z = frame_of(fig, year).data[0].z
        assert [color_of(trace, v) for v in z] == [LIGHT.standing[s] for s in expected]
    assert len(frame_of(fig, 1950).data[0].z) == 0  # nothing drawn in the Soviet years
    assert relations.SOVIET_NOTE in [a.text for a in frame_of(fig, 1950).layout.annotations]
    # It opens at the year asked for; the slider and the play button run in the browser.
    opening = frame_of(fig, 1995)
    assert fig.layout.sliders[0].active == list(fig.frames).index(opening)
    assert fig.layout.title.text == f"Azerbaijan's relations in {opening.name}"
    assert np.array_equal(trace.z, opening.data[0].z)
    assert [b.method for b in fig.layout.updatemenus[0].buttons] == ["animate", "animate"]
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == [f.name for f in fig.frames]
    assert [list(s.args[0]) for s in steps] == [[f.name] for f in fig.frames]


def test_play_passes_over_the_years_in_which_the_map_does_not_change(events):
    fig = relations.relations_map_animated(events)
    names = [f.name for f in fig.frames]
    # The Soviet years are one frame, and so are other years without a change of the map.
    assert names[:5] == ["1918–1919", "1920", "1921–1990", "1991", "1992"]
    assert {"1999–2001", "2010–2015"} <= set(names) and len(names) == 23
    # No two frames in a row show the same map: colours, hovers and subtitle.
    shown = [(f.data[0].z, f.data[0].text, f.layout.title.subtitle.text) for f in fig.frames]
    assert all(a != b for a, b in itertools.pairwise(shown))
    # Within a frame, the map of each of its years is the same.
    for name in names:
        tables = [at(events, y).drop(columns="source_title") for y in years_of(name)]
        assert all(t.equals(tables[0]) for t in tables), name
    assert frame_of(fig, 1950).layout.title.text == "Azerbaijan's relations in 1921–1990"


def test_one_player_moves_the_map_and_the_counts_together(events):
    fig = relations.relations_map_animated(events, None, 1993)
    kinds = [(t.meta or {}).get("kind") for t in fig.data]
    marks = [i for i, kind in enumerate(kinds) if kind == "year"]
    # Each frame changes the map, Azerbaijan and the year's mark on both panels of counts.
    assert {"relations", "joined", "cumulative"} <= set(kinds) and len(marks) == 2
    assert {(fig.data[i].xaxis, fig.data[i].yaxis) for i in marks} == {("x", "y"), ("x2", "y2")}
    for frame in fig.frames:
        assert list(frame.traces) == [0, 1, *marks]
        first, last = years_of(frame.name)[0], years_of(frame.name)[-1]
        ends = [first, first, None] + ([last, last, None] if last != first else [])
        assert [list(d.x) for d in frame.data[2:]] == [ends, ends]
    # The panels' traces are not in the map's legend: their titles say what they count.
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == [t.name for t in fig.data if (t.meta or {}).get("kind") == "legend"]


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
    played = [y for f in relations.relations_map_animated(far).frames for y in years_of(f.name)]
    assert played == [*range(1918, 2038)]
    assert relations.relations_map_animated(hand).frames[-1].name.endswith("2020")


def test_a_span_joins_only_consecutive_years(hand):
    tables = standing.Rows(standing.relation_intervals(hand), hand).standings([1950, 1960, 1970])
    assert relations.play_spans(tables) == [range(1950, 1951), range(1960, 1961), range(1970, 1971)]
    assert [relations.span_label(s) for s in (range(1993, 1994), range(1921, 1991))] == [
        "1993",
        "1921–1990",
    ]


# --- the page: read from the whole table, whatever the filters (issue 25.2) --------------------


def relations_page(**query: str) -> AppTest:
    """The relations view of 1993 on the shipped table, with `query` in its address."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"view": "relations", "year": "1993", **query})
    return at.run()


def listed(at: AppTest):
    (listing,) = [d.value for d in at.main.dataframe if "Standing" in d.value.columns]
    return listing.set_index("ISO3")


def maps_of(at: AppTest) -> dict[str, go.Figure]:
    charts = [pio.from_json(c.proto.spec) for c in at.get("plotly_chart")]
    return {f.layout.title.text: f for f in charts if "relations" in f.layout.title.text}


@pytest.mark.parametrize("query", [{"country": "RUS"}, {"category": "agreement"}])
def test_the_filters_do_not_change_the_standings_of_a_year(monkeypatch, query):
    monkeypatch.delenv(loading.DATA_ENV, raising=False)
    whole, filtered = relations_page(), relations_page(**query)
    assert not whole.exception and not filtered.exception
    assert counter(filtered)[0] < counter(whole)[0]  # the filter holds on the page
    every, kept = listed(whole), listed(filtered)
    # Every country the table names, each with its standing, date and event as without filters.
    assert len(kept) == 124 and (kept["Standing"] == "Diplomatic relations").sum() == 76
    facts = ["Country", "Standing", "Since", "Set by", "Event id"]
    assert kept[facts].equals(every[facts])
    # The filters count the events shown, no more.
    assert (kept["Events shown"] <= every["Events shown"]).all()
    assert kept["Events shown"].sum() < every["Events shown"].sum()
    # The map and the counts are the whole table's too, and the page says so.
    assert maps_of(filtered).keys() == maps_of(whole).keys()
    for title, fig in maps_of(filtered).items():
        assert fig.to_json() == maps_of(whole)[title].to_json(), title
    assert any("filters do not change them" in m.value for m in filtered.markdown)
    (download,) = [b for b in filtered.get("download_button") if "1993" in b.proto.label]
    assert download.proto.label == "Download the countries of 1993 (CSV)"


def test_play_replaces_the_year_slider_and_keeps_its_year(monkeypatch):
    monkeypatch.delenv(loading.DATA_ENV, raising=False)
    at = relations_page()
    at.session_state[ui.K_PLAY] = True
    at = at.run()
    # One player: no slider of the page's, one figure (the map and the counts), no list.
    assert not at.main.slider
    assert not [d for d in at.main.dataframe if "Standing" in d.value.columns]
    (fig,) = maps_of(at).values()
    assert fig.frames and fig.layout.title.text == "Azerbaijan's relations in 1993"
    assert at.query_params["year"] == "1993"
    at.session_state[ui.K_PLAY] = False
    at = at.run()
    assert at.slider(key=ui.K_YEAR).value == 1993 and len(listed(at)) == 124
    # The list follows the year.
    at = at.slider(key=ui.K_YEAR).set_value(1950).run()
    assert set(listed(at)["Standing"]) == {standing.STANDING_LABELS["soviet"]}
    assert any(m.value == "##### The 124 countries the table names, in 1950" for m in at.markdown)
