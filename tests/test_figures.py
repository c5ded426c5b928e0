"""Figures, tested through their Figure objects: traces, points, colours, hover text."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from helpers import SHIPPED, clustered, event, event_ids, table, traces

from timeline import figures, maps, packing, palette, schema, timeline_chart
from timeline.io import read_events
from timeline.selection import ZOOM_PREFIX, listed_events, selected_span

XSS = "<img src=x onerror=alert(1)>"


# --- timeline ---------------------------------------------------------------------------------


def test_timeline_draws_every_event_once(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample)
    drawn = event_ids(fig, kinds=("ranged", "point", "short-range"))
    assert sorted(drawn) == sorted(sample["id"])  # the sample is sparse: no cluster
    assert fig.layout.title.text


def test_the_shipped_table_draws_each_event_alone_or_in_one_cluster():
    shipped = read_events(SHIPPED)
    fig = timeline_chart.timeline(shipped)
    alone = event_ids(fig)
    assert len(alone) == len(set(alone))
    assert traces(fig, kind="cluster")  # 1992 is too crowded to draw one by one
    assert len(alone) + clustered(fig) == len(shipped)


def test_ranged_events_are_bars_and_others_markers(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample)
    bars = {c[0] for t in traces(fig, kind="ranged") for c in t.customdata}
    points = {c[0] for t in traces(fig, kind="point") for c in t.customdata}
    assert bars == {"armenian-azerbaijani-war", "karabakh-war-1988"}  # long enough to see
    assert "ceasefire-2020" in points and "bishkek-protocol" in points  # no end date
    assert all(t.type == "bar" and t.orientation == "h" for t in traces(fig, kind="ranged"))
    assert all(t.type == "scatter" and "markers" in t.mode for t in traces(fig, kind="point"))


def test_a_bar_spans_its_whole_period(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample[sample["id"] == "karabakh-war-1988"])
    (bar,) = traces(fig, kind="ranged")
    axis = timeline_chart.axis_of(fig)
    assert axis.time(bar.base[0]) == pd.Timestamp("1988-02-01")
    # 1988-02-01 to the end of 31 May 1994
    assert axis.time(bar.base[0] + bar.x[0]) == pd.Timestamp("1994-06-01")


def test_bars_too_short_to_see_are_squares_instead(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample)
    short = {c[0] for t in traces(fig, kind="short-range") for c in t.customdata}
    assert short == {"july-2020-clashes", "war-2020"}
    assert "war-2020" not in {c[0] for t in traces(fig, kind="ranged") for c in t.customdata}


def marks(fig: go.Figure) -> list[tuple[str, str, float]]:
    """(event id, colour, y) of every bar and marker on the timeline."""
    out = []
    for trace in (
        traces(fig, kind="ranged") + traces(fig, kind="short-range") + traces(fig, kind="point")
    ):
        colors = trace.marker.color
        for i, data in enumerate(trace.customdata):
            color = colors if isinstance(colors, str) else colors[i]
            out.append((str(data[0]), color, float(trace.y[i])))
    return out


def test_colours_come_from_the_schema(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample)
    category = sample.set_index("id")["category"].astype(str)
    drawn = marks(fig)
    assert len(drawn) == len(sample)
    for event_id, color, _ in drawn:
        assert color == palette.LIGHT.category[category[event_id]], event_id


def test_one_trace_per_kind_of_mark_not_per_category(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample, selected="bishkek-protocol")
    kinds = [(t.meta or {}).get("kind") for t in fig.data]
    titles = kinds.count("titles")  # on any plot, a wide plot's only, a narrow one's only
    assert 1 <= titles <= 3
    assert kinds == ["ranged", "short-range", "point", *["titles"] * titles, "selected"]


def lane_names(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations if (a.name or "").startswith("lane: ")]


def test_one_lane_per_category_in_schema_order_named_inside_the_plot(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample)
    names = lane_names(fig)
    assert names == [
        "Statehood",
        "War",
        "Clash",
        "Ceasefire",
        "Peace process",
        "Recognition",
        "Membership",
        "Scandal",
    ]
    assert fig.layout.yaxis.showticklabels is False  # the names take no width from the plot
    # Each mark lies between its lane's name and the next lane's name, lanes top to bottom.
    at = {a.text: a.y for a in fig.layout.annotations if (a.name or "").startswith("lane: ")}
    bounds = [at[n] for n in names] + [0.0]
    category = sample.set_index("id")["category"].astype(str)
    for event_id, _, y in marks(fig):
        i = names.index(schema.CATEGORIES[category[event_id]])
        assert bounds[i + 1] < y < bounds[i], event_id


def test_overlapping_events_in_a_lane_do_not_share_a_row():
    df = table(
        event("a", start="2000", end="2005"),
        event("b", start="2001", end="2003"),
        event("c", start="2002-05-01"),
        event("d", start="2002-05-01"),
    )
    ys = [y for _, _, y in marks(timeline_chart.timeline(df))]
    assert len(set(ys)) == 4


def test_a_crowded_lane_becomes_a_cluster_that_zooms_to_its_span():
    rows = [event(f"e{i}", start=f"1992-03-{1 + i:02d}") for i in range(20)]
    fig = timeline_chart.timeline(table(*rows, event("far", start="2015-06-01")))
    (cluster,) = traces(fig, kind="cluster")
    assert clustered(fig) + len(event_ids(fig)) == 21
    assert "far" in event_ids(fig)
    target = cluster.customdata[0][0]
    assert target.startswith(ZOOM_PREFIX)
    span = selected_span({"selection": {"points": [{"customdata": list(cluster.customdata[0])}]}})
    first, last = span
    assert first <= dt.date(1992, 3, 1) and last >= dt.date(1992, 3, 20)
    # Zoomed to its span, the cluster opens: every event is drawn on its own.
    zoomed = timeline_chart.timeline(
        table(*rows, event("far", start="2015-06-01")),
        window=(pd.Timestamp(first), pd.Timestamp(last)),
    )
    assert not traces(zoomed, kind="cluster")
    assert sorted(event_ids(zoomed)) == sorted(f"e{i}" for i in range(20))


def test_titles_are_written_beside_marks_with_room(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample[sample["id"] == "bishkek-protocol"])
    (titles,) = traces(fig, kind="titles")  # the same on a wide plot and a narrow one
    assert titles.text[0].strip() == sample.set_index("id").loc["bishkek-protocol", "title"]


def test_hover_shows_title_date_at_precision_category_and_countries(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample)
    data = {c[0]: list(c) for t in fig.data if t.customdata is not None for c in t.customdata}
    assert data["karabakh-war-1988"][1:5] == [
        "First Nagorno-Karabakh war",
        "February 1988 – May 1994",
        "War",
        "Armenia",
    ]
    assert data["bishkek-protocol"][2] == "May 1994"
    assert data["minsk-group"][2] == "1992"
    assert data["minsk-group"][4] == "Armenia, France, Russia, United States"
    assert data["ceasefire-2020"][2] == "10 November 2020"
    assert data["un-membership"][4] == "—"  # no other country
    assert all("%{customdata[1]}" in t.hovertemplate for t in fig.data if t.hovertemplate)


def test_hover_text_is_escaped():
    df = table(event("x", title=XSS, place=("<b>Baku</b> & co", 40.4, 49.9), countries="ARM"))
    fig = timeline_chart.timeline(df)
    for trace in fig.data:
        for cell in np.asarray(trace.customdata).ravel()[1:]:
            assert "<" not in str(cell) and ">" not in str(cell)
    first = fig.data[0].customdata[0]
    assert first[0] == "x"  # the id stays usable
    assert first[1] == "&lt;img src=x onerror=alert(1)&gt;"
    assert first[5] == "&lt;b&gt;Baku&lt;/b&gt; &amp; co"
    # The places map: one place, one event, its hover as the timeline's; and with a second
    # event there, the place's name and both titles in its list.
    for ids in (["x"], ["x", "y"]):
        both = table(*(event(i, title=XSS, place=("<b>Baku</b> & co", 40.4, 49.9)) for i in ids))
        (mark,) = place_marks(maps.places_map(both))
        assert mark["id"] in ids
        text = mark["hover"].replace("<b>", "").replace("</b>", "").replace("<br>", "")
        assert "<" not in text and ">" not in text
        assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert text.startswith("&lt;b&gt;Baku&lt;/b&gt; &amp; co · 2 events")


def test_statehood_bands_are_drawn_within_the_data(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample)
    names = [s.name for s in fig.layout.shapes if s.name != "cut"]
    assert names == ["Democratic Republic", "Soviet era", "Independence"]
    only_2020 = timeline_chart.timeline(sample[sample["start"].dt.year == 2020])
    assert [s.name for s in only_2020.layout.shapes] == ["Independence"]
    labels = [a.text for a in only_2020.layout.annotations if (a.name or "").startswith("band")]
    assert labels == ["Independence"]


def test_the_axis_is_labelled_in_years_and_a_box_selects_a_stretch_of_time(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample)
    axis = timeline_chart.axis_of(fig)
    years = [int(t) for t in fig.layout.xaxis.ticktext]
    assert years == sorted(years) and years[0] >= 1918 and years[-1] <= 2021
    for value, text in zip(fig.layout.xaxis.tickvals, fig.layout.xaxis.ticktext, strict=True):
        assert axis.time(value) == pd.Timestamp(f"{text}-01-01")
    assert fig.layout.selectdirection == "h" and fig.layout.xaxis.fixedrange is True
    assert not fig.layout.xaxis.rangeslider.visible


def test_a_window_sets_the_axis_and_leaves_out_what_is_outside(sample: pd.DataFrame):
    window = (pd.Timestamp("1988-01-01"), pd.Timestamp("1994-12-31"))
    fig = timeline_chart.timeline(sample, window=window)
    axis = timeline_chart.axis_of(fig)
    assert (axis.lo, axis.hi) == (window[0], pd.Timestamp("1995-01-01"))
    inside = sample[(sample["end"] >= window[0]) & (sample["start"] <= window[1])]
    assert sorted(event_ids(fig)) == sorted(inside["id"])
    assert "ceasefire-2020" not in event_ids(fig)


@pytest.mark.parametrize(
    "zoom, years, expected",
    [
        (None, None, None),
        (None, (1988, 1994), ("1988-01-01", "1994-12-31")),
        ((dt.date(1992, 3, 1), dt.date(1992, 6, 30)), None, ("1992-03-01", "1992-06-30")),
        ((dt.date(1990, 3, 1), dt.date(1999, 6, 30)), (1992, 1994), ("1992-01-01", "1994-12-31")),
        ((dt.date(1970, 1, 1), dt.date(1980, 1, 1)), (1992, 1994), ("1992-01-01", "1994-12-31")),
    ],
)
def test_the_timeline_window_is_the_zoom_within_the_years(zoom, years, expected):
    got = timeline_chart.timeline_window(zoom, years)
    assert got == (None if expected is None else tuple(pd.Timestamp(d) for d in expected))


def test_selected_event_is_ringed(sample: pd.DataFrame):
    fig = timeline_chart.timeline(sample, selected="bishkek-protocol")
    (ring,) = traces(fig, kind="selected")
    assert ring.customdata[0][0] == "bishkek-protocol"
    assert not traces(timeline_chart.timeline(sample, selected="not-there"), kind="selected")


def test_an_event_in_a_cluster_is_ringed_with_its_own_hover():
    """Only the marks drawn carry customdata; the selected event does too, in a cluster."""
    rows = [event(f"e{i}", title=f"War {i} <b>", start=f"1992-03-{1 + i:02d}") for i in range(20)]
    fig = timeline_chart.timeline(table(*rows, event("far", start="2015-06-01")), selected="e7")
    assert "e7" not in event_ids(fig)  # in the cluster
    (ring,) = traces(fig, kind="selected")
    assert [list(c[:3]) for c in ring.customdata] == [["e7", "War 7 &lt;b&gt;", "8 March 1992"]] * 2


def test_many_point_events_use_webgl(monkeypatch):
    monkeypatch.setattr(timeline_chart, "WEBGL_FROM", 30)
    rows = [event(f"e{i}", start=f"{1920 + i}-06-01") for i in range(30)]
    fig = timeline_chart.timeline(table(*rows))
    assert {t.type for t in traces(fig, kind="point")} == {"scattergl"}
    assert len(event_ids(fig)) == 30


@pytest.mark.parametrize(
    "build", [timeline_chart.timeline, maps.places_map, maps.countries_map, figures.events_per_year]
)
def test_empty_frames_give_a_titled_figure_with_a_message(sample: pd.DataFrame, build):
    fig = build(sample.iloc[:0])
    assert fig.layout.title.text
    assert not [t for t in fig.data if len(getattr(t, "customdata", None) or []) > 0]
    assert any("No events" in a.text for a in fig.layout.annotations)


# --- maps -------------------------------------------------------------------------------------


def place_marks(fig: go.Figure) -> list[dict]:
    """The places map's marks: position, count (printed on the mark, none for one event),
    size, hover text and the id a click selects."""
    return [
        {"lat": lat, "lon": lon, "events": int(text or 1), "size": size, "hover": hover,
         "id": str(custom[0]), "category": t.meta["category"]}
        for t in traces(fig, kind="places")
        for lat, lon, text, size, hover, custom in zip(
            t.lat, t.lon, t.text, t.marker.size, t.hovertext, t.customdata, strict=True
        )
    ]  # fmt: skip


def test_places_map_draws_one_mark_per_place_with_its_count(sample: pd.DataFrame):
    fig = maps.places_map(sample)
    located = sample[sample["lat"].notna()]
    assert (
        fig.layout.title.text == f"Places: {len(located)} of {len(sample)} events have a location"
    )
    drawn = place_marks(fig)
    places = located.groupby(["lat", "lon"]).size()
    assert len(drawn) == len(places) == len(located) - 1  # Baku has two events
    assert sorted(m["events"] for m in drawn) == sorted(places)
    (baku,) = [m for m in drawn if m["events"] == 2]
    assert (baku["lat"], baku["lon"]) == (40.4093, 49.8671)
    # A click selects the newest; the hover names the place and lists both, newest first.
    assert baku["id"] == "restored-independence"
    assert baku["hover"] == (
        "<b>Baku</b> · 2 events, newest first<br>18 October 1991 · Independence restored"
        "<br>28 April 1920 · Red Army enters Baku; Azerbaijan SSR proclaimed"
    )
    assert baku["size"] > max(m["size"] for m in drawn if m is not baku)
    # One event: its own hover, as on the timeline, and no count on the mark.
    (moscow,) = [m for m in drawn if m["id"] == "ceasefire-2020"]
    assert moscow["events"] == 1
    assert moscow["hover"] == (
        "<b>2020 Nagorno-Karabakh ceasefire agreement</b><br>10 November 2020<br>Ceasefire"
        "<br>Moscow"
    )
    for trace in traces(fig, kind="places"):
        assert trace.type == "scattergeo"
        assert trace.marker.color == palette.LIGHT.category[trace.meta["category"]]
    # Opens on the events' region, centred on it (a centre left at 0° would push the
    # Americas off the left edge); New York, one event of 11, is left out of it.
    lat_range, lon_range = fig.layout.geo.lataxis.range, fig.layout.geo.lonaxis.range
    assert lat_range[0] < located["lat"].min() < located["lat"].max() < lat_range[1]
    assert lon_range[0] < 7.7521 and lon_range[1] > 74.5698  # Strasbourg to Bishkek
    assert lon_range[0] > -73.968  # not New York
    assert fig.layout.geo.center.lon == pytest.approx(sum(lon_range) / 2)
    assert fig.layout.geo.projection.rotation.lon == pytest.approx(sum(lon_range) / 2)


def test_a_place_lists_ten_events_on_hover_then_counts_the_rest():
    df = table(*(event(f"e{i:02d}", start=str(1990 + i), title=f"Event {i}",
                       place=("Baku", 40.4093, 49.8671)) for i in range(25)),
               event("far", place=("Moscow", 55.7558, 37.6173)))  # fmt: skip
    fig = maps.places_map(df)
    (baku,) = [m for m in place_marks(fig) if m["events"] > 1]
    assert baku["events"] == 25 and baku["id"] == "e24"  # the newest
    lines = baku["hover"].split("<br>")
    assert lines[0] == "<b>Baku</b> · 25 events, newest first"
    assert lines[1:11] == [f"{2014 - i} · Event {24 - i}" for i in range(10)]
    assert lines[11:] == ["and 15 more"]
    assert len(place_marks(fig)) == 2


def test_a_long_title_is_cut_in_a_place_list():
    long = "A" * 100
    df = table(
        event("a", place=("P", 40, 49), title=long), event("b", place=("P", 40, 49), start="2001")
    )
    (mark,) = place_marks(maps.places_map(df))
    assert "A" * maps.HOVER_TITLE_MAX + "…" in mark["hover"] and long not in mark["hover"]


def test_the_selected_event_is_ringed_at_its_place(sample: pd.DataFrame):
    fig = maps.places_map(sample, selected="soviet-takeover")  # Baku's older event
    (ring,) = traces(fig, kind="selected")
    assert list(ring.lat) == [40.4093] * 2 and list(ring.lon) == [49.8671] * 2
    assert ring.customdata[0][0] == "soviet-takeover"
    assert list(ring.marker.color) == [palette.LIGHT.ring_halo, palette.LIGHT.ring]
    (baku,) = [m for m in place_marks(fig) if m["events"] == 2]
    assert ring.marker.size[0] > baku["size"]
    assert not traces(maps.places_map(sample, selected="not-there"), kind="selected")


def test_events_at_a_place_are_the_selected_events_neighbours_newest_first(sample):
    here = maps.events_at_place(sample, "soviet-takeover")
    assert here["id"].tolist() == ["restored-independence", "soviet-takeover"]
    assert maps.events_at_place(sample, "ceasefire-2020")["id"].tolist() == ["ceasefire-2020"]
    assert maps.events_at_place(sample, "war-2020").empty  # no place
    assert maps.events_at_place(sample, None).empty


def test_the_region_leaves_out_a_few_far_events_and_the_world_is_one_switch_away():
    near = [event(f"b{i}", place=("P", 40.4093, 49.8671)) for i in range(8)]
    near += [event(f"t{i}", place=("P", 41.7151, 44.8271)) for i in range(4)]
    near += [event(f"m{i}", place=("P", 55.7558, 37.6173)) for i in range(3)]
    df = table(*near, event("brazil", place=("P", -15.79, -47.88)))  # one event in Brasília
    fig = maps.places_map(df)
    (south, north), (west, east) = fig.layout.geo.lataxis.range, fig.layout.geo.lonaxis.range
    assert south < 40 and north > 55.7558 and west < 37.6 and east > 49.9  # Baku to Moscow
    assert south > -15.79 and west > -47.88  # not Brazil
    assert fig.layout.geo.projection.type == "equirectangular"
    world = maps.places_map(df, world=True)
    assert world.layout.geo.lataxis.range is None and world.layout.geo.lonaxis.range is None
    assert world.layout.geo.projection.type == "natural earth"
    assert len(place_marks(world)) == 4  # Brasília is drawn, only out of the region


def test_region_extent_counts_weights_and_keeps_the_maps_shape():
    lat, lon = [40.0, 41.0, -15.0], [49.0, 45.0, -48.0]
    # Unweighted, Brazil is one point of three (a third): it is in the region.
    (south, _), (west, _) = maps.region_extent(lat, lon)
    assert south < -15 and west < -48
    # Weighted by their events (20, 20, 1), it is not.
    (south, north), (west, east) = maps.region_extent(lat, lon, [20, 20, 1])
    assert south > -15 and west > -48
    assert south < 40 - maps.REGION_PAD + 1e-9 and north > 41 + maps.REGION_PAD - 1e-9
    assert (east - west) == pytest.approx((north - south) * maps.MAP_ASPECT)


def test_a_single_place_shows_a_region_around_it(sample: pd.DataFrame):
    fig = maps.places_map(sample[sample["id"] == "ceasefire-2020"])  # Moscow
    (south, north), (west, east) = fig.layout.geo.lataxis.range, fig.layout.geo.lonaxis.range
    assert north - south >= 24 - 1e-9 and east - west >= 24 * 1.8 - 1e-9
    assert south < 55.7558 < north and west < 37.6173 < east


def test_places_map_without_located_events(sample: pd.DataFrame):
    fig = maps.places_map(sample[sample["lat"].isna()])
    assert not fig.data
    assert "has a location" in fig.layout.annotations[0].text


def test_the_countries_map_opens_on_the_region_of_its_countries():
    df = table(*(event(f"a{i}", countries="ARM") for i in range(6)),
               *(event(f"g{i}", countries="GEO;TUR") for i in range(3)),
               event("br", countries="BRA"))  # fmt: skip
    centres = maps.country_centroids()
    assert {"ARM", "GEO", "TUR", "BRA"} <= set(centres)  # from the app's own base map
    fig = maps.countries_map(df)
    (south, north), (west, east) = fig.layout.geo.lataxis.range, fig.layout.geo.lonaxis.range
    for country in ("ARM", "GEO", "TUR"):
        lat, lon = centres[country]
        assert south < lat < north and west < lon < east
    lat, lon = centres["BRA"]
    assert not (south < lat < north and west < lon < east)
    assert east - west < 90  # Armenia is more than a few pixels wide
    world = maps.countries_map(df, world=True)
    assert world.layout.geo.lonaxis.range is None and world.layout.geo.lataxis.range is None


def test_countries_map_counts_events_per_country_with_breakdown(sample: pd.DataFrame):
    fig = maps.countries_map(sample)
    counts, aze = fig.data
    assert counts.type == "choropleth" and counts.locationmode == "ISO-3"
    by_country = dict(zip(counts.locations, counts.z, strict=True))
    assert by_country == {"ARM": 7, "RUS": 4, "USA": 2, "FRA": 1, "ITA": 1, "TUR": 1}
    hover = {c[0]: c[2] for c in counts.customdata}
    assert hover["ARM"] == "War: 3<br>Clash: 1<br>Ceasefire: 2<br>Peace process: 1"
    assert hover["TUR"] == "War: 1"
    assert {c[0]: c[1] for c in counts.customdata}["USA"] == "United States"
    assert list(aze.locations) == ["AZE"]


def test_country_counts_table(sample: pd.DataFrame):
    counts = maps.country_counts(sample)
    assert counts.loc["ARM", "total"] == 7
    assert counts.loc["RUS", "ceasefire"] == 2
    assert list(counts.columns)[-1] == "total"


# --- events per year --------------------------------------------------------------------------


def test_events_per_year_stacks_counts_by_category(sample: pd.DataFrame):
    fig = figures.events_per_year(sample)
    assert fig.layout.barmode == "stack"
    totals: dict[int, int] = {}
    for trace in fig.data:
        assert trace.marker.color == palette.LIGHT.category[trace.meta["category"]]
        for x, y in zip(trace.x, trace.y, strict=True):
            totals[int(x)] = totals.get(int(x), 0) + int(y)
    assert sum(totals.values()) == len(sample)
    assert totals[2020] == 3 and totals[1992] == 2 and 1950 not in totals
    assert min(totals) == 1918 and max(totals) == 2020


def test_events_per_year_draws_no_empty_bars_but_keeps_every_year_on_the_axis(
    sample: pd.DataFrame,
):
    fig = figures.events_per_year(sample)
    assert all(y > 0 for trace in fig.data for y in trace.y)
    assert sum(len(trace.x) for trace in fig.data) < 2 * len(sample)
    lo, hi = fig.layout.xaxis.range
    assert lo < 1918 < 2020 < hi


# --- the axis goes to the events ----------------------------------------------------------------


def test_a_long_stretch_without_events_is_cut_out_of_the_time_axis():
    df = table(event("a", start="1918-05-28"), event("b", start="1919", end="1920"),
               event("c", start="1988-02-20"), event("d", start="1991-10-18"))  # fmt: skip
    (cut,) = packing.quiet_stretches(df)
    assert cut == (pd.Timestamp("1921-01-01") + pd.Timedelta(days=366),
                   pd.Timestamp("1988-02-20") - pd.Timedelta(days=366))  # fmt: skip
    fig = timeline_chart.timeline(df)
    assert timeline_chart.axis_of(fig).cuts == (cut,)
    assert [s.name for s in fig.layout.shapes].count("cut") == 1  # a dotted line marks it


@pytest.mark.parametrize(
    "rows",
    [
        [("a", "1980", ""), ("b", "1991", "")],  # 11 years apart: not cut
        [("a", "1918", "1991"), ("b", "1950", ""), ("c", "1995", "")],  # a period spans it
        [("a", "2000", "")],
    ],
)
def test_no_cut_where_events_are_close_or_a_period_spans_the_gap(rows):
    df = table(*(event(i, start=s, end=e) for i, s, e in rows))
    assert packing.quiet_stretches(df) == []
    assert timeline_chart.axis_of(timeline_chart.timeline(df)).cuts == ()


@pytest.mark.parametrize("dark", [False, True])
def test_the_selection_ring_is_the_themes_ring_over_its_halo(sample: pd.DataFrame, dark: bool):
    p = palette.for_page(dark)
    fig = timeline_chart.timeline(sample, "ceasefire-2020", pal=p)
    (ring,) = traces(fig, kind="selected")
    assert list(ring.marker.color) == [p.ring_halo, p.ring]


def test_the_countries_map_says_1_event_not_1_events():
    df = table(event("a", countries="ARM"), event("b", countries="ARM;TUR"))
    fig = maps.countries_map(df)
    counted = {c[0]: c[3] for c in fig.data[0].customdata}
    assert counted == {"ARM": "2 events", "TUR": "1 event"}
    assert "%{customdata[3]}" in fig.data[0].hovertemplate and "%{z} events" not in (
        fig.data[0].hovertemplate
    )


def test_a_box_of_events_on_one_day_lists_them_and_another_zooms_in():
    """Issue 25.1: zooming cannot part events that share a day: their box lists them."""
    same_day = [event(f"d{i}", "recognition", "1991-12-31") for i in range(5)]
    days_apart = [event(f"j{i}", "recognition", f"1992-06-{15 + i % 4:02d}") for i in range(6)]
    fig = timeline_chart.timeline(table(*same_day, *days_apart))
    (boxes,) = traces(fig, kind="cluster")
    clicks = {c[0].split(":")[0]: c for c in boxes.customdata}
    assert sorted(clicks) == ["list", "zoom"]
    click = {"selection": {"points": [{"customdata": list(clicks["list"])}]}}
    assert sorted(listed_events(click)) == [f"d{i}" for i in range(5)]
    assert selected_span(click) is None and clicks["list"][4] == "Click to list them"
    assert clicks["zoom"][0] == "zoom:1992-06-15/1992-06-18"
    assert clicks["zoom"][4] == "Click to zoom in" and "%{customdata[4]}" in boxes.hovertemplate
    # A box as wide as the window shown lists its events too: zooming would change nothing.
    day = pd.Timestamp("1992-06-15"), pd.Timestamp("1992-06-18")
    assert timeline_chart._click(*day, np.array(["a", "b"]), day)[0] == "list:a,b"


def test_a_zoom_leaves_out_an_event_dated_to_a_month_whose_mark_is_outside_it():
    """A month-precise event is drawn on its first day: a window after that day leaves it out
    rather than drawing it (or a box holding it) left of the plot."""
    rows = [event("m", "recognition", "1991-12"), event("d", "recognition", "1991-12-26")]
    window = (pd.Timestamp("1991-12-20"), pd.Timestamp("1991-12-31"))
    fig = timeline_chart.timeline(table(*rows), window=window)
    assert event_ids(fig) == ["d"] and not traces(fig, kind="cluster")
    assert "m" in event_ids(timeline_chart.timeline(table(*rows)))
