"""The page against the floor, in headless Chromium (`make bench-page`; also part of `make bench`).

    .venv/bin/python bench/page.py [--tables shipped,100k] [--reps 5] [--no-analysis]

Times two things for bench/floor_app.py (one multiselect, one 150-point scatter, one 150-row
table: what any Streamlit + Plotly page costs at least) and for the dashboard on each table:

* first render: navigation in a fresh browser context -> every Plotly chart drawn, a table
  shown, the app idle, and the last DOM change before a quiet second;
* filter change: the key press that adds (or removes) a category in the first multiselect ->
  the last DOM change before a quiet second.

The servers stay up for the whole run (a first, untimed page loads the table); the floor and
the dashboard take turns within each repetition (floor, app, app, floor, ...), so a busy spell
of this shared machine falls on both. It reports medians, the ratios app / floor against the
issue's targets, and per measurement where the time went: the websocket bytes and the time to
the last websocket message (the server's run and transfer), the server's CPU time, and the
browser's main-thread time (CDP Performance metrics). An analysis pass then takes, once per
app, a CPU profile of the page (self time per JavaScript chunk: PlotlyChart, DataFrame, ...)
and the size of every element the server sent. Results go into bench/results.md between the
bench-page markers and into bench/out/page.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from common import BENCH, OUT, ROOT, SIZES, data_file, machine

FLOOR, APP = "floor", "app"
FIRST, CHANGE = "first render", "filter change"
# The targets (issue 13): the dashboard's time as a multiple of the floor's.
TARGETS: dict[str, dict[str, float]] = {
    "shipped": {FIRST: 1.15, CHANGE: 1.0},
    "100k": {FIRST: 1.3, CHANGE: 1.2},
}
# The option typed into the first multiselect of each app (the dashboard's is the category).
OPTION = {FLOOR: "war", APP: "War"}
QUIET_MS = 1000
TIMEOUT_MS = int(os.environ.get("BENCH_TIMEOUT_MS", 180_000))
START, END = "<!-- bench-page:start -->", "<!-- bench-page:end -->"

# Every Plotly chart on the page has drawn, and a table is there.
READY_JS = """() => {
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.length > 0 && document.querySelector('[data-testid="stDataFrame"]') !== null
    && charts.every(c => { const p = c.querySelector('.js-plotly-plot');
                           return p && p._fullData && p.querySelector('.main-svg'); });
}"""
# Each websocket message the page receives: [performance.now(), bytes].
WS_JS = """(() => {
  window.__ws = [];
  window.__wsSent = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    send(data) {
      window.__wsSent.push(performance.now());
      return super.send(data);
    }
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        const d = e.data;
        window.__ws.push([performance.now(), d.byteLength ?? d.size ?? d.length]);
      });
    }
  };
})()"""
# Since the measurement's start (the input event, or the navigation): websocket messages,
# bytes, and the time of the last one.
WS_SINCE_JS = """() => {
  const t0 = window.__inputAt || window.__calledAt || 0;
  const msgs = window.__ws.filter(m => m[0] >= t0);
  const sent = window.__wsSent.filter(t => t >= t0);
  return {messages: msgs.length, bytes: msgs.reduce((s, m) => s + m[1], 0),
          sent: sent.length ? (sent[0] - t0) / 1000 : 0,
          last: msgs.length ? (Math.max(...msgs.map(m => m[0])) - t0) / 1000 : 0};
}"""
# The analysis pass: the time of every DOM change, by the page element it falls in (the
# innermost of ELEMENTS around it, in the sidebar or the main area).
MARKS_JS = """(() => {
  const ELEMENTS = ['stPlotlyChart', 'stDataFrame', 'stMultiSelect', 'stSlider', 'stTextInput',
    'stDownloadButton', 'stFileUploader', 'stTabs', 'stHeading', 'stMarkdown', 'stHtml',
    'stButton', 'stExpander', 'stStatusWidget', 'stToolbar', 'stDecoration'];
  window.__marks = {};
  new MutationObserver(records => {
    const now = performance.now();
    for (const r of records) {
      let el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      let name = null, area = 'page';
      for (; el; el = el.parentElement) {
        const id = el.getAttribute && el.getAttribute('data-testid');
        if (!name && ELEMENTS.includes(id)) name = id;
        if (id === 'stSidebar') { area = 'sidebar'; break; }
        if (id === 'stMain') { area = 'main'; break; }
      }
      const key = area + ' ' + (name || '(other)');
      (window.__marks[key] = window.__marks[key] || []).push(now);
    }
  }).observe(document, {attributes: true, childList: true, subtree: true, characterData: true});
})()"""
# Since the measurement's start: per page element, its first and last DOM change (seconds).
MARKS_SINCE_JS = """() => {
  const t0 = window.__inputAt || window.__calledAt || 0;
  const out = [];
  for (const [key, times] of Object.entries(window.__marks)) {
    const since = times.filter(t => t >= t0);
    if (since.length) out.push([key, (since[0] - t0) / 1000,
                                (since[since.length - 1] - t0) / 1000, since.length]);
  }
  return out.sort((a, b) => a[2] - b[2]);
}"""
# When the code of the charts and the table had arrived (seconds from the navigation).
CHUNKS_LOADED_JS = """() => performance.getEntriesByType('resource')
  .filter(e => /\\/(PlotlyChart|DataFrame)\\.[^/]*\\.js$/.test(e.name))
  .map(e => [e.name.split('/').pop().split('.')[0], e.startTime / 1000, e.responseEnd / 1000])"""
BROWSER_METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


# ---------------------------------------------------------------------------------------------
# Figures: samples, medians, ratios, the report


@dataclass
class Sample:
    """One timed measurement, and where its time went."""

    table: str
    app: str  # FLOOR or APP
    kind: str  # FIRST or CHANGE
    seconds: float
    ws_messages: int = 0
    ws_bytes: int = 0
    ws_last: float = 0.0  # seconds from the start to the page's handling of the last message
    ws_sent: float = 0.0  # seconds from the start to the page's first websocket send
    # From the first frame sent to the last frame received, by the browser's network
    # timestamps (CDP): the server's run and the transfer, whatever the page's thread does.
    server_span: float = 0.0
    server_cpu: float = 0.0  # the server process's CPU seconds over the measurement
    browser: dict[str, float] = field(default_factory=dict)  # CDP metrics' increase, seconds


@dataclass
class Verdict:
    table: str
    kind: str
    floor: float | None  # median seconds
    app: float | None
    target: float  # the largest ratio app / floor allowed

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.app is None or self.floor <= 0:
            return None
        return self.app / self.floor

    @property
    def met(self) -> bool | None:
        return None if self.ratio is None else self.ratio <= self.target


def medians(samples: Iterable[Sample]) -> dict[tuple[str, str, str], dict[str, float]]:
    """(table, app, kind) -> the median of each figure over its samples, and their count."""
    groups: dict[tuple[str, str, str], list[Sample]] = defaultdict(list)
    for s in samples:
        groups[(s.table, s.app, s.kind)].append(s)
    out = {}
    for key, group in groups.items():
        row = {
            name: statistics.median(getattr(s, name) for s in group)
            for name in (
                "seconds",
                "ws_messages",
                "ws_bytes",
                "ws_last",
                "ws_sent",
                "server_span",
                "server_cpu",
            )
        }
        for metric in {m for s in group for m in s.browser}:
            row[metric] = statistics.median(s.browser.get(metric, 0.0) for s in group)
        row["n"] = len(group)
        out[key] = row
    return out


def verdicts(samples: Iterable[Sample], targets: dict[str, dict[str, float]]) -> list[Verdict]:
    """For each table and measurement with a target: the floor's and the app's medians."""
    med = medians(samples)

    def seconds(table: str, app: str, kind: str) -> float | None:
        row = med.get((table, app, kind))
        return None if row is None else row["seconds"]

    return [
        Verdict(table, kind, seconds(table, FLOOR, kind), seconds(table, APP, kind), target)
        for table, by_kind in targets.items()
        for kind, target in by_kind.items()
    ]


def _s(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f} s"


def verdict_table(rows: list[Verdict]) -> str:
    lines = [
        "| table | measurement | floor (median) | app (median) | app / floor | target | |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in rows:
        ratio = "–" if v.ratio is None else f"{v.ratio:.2f} ×"
        mark = {True: "✅", False: "❌", None: "not measured"}[v.met]
        lines.append(
            f"| {v.table} | {v.kind} | {_s(v.floor)} | {_s(v.app)} | {ratio} "
            f"| ≤ {v.target:g} × | {mark} |"
        )
    return "\n".join(lines)


def breakdown_table(samples: list[Sample]) -> str:
    lines = [
        "| table | app | measurement | n | median | all runs | websocket in "
        "| start → request sent (page) | request → last message (network) | server CPU "
        "| last message handled (page) | browser main thread (script / layout + style) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    med = medians(samples)
    for (table, app, kind), row in sorted(med.items()):
        runs = ", ".join(f"{s.seconds:.2f}" for s in samples
                         if (s.table, s.app, s.kind) == (table, app, kind))  # fmt: skip
        layout = row.get("LayoutDuration", 0) + row.get("RecalcStyleDuration", 0)
        lines.append(
            f"| {table} | {app} | {kind} | {row['n']} | {_s(row['seconds'])} | {runs} "
            f"| {row['ws_bytes'] / 1000:,.1f} kB in {row['ws_messages']:g} "
            f"| {_s(row['ws_sent'])} | {_s(row['server_span'])} | {_s(row['server_cpu'])} "
            f"| {_s(row['ws_last'])} "
            f"| {_s(row.get('TaskDuration'))} ({_s(row.get('ScriptDuration'))} / {_s(layout)}) |"
        )
    return "\n".join(lines)


def analysis_table(analysis: dict[str, dict[str, Any]]) -> str:
    """The analysis pass: self time per JavaScript chunk and the elements' bytes."""
    if not analysis:
        return "(analysis pass not run)"
    lines = [
        "| page | measurement | time (to last ws message) | JS self time by chunk (top 5) "
        "| elements sent (bytes) | DOM changes per element: first – last (count), by last |",
        "|---|---|---|---|---|---|",
    ]
    for name, by_kind in analysis.items():
        for kind, a in by_kind.items():
            chunks = ", ".join(f"{k} {v:.2f} s" for k, v in a["chunks"][:5])
            sent = ", ".join(f"{k} {v:,}" for k, v in a["elements"])
            marks = ", ".join(f"{k} {t0:.2f}–{t1:.2f} s ({n})" for k, t0, t1, n in a["marks"])
            loaded = "".join(
                f"; {chunk}.js loaded {t0:.2f}–{t1:.2f} s" for chunk, t0, t1 in a["chunks_loaded"]
            )
            when = f"{_s(a['seconds'])} ({_s(a['ws_last'])}{loaded})"
            lines.append(f"| {name} | {kind} | {when} | {chunks} | {sent} | {marks} |")
    return "\n".join(lines)


def section(
    samples: list[Sample],
    analysis: dict[str, dict[str, Any]],
    machine: dict[str, str],
    load: tuple[tuple[float, ...], tuple[float, ...]],
    when: str,
) -> str:
    """The bench-page section of bench/results.md, markers included."""
    desc = "; ".join(f"{k}: {v}" for k, v in machine.items())
    before, after = (" / ".join(f"{x:.1f}" for x in la) for la in load)
    return f"""{START}
## The page against the floor (`make bench-page`, part of `make bench`)

Written by `bench/page.py` on {when}. Load average (1 / 5 / 15 min) {before} at the start and
{after} at the end. {desc}.

Headless Chromium, a 1400×1000 viewport; the floor is `bench/floor_app.py`, the app
`app.py` on the table named. First render: navigation in a fresh browser context → every chart
drawn, a table shown, the app idle and the last DOM change before a quiet second (the servers
are warm: a first, untimed page loaded the table). Filter change: the key press that adds or
removes a category in the first multiselect → the last DOM change before a quiet second.
Medians over the repetitions; the floor and the app take turns within each one. Ratios are
shown rounded; ✅/❌ compares the unrounded ratio with the target.

{verdict_table(verdicts(samples, TARGETS))}

Where the time went (medians): the bytes the page received on its websocket; from the start to
the page's first websocket send (the rerun request; for a first render, the session's start);
from that request to the last message received, by the browser's network timestamps (the
server's run and the transfer, whatever the page's thread does); the server process's CPU time;
when the page's thread handled the last message (later than it arrived when the thread was
busy); and the renderer's main-thread time (CDP `Performance.getMetrics`: all tasks, of which
JavaScript, and layout + style). The filter changes alternate between two filter states that
the warm-up page asked for already, so the app's views come from its view cache.

{breakdown_table(samples)}

Analysis pass (once per page, not timed: the profiler slows the page): the renderer's
JavaScript self time per chunk of Streamlit's frontend (CDP CPU profile; `PlotlyChart` is
plotly.js with Streamlit's chart element, `DataFrame` the table's grid, `index` React and
Streamlit's own code, `(program)` / `(garbage collector)` the engine), and the elements the
server sent, by type (a Plotly chart's bytes are its figure JSON).

{analysis_table(analysis)}
{END}"""


def replace_section(old: str, new: str, start: str = START, end: str = END) -> str:
    """`old` with the part from `start` to `end` replaced by `new` (appended when absent)."""
    if start in old and end in old.split(start, 1)[1]:
        head, rest = old.split(start, 1)
        return head + new + rest.split(end, 1)[1]
    return old.rstrip("\n") + "\n\n" + new + "\n"


# ---------------------------------------------------------------------------------------------
# The browser


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Page:
    """A fresh browser context on one server, with its timers and recorders."""

    def __init__(self, browser: Any, server: Any) -> None:
        import conftest

        self.server = server
        self.context, self.traffic = conftest.open_context(browser, server.host)
        self.page = self.context.new_page()
        conftest.watch(self.page, self.traffic)
        self.page.add_init_script(WS_JS)
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")
        self.cdp.send("Network.enable")
        self.frames: list[tuple[str, float]] = []
        for event, way in (("webSocketFrameSent", "sent"), ("webSocketFrameReceived", "in")):
            self.cdp.on(
                f"Network.{event}", lambda e, way=way: self.frames.append((way, e["timestamp"]))
            )

    def _metrics(self) -> dict[str, float]:
        got = self.cdp.send("Performance.getMetrics")["metrics"]
        return {m["name"]: m["value"] for m in got if m["name"] in BROWSER_METRICS}

    @contextmanager
    def measured(self, sample: Sample) -> Iterator[Sample]:
        """Fill `sample`'s breakdown around the timed step, which sets `sample.seconds`."""
        cpu, metrics = _cpu_seconds(self.server.process.pid), self._metrics()
        self.frames.clear()  # the calls above have delivered the earlier frames' events
        yield sample
        sample.server_cpu = _cpu_seconds(self.server.process.pid) - cpu
        after = self._metrics()
        sample.browser = {k: after[k] - metrics.get(k, 0.0) for k in after}
        ws = self.page.evaluate(WS_SINCE_JS)
        sample.ws_messages, sample.ws_bytes = ws["messages"], ws["bytes"]
        sample.ws_last, sample.ws_sent = ws["last"], ws["sent"]
        sent = [t for way, t in self.frames if way == "sent"]
        got = [t for way, t in self.frames if way == "in"]
        sample.server_span = max(got) - min(sent) if sent and got else 0.0

    def first_render(self, table: str, app: str) -> Sample:
        import appdriver

        with self.measured(Sample(table, app, FIRST, 0.0)) as sample:
            sample.seconds = appdriver.open_timed(
                self.page, self.server.url + "/", READY_JS, TIMEOUT_MS, QUIET_MS
            )
        return sample

    def change(self, table: str, app: str, add: bool) -> Sample:
        """Add the app's option to its first multiselect (Enter), or remove it (Backspace)."""
        import appdriver

        field = self.page.locator('[data-testid="stMultiSelect"]').first.locator("input")
        if add:
            field.fill(OPTION[app])  # typing is not timed: the Enter that picks it is
            self.page.get_by_role("option", name=OPTION[app], exact=True).wait_for()
        key = "Enter" if add else "Backspace"
        with self.measured(Sample(table, app, CHANGE, 0.0)) as sample:
            sample.seconds = appdriver.rerun(
                self.page, lambda: field.press(key), TIMEOUT_MS, QUIET_MS
            )
        return sample

    def close(self) -> None:
        problems = self.traffic.blocked + self.traffic.console_errors + self.traffic.page_errors
        self.context.close()
        # E.g. a 404 for the map's topojson: the page would have been measured without it.
        if problems:
            raise RuntimeError(f"the page had problems: {problems[:5]}")


def one_rep(browser: Any, server: Any, table: str, app: str, changes: int) -> list[Sample]:
    page = Page(browser, server)
    try:
        samples = [page.first_render(table, app)]
        samples += [page.change(table, app, add=i % 2 == 0) for i in range(changes)]
    finally:
        page.close()
    return samples


def _chunk(url: str) -> str:
    """`http://host/static/js/PlotlyChart.D9Z0_fxz.js` -> `PlotlyChart`."""
    return url.rsplit("/", 1)[-1].split(".", 1)[0] or url


def _self_times(profile: dict[str, Any]) -> list[tuple[str, float]]:
    """Seconds of self time per chunk (or engine node) in a CDP CPU profile, largest first."""
    node_chunk = {}
    for node in profile["nodes"]:
        frame = node["callFrame"]
        name = _chunk(frame["url"]) if frame["url"] else frame["functionName"] or "(anonymous)"
        node_chunk[node["id"]] = name
    totals: dict[str, float] = defaultdict(float)
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        totals[node_chunk[node_id]] += delta / 1e6
    totals.pop("(idle)", None)
    return sorted(totals.items(), key=lambda kv: -kv[1])


def _element_bytes(frames: list[bytes]) -> list[tuple[str, int]]:
    """Bytes per element type in the ForwardMsgs `frames` (plotly_chart: its figure JSON)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    totals: dict[str, int] = defaultdict(int)
    for raw in frames:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            name = element.WhichOneof("type")
            if name == "plotly_chart":
                totals["plotly_chart (figure JSON)"] += len(element.plotly_chart.spec.encode())
            else:
                totals[name] += element.ByteSize()
        else:
            totals[kind or "?"] += msg.ByteSize()
    return sorted(totals.items(), key=lambda kv: -kv[1])


def _analysis_page(browser: Any, server: Any, table: str, app: str, profile: bool) -> dict:
    page = Page(browser, server)
    frames: list[bytes] = []
    page.page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda p: frames.append(p) if isinstance(p, bytes) else None
        ),
    )
    if profile:
        page.cdp.send("Profiler.enable")
        page.cdp.send("Profiler.setSamplingInterval", {"interval": 500})
    else:
        page.page.add_init_script(MARKS_JS)
    out = {}
    try:
        for kind in (FIRST, CHANGE):
            frames.clear()
            if profile:
                page.cdp.send("Profiler.start")
            sample = (
                page.first_render(table, app) if kind == FIRST else page.change(table, app, True)
            )
            if profile:
                out[kind] = {"chunks": _self_times(page.cdp.send("Profiler.stop")["profile"])}
            else:
                out[kind] = {
                    "seconds": sample.seconds,
                    "ws_last": sample.ws_last,
                    "elements": _element_bytes(frames),
                    "marks": page.page.evaluate(MARKS_SINCE_JS),
                    "chunks_loaded": page.page.evaluate(CHUNKS_LOADED_JS) if kind == FIRST else [],
                }
    finally:
        page.close()
    return out


def analyse(browser: Any, server: Any, table: str, app: str) -> dict[str, Any]:
    """For a first render and a filter change: the elements sent, when each page element last
    changed and when the chart and table code arrived (one page), and the CPU profile (another
    page: the profiler slows it)."""
    out = _analysis_page(browser, server, table, app, profile=False)
    profiled = _analysis_page(browser, server, table, app, profile=True)
    for kind in out:
        out[kind]["chunks"] = profiled[kind]["chunks"]
    return out


@contextmanager
def servers(tables: list[str], prelude: str = "") -> Iterator[dict[str, Any]]:
    """The floor and one dashboard per table, each under `streamlit run`: name -> server.
    With a `prelude`, the dashboard's server runs it before app.py (an experiment)."""
    import conftest

    started = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for name, app, env in [
                (FLOOR, BENCH / "floor_app.py", {}),
                *[(t, ROOT / "app.py", {"TIMELINE_DATA": str(data_file(t)),
                                        "TIMELINE_CACHE_DIR": f"{tmp}/cache"})
                  for t in tables],
            ]:  # fmt: skip
                root = Path(tmp) / name
                root.mkdir()
                if prelude and app != BENCH / "floor_app.py":
                    run_app = f"runpy.run_path({str(app)!r}, run_name='__main__')"
                    (root / "app.py").write_text(f"import runpy\n{prelude}\n{run_app}\n")
                else:
                    (root / "app.py").symlink_to(app)
                (root / ".streamlit").symlink_to(ROOT / ".streamlit")
                (root / "static").symlink_to(ROOT / "static")  # the world map's topojson
                saved, conftest.ROOT = conftest.ROOT, root  # start_app runs ROOT/app.py
                try:
                    started[name] = conftest.start_app(root / "streamlit.log", env, timeout=300)
                finally:
                    conftest.ROOT = saved
            yield started
        finally:
            for server in started.values():
                conftest.stop_app(server)


def measure(
    tables: list[str], reps: int, changes: int, analysis_on: bool, prelude: str = ""
) -> tuple[list[Sample], dict[str, dict[str, Any]]]:
    import conftest
    from playwright.sync_api import sync_playwright

    samples: list[Sample] = []
    analysis: dict[str, dict[str, Any]] = {}
    with servers(tables, prelude) as started, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=conftest.CHROMIUM, args=conftest.CHROMIUM_ARGS)
        try:
            for name in started:  # warm up: the table loaded, the caches filled
                print(f"warming up {name} ...", flush=True)
                one_rep(browser, started[name], "warm-up", FLOOR if name == FLOOR else APP, 2)
            for rep in range(reps):
                for table in tables:
                    # floor, app, app, floor, ...: a slow spell falls on both
                    order = [FLOOR, APP] if (rep + tables.index(table)) % 2 == 0 else [APP, FLOOR]
                    for app in order:
                        server = started[FLOOR if app == FLOOR else table]
                        got = one_rep(browser, server, table, app, changes)
                        samples += got
                        print(f"rep {rep + 1}/{reps} {table} {app}: "
                              + ", ".join(f"{s.kind} {s.seconds:.2f} s" for s in got),
                              flush=True)  # fmt: skip
            if analysis_on:
                for table in tables:
                    for app in (FLOOR, APP):
                        name = f"{app} ({table})" if app == APP else FLOOR
                        if name not in analysis:
                            print(f"analysing {name} ...", flush=True)
                            server = started[FLOOR if app == FLOOR else table]
                            analysis[name] = analyse(browser, server, table, app)
        finally:
            browser.close()
    return samples, analysis


def run(
    tables: list[str],
    reps: int,
    changes: int = 2,
    analysis_on: bool = True,
    results: Path = BENCH / "results.md",
    prelude: str = "",
) -> list[Verdict]:
    """Measure, write the section into `results` and bench/out/page.json; the verdicts."""
    load_before = os.getloadavg()
    samples, analysis = measure(tables, reps, changes, analysis_on, prelude)
    load_after = os.getloadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "page.json").write_text(json.dumps(
        {"samples": [asdict(s) for s in samples], "analysis": analysis,
         "load": [load_before, load_after], "prelude": prelude}, indent=1))  # fmt: skip
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    desc = machine()
    if prelude:
        desc["app variant (not the shipped app)"] = f"`{prelude}` before app.py"
    text = section(samples, analysis, desc, (load_before, load_after), when)
    print(text)
    old = results.read_text() if results.exists() else "# Benchmarks\n"
    results.write_text(replace_section(old, text))
    print(f"\nwritten: {results}")
    return verdicts(samples, TARGETS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default=",".join(TARGETS))
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--changes", type=int, default=2, help="filter changes per page")
    parser.add_argument("--no-analysis", action="store_true")
    parser.add_argument("--results", type=Path, default=BENCH / "results.md")
    parser.add_argument(
        "--prelude",
        default="",
        help="experiments: Python run before app.py in the app's server, e.g. "
        "'from timeline import labels; labels.TABLE_MAX = 1000' (use another --results)",
    )
    args = parser.parse_args(argv)
    tables = [t.strip() for t in args.tables.split(",") if t.strip()]
    unknown = set(tables) - set(SIZES)
    if unknown:
        parser.error(f"unknown tables {sorted(unknown)}; choose from {', '.join(SIZES)}")
    run(tables, args.reps, args.changes, not args.no_analysis, args.results, args.prelude)
    return 0


if __name__ == "__main__":
    sys.exit(main())
