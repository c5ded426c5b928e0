"""Issue 26.4: every table `validate` accepts can be drawn. Years outside schema.YEAR_MIN to
YEAR_MAX are refused with their line and column; tables at those edges draw every view."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import APP, csv_text, event, table
from streamlit.testing.v1 import AppTest

from timeline import loading, schema, ui, url_state
from timeline.io import EventTableError

FIRST, LAST = schema.YEAR_MIN, schema.YEAR_MAX
# Relations, recognitions, wars, memberships: every view has something to draw.
_KINDS = [
    {"category": "diplomatic_relations", "countries": "TUR"},
    {"category": "war", "countries": "ARM"},
    {"category": "membership", "orgs": "UN"},
]


def dated(*dates: tuple[str, str]) -> list[dict[str, str]]:
    """Events at Baku with these (start, end) dates, of the kinds above in turn."""
    return [
        event(f"e{i}", start=start, end=end, place=("Baku", 40.4, 49.9), **_KINDS[i % len(_KINDS)])
        for i, (start, end) in enumerate(dates)
    ]


@pytest.mark.parametrize(
    "dates",
    [
        [(f"{FIRST:04d}", ""), (f"{LAST:04d}", "")],  # the first and last years allowed
        [(f"{FIRST:04d}-01-01", ""), (f"{LAST:04d}-12-31", "")],  # their first and last days
        [(f"{FIRST:04d}", f"{LAST:04d}")],  # one period over them all
        [("1994-05-12", "")],  # a one-day table
        [(f"{FIRST:04d}-01-01", "")],  # a one-day table on the first day
        [(f"{LAST:04d}-12-31", "")],  # and on the last
        [("1500", ""), ("2000", "2500")],  # a thousand years
    ],
    ids=["years", "days", "one-period", "one-day", "first-day", "last-day", "thousand-years"],
)
def test_every_view_draws_a_table_at_the_edges(dates, tmp_path: Path, monkeypatch):
    path = tmp_path / "edges.csv"
    path.write_text(csv_text(*dated(*dates)), encoding="utf-8")
    monkeypatch.setenv(loading.DATA_ENV, str(path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    for view in url_state.VIEWS:
        at.session_state[ui.K_VIEW] = url_state.VIEWS[view]
        at = at.run()
        assert not at.exception, (view, at.exception[0].value)
        assert at.get("plotly_chart"), view  # the timeline at least
    at.session_state[ui.K_VIEW] = url_state.VIEWS["map"]
    at.session_state[ui.K_MAP_MODE] = "countries"
    assert not at.run().exception
    at.session_state[ui.K_VIEW] = url_state.VIEWS["relations"]
    at.session_state[ui.K_PLAY] = True
    assert not at.run().exception


@pytest.mark.parametrize(
    ("start", "end", "column", "value"),
    [
        (f"{FIRST - 1:04d}", "", "start_date", f"{FIRST - 1:04d}"),
        ("1994", f"{LAST + 1:04d}-01", "end_date", f"{LAST + 1:04d}-01"),
        (f"{LAST + 1:04d}-01-01", "", "start_date", f"{LAST + 1:04d}-01-01"),
        ("0001", "1994", "start_date", "0001"),
        ("9990", "9999", "start_date", "9990"),
    ],
)
def test_a_year_outside_the_bounds_is_refused_with_its_line_and_column(start, end, column, value):
    with pytest.raises(EventTableError) as caught:
        table(*dated(("1994", ""), (start, end)))
    problems = [str(p) for p in caught.value.problems]
    assert problems[0] == f"t.csv:3: {column} '{value}' {schema.YEAR_ERROR}", problems
    assert str(FIRST) in schema.YEAR_ERROR and str(LAST) in schema.YEAR_ERROR
