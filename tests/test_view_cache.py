"""ui.view_cache: a view is built once per table and filter state in a process."""

from __future__ import annotations

import threading
from pathlib import Path

import plotly.graph_objects as go

from timeline import palette, ui
from timeline.filters import FilterState, apply_filters, prepare
from timeline.io import read_events

SAMPLE = Path(__file__).parent / "data" / "sample.csv"


def counting_build(calls: list[tuple[int, tuple]]):
    def build(df, *args):
        calls.append((len(df), args))
        return {"rows": len(df), "args": args}

    return build


def test_one_build_per_table_state_and_args() -> None:
    df = prepare(read_events(SAMPLE))
    calls: list[tuple[int, tuple]] = []
    build = counting_build(calls)
    war = FilterState(categories=("war",))
    first = ui.view_cache(df, war)(build, apply_filters(df, war), "e1")
    again = ui.view_cache(df, war)(build, apply_filters(df, war), "e1")
    assert again is first  # the same object: shared, not rebuilt
    assert len(calls) == 1
    ui.view_cache(df, war)(build, apply_filters(df, war), "e2")  # other args
    everything = ui.view_cache(df, FilterState())(build, df, "e1")  # other state
    assert everything["rows"] == len(df) != first["rows"]
    assert len(calls) == 3


def test_another_table_is_another_view() -> None:
    """The same state on a table loaded again (e.g. the file changed) is built again."""
    calls: list[tuple[int, tuple]] = []
    build = counting_build(calls)
    one, two = prepare(read_events(SAMPLE)), prepare(read_events(SAMPLE))
    ui.view_cache(one, FilterState())(build, one)
    ui.view_cache(two, FilterState())(build, two)
    ui.view_cache(one, FilterState())(build, one)
    assert len(calls) == 2


def test_sessions_asking_at_once_get_one_build() -> None:
    df = prepare(read_events(SAMPLE))
    calls: list[tuple[int, tuple]] = []
    gate = threading.Event()

    def slow(frame, *args):
        gate.wait(5)
        calls.append((len(frame), args))
        return object()

    got: list[object] = []
    state = FilterState(query="treaty")
    threads = [
        threading.Thread(
            target=lambda: got.append(ui.view_cache(df, state)(slow, apply_filters(df, state)))
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    assert len(got) == 4 and all(g is got[0] for g in got)
    assert len(calls) == 1


def test_a_figure_is_built_once_per_theme_and_comes_in_it() -> None:
    df = prepare(read_events(SAMPLE))
    calls: list[tuple[int, tuple]] = []

    def build(frame, *args):
        calls.append((len(frame), args))
        return go.Figure(layout={"title": {"text": "one view"}})

    state = FilterState(categories=("war",))
    filtered = apply_filters(df, state)
    light = ui.view_cache(df, state)(build, filtered)
    dark = ui.view_cache(df, state, dark=True)(build, filtered)
    assert ui.view_cache(df, state, dark=True)(build, filtered) is dark
    assert len(calls) == 2
    assert light.layout.paper_bgcolor == palette.LIGHT.background
    assert dark.layout.paper_bgcolor == palette.DARK.background
