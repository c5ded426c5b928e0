"""Each country's standing with Azerbaijan per year, on a hand-made table with known dates, the
counts by year, and the computation against a plain reading of its rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import STANDING_ROWS, at, event, table

from timeline import schema, standing
from timeline.filters import FilterState, apply_filters, prepare
from timeline.standing import relations_by_year, standing_by_year

# --- standing_by_year -------------------------------------------------------------------------


def test_one_row_per_country_the_relation_rows_name(hand):
    got = standing_by_year(hand, 2000)
    assert list(got.columns) == list(standing.COLUMNS)
    # JPN is only on an agreement; memberships list countries but are not relations.
    assert got["country"].tolist() == sorted(
        ["ARM", "USA", "GBR", "FRA", "DEU", "TUR", "RUS", "LBY", "BLR", "UKR"]
    )
    assert got.loc[got["country"] == "DEU", "name"].item() == "Germany"
    assert set(got["standing"]) <= set(standing.STANDING_LABELS)


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
        event("war", "war", "1992", "1993", "ARM"),
        event("rel", "diplomatic_relations", "2010-05-01", "", "ARM"),
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
    assert standing.is_soviet_year(year)
    assert len(got) == 10
    assert set(got["standing"]) == {"soviet"}
    assert set(got["since"]) == {""}


def test_the_soviet_period_and_its_edges():
    assert (pd.Timestamp("1920-04-28"), pd.Timestamp("1991-10-18")) == standing.SOVIET_PERIOD
    assert range(1921, 1991) == standing.SOVIET_YEARS
    assert not standing.is_soviet_year(1920)
    assert not standing.is_soviet_year(1991)


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
    with_recognition = table(*STANDING_ROWS, event("rec-lby", "recognition", "1992", "", "LBY"))
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
        event("rel-year", "diplomatic_relations", "1995", "", "MLT"),
        event("rel-month", "diplomatic_relations", "1995-12", "", "LAO"),
        event("rel-day", "diplomatic_relations", "1996-01-01", "", "NPL"),
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
    assert got.empty and list(got.columns) == list(standing.COLUMNS)
    assert standing_by_year(empty, 1950).empty
    counts = relations_by_year(empty)
    assert counts.index.tolist() == [1918] and counts["relations"].tolist() == [0]
    assert standing.memberships_by_year(empty)["joined"].sum() == 0
    no_relation_rows = table(event("a", "agreement", "2000", "", "JPN"))
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
    got = standing.memberships_by_year(hand, 2010)
    assert got.loc[1992, "joined"] == 3
    assert got.loc[1992, "organizations"] == "OSCE, UN, UNGA"
    assert got.loc[2001, "organizations"] == "CoE, PACE"
    assert got.loc[2006, "organizations"] == "UNHRC"  # UN was joined in 1992 already
    assert got.loc[2010, "cumulative"] == 6
    assert got["joined"].sum() == 6


def test_a_table_repeated_many_times_gives_the_same_picture(hand):
    # Repeated rows (and 100,000 rows of other categories) change nothing: each country counts
    # once, and only the relation rows are read.
    filler = hand[hand["category"] == "membership"]
    many = pd.concat([hand] * 200 + [filler] * 25_000, ignore_index=True)
    assert len(many) > 100_000
    for year in (1919, 1950, 1995, 2006, 2020):
        pd.testing.assert_frame_equal(standing_by_year(many, year), standing_by_year(hand, year))
    pd.testing.assert_frame_equal(relations_by_year(many), relations_by_year(hand))
    mine = standing.memberships_by_year(many)
    pd.testing.assert_frame_equal(mine, standing.memberships_by_year(hand))


# --- the computation against a plain reading of its rules --------------------------------------


def plain_intervals(df: pd.DataFrame) -> pd.DataFrame:
    """`relation_intervals` read row by row: a pair per (relation row, country it names)."""
    taken, back = standing.SOVIET_PERIOD
    pairs = []
    for pos, r in enumerate(df.itertuples(index=False)):
        if r.category not in standing.RELATION_CATEGORIES:
            continue
        lo, hi = r.start, r.end
        if r.end_date == "" and r.category in ("diplomatic_relations", "recognition"):
            hi = standing._NEVER
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
    kinds = [*standing.RELATION_CATEGORIES, "membership", "agreement"]

    def date() -> str:
        day = pd.Timestamp("1912-01-01") + pd.Timedelta(days=int(rng.integers(0, 43_000)))
        return day.strftime(str(rng.choice(["%Y", "%Y-%m", "%Y-%m-%d"])))

    rows = []
    for i in range(n):
        start, end = sorted([date(), date()])
        end = end if rng.random() < 0.5 and end[:4] > start[:4] else ""
        countries = ";".join(rng.choice(codes, int(rng.integers(1, 4)), replace=False))
        rows.append(event(f"r{i}", str(rng.choice(kinds)), start, end, countries))
    return table(*rows)


@pytest.fixture(scope="module", params=["shipped", "random-1", "random-2"])
def any_table(request, events) -> pd.DataFrame:
    if request.param == "shipped":
        return events
    return random_table(int(request.param[-1]))


def test_relation_intervals_are_the_plain_reading(any_table):
    got = standing.relation_intervals(any_table)
    got = got.astype({"country": object, "kind": object})
    pd.testing.assert_frame_equal(got, plain_intervals(any_table), check_dtype=False)


def test_dropping_the_intervals_no_year_can_pick_changes_no_standing(any_table, monkeypatch):
    # Every year, the standings are those computed from every interval.
    years = range(standing.FIRST_YEAR, 2031)
    fast = [standing_by_year(any_table, y) for y in years]
    with monkeypatch.context() as m:
        m.setattr(standing, "_widening", lambda group, end: np.arange(len(group)))
        full = [standing_by_year(any_table, y) for y in years]
    for year, a, b in zip(years, fast, full, strict=True):
        pd.testing.assert_frame_equal(a, b, obj=str(year))


def test_a_table_whose_rows_name_every_country_is_read_in_few_intervals():
    everyone = ";".join(c for c in sorted(schema.country_names()) if c != "AZE")
    rows = [
        event(f"r{i}", "diplomatic_relations", str(1992 + i % 30), "", everyone) for i in range(60)
    ]
    rows += [
        event(f"w{i}", "war", f"{1992 + i % 30}-01", f"{1993 + i % 30}-02", everyone)
        for i in range(60)
    ]
    df = table(*rows)
    kept = standing.Rows(standing.relation_intervals(df), df)
    assert len(kept.row) <= 2 * 31 * 248 < len(standing.relation_intervals(df))


def test_play_shows_at_most_play_years_and_says_so(hand):
    # Each year is a frame of every country: a table running to 2999 would make a thousand.
    far = pd.concat([hand, table(event("far", "agreement", "2000", "2999", "JPN"))])
    assert standing.play_years(far) == range(1918, 1918 + standing.PLAY_YEARS) == range(1918, 2038)
    assert standing.play_cut(far) == (
        "Play shows 1918–2037, at most 120 years; the events run to 2999: choose a later year "
        "with the slider to see its map."
    )
    # A table that ends by 2037 is played whole, and nothing is said.
    assert standing.play_years(hand)[-1] == 2020
    assert standing.play_cut(hand) == ""


# --- the list of a year's countries (issue 25.2) ----------------------------------------------


def test_the_list_of_1993_on_the_shipped_table(events):
    listing = standing.country_list(
        standing_by_year(events, 1993), standing.events_by_country(events)
    )
    assert listing["Country"].is_monotonic_increasing and len(listing) == 124
    rows = listing.set_index("ISO3").loc[["ALB", "ARM", "AFG", "BEN", "RUS"]]
    assert rows[["Country", "Standing", "Since", "Set by"]].values.tolist() == [
        [
            "Albania",
            "Diplomatic relations",
            "1993-09-22",
            "Azerbaijan and Albania establish diplomatic relations",
        ],
        ["Armenia", "At war or in conflict", "1988-02-20", "First Nagorno-Karabakh War"],
        [
            "Afghanistan",
            "Recognised, no relations yet",
            "1991-12-21",
            "Afghanistan recognises Azerbaijan's independence",
        ],
        ["Benin", "No relations", "", ""],
        [
            "Russia",
            "Diplomatic relations",
            "1992-04-04",
            "Russia and Azerbaijan establish diplomatic relations",
        ],
    ]
    assert rows.loc["ALB", "Event id"] == "1993-09-22-relations-albania"
    assert rows.loc["ARM", "Events shown"] == (events["countries"].map(lambda c: "ARM" in c)).sum()
    # The Soviet years: every country, none with a date.
    soviet = standing.country_list(standing_by_year(events, 1950), pd.Series(dtype="int64"))
    assert set(soviet["Standing"]) == {standing.STANDING_LABELS["soviet"]}
    assert set(soviet["Since"]) == {""} and set(soviet["Events shown"]) == {0}


def test_the_countries_csv(hand):
    hand = pd.concat(
        [hand, table(event("rec-jpn", "recognition", "1999", "", "JPN", title="=2+2"))]
    )
    listing = standing.country_list(standing_by_year(hand, 2000), standing.events_by_country(hand))
    lines = standing.countries_csv(listing).decode("utf-8").split("\n")
    assert lines[0] == "Country,Standing,Since,Set by,Events shown,ISO3,Event id,Source"
    assert lines[1:3] == [
        "Armenia,At war or in conflict,1988-02-20,T war-1988,8,ARM,war-1988,"
        "https://example.org/war-1988",
        "Belarus,Diplomatic relations,1991-11,T rel-blr,1,BLR,rel-blr,https://example.org/rel-blr",
    ]
    # A cell a spreadsheet would run as a formula is quoted.
    assert (
        'Japan,"Recognised, no relations yet",1999,\'=2+2,2,JPN,rec-jpn,'
        in standing.countries_csv(listing).decode("utf-8")
    )
    assert lines[-1] == "" and len(lines) == len(listing) + 2
    assert standing.countries_file_name(1993) == "azerbaijan-relations_countries-1993.csv"
