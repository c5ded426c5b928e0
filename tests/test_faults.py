"""Faults while the server runs: the data file disappears, changes or turns bad, and an upload
is replaced. Each run gives the new content or a clear error, never a traceback; the other
sessions (and the load test in bench/load_test.py, in a real browser) keep working."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import APP, SAMPLE, counter, errors
from streamlit.testing.v1 import AppTest

from timeline import loading, ui
from timeline.io import EventTableError, Problem, read_events

LINES = SAMPLE.read_bytes().splitlines(keepends=True)


@pytest.fixture
def data(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "events.csv"
    path.write_bytes(SAMPLE.read_bytes())
    monkeypatch.setenv(loading.DATA_ENV, str(path))
    return path


def new_session() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60)


def test_load_path_follows_the_file(data: Path):
    assert len(ui.load_path(data).df) == len(LINES) - 1
    data.write_bytes(b"".join(LINES[:4]))
    assert len(ui.load_path(data).df) == 3
    data.unlink()
    gone = ui.load_path(data)
    assert not gone.ok
    assert [str(p) for p in gone.problems] == [f"{data}: cannot be read: No such file or directory"]
    data.write_bytes(b"".join(LINES[:6]))
    assert len(ui.load_path(data).df) == 5


def test_a_read_error_is_not_kept_once_the_file_is_readable_again(data: Path, monkeypatch):
    real, calls = loading.read_source, []

    def denied_once(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 1:
            raise EventTableError(
                [Problem(0, "", "cannot be read: Permission denied", source=str(data))]
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "read_source", denied_once)
    before = data.stat()
    failed = ui.load_path(data)
    assert [str(p) for p in failed.problems] == [f"{data}: cannot be read: Permission denied"]
    # Permissions fixed: the file's time and size are the same, so is the cache key.
    assert (data.stat().st_mtime_ns, data.stat().st_size) == (before.st_mtime_ns, before.st_size)
    again = ui.load_path(data)
    assert again.ok and len(again.df) == len(LINES) - 1
    assert len(calls) == 2
    assert ui.load_path(data) is again and len(calls) == 2  # a success is kept


def test_file_removed_then_restored_while_sessions_run(data: Path):
    first, second = new_session().run(), new_session().run()
    assert counter(first) == counter(second) == (15, 15)
    data.unlink()
    first.run()
    assert not first.exception
    assert "could not be loaded" in errors(first)[0]
    assert "No such file or directory" in first.dataframe[0].value["Problem"][0]
    assert counter(first) is None  # no partial page
    data.write_bytes(b"".join(LINES[:8]))
    second.run()
    first.run()
    for at in (first, second):
        assert not at.exception and not errors(at)
        assert counter(at) == (7, 7)


def test_file_changed_keeps_valid_filters_and_drops_the_rest(data: Path):
    at = new_session()
    at.query_params["category"] = ["war", "ceasefire"]
    at.run()
    wars = sum(read_events(data)["category"].isin(["war", "ceasefire"]))
    assert counter(at) == (wars, 15)
    kept = [line for line in LINES if b",ceasefire," not in line]
    data.write_bytes(b"".join(kept))
    at.run()
    assert not at.exception and not errors(at)
    shown, total = counter(at)
    assert total == len(kept) - 1
    assert shown == sum(read_events(data)["category"] == "war")
    assert at.sidebar.multiselect(key="category").value == ["war"]


def test_file_turned_bad_shows_its_problems_then_recovers(data: Path):
    at = new_session().run()
    data.write_bytes(LINES[0] + b"broken,row\n")
    at.run()
    assert not at.exception
    assert "could not be loaded" in errors(at)[0]
    assert counter(at) is None
    data.write_bytes(SAMPLE.read_bytes())
    at.run()
    assert not at.exception and counter(at) == (15, 15)


def test_a_replaced_upload_is_read_afresh():
    one, two = b"".join(LINES[:3]), b"".join(LINES[:5])
    assert len(ui.load_upload(one, "mine.csv").df) == 2
    assert len(ui.load_upload(two, "mine.csv").df) == 4  # same name, new content
    bad = ui.load_upload(LINES[0] + b"x\n", "mine.csv")
    assert not bad.ok and bad.problems
    assert len(ui.load_upload(one, "mine.csv").df) == 2


def test_an_upload_that_is_cut_short_is_refused_whole():
    cut = SAMPLE.read_bytes()[: -len(LINES[-1]) + 20]  # the last record, cut short
    loaded = loading.load_table(io.BytesIO(cut), name="cut.csv")
    assert not loaded.ok and loaded.df is None
    assert loaded.problems[0].line == len(LINES)
