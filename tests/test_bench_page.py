"""The page benchmark's figures (bench/page.py): medians, ratios against the floor, the report,
and the reading of CPU profiles and websocket messages. No browser, no timing."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import page
from page import APP, CHANGE, FIRST, FLOOR, Sample


def samples(table: str, app: str, kind: str, *seconds: float) -> list[Sample]:
    return [Sample(table, app, kind, s) for s in seconds]


def test_the_ratio_is_of_medians_so_one_slow_floor_run_does_not_flatter_the_app():
    # Mean of the floor: 1.27 s (ratio 0.39, met); median: 0.4 s (ratio 1.25, missed).
    got = page.verdicts(
        samples("shipped", FLOOR, CHANGE, 0.4, 3.0, 0.4)
        + samples("shipped", APP, CHANGE, 0.5, 0.5, 0.5),
        {"shipped": {CHANGE: 1.2}},
    )
    assert [(v.floor, v.app, v.met) for v in got] == [(0.4, 0.5, False)]
    assert abs(got[0].ratio - 1.25) < 1e-9


def test_each_table_is_compared_with_the_floor_runs_taken_beside_it():
    got = page.verdicts(
        samples("shipped", FLOOR, FIRST, 2.0, 2.0)
        + samples("shipped", APP, FIRST, 2.0, 2.0)
        + samples("100k", FLOOR, FIRST, 4.0)
        + samples("100k", APP, FIRST, 6.0),
        {"shipped": {FIRST: 1.0}, "100k": {FIRST: 1.3}},
    )
    # A ratio equal to its target meets it.
    assert [(v.table, v.ratio, v.met) for v in got] == [
        ("shipped", 1.0, True),
        ("100k", 1.5, False),
    ]


def test_a_measurement_without_runs_is_reported_as_not_measured_not_as_met():
    rows = page.verdicts(samples("shipped", FLOOR, CHANGE, 0.4), page.TARGETS)
    assert all(v.met is None for v in rows)
    report = page.verdict_table(rows)
    assert "✅" not in report and "❌" not in report
    assert report.count("not measured") == len(page.TARGETS) * 2


def test_the_report_marks_each_target():
    rows = page.verdicts(
        samples("shipped", FLOOR, FIRST, 2.0)
        + samples("shipped", APP, FIRST, 2.2)
        + samples("shipped", FLOOR, CHANGE, 0.4)
        + samples("shipped", APP, CHANGE, 0.6),
        {"shipped": {FIRST: 1.15, CHANGE: 1.0}},
    )
    lines = page.verdict_table(rows).splitlines()[2:]
    assert lines == [
        "| shipped | first render | 2.00 s | 2.20 s | 1.10 × | ≤ 1.15 × | ✅ |",
        "| shipped | filter change | 0.40 s | 0.60 s | 1.50 × | ≤ 1 × | ❌ |",
    ]


def test_medians_of_the_breakdown_take_each_figure_separately():
    a = Sample("shipped", APP, CHANGE, 1.0, ws_bytes=100, browser={"TaskDuration": 0.5})
    b = Sample("shipped", APP, CHANGE, 3.0, ws_bytes=900, browser={"TaskDuration": 0.1})
    c = Sample("shipped", APP, CHANGE, 2.0, ws_bytes=300, browser={"TaskDuration": 0.3})
    row = page.medians([a, b, c])[("shipped", APP, CHANGE)]
    assert (row["seconds"], row["ws_bytes"], row["TaskDuration"], row["n"]) == (2.0, 300, 0.3, 3)


def test_the_section_replaces_only_its_own_part_of_the_results_file():
    other = "# Benchmarks\n\n<!-- bench:start -->\nthe loader\n<!-- bench:end -->\n"
    first = page.replace_section(other, f"{page.START}\nrun 1\n{page.END}")
    assert first.startswith(other.rstrip("\n")) and "run 1" in first
    second = page.replace_section(first + "\nnotes kept\n", f"{page.START}\nrun 2\n{page.END}")
    assert "run 1" not in second and "run 2" in second
    assert second.count(page.START) == 1 and "the loader" in second and "notes kept" in second


def test_cpu_profile_self_time_is_summed_per_script_chunk_without_idle():
    def node(i: int, url: str, name: str = "f") -> dict:
        return {"id": i, "callFrame": {"url": url, "functionName": name}}

    profile = {
        "nodes": [
            node(1, "", "(idle)"),
            node(2, "http://127.0.0.1:1/static/js/PlotlyChart.D9Z0_fxz.js"),
            node(3, "http://127.0.0.1:1/static/js/PlotlyChart.D9Z0_fxz.js", "g"),
            node(4, "http://127.0.0.1:1/static/js/index.DormvYxC.js"),
            node(5, "", "(program)"),
        ],
        "samples": [1, 2, 3, 4, 5, 2],
        "timeDeltas": [900_000, 100_000, 200_000, 50_000, 25_000, 300_000],  # microseconds
    }
    got = page._self_times(profile)
    assert [name for name, _ in got] == ["PlotlyChart", "index", "(program)"]
    assert [round(s, 3) for _, s in got] == [0.6, 0.05, 0.025]


def test_the_bytes_sent_are_counted_per_element_and_a_chart_by_its_figure_json():
    chart = ForwardMsg()
    chart.delta.new_element.plotly_chart.spec = '{"data": [], "layout": {"title": "é"}}'
    table = ForwardMsg()
    table.delta.new_element.dataframe.arrow_data.data = b"x" * 1000
    finished = ForwardMsg()
    finished.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    got = dict(page._element_bytes([m.SerializeToString() for m in (chart, table, finished)]))
    assert got["plotly_chart (figure JSON)"] == len(
        chart.delta.new_element.plotly_chart.spec.encode()
    )
    assert got["dataframe"] == table.delta.new_element.ByteSize() > 1000
    assert got["script_finished"] == finished.ByteSize()
