"""Relations over time: standings by year on a hand-made table with known dates, the counts by
year, and the figures (traces, colours, hover, customdata, JSON size)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from helpers import HEADER

from timeline import relations, schema
from timeline.filters import FilterState, apply_filters, prepare
from timeline.io import read_events
from timeline.relations import relations_by_year, standing_by_year

EVENTS = Path(__file__).parents[1] / "data" / "events.csv"
XSS = "<img src=x onerror=alert(1)>"
MB = 1_000_000


def row(id_, category, start, end="", countries="", orgs="", source="Src"):
    return (
        f"{id_},T {id_},{category},{start},{end},{countries},{orgs},security,,,,"
        f'Desc,"{source}",https://example.org/{id_}'
    )


def table(*rows: str) -> pd.DataFrame:
    return read_events(io.BytesIO((HEADER + "\n" + "\n".join(rows) + "\n").encode()), name="t.csv")


ROWS = (
    # The First Republic: a war with Armenia while relations existed; relations with the USA.
    row("war-1918", "war", "1918", "1920", "ARM", source="War source"),
    row("rel-arm-1918", "diplomatic_relations", "1918", "1921", "ARM"),
    row("rel-usa-1919", "diplomatic_relations", "1919-05-28", "", "USA"),
    row("rec-allies-1920", "recognition", "1920-01", "", "GBR;FRA"),
    # Independence again: the war that began in Soviet times, clashes, the 2020 war.
    row("war-1988", "war", "1988-02-20", "1994-05-12", "ARM"),
    row("clash-2016", "clash", "2016-04-01", "2016-04-05", "ARM"),
    row("clash-2020", "clash", "2020-07-12", "2020-07", "ARM"),
    row("war-2020", "war", "2020-09-27", "2020-11-10", "ARM;TUR;RUS"),
    row("strike-2020", "war", "2020-10-04", "", "ARM"),
    row("rec-fra", "recognition", "1991-12-31", "", "FRA"),
    row("rel-fra", "diplomatic_relations", "1995-06-10", "", "FRA", source="French MFA"),
    row("rec-deu", "recognition", "1992-01", "", "DEU"),
    row("rel-usa-1992", "diplomatic_relations", "1992-02-19", "", "USA", source="State Dept"),
    row("embassy-usa", "diplomatic_relations", "1992-03-16", "", "USA"),
    row("rel-tur", "diplomatic_relations", "1992-01-14", "", "TUR"),
    row("rel-rus", "diplomatic_relations", "1992-04-04", "", "RUS"),
    row("rel-lby", "diplomatic_relations", "1993", "2005-06", "LBY"),
    row("rel-blr", "diplomatic_relations", "1991-11", "", "BLR"),
    row("rel-ukr-1985", "diplomatic_relations", "1985", "", "UKR"),
    row("agreement-jpn", "agreement", "2000", "", "JPN"),
    row("un", "membership", "1992-03-02", "", "", "UN;UNGA"),
    row("osce", "membership", "1992-01-30", "", "", "OSCE"),
    row("coe", "membership", "2001-01-25", "", "ARM", "CoE;PACE"),
    row("un-again", "membership", "2006-05-09", "", "", "UN;UNHRC"),
)


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    return table(*ROWS)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return read_events(EVENTS)


def at(df: pd.DataFrame, year: int) -> pd.DataFrame:
    return standing_by_year(df, year).set_index("country")


# --- standing_by_year -------------------------------------------------------------------------


def test_one_row_per_country_the_relation_rows_name(hand):
    got = standing_by_year(hand, 2000)
    assert list(got.columns) == list(relations.COLUMNS)
    # JPN is only on an agreement; memberships list countries but are not relations.
    assert got["country"].tolist() == sorted(
        ["ARM", "USA", "GBR", "FRA", "DEU", "TUR", "RUS", "LBY", "BLR", "UKR"]
    )
    assert got.loc[got["country"] == "DEU", "name"].item() == "Germany"
    assert set(got["standing"]) <= set(relations.STANDINGS)


def test_a_country_before_and_after_its_relations_date(hand):
    assert at(hand, 1994).loc["FRA", "standing"] == "recognised"
    assert at(hand, 1994).loc["FRA", "since"] == "1991-12-31"
    after = at(hand, 1995).loc["FRA"]
    assert after["standing"] == "relations"
    assert after["since"] == after["relations_since"] == "1995-06-10"
    assert after["event_id"] == "rel-fra"
    assert after["source_title"] == "French MFA"
    assert after["source_url"] == "https://example.org/rel-fra"
    # Before its recognition (and in its year, the independent months of 1991 count).
    assert at(hand, 1991).loc["FRA", "standing"] == "recognised"
    assert at(hand, 1991).loc["DEU", "standing"] == "none"
    assert at(hand, 1991).loc["DEU", "since"] == ""


def test_relations_date_is_the_first_row_of_relations(hand):
    usa = at(hand, 2000).loc["USA"]
    assert (usa["standing"], usa["since"], usa["event_id"]) == (
        "relations",
        "1992-02-19",
        "rel-usa-1992",
    )
    assert usa["source_title"] == "State Dept"


def test_armenia_in_1919_is_at_war_though_relations_existed(hand):
    arm = at(hand, 1919).loc["ARM"]
    assert arm["standing"] == "conflict"
    assert arm["event_id"] == "war-1918"
    assert arm["source_title"] == "War source"
    assert arm["relations_since"] == "1918"


@pytest.mark.parametrize("year", [1992, 1994, 1995, 2007, 2016, 2019, 2020])
def test_armenia_after_1991_is_in_conflict(hand, year):
    assert at(hand, year).loc["ARM", "standing"] == "conflict"
    assert at(hand, year).loc["ARM", "relations_since"] == ""


def test_the_conflict_cites_the_fighting_of_the_year_or_the_war_that_opened_it(hand):
    assert at(hand, 1993).loc["ARM", "event_id"] == "war-1988"
    assert at(hand, 2010).loc["ARM", "event_id"] == "war-1988"  # no fighting: the opening war
    assert at(hand, 2016).loc["ARM", "event_id"] == "clash-2016"
    # The year's war before its (earlier) clash and before a strike in that war.
    assert at(hand, 2020).loc["ARM", "event_id"] == "war-2020"


def test_a_war_naming_several_countries_does_not_make_them_enemies(hand):
    # Turkey and Russia are on the 2020 war's row (as ally and mediator), with relations.
    assert at(hand, 2020).loc["TUR", "standing"] == "relations"
    assert at(hand, 2020).loc["RUS", "standing"] == "relations"


def test_a_conflict_ends_with_relations(hand):
    peace = table(
        row("war", "war", "1992", "1993", "ARM"),
        row("rel", "diplomatic_relations", "2010-05-01", "", "ARM"),
    )
    assert [at(peace, y).loc["ARM", "standing"] for y in (1992, 1999, 2009, 2010, 2011)] == [
        "conflict",
        "conflict",
        "conflict",
        "relations",
        "relations",
    ]


@pytest.mark.parametrize("year", [1921, 1940, 1988, 1990])
def test_soviet_years_say_so(hand, year):
    got = standing_by_year(hand, year)
    assert relations.is_soviet_year(year)
    assert len(got) == 10
    assert set(got["standing"]) == {"soviet"}
    assert set(got["since"]) == {""}


def test_the_soviet_period_and_its_edges():
    assert (pd.Timestamp("1920-04-28"), pd.Timestamp("1991-10-18")) == relations.SOVIET_PERIOD
    assert range(1921, 1991) == relations.SOVIET_YEARS
    assert not relations.is_soviet_year(1920)
    assert not relations.is_soviet_year(1991)


def test_1920_shows_its_independent_months(hand):
    got = at(hand, 1920)
    assert got.loc["ARM", "standing"] == "conflict"
    assert got.loc["GBR", "standing"] == "recognised"
    assert got.loc["USA", "since"] == "1919-05-28"


def test_relations_lapse_with_the_state(hand):
    # 1919's relations with the USA do not run on after the Soviet takeover of 1920.
    assert at(hand, 1991).loc["USA", "standing"] == "none"
    assert at(hand, 1992).loc["USA", "since"] == "1992-02-19"
    # The 1920 de facto recognition by Britain ends with the state too.
    assert at(hand, 1992).loc["GBR", "standing"] == "none"


def test_rows_of_the_soviet_years_count_from_independence(hand):
    # Dated 1985 (no relations of its own then): counted from 18 October 1991.
    assert at(hand, 1991).loc["UKR", "standing"] == "relations"
    assert at(hand, 1991).loc["UKR", "since"] == "1985"
    assert at(hand, 1991).loc["BLR", "standing"] == "relations"  # "1991-11": 1 November


def test_relations_end_after_their_end_date(hand):
    assert at(hand, 2005).loc["LBY", "standing"] == "relations"  # until June 2005
    assert at(hand, 2006).loc["LBY", "standing"] == "none"
    with_recognition = table(*ROWS, row("rec-lby", "recognition", "1992", "", "LBY"))
    assert at(with_recognition, 2006).loc["LBY", "standing"] == "recognised"


def test_recognition_without_relations(hand):
    for year in (1992, 2020):
        deu = at(hand, year).loc["DEU"]
        assert (deu["standing"], deu["since"], deu["event_id"]) == (
            "recognised",
            "1992-01",
            "rec-deu",
        )


def test_dates_count_from_the_first_day_of_their_period():
    df = table(
        row("rel-year", "diplomatic_relations", "1995", "", "MLT"),
        row("rel-month", "diplomatic_relations", "1995-12", "", "LAO"),
        row("rel-day", "diplomatic_relations", "1996-01-01", "", "NPL"),
    )
    assert at(df, 1995)["standing"].to_dict() == {
        "LAO": "relations",
        "MLT": "relations",
        "NPL": "none",
    }


def test_the_filters_apply_first(hand):
    prepared = prepare(hand)
    only_recognitions = apply_filters(prepared, FilterState(categories=("recognition",)))
    got = at(only_recognitions, 1995)
    assert got.loc["FRA", "standing"] == "recognised"  # the relations row is filtered out
    assert "ARM" not in got.index
    only_armenia = apply_filters(prepared, FilterState(countries=("ARM",)))
    # The 2020 war row names TUR and RUS too; alone on no relation row, they are not drawn.
    assert standing_by_year(only_armenia, 2020)["country"].tolist() == ["ARM"]


def test_an_empty_table(hand):
    empty = hand.iloc[:0]
    got = standing_by_year(empty, 2000)
    assert got.empty and list(got.columns) == list(relations.COLUMNS)
    assert standing_by_year(empty, 1950).empty
    counts = relations_by_year(empty)
    assert counts.index.tolist() == [1918] and counts["relations"].tolist() == [0]
    assert relations.memberships_by_year(empty)["joined"].sum() == 0
    no_relation_rows = table(row("a", "agreement", "2000", "", "JPN"))
    assert standing_by_year(no_relation_rows, 2000).empty


# --- counts by year ---------------------------------------------------------------------------


def test_relations_by_year(hand):
    counts = relations_by_year(hand, 2020)
    assert counts.index[0] == 1918 and counts.index[-1] == 2020
    expected = {
        1918: 1,  # ARM
        1919: 2,  # ARM, USA
        1920: 2,
        1921: 0,  # Soviet
        1950: 0,
        1991: 2,  # BLR, UKR
        1992: 5,  # + USA (two rows, counted once), TUR, RUS
        1993: 6,  # + LBY
        1995: 7,  # + FRA
        2005: 7,
        2006: 6,  # LBY ended
        2020: 6,
    }
    assert {y: int(counts.loc[y, "relations"]) for y in expected} == expected
    assert counts.loc[1950, "soviet"] and not counts.loc[1991, "soviet"]


def test_relations_by_year_agrees_with_standing_by_year(events):
    counts = relations_by_year(events)
    for year in [*range(1918, 1923), *range(1989, int(counts.index[-1]) + 1)]:
        standing = standing_by_year(events, year)
        assert counts.loc[year, "relations"] == (standing["relations_since"] != "").sum(), year


def test_memberships_by_year(hand):
    got = relations.memberships_by_year(hand, 2010)
    assert got.loc[1992, "joined"] == 3
    assert got.loc[1992, "organizations"] == "OSCE, UN, UNGA"
    assert got.loc[2001, "organizations"] == "CoE, PACE"
    assert got.loc[2006, "organizations"] == "UNHRC"  # UN was joined in 1992 already
    assert got.loc[2010, "cumulative"] == 6
    assert got["joined"].sum() == 6


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
    assert colors == {c: relations.STANDINGS[s][1] for c, s in expected.items()}
    assert colors["ARM"] == schema.CATEGORY_COLORS["war"]
    assert len(set(colors.values())) == 4  # conflict, relations, recognised, none
    # The legend names every standing but "soviet", in its colour.
    legend = {t.name: t.marker.color for t in fig.data if (t.meta or {}).get("kind") == "legend"}
    shown = {label: color for code, (label, color) in relations.STANDINGS.items()
             if code != "soviet"}  # fmt: skip
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
    df = table(row("rel", "diplomatic_relations", "1992", "", "FRA", source=XSS))
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
        assert [color_of(trace, v) for v in z] == [relations.STANDINGS[s][1] for s in expected]
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
        assert note.visible is relations.is_soviet_year(int(frame.name)), frame.name


def test_a_table_repeated_many_times_gives_the_same_picture(hand):
    # Repeated rows (and 100,000 rows of other categories) change nothing: each country counts
    # once, and only the relation rows are read.
    filler = hand[hand["category"] == "membership"]
    many = pd.concat([hand] * 200 + [filler] * 25_000, ignore_index=True)
    assert len(many) > 100_000
    for year in (1919, 1950, 1995, 2006, 2020):
        pd.testing.assert_frame_equal(standing_by_year(many, year), standing_by_year(hand, year))
    pd.testing.assert_frame_equal(relations_by_year(many), relations_by_year(hand))
    mine = relations.memberships_by_year(many)
    pd.testing.assert_frame_equal(mine, relations.memberships_by_year(hand))


def test_the_hover_of_a_recognition_names_its_date(hand):
    trace = standing_trace(relations.relations_map(hand, 1993))
    hover = dict(zip(trace.locations, trace.customdata, strict=True))
    assert hover["DEU"][2].startswith("Recognition: January 1992; no diplomatic relations")
    assert hover["LBY"][2].startswith("Diplomatic relations since 1993")
    assert hover["GBR"][2] == "No relations"  # 1920's recognition lapsed


# --- the computation against a plain reading of its rules --------------------------------------


def plain_intervals(df: pd.DataFrame) -> pd.DataFrame:
    """`relation_intervals` read row by row: a pair per (relation row, country it names)."""
    taken, back = relations.SOVIET_PERIOD
    pairs = []
    for pos, r in enumerate(df.itertuples(index=False)):
        if r.category not in relations.RELATION_CATEGORIES:
            continue
        lo, hi = r.start, r.end
        if r.end_date == "" and r.category in ("diplomatic_relations", "recognition"):
            hi = relations._NEVER
        period = int(lo >= taken)
        lo, hi = (max(lo, back), hi) if period else (lo, min(hi, taken - pd.Timedelta(days=1)))
        if lo <= hi:
            alone = len(r.countries) == 1
            pairs += [(pos, c, r.category, alone, lo, hi, period) for c in r.countries]
    pairs.sort(key=lambda p: (p[4], p[0]))  # stable: a row's countries in their order
    return pd.DataFrame(pairs, columns=["row", "country", "kind", "alone", "lo", "hi", "period"])


def random_table(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = ["ARM", "TUR", "RUS", "FRA", "USA", "IRN", "GEO", "DEU"]
    kinds = [*relations.RELATION_CATEGORIES, "membership", "agreement"]

    def date() -> str:
        day = pd.Timestamp("1912-01-01") + pd.Timedelta(days=int(rng.integers(0, 43_000)))
        return day.strftime(str(rng.choice(["%Y", "%Y-%m", "%Y-%m-%d"])))

    rows = []
    for i in range(n):
        start, end = sorted([date(), date()])
        end = end if rng.random() < 0.5 and end[:4] > start[:4] else ""
        countries = ";".join(rng.choice(codes, int(rng.integers(1, 4)), replace=False))
        rows.append(row(f"r{i}", str(rng.choice(kinds)), start, end, countries))
    return table(*rows)


@pytest.fixture(scope="module", params=["shipped", "random-1", "random-2"])
def any_table(request, events) -> pd.DataFrame:
    if request.param == "shipped":
        return events
    return random_table(int(request.param[-1]))


def test_relation_intervals_are_the_plain_reading(any_table):
    got = relations.relation_intervals(any_table)
    got = got.astype({"country": object, "kind": object})
    pd.testing.assert_frame_equal(got, plain_intervals(any_table), check_dtype=False)


def test_dropping_the_intervals_no_year_can_pick_changes_no_standing(any_table, monkeypatch):
    # Every year, the standings are those computed from every interval.
    years = range(relations.FIRST_YEAR, 2031)
    fast = [standing_by_year(any_table, y) for y in years]
    with monkeypatch.context() as m:
        m.setattr(relations, "_widening", lambda group, end: np.arange(len(group)))
        full = [standing_by_year(any_table, y) for y in years]
    for year, a, b in zip(years, fast, full, strict=True):
        pd.testing.assert_frame_equal(a, b, obj=str(year))


def test_a_table_whose_rows_name_every_country_is_read_in_few_intervals():
    everyone = ";".join(c for c in sorted(schema.country_names()) if c != "AZE")
    rows = [
        row(f"r{i}", "diplomatic_relations", str(1992 + i % 30), "", everyone) for i in range(60)
    ]
    rows += [
        row(f"w{i}", "war", f"{1992 + i % 30}-01", f"{1993 + i % 30}-02", everyone)
        for i in range(60)
    ]
    df = table(*rows)
    kept = relations._Rows(relations.relation_intervals(df), df)
    assert len(kept.row) <= 2 * 31 * 248 < len(relations.relation_intervals(df))


def test_play_shows_at_most_play_years_and_says_so(hand):
    # Each year is a frame of every country: a table running to 2999 would make a thousand.
    far = pd.concat([hand, table(row("far", "agreement", "2000", "2999", "JPN"))])
    played = [int(f.name) for f in relations.relations_map_animated(far).frames]
    assert played == list(range(1918, 1918 + relations.PLAY_YEARS)) == [*range(1918, 2038)]
    assert relations.play_cut(far) == (
        "Play shows 1918–2037, at most 120 years; the events run to 2999: choose a later year "
        "with the slider to see its map."
    )
    # A table that ends by 2037 is played whole, and nothing is said.
    assert [int(f.name) for f in relations.relations_map_animated(hand).frames][-1] == 2020
    assert relations.play_cut(hand) == ""
