"""Query parameters <-> FilterState and the selected event; on the page, no state that the
reader has left behind stays in the URL (and so in the ZIP's link, `ui.share_url`)."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import APP, SAMPLE, notices
from streamlit.testing.v1 import AppTest

from timeline import loading, ui
from timeline.filters import FilterOptions, FilterState
from timeline.stories import Step, Story
from timeline.url_state import (
    PAGE_PARAMS,
    VIEWS,
    normalize_params,
    parse_query_params,
    to_query_params,
)
from timeline.views import TABS

OPTIONS = FilterOptions(
    categories=("war", "ceasefire", "peace_process"),
    topics=("nagorno-karabakh", "caviar-diplomacy"),
    countries=("ARM", "RUS", "TUR"),
    organizations=("OSCE", "CoE"),
    years=(1918, 2020),
    event_ids=frozenset({"war-2020", "ceasefire-2020"}),
)


def parse(params):
    return parse_query_params(params, OPTIONS)


@pytest.mark.parametrize(
    ("params", "state", "event"),
    [
        ({}, FilterState(), None),
        ({"category": ["war", "ceasefire"]}, FilterState(categories=("war", "ceasefire")), None),
        ({"category": "war"}, FilterState(categories=("war",)), None),
        ({"topic": ["caviar-diplomacy"]}, FilterState(topics=("caviar-diplomacy",)), None),
        ({"country": ["ARM", "TUR"]}, FilterState(countries=("ARM", "TUR")), None),
        ({"org": ["CoE"]}, FilterState(organizations=("CoE",)), None),
        ({"years": ["1988", "1994"]}, FilterState(years=(1988, 1994)), None),
        ({"q": ["ceasefire"]}, FilterState(query="ceasefire"), None),
        ({"event": ["war-2020"]}, FilterState(), "war-2020"),
        (
            {"category": ["war", "ceasefire"], "years": ["2020", "2020"], "event": "war-2020"},
            FilterState(categories=("war", "ceasefire"), years=(2020, 2020)),
            "war-2020",
        ),
    ],
)
def test_valid_params_restore_the_state(params, state, event):
    parsed = parse(params)
    assert (parsed.filters, parsed.event, parsed.notices) == (state, event, ())


@pytest.mark.parametrize(
    ("params", "state"),
    [
        # Lenient on form: case, commas, repeats, spaces; a reversed range is put in order.
        ({"country": ["arm", "Tur"]}, FilterState(countries=("ARM", "TUR"))),
        ({"category": ["war,ceasefire"]}, FilterState(categories=("war", "ceasefire"))),
        ({"category": ["war", "war", " war "]}, FilterState(categories=("war",))),
        ({"org": ["coe"]}, FilterState(organizations=("CoE",))),
        ({"years": ["1994", "1988"]}, FilterState(years=(1988, 1994))),
        ({"years": ["1988-1994"]}, FilterState(years=(1988, 1994))),
        ({"years": ["1988–1994"]}, FilterState(years=(1988, 1994))),
        ({"years": ["1992"]}, FilterState(years=(1992, 1992))),
        ({"years": ["1918", "2020"]}, FilterState()),  # the whole span is no filter
        ({"q": ["  caviar  "]}, FilterState(query="caviar")),
        ({"category": [""]}, FilterState()),
        ({"utm_source": ["x"], "embed": ["true"]}, FilterState()),  # not ours: left alone
    ],
)
def test_lenient_forms_without_notices(params, state):
    parsed = parse(params)
    assert (parsed.filters, parsed.notices) == (state, ())


@pytest.mark.parametrize(
    ("params", "state", "notice"),
    [
        ({"category": ["war", "bogus"]}, FilterState(categories=("war",)), "'bogus'"),
        ({"topic": ["<script>"]}, FilterState(), "topic value '<script>'"),
        ({"country": ["XXX", "ARM"]}, FilterState(countries=("ARM",)), "country value 'XXX'"),
        ({"country": ["Armenia"]}, FilterState(), "'Armenia'"),
        ({"org": ["NATO"]}, FilterState(), "org value 'NATO'"),  # a real org absent from the table
        ({"years": ["abc", "1994"]}, FilterState(), "expected two years"),
        ({"years": ["1988", "1990", "1994"]}, FilterState(), "expected two years"),
        ({"years": ["1800", "1850"]}, FilterState(), "the table covers 1918–2020"),
        ({"years": ["1900", "1950"]}, FilterState(years=(1918, 1950)), "narrowed"),
        ({"event": ["nope"]}, FilterState(), "no event has that id"),
        ({"q": ["x" * 500]}, FilterState(query="x" * 200), "cut to 200"),
    ],
)
def test_malformed_values_are_ignored_with_a_notice(params, state, notice):
    parsed = parse(params)
    assert parsed.filters == state
    assert len(parsed.notices) == 1
    assert notice in parsed.notices[0]


def test_several_problems_give_several_notices():
    parsed = parse({"category": ["x"], "topic": ["y"], "years": ["z"], "event": ["w"]})
    assert parsed.filters == FilterState()
    assert len(parsed.notices) == 4


def test_long_values_are_shortened_in_the_notice():
    notice = parse({"category": ["a" * 300]}).notices[0]
    assert notice == f"Ignored unknown category value '{'a' * 37}...' in the link."


@pytest.mark.parametrize(
    ("state", "event", "params"),
    [
        (FilterState(), None, {}),
        (
            FilterState(categories=("war", "ceasefire"), years=(1988, 1994)),
            None,
            {"category": ["war", "ceasefire"], "years": ["1988", "1994"]},
        ),
        (
            FilterState(
                topics=("nagorno-karabakh",),
                countries=("ARM",),
                organizations=("OSCE",),
                query="minsk",
            ),
            "war-2020",
            {
                "topic": ["nagorno-karabakh"],
                "country": ["ARM"],
                "org": ["OSCE"],
                "q": ["minsk"],
                "event": ["war-2020"],
            },
        ),
    ],
)
def test_to_query_params(state, event, params):
    assert to_query_params(state, event) == params


@pytest.mark.parametrize(
    "state",
    [
        FilterState(),
        FilterState(categories=("peace_process",), years=(2020, 2020)),
        FilterState(countries=("TUR", "ARM"), organizations=("CoE",), query="Volontè, 2016"),
    ],
)
def test_round_trip(state):
    params = to_query_params(state, "ceasefire-2020")
    parsed = parse(params)
    assert (parsed.filters, parsed.event, parsed.notices) == (state, "ceasefire-2020", ())


def test_normalize_params_keeps_only_ours_as_lists():
    assert normalize_params({"category": "war", "x": "1", "q": [], "years": ("1", "2")}) == {
        "category": ["war"],
        "years": ["1", "2"],
    }


# --- notices stay short, whatever the link holds (hardening) -----------------------------------


def test_a_thousand_unknown_events_make_one_short_notice():
    params = {"event": [f"no-such-{i}" for i in range(1000)]}
    assert parse_query_params(params, OPTIONS).notices == (
        "Ignored events 'no-such-0', 'no-such-1', 'no-such-2', 'no-such-3', 'no-such-4' and 995 "
        "more in the link: no event has those ids.",
    )


def test_five_thousand_comma_separated_categories_make_a_short_notice():
    params = {"category": [",".join(f"bogus{i}" for i in range(5000))]}
    assert parse_query_params(params, OPTIONS).notices == (
        "Ignored unknown category values 'bogus0', 'bogus1', 'bogus2', 'bogus3', 'bogus4' and "
        "4,995 more in the link.",
    )


@pytest.mark.parametrize(
    ("years", "notice"),
    [
        (["9" * 4300], f"Ignored years '{'9' * 37}...' in the link: the table covers 1918–2020."),
        (
            ["1" + "0" * 4200, "2" + "0" * 4200],
            f"Ignored years '1{'0' * 36}...', '2{'0' * 36}...' in the link: the table covers "
            "1918–2020.",
        ),
        (
            ["1990", "9" * 400],
            f"Years '1990', '{'9' * 37}...' in the link were narrowed to 1990–2020: the table "
            "covers 1918–2020.",
        ),
    ],
)
def test_a_year_of_thousands_of_digits_is_not_echoed_whole(years, notice):
    assert parse_query_params({"years": years}, OPTIONS).notices == (notice,)


@pytest.mark.parametrize(
    ("values", "year", "notice"),
    [
        ([], None, None),
        (["1992"], 1992, None),
        (["1990", " 2001 "], 2001, None),  # the last one counts
        (["1917"], None, "Ignored year 1917 in the link: the table covers 1918–2020."),
        (["x"], None, "Ignored year 'x' in the link: expected a year."),
        (["9" * 4000], None, "Ignored year 99999... in the link: the table covers 1918–2020."),
    ],
)
def test_the_relations_year(values, year, notice):
    parsed = parse_query_params({"year": values}, OPTIONS)
    assert parsed.year == year
    assert parsed.notices == ((notice,) if notice else ())
    if year is not None:
        assert to_query_params(parsed.filters, year=year, view="relations") == {
            "view": ["relations"],
            "year": [str(year)],
        }
        # Only the relations view shows a year: another view's link leaves it out.
        assert to_query_params(parsed.filters, year=year, view="map") == {"view": ["map"]}
        assert to_query_params(parsed.filters, year=year) == {}


@pytest.mark.parametrize(
    ("values", "zoom", "notice"),
    [
        (["1992..1993-06"], (dt.date(1992, 1, 1), dt.date(1993, 6, 30)), None),
        (["1993-06-15,1992"], (dt.date(1992, 1, 1), dt.date(1993, 6, 15)), None),
        (["1992-03"], (dt.date(1992, 3, 1), dt.date(1992, 3, 31)), None),
        (
            ["1900..1919"],
            (dt.date(1918, 1, 1), dt.date(1919, 12, 31)),
            "The zoom '1900..1919' in the link was narrowed to the table's span 1918–2020.",
        ),
        (
            ["2030..2040"],
            None,
            "Ignored zoom '2030..2040' in the link: the table covers 1918–2020.",
        ),
        (
            ["soon"],
            None,
            "Ignored zoom 'soon' in the link: expected two dates, e.g. 1992-01..1993-06.",
        ),
        (
            ["1992-13"],
            None,
            "Ignored zoom '1992-13' in the link: expected two dates, e.g. 1992-01..1993-06.",
        ),
    ],
)
def test_the_timeline_zoom(values, zoom, notice):
    parsed = parse_query_params({"zoom": values}, OPTIONS)
    assert parsed.zoom == zoom
    assert parsed.notices == ((notice,) if notice else ())
    if zoom is not None:
        written = to_query_params(parsed.filters, zoom=zoom)
        assert parse_query_params(written, OPTIONS).zoom == zoom


def test_the_map_mode_and_extent_round_trip_and_their_defaults_stay_out_of_the_link():
    parsed = parse({"map": "Countries", "extent": ["region", "world"]})  # the last one counts
    assert (parsed.map_mode, parsed.extent, parsed.notices) == ("countries", "world", ())
    params = to_query_params(FilterState(), map_mode="countries", extent="world")
    assert params == {"map": ["countries"], "extent": ["world"]}
    assert to_query_params(FilterState(), map_mode="places", extent="region") == {}
    assert normalize_params({"map": "countries", "other": "x"}) == {"map": ["countries"]}


def test_a_bad_map_mode_or_extent_is_named_and_the_default_kept():
    parsed = parse({"map": "heat", "extent": ""})
    assert (parsed.map_mode, parsed.extent) == ("places", "region")
    assert parsed.notices == (
        "Ignored map 'heat' in the link: the maps are 'places', 'countries'.",
    )


@pytest.mark.parametrize(
    ("years", "state", "notice"),
    [
        (["-5", "-1"], FilterState(),
         "Ignored years '-5', '-1' in the link: the table covers 1918–2020."),
        (["-5--1"], FilterState(),
         "Ignored years '-5--1' in the link: the table covers 1918–2020."),
        (["-99999", "99999"], FilterState(),
         "Years '-99999', '99999' in the link were narrowed to 1918–2020: the table covers "
         "1918–2020."),
        (["1990", "-99999"], FilterState(years=(1918, 1990)),
         "Years '1990', '-99999' in the link were narrowed to 1918–1990: the table covers "
         "1918–2020."),
        (["1990", "9" * 20], FilterState(years=(1990, 2020)),
         f"Years '1990', '{'9' * 20}' in the link were narrowed to 1990–2020: the table covers "
         "1918–2020."),
        (["1e5"], FilterState(), "Ignored years '1e5' in the link: expected two years."),
        (["1988 -1994"], FilterState(years=(1988, 1994)), None),
    ],
)  # fmt: skip
def test_years_notices_name_the_values_as_the_link_has_them_and_what_was_done(years, state, notice):
    parsed = parse({"years": years})
    assert parsed.filters == state
    assert parsed.notices == ((notice,) if notice else ())


def test_the_page_parameters_are_declared_once_and_an_unknown_one_is_refused():
    params = ["event", "view", "year", "zoom", "map", "extent", "step"]
    assert [p.param for p in PAGE_PARAMS] == params
    assert list(VIEWS) == [v.value for v in TABS]
    with pytest.raises(TypeError, match="not parameters of the page: \\['mode'\\]"):
        to_query_params(FilterState(), mode="countries")


# --- On the page: what the URL keeps after the reader moves on --------------------------------

CLEARED = "The filters now leave out the selected event, “OSCE Minsk Group starts mediation”"


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv(loading.DATA_ENV, str(SAMPLE))
    return AppTest.from_file(str(APP), default_timeout=60)


def cards(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if 'class="event-details"' in h.proto.body]


def test_a_filter_change_that_leaves_the_selected_event_out_clears_it_and_says_so(app):
    at = app.run()
    at.session_state[ui.S_EVENT] = "minsk-group"  # a peace process
    at = at.run()
    # A change that keeps it: it stays.
    at = at.sidebar.multiselect(key="category").set_value(["peace_process", "war"]).run()
    assert at.query_params["event"] == "minsk-group" and len(cards(at)) == 1
    # A change that leaves it out: no card, no event in the URL, a notice naming it.
    at = at.sidebar.multiselect(key="category").set_value(["war"]).run()
    assert not at.exception
    assert at.session_state[ui.S_EVENT] is None and "event" not in at.query_params
    assert cards(at) == []
    assert [n for n in notices(at) if n.startswith(CLEARED)] == [f"{CLEARED}: it was cleared."]
    # Said once: the next run has no notice, and Reset brings nothing back.
    at = at.sidebar.button(key="reset").click().run()
    assert not [n for n in notices(at) if n.startswith(CLEARED)]
    assert "event" not in at.query_params and cards(at) == []


def test_a_links_event_outside_its_own_filters_stays_until_the_filters_change(app):
    app.query_params.update({"category": "war", "event": "minsk-group"})
    at = app.run()
    assert len(cards(at)) == 1 and at.query_params["event"] == "minsk-group"
    assert "outside the current filters" in " ".join(m.value for m in at.markdown)
    at = at.sidebar.multiselect(key="category").set_value(["war", "ceasefire"]).run()
    assert cards(at) == [] and "event" not in at.query_params


def test_the_relations_year_is_in_the_url_only_while_its_tab_is_open(app):
    app.query_params.update({"view": "relations", "year": "1993"})
    at = app.run()
    assert at.query_params["year"] == "1993"
    at.session_state[ui.K_VIEW] = "Events"
    at = at.run()
    assert "year" not in at.query_params and "view" not in at.query_params
    at.session_state[ui.K_VIEW] = "Relations"
    at = at.run()  # the slider kept its year
    assert at.query_params["year"] == "1993" and at.slider(key=ui.K_YEAR).value == 1993


def test_reset_also_zooms_the_timeline_out(app):
    app.query_params["zoom"] = "1992-01..1993-06"
    at = app.run()
    reset = at.sidebar.button(key="reset")
    assert not reset.disabled  # no filter is set, but the zoom hides events
    at = reset.click().run()
    assert "zoom" not in at.query_params and at.sidebar.button(key="reset").disabled


STORY = Story("k", "Karabakh", "Intro.", (Step("war-2020", "A."), Step("ceasefire-2020", "B.")))
IN_STORY = FilterOptions(years=(1918, 2020), event_ids=OPTIONS.event_ids, stories=(STORY,))


@pytest.mark.parametrize(
    ("step", "expected", "said"),
    [
        ("2", 2, []),
        ("9", 2, ["Step 9 in the link was brought to 2: the story “Karabakh” has 2 steps."]),
        ("0", 1, ["Step 0 in the link was brought to 1: the story “Karabakh” has 2 steps."]),
        ("x", 1, ["Ignored step 'x' in the link: expected a number."]),
    ],
)
def test_a_storys_step_is_brought_into_its_steps_with_a_notice(step, expected, said):
    parsed = parse_query_params({"story": "k", "step": step}, IN_STORY)
    assert (parsed.filters, parsed.step, list(parsed.notices)) == (
        FilterState(story=STORY),
        expected,
        said,
    )


def test_in_a_story_the_step_is_written_and_the_event_not_and_out_of_one_no_step():
    assert to_query_params(FilterState(story=STORY), "war-2020", step=2) == {
        "story": ["k"],
        "step": ["2"],
    }
    assert to_query_params(FilterState(story=STORY), None, step=1) == {"story": ["k"]}
    assert to_query_params(FilterState(), "war-2020", step=2) == {"event": ["war-2020"]}
