"""Issue 27.3: "Events at this place" under the places map is bounded as the events table is:
the newest labels.TABLE_MAX, the selected event always among them, and a line saying how many
more there are and that the filters narrow them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import APP, _plain, csv_text, event
from streamlit.testing.v1 import AppTest

from timeline import labels, loading

MORE = 3  # events beyond the list's bound
N = labels.TABLE_MAX + MORE
BAKU = ("Baku", 40.4, 49.9)


@pytest.fixture(scope="module")
def one_place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """N events at Baku, one a day from 1 January 1990: e0 the oldest, e{N-1} the newest."""
    days = [(dt.date(1990, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(N)]
    rows = [
        event(f"e{i}", "agreement", day, countries="TUR", title=f"Event {i}", place=BAKU)
        for i, day in enumerate(days)
    ]
    path = tmp_path_factory.mktemp("place") / "one-place.csv"
    path.write_text(csv_text(*rows), encoding="utf-8")
    return path


def picker(one_place: Path, monkeypatch: pytest.MonkeyPatch, event: str) -> AppTest:
    monkeypatch.setenv(loading.DATA_ENV, str(one_place))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"view": "map", "event": event})
    at.run()
    assert not at.exception
    return at


def test_a_crowded_place_lists_the_newest_and_says_how_many_more(one_place, monkeypatch):
    at = picker(one_place, monkeypatch, f"e{N - 1}")  # the newest
    (pick,) = at.selectbox
    assert pick.label == "Events at this place"
    assert len(pick.options) == labels.TABLE_MAX
    assert pick.options[0].endswith(f"Event {N - 1}") and pick.value == f"e{N - 1}"
    assert pick.options[-1].endswith(f"Event {MORE}")  # the newest TABLE_MAX, in order
    (line,) = [n for n in _plain(at, "note") if "at Baku" in n]
    assert line.startswith(f"{N:,} events at Baku, newest first")
    assert f"The list holds the newest {labels.TABLE_MAX:,}, not the {MORE} others" in line
    assert "narrow the filters" in line


def test_the_selected_event_stays_in_the_list_beyond_the_bound(one_place, monkeypatch):
    at = picker(one_place, monkeypatch, "e0")  # the oldest: not among the newest
    (pick,) = at.selectbox
    assert len(pick.options) == labels.TABLE_MAX + 1
    assert pick.value == "e0" and pick.options[-1].endswith("Event 0")
    (line,) = [n for n in _plain(at, "note") if "at Baku" in n]
    assert f"newest {labels.TABLE_MAX:,} and the selected one, not the {MORE - 1} others" in line
