"""Filters over tests/data/sample.csv: one table of cases, each naming the ids it expects."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline import filters
from timeline.filters import FilterOptions, FilterState, apply_filters, prepare, restrict
from timeline.stories import Step, Story

ALL = None  # every event

CASES = [
    # (case, state, expected ids in table order; ALL for every event)
    ("no filters", FilterState(), ALL),
    (
        "one category",
        FilterState(categories=("ceasefire",)),
        ["bishkek-protocol", "ceasefire-2020"],
    ),
    (
        "two categories are alternatives",
        FilterState(categories=("war", "ceasefire")),
        [
            "armenian-azerbaijani-war",
            "karabakh-war-1988",
            "bishkek-protocol",
            "war-2020",
            "ceasefire-2020",
        ],
    ),
    ("category with no events", FilterState(categories=("agreement",)), []),
    (
        "topic",
        FilterState(topics=("caviar-diplomacy",)),
        ["caviar-diplomacy-report", "volonte-bribery"],
    ),
    (
        "topic is matched as a whole item, not a substring",
        FilterState(topics=("recognition",)),
        ["us-recognition"],
    ),
    ("country", FilterState(countries=("TUR",)), ["war-2020"]),
    (
        "country listed second in the cell",
        FilterState(countries=("USA",)),
        ["us-recognition", "minsk-group"],
    ),
    ("two countries", FilterState(countries=("ITA", "TUR")), ["volonte-bribery", "war-2020"]),
    (
        "organization",
        FilterState(organizations=("CoE",)),
        ["coe-membership", "caviar-diplomacy-report"],
    ),
    (
        "organization listed last",
        FilterState(organizations=("PACE",)),
        ["caviar-diplomacy-report", "volonte-bribery"],
    ),
    (
        "years: a single year",
        FilterState(years=(1992, 1992)),
        ["karabakh-war-1988", "minsk-group", "un-membership"],
    ),
    (
        "years: a period that overlaps the range is in",
        FilterState(years=(1990, 1990)),
        ["karabakh-war-1988"],
    ),
    (
        "years: a year-precision date covers its whole year",
        FilterState(years=(1920, 1920)),
        ["armenian-azerbaijani-war", "soviet-takeover"],
    ),
    (
        "years: reversed range",
        FilterState(years=(1993, 1991)),
        [
            "karabakh-war-1988",
            "restored-independence",
            "us-recognition",
            "minsk-group",
            "un-membership",
        ],
    ),
    ("years: no events", FilterState(years=(1950, 1960)), []),
    ("search: case-insensitive", FilterState(query="BISHKEK"), ["bishkek-protocol"]),
    ("search: accent-insensitive", FilterState(query="volonte"), ["volonte-bribery"]),
    ("search: accents in the query too", FilterState(query="Volontè"), ["volonte-bribery"]),
    ("search: description", FilterState(query="silk carpets"), ["caviar-diplomacy-report"]),
    ("search: location", FilterState(query="strasbourg"), ["coe-membership"]),
    ("search: a country's name", FilterState(query="italy"), ["volonte-bribery"]),
    (
        "search: an organization's full name",
        FilterState(query="commonwealth of independent"),
        ["bishkek-protocol"],
    ),
    ("search: every word must appear", FilterState(query="ceasefire 2020"), ["ceasefire-2020"]),
    ("search: words in any order", FilterState(query="2020 ceasefire"), ["ceasefire-2020"]),
    (
        "search: unquoted words apart",
        FilterState(query="carpets silk"),
        ["caviar-diplomacy-report"],
    ),
    ("search: a quoted phrase", FilterState(query='"silk carpets"'), ["caviar-diplomacy-report"]),
    ("search: a quoted phrase keeps its order", FilterState(query='"carpets silk"'), []),
    (
        "search: curly quotes and a word beside the phrase",
        FilterState(query="“silk  carpets” caviar"),
        ["caviar-diplomacy-report"],
    ),
    (
        "search: an en dash typed as a hyphen",
        FilterState(query="armenian-azerbaijani"),
        ["armenian-azerbaijani-war", "july-2020-clashes"],
    ),
    ("search: regex characters are plain text", FilterState(query="war ("), []),
    ("search: only spaces", FilterState(query="   "), ALL),
    ("search: nothing", FilterState(query="zzzz"), []),
    (
        "filters combine with AND",
        FilterState(categories=("war", "ceasefire"), years=(2020, 2020)),
        ["war-2020", "ceasefire-2020"],
    ),
    (
        "everything at once",
        FilterState(
            categories=("ceasefire",),
            topics=("mediation",),
            countries=("RUS",),
            organizations=("CIS",),
            years=(1990, 1995),
            query="russian",
        ),
        ["bishkek-protocol"],
    ),
]


@pytest.mark.parametrize(("state", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_apply_filters(prepared: pd.DataFrame, state: FilterState, expected: list[str] | None):
    got = apply_filters(prepared, state)["id"].tolist()
    assert got == (prepared["id"].tolist() if expected is ALL else expected)


def test_reversed_year_range_is_the_same_range(prepared: pd.DataFrame):
    forward = apply_filters(prepared, FilterState(years=(1988, 1994)))
    backward = apply_filters(prepared, FilterState(years=(1994, 1988)))
    assert backward["id"].tolist() == forward["id"].tolist() != []


def test_unprepared_frame_gives_the_same_result(sample: pd.DataFrame, prepared: pd.DataFrame):
    state = FilterState(countries=("ARM",), query="war")
    assert (
        apply_filters(sample, state)["id"].tolist() == apply_filters(prepared, state)["id"].tolist()
    )


def test_prepare_adds_columns_and_leaves_the_input_alone(sample: pd.DataFrame):
    before = sample.copy()
    out = prepare(sample)
    assert set(filters.PREPARED_COLUMNS) <= set(out.columns)
    assert list(sample.columns) == list(before.columns)
    assert out.loc[out["id"] == "minsk-group", "_countries_key"].item() == ";ARM;FRA;RUS;USA;"
    assert out.loc[out["id"] == "un-membership", "_countries_key"].item() == ""


def test_filter_options_lists_what_occurs_in_display_order(sample: pd.DataFrame):
    options = filters.filter_options(sample)
    assert options.categories == (
        "statehood",
        "war",
        "clash",
        "ceasefire",
        "peace_process",
        "recognition",
        "membership",
        "scandal",
    )
    # Countries sorted by their display name; organizations in the schema's order.
    assert options.countries == ("ARM", "FRA", "ITA", "RUS", "TUR", "USA")
    assert options.organizations == ("UN", "OSCE", "CoE", "PACE", "CIS", "ESI")
    assert options.years == (1918, 2020)
    assert "war-2020" in options.event_ids and len(options.event_ids) == 15


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ((1918, 2020), None),
        ((1900, 2100), None),
        ((2020, 1988), (1988, 2020)),
        ((1900, 1950), (1918, 1950)),
        ((1800, 1850), None),
        ((1990, 1990), (1990, 1990)),
    ],
)
def test_restrict_clamps_years(years, expected):
    options = FilterOptions(years=(1918, 2020))
    assert restrict(FilterState(years=years), options).years == expected


def test_restrict_drops_values_the_table_does_not_offer():
    options = FilterOptions(categories=("war",), countries=("ARM",), years=(1918, 2020))
    state = restrict(
        FilterState(categories=("war", "nope"), countries=("FRA", "ARM"), query="  x "), options
    )
    assert state == FilterState(categories=("war",), countries=("ARM",), query="x")


def test_large_table_filters_without_per_row_python(sample: pd.DataFrame):
    """A 30,000-row table: the result must equal the per-row definition (a correctness check
    on a size where the vectorised paths matter, not a timing)."""
    big = pd.concat([sample] * 2000, ignore_index=True)
    big["id"] = [f"e{i}" for i in range(len(big))]
    state = FilterState(countries=("RUS", "USA"), years=(1991, 1995), query="rUSSian")
    got = apply_filters(prepare(big), state)
    expected = big[
        big["countries"].map(lambda t: bool({"RUS", "USA"} & set(t)))
        & (big["start"] <= "1995-12-31")
        & (big["end"] >= "1991-01-01")
        & (big["title"] + " " + big["description"]).str.lower().str.contains("russian")
    ]
    assert got["id"].tolist() == expected["id"].tolist()
    assert len(got) == 2000


@pytest.mark.parametrize("limit", [None, 0, 1, 3, 100])
def test_by_date_sorts_by_start_then_end_keeping_ties_in_order(limit):
    df = pd.DataFrame(
        {
            "id": list("abcdef"),
            "start": pd.to_datetime(["2000-05-01", "1990-01-01", "2000-05-01", "1990-01-01"] * 2)[
                :6
            ],
            "end": pd.to_datetime(
                ["2000-05-31", "1999-12-31", "2000-05-01", "1999-12-31", "2000-06-01", "1990-01-01"]
            ),
        }
    )
    expected = df.sort_values(["start", "end"], kind="stable")
    expected = expected if limit is None else expected.head(limit)
    out = filters.by_date(df, limit)
    assert list(out["id"]) == list(expected["id"])
    assert list(out["id"])[:4] == ["f", "b", "d", "c"][: limit if limit is not None else 4]


@pytest.mark.parametrize(
    ("first", "last", "years", "said"),
    [
        (1988, 1994, (1988, 1994), None),
        (1994, 1988, (1988, 1994), "Years 1994 to 1988 were read as 1988–1994: the start was "
         "after the end."),
        (1900, 1920, (1918, 1920), "Years 1900 to 1920 were read as 1918–1920: the table covers "
         "1918–2020."),
        (2030, 2040, (2020, 2020), "Years 2030 to 2040 were read as 2020–2020: the table covers "
         "1918–2020."),
        (123456789012, 1990, (1990, 2020), "Years 123456789012 to 1990 were read as 1990–2020: "
         "the start was after the end and the table covers 1918–2020."),
        # As the page's float boxes send them: "1e5" is 100000; a float keeps 15 digits.
        (1e5, 2020.0, (2020, 2020), "Years 100000 to 2020 were read as 2020–2020: the start "
         "was after the end and the table covers 1918–2020."),
        (1918.0, 12345678901234567890.0, (1918, 2020), "Years 1918 to 123456789012... were read "
         "as 1918–2020: the table covers 1918–2020."),
        (-5.0, 1990.0, (1918, 1990), "Years -5 to 1990 were read as 1918–1990: the table covers "
         "1918–2020."),
        (1988.5, 1994.0, (1988, 1994), "Years 1988.5 to 1994 were read as 1988–1994: a year is a "
         "whole number."),
    ],
)  # fmt: skip
def test_typed_years_come_back_in_order_within_the_span_saying_what_changed(
    first, last, years, said
):
    assert filters.typed_years(first, last, (1918, 2020)) == (years, said)


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        # The old table's whole span follows the new table: no years filter, nothing to say.
        (FilterState(years=(1918, 2020)), FilterState(), []),
        (
            FilterState(years=(1994, 1990)),
            FilterState(years=(1990, 1994)),
            ["The years filter 1990–1994 was kept for this table."],
        ),
        (
            FilterState(categories=("war", "nope"), countries=("FRA", "ARM"), query=" x "),
            FilterState(categories=("war",), countries=("ARM",), query="x"),
            ["Filter values this table does not have were removed: 'nope', 'FRA'."],
        ),
    ],
)
def test_carried_over_to_a_new_table_says_what_was_kept_and_dropped(before, after, said):
    options = FilterOptions(categories=("war",), countries=("ARM",), years=(1950, 2000))
    assert filters.carried_over(before, (1918, 2020), options) == (after, said)


def test_each_filter_is_declared_once_with_a_distinct_field_parameter_and_widget():
    assert [f.field for f in filters.FILTERS] == list(FilterState.__dataclass_fields__)
    assert [f.param for f in filters.FILTERS] == [
        "story",
        "category",
        "topic",
        "country",
        "org",
        "years",
        "q",
    ]
    kinds = ["story", *["multiselect"] * 4, "years", "text"]
    assert [f.widget.kind for f in filters.FILTERS] == kinds
    assert sorted(filters.FILE_NAME_ORDER, key=filters.FILTERS.index) == list(filters.FILTERS)
    assert filters.chosen(FilterState(topics=("a",), query="q")) == [
        (filters.BY_FIELD["topics"], ("a",)),
        (filters.SEARCH, "q"),
    ]


STORY = Story("k", "Karabakh", "Intro.", (Step("war-2020", "Why."), Step("un-membership", "")))


def test_a_story_filter_keeps_its_events_names_itself_and_is_read_from_a_link(prepared):
    options = FilterOptions(stories=(STORY,), event_ids=frozenset(prepared["id"]))
    state = FilterState(story=STORY)
    assert sorted(filters.apply_filters(prepared, state)["id"]) == ["un-membership", "war-2020"]
    assert filters.STORY.words(STORY) == "Story: Karabakh"
    assert filters.STORY.file_part(STORY) == "story-k"
    notices: list[str] = []
    assert filters.STORY.read(["K"], options, notices) is STORY
    assert filters.STORY.read(["nope"], options, notices) is None
    assert notices == ["Ignored story 'nope' in the link: no such story here."]
    # A story the table does not offer (another table's) is dropped.
    assert filters.restrict(state, FilterOptions()).story is None
    assert filters.restrict(state, options).story is STORY
