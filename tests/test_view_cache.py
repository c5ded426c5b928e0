"""viewcache.Views: a view is built once per table and filter state in a process."""

from __future__ import annotations

import subprocess
import sys
import threading

import plotly.graph_objects as go
import plotly.io as pio
from helpers import APP, SAMPLE

from timeline import figures, loading, palette, relations, timeline_chart, viewcache
from timeline.filters import FilterState, apply_filters, prepare
from timeline.io import read_events


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
    first = viewcache.Views(df, war)(build, "e1")
    again = viewcache.Views(df, war)(build, "e1")
    assert again is first  # the same object: shared, not rebuilt
    assert len(calls) == 1
    assert first["rows"] == len(apply_filters(df, war))
    viewcache.Views(df, war)(build, "e2")  # other args
    everything = viewcache.Views(df, FilterState())(build, "e1")  # other state
    assert everything["rows"] == len(df) != first["rows"]
    assert len(calls) == 3


def test_another_table_is_another_view() -> None:
    """The same state on a table loaded again (e.g. the file changed) is built again."""
    calls: list[tuple[int, tuple]] = []
    build = counting_build(calls)
    one, two = prepare(read_events(SAMPLE)), prepare(read_events(SAMPLE))
    viewcache.Views(one, FilterState())(build)
    viewcache.Views(two, FilterState())(build)
    viewcache.Views(one, FilterState())(build)
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
        threading.Thread(target=lambda: got.append(viewcache.Views(df, state)(slow)))
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

    def build(frame, *args, pal):
        calls.append((len(frame), args))
        return figures.figure({"data": [], "layout": {"title": {"text": "one view"}}}, pal)

    state = FilterState(categories=("war",))
    light = viewcache.Views(df, state)(build)
    dark = viewcache.Views(df, state, dark=True)(build)
    assert viewcache.Views(df, state, dark=True)(build) is dark
    assert len(calls) == 2
    assert light.layout.paper_bgcolor == palette.LIGHT.background
    assert dark.layout.paper_bgcolor == palette.DARK.background


def test_a_state_seen_before_is_not_filtered_again(monkeypatch) -> None:
    df = prepare(read_events(SAMPLE))
    state = FilterState(query="ceasefire")
    assert viewcache.Views(df, state).answer(len) == len(apply_filters(df, state))
    filtered: list[FilterState] = []

    def counting(table, s):
        filtered.append(s)
        return apply_filters(table, s)

    monkeypatch.setattr(viewcache, "apply_filters", counting)
    views = viewcache.Views(df, state)
    assert views.answer(len) == len(apply_filters(df, state))  # from the cache
    assert filtered == []
    assert len(views.filtered) == len(apply_filters(df, state))  # asked for: made once
    assert len(views.filtered) and filtered == [state]


def test_of_table_builds_from_the_whole_table_whatever_the_filters() -> None:
    df = prepare(read_events(SAMPLE))
    calls: list[tuple[int, tuple]] = []
    build = counting_build(calls)
    war = viewcache.Views(df, FilterState(categories=("war",))).of_table(build, "x")
    treaty = viewcache.Views(df, FilterState(categories=("treaty",))).of_table(build, "x")
    assert war is treaty and war["rows"] == len(df)
    assert len(calls) == 1


def test_answers_do_not_push_views_out() -> None:
    """Many small answers (a count per state, ...) leave the views' cache alone."""
    df = prepare(read_events(SAMPLE))
    calls: list[tuple[int, tuple]] = []
    build = counting_build(calls)
    views = viewcache.Views(df, FilterState(categories=("war",)))
    first = views(build)
    for i in range(200):
        state = FilterState(years=(1900, 1900 + i))
        assert viewcache.Views(df, state).answer(len) == len(apply_filters(df, state))
    assert views(build) is first and len(calls) == 1


def test_a_cached_figure_is_the_figure_sent_as_it_was_made(sample) -> None:
    """The views' cache keeps figures as `SentFigure`: the same figure, its dict made once
    (Streamlit asks for it on every run) and not copied again."""
    df = prepare(sample)
    made = timeline_chart.timeline(df, None, None)
    sent = viewcache.SentFigure(viewcache.spec_of(made))
    assert sent.to_dict() is sent.to_dict()
    assert pio.to_json(sent.to_dict()) == pio.to_json(made.to_dict())
    assert pio.to_json(sent.to_dict()) == pio.to_json(go.Figure(made.to_dict()).to_dict())
    assert [t.meta for t in sent.data] == [t.meta for t in made.data]
    assert sent.layout.meta == made.layout.meta
    cached = viewcache.Views(df, FilterState())(timeline_chart.timeline, None, None)
    assert isinstance(cached, viewcache.SentFigure)
    assert pio.to_json(cached.to_dict()) == pio.to_json(made.to_dict())


def test_a_cached_animation_is_sent_as_plotly_writes_it(sample) -> None:
    """Frames too: the dict a cached animated map hands Streamlit is the figure's own."""
    df = prepare(sample)
    cached = viewcache.Views(df, FilterState(), dark=True)(
        relations.relations_map_animated, None, 2000
    )
    made = relations.relations_map_animated(df, None, 2000, pal=palette.DARK)
    assert cached.frames and pio.to_json(cached.to_dict()) == pio.to_json(made.to_dict())


def test_a_selected_event_rings_the_timeline_of_its_state_built_once(sample, monkeypatch) -> None:
    """The timeline of a filter state is built once; each selected event only rings it."""
    df = prepare(sample)
    packed: list[int] = []
    real = timeline_chart.timeline_parts

    def counting(frame, window=None, pal=palette.LIGHT):
        packed.append(len(frame))
        return real(frame, window, pal)

    monkeypatch.setattr(timeline_chart, "timeline_parts", counting)
    views = viewcache.Views(df, FilterState(categories=("war", "treaty")), dark=True)
    ids = list(views.filtered["id"])
    plain = views.timeline(None, None)
    rings = [views.timeline(event, None) for event in ids]
    assert len(packed) == 1  # one timeline for the state, however many events are selected
    assert not [t for t in plain.data if t.meta["kind"] == "selected"]
    monkeypatch.setattr(timeline_chart, "timeline_parts", real)
    for event, fig in zip(ids, rings, strict=True):
        ring = [t for t in fig.data if t.meta["kind"] == "selected"]
        assert len(ring) == 1 and ring[0].customdata[0][0] == event
        # The same figure as the timeline built for that event alone, in the page's theme.
        alone = timeline_chart.timeline(views.filtered, event, pal=palette.DARK)
        assert pio.to_json(fig.to_dict()) == pio.to_json(alone.to_dict())


def test_a_process_that_loads_the_table_tunes_its_garbage_collection() -> None:
    # A fresh process: the test process has loaded tables already.
    script = f"""
import gc, os
from streamlit.testing.v1 import AppTest
from timeline import serving, ui
os.environ[{loading.DATA_ENV!r}] = {str(SAMPLE)!r}
before = (gc.get_threshold(), gc.get_freeze_count())
AppTest.from_file({str(APP)!r}, default_timeout=60).run()
print(before == ((700, 10, 10), 0), gc.get_threshold() == serving.GC_THRESHOLDS,
      gc.get_freeze_count() > 10_000)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split() == ["True", "True", "True"]
