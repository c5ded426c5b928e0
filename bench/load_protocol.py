"""The protocol load test (`make load-test`): many visitors, no browser, Locust headless.

    .venv/bin/python bench/load_protocol.py [--visitors 50 --changes 3]
        [--lb-visitors 50 --lb-changes 5 --replicas 2] [--phases app,floor,lb] [--no-write]

Three phases, one after the other on this machine, each against fresh servers:

* app: one `streamlit run app.py`; `--visitors` visitors at once, each opens the page (no
  query string, as from a plain link) and makes `--changes` filter changes
  (bench/locustfile.py, bench/stclient.py);
* floor: the same against bench/floor_app.py (one filter, one 150-point chart, one table),
  the least a Streamlit + Plotly page costs per run, measured in the same run;
* lb: `--replicas` replicas of the app behind HAProxy (deploy/serve.py), `--lb-visitors`
  visitors x `--lb-changes` changes through the balancer.

The filter states come from the shipped table: categories, topics, countries, organizations,
years, search words and selected events (`states()`). Each phase reports script runs per
second (runs that finished, over the phase's wall time), a filter change's p50/p95/max
(request -> `script_finished`), the first view (GET /, websocket, first run), errors, and each
server's peak memory (VmHWM). Locust's own CSV statistics go to bench/out/load/. Writes the
figures to bench/results.md between the `load-protocol` markers; exits 1 on any error.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "deploy")]

import serve  # noqa: E402

from timeline.filters import FilterState, filter_options, prepare  # noqa: E402
from timeline.io import read_events  # noqa: E402
from timeline.serving import MANY_VISITORS_FROM_ONE_ADDRESS  # noqa: E402
from timeline.url_state import to_query_params  # noqa: E402

BENCH = ROOT / "bench"
OUT = BENCH / "out" / "load"
RESULTS = BENCH / "results.md"
START, END = "<!-- load-protocol:start -->", "<!-- load-protocol:end -->"
WORDS = ("war", "treaty", "oil", "armenia", "russia", "council", "gas", "visit", "peace", "un")
FLOOR_STATES = ("", "category=war", "category=treaty&category=scandal", "category=membership")
MB = 1024 * 1024
# Streamlit's default, which .streamlit/config.toml turns off: a full collection after each run.
GC_ON = ("--runner.postScriptGC=true",)
HEADER = (
    "| server | visitors × changes | script runs/s | server CPU per run "
    "| filter change p50 / p95 / max | first view p50 / max | errors | peak memory (VmHWM) |"
    "\n|---|---|---|---|---|---|---|---|"
)


def states(n: int = 60) -> list[str]:
    """`n` query strings of real filter states of the shipped table, varied and repeatable."""
    df = prepare(read_events(ROOT / "data" / "events.csv"))
    options = filter_options(df)
    cats, topics = list(options.categories), list(options.topics)
    countries, orgs = list(options.countries), list(options.organizations)
    ids = list(df["id"])
    lo, hi = options.years
    out = []
    for i in range(n):
        kind = i % 7
        event = None
        if kind == 0:
            state = FilterState(categories=(cats[i % len(cats)],))
        elif kind == 1:
            start = lo + (i * 13) % max(1, hi - lo - 10)
            state = FilterState(years=(start, min(hi, start + 5 + i % 20)))
        elif kind == 2:
            state = FilterState(query=WORDS[i % len(WORDS)])
        elif kind == 3:
            state = FilterState(countries=(countries[(i * 5) % len(countries)],))
        elif kind == 4:
            state, event = FilterState(), ids[(i * 11) % len(ids)]
        elif kind == 5:
            state = FilterState(
                categories=(cats[i % len(cats)], cats[(i + 2) % len(cats)]),
                topics=(topics[i % len(topics)],) if topics else (),
            )
        else:
            state = FilterState(
                organizations=(orgs[i % len(orgs)],) if orgs else (), years=(1991, 2020)
            )
        out.append(urlencode(to_query_params(state, event), doseq=True))
    return out


def vm_hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_locust(
    host: str, name: str, queries: list[str], visitors: int, changes: int, timeout: float
) -> list[dict]:
    """Locust, headless, `visitors` at once; the samples it recorded."""
    OUT.mkdir(parents=True, exist_ok=True)
    qfile, samples = OUT / f"{name}-states.txt", OUT / f"{name}-samples.json"
    qfile.write_text("\n".join(queries) + "\n")
    samples.unlink(missing_ok=True)
    env = {
        **os.environ,
        "STLOAD_QUERIES": str(qfile),
        "STLOAD_SAMPLES": str(samples),
        "STLOAD_CHANGES": str(changes),
        "STLOAD_TIMEOUT": str(min(timeout, 180)),
    }
    cmd = [
        sys.executable, "-m", "locust", "-f", str(BENCH / "locustfile.py"), "--headless",
        "-u", str(visitors), "-r", str(visitors), "--host", host,
        "--run-time", f"{int(timeout)}s", "--stop-timeout", "10",
        "--csv", str(OUT / name), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    done = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout + 60
    )
    (OUT / f"{name}-locust.log").write_text(done.stdout + done.stderr)
    if not samples.exists():
        raise RuntimeError(f"locust wrote no samples:\n{done.stderr[-3000:]}")
    return json.loads(samples.read_text())


def pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def summarize(samples: list[dict], visitors: int, changes: int) -> dict:
    ok = [s for s in samples if s["ok"]]
    changes_s = sorted(s["seconds"] for s in ok if s["name"] == "filter change")
    firsts = sorted(s["seconds"] for s in ok if s["name"] == "first view")
    t0 = min((s["start"] for s in samples), default=0)
    t1 = max((s["start"] + s["seconds"] for s in samples), default=0)
    replicas: dict[str, int] = {}
    for s in ok:
        if s["name"] == "first view":
            replicas[s["replica"] or "-"] = replicas.get(s["replica"] or "-", 0) + 1
    return {
        "visitors": visitors,
        "changes per visitor": changes,
        "runs": len(ok),
        "expected runs": visitors * (changes + 1),
        "errors": len(samples) - len(ok),
        "error samples": [s["error"] for s in samples if not s["ok"]][:5],
        "seconds": t1 - t0,
        "runs/s": len(ok) / (t1 - t0) if t1 > t0 else 0.0,
        "change p50": pct(changes_s, 50),
        "change p95": pct(changes_s, 95),
        "change max": max(changes_s, default=float("nan")),
        "first p50": pct(firsts, 50),
        "first p95": pct(firsts, 95),
        "first max": max(firsts, default=float("nan")),
        "first views by replica": replicas,
        "reconnects": sum(1 for s in samples if s["reconnects"]),
    }


def phase_single(
    name: str, app: Path, queries: list[str], args, workdir: Path, extra: tuple[str, ...] = ()
) -> dict:
    replica = serve.start_replica(name, workdir, app, extra, MANY_VISITORS_FROM_ONE_ADDRESS)
    try:
        serve.wait_healthy(replica)
        serve.warm(replica)
        cpu = cpu_seconds(replica.process.pid)
        samples = run_locust(replica.url, name, queries, args.visitors, args.changes, args.timeout)
        cpu = cpu_seconds(replica.process.pid) - cpu
        peak = vm_hwm(replica.process.pid)
    finally:
        serve._stop(replica.process)
    result = summarize(samples, args.visitors, args.changes)
    result["peak memory"] = [peak]
    result["server cpu per run"] = cpu / max(result["runs"], 1)
    return result


def phase_lb(queries: list[str], args, workdir: Path) -> dict:
    cluster = serve.start(args.replicas, workdir, env=MANY_VISITORS_FROM_ONE_ADDRESS)
    try:
        pids = [r.process.pid for r in cluster.replicas]
        cpu = sum(map(cpu_seconds, pids))
        samples = run_locust(
            cluster.url, "lb", queries, args.lb_visitors, args.lb_changes, args.timeout
        )
        cpu = sum(map(cpu_seconds, pids)) - cpu
        peaks = [vm_hwm(r.process.pid) for r in cluster.replicas]
        states_after = serve.server_states(cluster)
    finally:
        serve.stop(cluster)
    result = summarize(samples, args.lb_visitors, args.lb_changes)
    result["peak memory"] = peaks
    result["replicas"] = args.replicas
    result["server cpu per run"] = cpu / max(result["runs"], 1)
    result["states after"] = states_after
    return result


def machine() -> str:
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores, load average {load:.1f} at the start"


def report(results: dict[str, dict], args, started: str) -> str:
    def s(x: float) -> str:
        return f"{x:.2f} s"

    names = {
        "app": "app (1 process)",
        "floor": "floor app (1 process)",
        "floor-gc": "floor app, Streamlit's default full GC after each run (1 process)",
        "lb": f"app, {args.replicas} replicas behind HAProxy",
    }
    rows = []
    for key, r in results.items():
        mem = " / ".join(f"{p / MB:.0f}" for p in r["peak memory"])
        rows.append(
            f"| {names[key]} | {r['visitors']} × {r['changes per visitor']} | "
            f"{r['runs/s']:.1f} | {1000 * r['server cpu per run']:.0f} ms | "
            f"{s(r['change p50'])} / {s(r['change p95'])} / "
            f"{s(r['change max'])} | {s(r['first p50'])} / {s(r['first max'])} | "
            f"{r['errors']} | {mem} MB |"
        )
    ratio = ""
    if "app" in results and "floor" in results:
        app = results["app"]["runs/s"]
        cpu = results["app"]["server cpu per run"] / results["floor"]["server cpu per run"]
        ratio = (
            f"\nThe app serves {app / results['floor']['runs/s']:.2f} × the floor app's script "
            "runs per second, both with this project's configuration (target: at least 1 × "
            f"{'✅' if app >= results['floor']['runs/s'] else '❌'}); its server spends "
            f"{cpu:.2f} × the floor's CPU per run"
        )
        if "floor-gc" in results:
            gc_floor = results["floor-gc"]["runs/s"]
            ratio += (
                f"; {app / gc_floor:.2f} × the floor app with Streamlit's default garbage "
                "collection after each run (the floor as issue 15 measured it)"
            )
        ratio += ".\n"
    lb = results.get("lb")
    lb_note = ""
    if lb:
        by = ", ".join(f"{k}: {v}" for k, v in sorted(lb["first views by replica"].items()))
        lb_note = (
            f"\nThrough the balancer the visitors' first views went to {by}; filter change "
            f"p95 {s(lb['change p95'])} (target ≤ 2 s "
            f"{'✅' if lb['change p95'] <= 2 and not lb['errors'] else '❌'}).\n"
        )
    return f"""{START}
## Protocol load test (`make load-test`)

Written by `bench/load_protocol.py` on {started} ({machine()}). Visitors are Locust users
that speak Streamlit's websocket protocol (`bench/stclient.py`), no browser: each opens the page
(no query string), then makes its filter changes one after another, each to a filter state of
the shipped table (categories, topics, countries, organizations, years, search words, a
selected event: 60 states), all visitors at once. Each server has served one page view
before (`serve.warm`, as `make serve` does). A run counts only if it reached `script_finished`
without an exception element. Client and servers share the machine, so compare the rows with
each other (the client's parsing costs CPU too); the server's CPU time per run (from /proc)
does not depend on the client. Locust's CSV statistics are in `bench/out/load/`.

{HEADER}
{chr(10).join(rows)}
{ratio}{lb_note}{END}
"""


def write_results(text: str) -> None:
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    if START in old and END in old:
        before, rest = old.split(START, 1)
        new = before + text.rstrip("\n") + rest.split(END, 1)[1]
    else:
        head, sep, tail = old.partition("<!-- load-test:start -->")
        new = head + text + "\n" + sep + tail if sep else old.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--changes", type=int, default=3)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--lb-visitors", type=int, default=50)
    parser.add_argument("--lb-changes", type=int, default=5)
    parser.add_argument("--phases", default="app,floor,floor-gc,lb")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per phase")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-write", action="store_true", help="leave bench/results.md")
    args = parser.parse_args(argv)
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    started = time.strftime("%Y-%m-%d %H:%M")
    queries = states()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="load-protocol-") as tmp:
        workdir = Path(tmp)
        for phase in phases:
            print(f"{phase} ...", flush=True)
            if phase == "app":
                results[phase] = phase_single("app", ROOT / "app.py", queries, args, workdir)
            elif phase == "floor":
                floor = BENCH / "floor_app.py"
                results[phase] = phase_single("floor", floor, list(FLOOR_STATES), args, workdir)
            elif phase == "floor-gc":
                results[phase] = phase_single(
                    "floor-gc", BENCH / "floor_app.py", list(FLOOR_STATES), args, workdir, GC_ON
                )
            elif phase == "lb":
                results[phase] = phase_lb(queries, args, workdir)
            else:
                parser.error(f"unknown phase {phase!r}")
            print(json.dumps(results[phase]), flush=True)
    text = report(results, args, started)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    if not args.no_write:
        write_results(text)
    bad = [k for k, r in results.items() if r["errors"] or r["runs"] != r["expected runs"]]
    if bad:
        print(f"LOAD TEST FAILED: errors or missing runs in {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
