"""The benchmark: the dashboard from the shipped table to a million events (`make bench`).

    .venv/bin/python bench/run.py [--sizes shipped,1k,10k,100k,1M] [--runs 3] [--no-browser]

For each table (the shipped one, and generated ones of 1k, 10k, 100k and 1M events, written by
bench/generate.py into bench/out/ when missing) it measures, as medians over `--runs` runs
(fewer for 1M):

* load: the app's loading function in a fresh process, cold (no Parquet cache) and warm (the
  Parquet cache of the previous run), time and peak memory (ru_maxrss); and the app's own
  in-process cache (`st.cache_resource`) answering a second time;
* rerun: one script run after a filter change, server side (AppTest: category "war" on, off);
* figure bytes: the JSON of every Plotly figure on the default page (what the websocket sends);
* browser (headless Chromium, Playwright): navigation -> fully drawn page (a fresh browser
  context each time; the first one against a server that has not loaded the table yet, so it
  includes the cold load), and a filter change -> redrawn timeline; the same two for
  bench/hello_app.py, reported as ratios; and the app server's peak memory (VmHWM);
* the page against the floor (bench/page.py, `make bench-page` alone): first render and filter
  change of the dashboard and of bench/floor_app.py taking turns, for the shipped and the 100k
  table when they are among the sizes, as ratios against the issue's targets.

It prints one table and writes bench/results.md (with the machine's description) and
bench/out/results.json. Not part of the test suite; about 10 minutes on 2 cores (the first run
also generates the tables).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import page as page_bench  # the page against the floor
from common import BENCH, OUT, ROOT, SIZES, data_file, machine

# The targets: filter change -> redrawn (s), first full render (s, or "x hello"),
# figure bytes (MB), peak memory (MB).
TARGETS: dict[str, tuple[float, float, float, float]] = {
    "shipped": (0.5, 2.5, 0.5, 400),
    "100k": (1.5, 8, 3, 1000),
    "1M": (3, 20, 3, 3000),
}
TIMEOUT_MS = int(os.environ.get("BENCH_TIMEOUT_MS", 300_000))
MB = 1_000_000
_START, _END = "<!-- bench:start -->", "<!-- bench:end -->"


# ---------------------------------------------------------------------------------------------
# Probes: each runs in a fresh process (`bench/run.py --probe NAME ...`) and prints JSON.


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def probe_load(path: str) -> dict[str, Any]:
    """The app's loading, as `streamlit run` does it: load_path twice (the second answer comes
    from the app's in-process cache)."""
    from timeline import loading, ui

    base = _peak_mb()
    t0 = time.perf_counter()
    loaded = ui.load_path(Path(path))
    t1 = time.perf_counter()
    assert loaded.ok, loaded.problems[:3]
    peak = _peak_mb()
    t2 = time.perf_counter()
    again = ui.load_path(Path(path))
    t3 = time.perf_counter()
    assert again.ok
    # The app writes the Parquet cache entry on a thread after loading; the next probe needs
    # it, and its memory counts (the server pays it too).
    assert loading.cache_writes_done(timeout=600)
    peak = max(peak, _peak_mb())
    return {"seconds": t1 - t0, "peak_mb": peak, "imports_mb": base, "hit_seconds": t3 - t2}


def probe_rerun(path: str, runs: int) -> dict[str, Any]:
    """AppTest on the app with this table: figure bytes, and reruns after a filter change."""
    from streamlit.testing.v1 import AppTest

    os.environ["TIMELINE_DATA"] = path
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_MS / 1000)
    at.run()
    assert not at.exception, at.exception
    charts = at.get("plotly_chart")
    figure_bytes = sum(len(c.proto.spec.encode()) for c in charts)
    table_bytes = sum(e.proto.ByteSize() for e in at.main.dataframe)
    times = []
    for _ in range(runs):
        for value in (["war"], []):
            t0 = time.perf_counter()
            at.sidebar.multiselect(key="category").set_value(value).run()
            times.append(time.perf_counter() - t0)
            assert not at.exception, at.exception
    return {
        "figure_bytes": figure_bytes,
        "charts": len(charts),
        "table_bytes": table_bytes,
        "rerun_seconds": statistics.median(times),
    }


def _child(*args: str, env: dict[str, str]) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--probe", *args]
    done = subprocess.run(
        cmd, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# The browser


def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _app_steps(page: Any) -> tuple[Callable[[], None], Callable[[], float]]:
    """Open the dashboard and wait for it; and one filter change (category War on or off)."""
    import appdriver

    def open_page() -> None:
        page.goto(page.app_url + "/")
        appdriver.wait_idle(page, TIMEOUT_MS)
        page.wait_for_function(page_bench.READY_JS, timeout=TIMEOUT_MS)

    state = {"war": False}

    def change() -> float:
        """The seconds from the key press to the page's last change (appdriver.rerun)."""
        field = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
        field = field.locator("input")
        if not state["war"]:
            field.fill("War")  # typing is not timed: the Enter that picks it is
            page.get_by_role("option", name="War", exact=True).wait_for(timeout=TIMEOUT_MS)
        key = "Backspace" if state["war"] else "Enter"
        seconds = appdriver.rerun(page, lambda: field.press(key), TIMEOUT_MS)
        state["war"] = not state["war"]
        return seconds

    return open_page, change


def _hello_steps(page: Any) -> tuple[Callable[[], None], Callable[[], None]]:
    import appdriver

    def open_page() -> None:
        page.goto(page.app_url + "/")
        appdriver.wait_idle(page, TIMEOUT_MS)
        page.get_by_text("Hello, world:").wait_for(timeout=TIMEOUT_MS)

    state = {"value": "all"}

    def change() -> None:
        new = "war" if state["value"] == "all" else "all"

        def action() -> None:
            page.locator('[data-testid="stSelectbox"]').click()
            page.get_by_role("option", name=new, exact=True).click()

        # Not appdriver.rerun: this run can be too quick for its "running" state to be seen.
        action()
        page.get_by_text(f"Hello, world: {new}").wait_for(timeout=TIMEOUT_MS)
        appdriver.wait_idle(page, TIMEOUT_MS)
        state["value"] = new

    return open_page, change


def browse(
    browser: Any, app: Path, env: dict[str, str], runs: int, hello: bool = False
) -> dict[str, Any]:
    """Start `app` under `streamlit run`, time `runs` first renders (fresh contexts; the first
    against the fresh server) and `2 * runs` filter changes; the server's peak memory."""
    import conftest

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "app.py").symlink_to(app)
        (root / ".streamlit").symlink_to(ROOT / ".streamlit")
        (root / "static").symlink_to(ROOT / "static")  # the world map's topojson
        saved, conftest.ROOT = conftest.ROOT, root  # start_app runs ROOT/app.py
        try:
            server = conftest.start_app(root / "streamlit.log", env, timeout=120)
        finally:
            conftest.ROOT = saved
        try:
            firsts, changes = [], []
            for _ in range(runs):
                context, traffic = conftest.open_context(browser, server.host)
                page = context.new_page()
                page.on(
                    "console",
                    lambda m, errors=traffic.console_errors: (
                        errors.append(m.text) if m.type == "error" else None
                    ),
                )
                page.app_url = server.url
                open_page, change = (_hello_steps if hello else _app_steps)(page)
                t0 = time.perf_counter()
                open_page()
                firsts.append(time.perf_counter() - t0)
                for _ in range(2):
                    t0 = time.perf_counter()
                    seconds = change()  # the app's own timing, or None: the wall time
                    changes.append(time.perf_counter() - t0 if seconds is None else seconds)
                assert not traffic.blocked, traffic.blocked
                # E.g. a 404 for the map's topojson: the page would be measured without it.
                assert not traffic.console_errors, traffic.console_errors
                context.close()
            return {
                "first_cold": firsts[0],
                "first_warm": statistics.median(firsts[1:] or firsts),
                "change": statistics.median(changes),
                "server_peak_mb": _vm_hwm_mb(server.process.pid),
            }
        finally:
            conftest.stop_app(server)


# ---------------------------------------------------------------------------------------------
# The run


def measure(labels: list[str], runs: int, browser_on: bool) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    hello: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pw = browser = None
        if browser_on:
            import conftest
            from playwright.sync_api import sync_playwright

            pw = sync_playwright().start()
            browser = pw.chromium.launch(
                executable_path=conftest.CHROMIUM, args=conftest.CHROMIUM_ARGS
            )
            print("hello world ...", flush=True)
            hello = browse(browser, BENCH / "hello_app.py", {}, runs=3, hello=True)
            results["hello"] = hello
        try:
            for label in labels:
                path = str(data_file(label))
                n = 1 if label == "1M" else runs
                row: dict[str, Any] = {"path": path, "runs": n}
                print(f"{label}: load ...", flush=True)
                colds, warms = [], []
                for i in range(n if label != "1M" else 1):
                    cache = {"TIMELINE_CACHE_DIR": f"{tmp}/{label}-cold-{i}"}
                    colds.append(_child("load", path, env=cache))
                warm_cache = {"TIMELINE_CACHE_DIR": f"{tmp}/{label}-cold-0"}
                warms = [_child("load", path, env=warm_cache) for _ in range(max(n, 2))]
                row["cold_s"] = statistics.median(r["seconds"] for r in colds)
                row["cold_peak_mb"] = max(r["peak_mb"] for r in colds)
                row["imports_mb"] = colds[0]["imports_mb"]
                row["warm_s"] = statistics.median(r["seconds"] for r in warms)
                row["warm_peak_mb"] = max(r["peak_mb"] for r in warms)
                row["hit_s"] = statistics.median(r["hit_seconds"] for r in colds + warms)
                print(f"{label}: rerun ...", flush=True)
                row.update(_child("rerun", path, str(n), env=warm_cache))
                if browser is not None:
                    print(f"{label}: browser ...", flush=True)
                    env = {"TIMELINE_DATA": path, "TIMELINE_CACHE_DIR": f"{tmp}/{label}-browser"}
                    row.update(browse(browser, ROOT / "app.py", env, runs=2 if n == 1 else n))
                    row["first_ratio"] = row["first_warm"] / hello["first_warm"]
                    row["change_ratio"] = row["change"] / hello["change"]
                results[label] = row
                print(json.dumps(row), flush=True)
        finally:
            if browser is not None:
                browser.close()
                pw.stop()
    return results


# ---------------------------------------------------------------------------------------------
# Reporting


def _s(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f} s"


def _mb(x: float | None) -> str:
    return "–" if x is None else f"{x:,.0f} MB"


def table(results: dict[str, dict[str, Any]]) -> str:
    head = ("| size | load cold | load warm (Parquet) | app cache hit | peak mem (load / server) "
            "| rerun (server) | figure JSON | table Arrow | first render (cold / warm, × hello) "
            "| filter → redrawn (× hello) |")  # fmt: skip
    rows = [head, "|---" * (head.count("|") - 1) + "|"]
    for label, r in results.items():
        if label == "hello":
            first = f"{_s(r['first_cold'])} / {_s(r['first_warm'])}"
            rows.append(f"| hello world | | | | – / {_mb(r['server_peak_mb'])} | | | | {first} "
                        f"| {_s(r['change'])} |")  # fmt: skip
            continue
        browser = "first_warm" in r
        first = (f"{_s(r['first_cold'])} / {_s(r['first_warm'])} (× {r['first_ratio']:.1f})"
                 if browser else "–")  # fmt: skip
        change = f"{_s(r['change'])} (× {r['change_ratio']:.1f})" if browser else "–"
        server = _mb(r.get("server_peak_mb")) if browser else "–"
        rows.append(
            f"| {label} | {_s(r['cold_s'])} | {_s(r['warm_s'])} | {_s(r['hit_s'])} "
            f"| {_mb(r['cold_peak_mb'])} / {server} | {_s(r['rerun_seconds'])} "
            f"| {r['figure_bytes'] / MB:.3f} MB | {r['table_bytes'] / MB:.3f} MB "
            f"| {first} | {change} |"
        )
    return "\n".join(rows)


def target_table(results: dict[str, dict[str, Any]]) -> str:
    rows = [
        "| size | filter change → redrawn | first full render | figure bytes | peak memory |",
        "|---|---|---|---|---|",
    ]

    def mark(ok: bool) -> str:
        return "✅" if ok else "❌ missed"

    for label, (t_change, t_first, t_bytes, t_mem) in TARGETS.items():
        r = results.get(label)
        if r is None or "change" not in r:
            rows.append(f"| {label} | not measured | | | |")
            continue
        mem = max(r["cold_peak_mb"], r["server_peak_mb"])
        if label == "shipped":
            first = f"{r['first_ratio']:.2f} × hello ({_s(r['first_warm'])}) — target ≤ 2.5 × "
            first += mark(r["first_ratio"] <= t_first)
        else:
            # 1M: the first render against a fresh server, cold load included.
            value = r["first_cold"] if label == "1M" else r["first_warm"]
            first = f"{_s(value)} — target ≤ {t_first:g} s " + mark(value <= t_first)
        rows.append(
            f"| {label} | {_s(r['change'])} — target ≤ {t_change:g} s "
            f"{mark(r['change'] <= t_change)} | {first} | {r['figure_bytes'] / MB:.3f} MB — "
            f"target ≤ {t_bytes:g} MB {mark(r['figure_bytes'] / MB <= t_bytes)} "
            f"| {_mb(mem)} — target ≤ {_mb(t_mem)} {mark(mem <= t_mem)} |"
        )
    return "\n".join(rows)


def write_results(results: dict[str, dict[str, Any]], path: Path) -> None:
    desc = "\n".join(f"- {k}: {v}" for k, v in machine().items())
    text = f"""{_START}
## Benchmark (`make bench`)

Written by `make bench` (`bench/run.py`) on {time.strftime("%Y-%m-%d %H:%M")}. Medians over the
runs given per size (1M: one cold load, two warm; two browser sessions).

### Machine

{desc}

### Targets (issue 5)

{target_table(results)}

Peak memory is the larger of the loading process's peak (fresh process, cold load) and the app
server's peak (VmHWM) over the browser run. "First full render" for 1M is the first page of a
server that has not loaded the table yet (cold load included); for 100k it is a later page (a
fresh browser context, the table already loaded); for the shipped table it is the later page
as a multiple of the hello-world app's.

What limits the targets that are missed or close (profiled on this 2-core machine):

- Noise first: this machine's speed varies from run to run. The same 1M cold load measured
  9.6-15.8 s within half an hour, and the same 100k filter change 1.42 s and 1.70 s in two
  back-to-back runs. Treat a figure within ~20% of its target as "at the target".
- 1M first render (cold load included): the load is most of it, and the only part that
  grows with the table. A well-formed table goes through Arrow's multi-threaded CSV reader,
  not the strict `csv`-module pass. On a quiet moment the load splits into:
  - reading and stripping the cells, about 3 s;
  - the quote check, 0.3 s;
  - the cell rules, 2.2-2.8 s;
  - typing, about 1 s;
  - preparing the search text and list keys, about 2.5-3 s;
  - the filter options, 0.4 s.
  The first script run then takes about 1.5-2 s and the browser about 5 s. The Parquet cache
  entry is written on a thread after the load, so every later start reads it in 3-4 s.
- Shipped table, first render and filter change: the browser, not the data (figures are 75 KB,
  and the server's rerun takes 0.2 s). A/B runs with the map and the per-year chart removed
  gave the same times (4.2 s and 0.7 s), so these two charts are not what costs.
  - First render: most of the time goes to Plotly's 4.7 MB chunk (about 0.7 s to fetch and
    0.8 s to run, before any chart can draw), the widgets and the table.
  - Filter change: Streamlit 1.67 puts the figure into each chart's element id
    (`key_as_main_identity=False`), so every change remounts every chart, and a chart is
    drawn twice when it mounts.
  Since the map is now drawn (earlier runs measured the page without it, see the note
  below), the hello-world ratio is higher than before.
- Earlier runs of this benchmark (before 2026-11-28 07:20) did not serve `static/` to the
  measured app: the world map's topojson answered 404 and the map was never drawn, which
  flattered the shipped and 100k browser figures. The run now fails on any console error.

### All figures

{table(results)}

- load cold / warm: `ui.load_path` in a fresh process, without / with the Parquet cache; app
  cache hit: the same call answered by `st.cache_resource` in the same process.
- rerun: AppTest, one script run after the category filter changes (on "war", then off).
- figure JSON: bytes of all Plotly figures of the default page; table Arrow: the events table.
- first render: navigation → every chart drawn, in a fresh browser context (cold = the
  server's first page); filter → redrawn: adding or removing the "War" category in the sidebar,
  from the key press to the page's last change before it stays quiet (`appdriver.rerun`).
  × hello: divided by the same for `bench/hello_app.py`.
{_END}"""
    # The file is shared (the load test writes its own section): replace only ours.
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    if _START in old and _END in old:
        head, rest = old.split(_START, 1)
        text = head + text + rest.split(_END, 1)[1]
    else:
        text = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--page-reps", type=int, default=5, help="bench/page.py's repetitions")
    parser.add_argument("--results", type=Path, default=BENCH / "results.md")
    parser.add_argument("--probe", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        name, *rest = args.probe
        out = probe_load(*rest) if name == "load" else probe_rerun(rest[0], int(rest[1]))
        print(json.dumps(out))
        return 0
    labels = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = set(labels) - set(SIZES)
    if unknown:
        parser.error(f"unknown sizes {sorted(unknown)}; choose from {', '.join(SIZES)}")
    OUT.mkdir(parents=True, exist_ok=True)
    results = measure(labels, args.runs, not args.no_browser)
    (OUT / "results.json").write_text(json.dumps(results, indent=1))
    print(table(results))
    print()
    print(target_table(results))
    write_results(results, args.results)
    print(f"\nwritten: {args.results}")
    tables = [label for label in labels if label in page_bench.TARGETS]
    if tables and not args.no_browser:
        page_bench.run(tables, args.page_reps, results=args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
