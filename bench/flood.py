"""Floods by one client, and what another visitor sees meanwhile (`make bench-flood`).

    .venv/bin/python bench/flood.py [--phases sessions,reruns,clear_cache,haproxy]
        [--sessions 1000] [--seconds 15] [--connections 4200] [--json out.json]

Four phases, each bounded in time, each against servers of this checkout started for it
(deploy/serve.py): the flooder connects from 127.0.0.2, the victim from 127.0.0.3, so that
limits per client address see two clients.

* sessions: `--sessions` websocket sessions opened against one `streamlit run app.py` (each
  asks for one run, reads nothing and is never closed; at most 30 s of opening), while a new
  visitor opens the page every 2 s: the server's memory before and after, the connections
  it still holds, the visitor's time to a finished first run;
* reruns: one client sends `rerun_script` as fast as it can, alternating two query strings,
  for `--seconds`, while a victim makes filter changes; and the victim alone, for comparison;
* clear_cache: one client sends `BackMsg(clear_cache=True)` 20 times a second for
  `--seconds` while the victim makes filter changes;
* haproxy: 2 replicas behind HAProxy (deploy/haproxy.cfg); `--connections` idle websockets
  from one address (at most 30 s of opening), then a new visitor from another address: its
  time to the page, and how many of the flooder's connections were refused.

Prints a table per phase (Markdown); figures for bench/results.md are copied by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT / "src"), str(ROOT / "deploy")]

import serve  # noqa: E402
import websocket  # noqa: E402
from load_protocol import pct, states, vm_hwm  # noqa: E402
from stclient import Visitor  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402

FLOODER, VICTIM = "127.0.0.2", "127.0.0.3"
MB = 1024 * 1024
# The replicas import this checkout's src/ (the installed package may point at another).
ENV = {"PYTHONPATH": str(ROOT / "src")}


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def held(port: int) -> int:
    """Established TCP connections the server listening on `port` holds."""
    out = subprocess.run(
        ["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    return len(out.splitlines())


def single(workdir: Path, name: str) -> serve.Replica:
    replica = serve.start_replica(name, workdir, env=ENV)
    serve.wait_healthy(replica)
    serve.warm(replica)
    return replica


def drain(v: Visitor, stop: threading.Event) -> None:
    """Read and drop what the server sends, raw, so that the flooder never blocks on it (and
    never answers a ping)."""
    sock = v.ws.sock
    sock.settimeout(0.5)
    while not stop.is_set():
        try:
            if not sock.recv(1 << 16):
                return
        except TimeoutError:
            continue
        except OSError:
            return


def victim_opens(base: str, stop: threading.Event, every: float = 2.0) -> list[float | None]:
    """A new visitor opens the page every `every` s until `stop`: each time to a finished first
    run, or None when it failed or took over 20 s."""
    times: list[float | None] = []
    while not stop.is_set() and len(times) < 100:
        v = Visitor(base, timeout=20, source=VICTIM)
        try:
            times.append(v.open("").seconds)
        except Exception:
            times.append(None)
        finally:
            v.close()
        stop.wait(every)
    return times


def victim_changes(base: str, seconds: float, queries: list[str]) -> dict:
    """A visitor making filter changes one after another for `seconds`. A page that does not
    open or a change that fails (20 s at most) counts as an error; the visitor then opens the
    page again."""
    times: list[float] = []
    opens: list[float] = []
    errors = 0
    v: Visitor | None = None
    deadline = time.monotonic() + seconds
    try:
        for i in range(100_000):
            if time.monotonic() > deadline:
                break
            try:
                if v is None:
                    v = Visitor(base, timeout=20, source=VICTIM)
                    opens.append(v.open("").seconds)
                times.append(v.change(queries[i % len(queries)], reconnect=False).seconds)
            except Exception:
                errors += 1
                v.close()
                v = None
    finally:
        if v is not None:
            v.close()
    return {**summary(times, errors), "opens": len(opens), "open max": max(opens, default=0.0)}


def summary(times: list[float], errors: int = 0) -> dict:
    ok = sorted(times)
    return {
        "runs": len(ok),
        "errors": errors,
        "p50": pct(ok, 50),
        "p95": pct(ok, 95),
        "max": max(ok, default=float("nan")),
    }


def phase_sessions(workdir: Path, n: int, budget: float = 30) -> dict:
    replica = single(workdir, "sessions")
    pid = replica.process.pid
    before = rss(pid)
    stop, victim_times = threading.Event(), []
    watcher = threading.Thread(
        target=lambda: victim_times.extend(victim_opens(replica.url, stop)), daemon=True
    )
    flood: list[Visitor] = []
    refused = 0
    deadline = time.monotonic() + budget
    rerun = BackMsg()
    rerun.rerun_script.query_string = ""

    def one(_: int) -> Visitor | None:
        if time.monotonic() > deadline:
            return None
        v = Visitor(replica.url, timeout=10, source=FLOODER)
        try:
            v.connect()
            v.send(rerun)
            return v
        except Exception:
            v.close()
            raise

    try:
        watcher.start()
        t0 = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            for future in [pool.submit(one, i) for i in range(n)]:
                try:
                    if (v := future.result()) is not None:
                        flood.append(v)
                except Exception:
                    refused += 1
        opening = time.monotonic() - t0
        time.sleep(10)  # the sessions' runs finish; the visitor keeps coming
        result = {
            "asked": n,
            "opened": len(flood),
            "refused": refused,
            "opening seconds": opening,
            "held by the server": held(replica.port),
            "rss before": before,
            "rss after": rss(pid),
            "peak": vm_hwm(pid),
        }
    finally:
        stop.set()
        watcher.join(timeout=30)
        for v in flood:
            v.close()
        serve._stop(replica.process)
    ok = [t for t in victim_times if t is not None]
    result["visitor"] = {**summary(ok), "failed": len(victim_times) - len(ok)}
    return result


def flooder(base: str, seconds: float, send) -> dict:
    """One flooding client for `seconds`: `send(visitor, i)` as its loop body."""
    v = Visitor(base, timeout=10, source=FLOODER)
    stop = threading.Event()
    sent = 0
    out: dict = {}

    def loop() -> None:
        nonlocal sent
        deadline = time.monotonic() + seconds
        try:
            v.connect()
            reader = threading.Thread(target=drain, args=(v, stop), daemon=True)
            reader.start()
            while time.monotonic() < deadline and not stop.is_set():
                send(v, sent)
                sent += 1
        except Exception as exc:  # closed, or a send blocked for 10 s: reported, not retried
            out["closed"] = str(exc)[:60] or type(exc).__name__
        finally:
            stop.set()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    out["thread"] = thread
    out["stop"] = stop
    out["sent"] = lambda: sent
    out["visitor"] = v
    return out


def under_flood(base: str, seconds: float, queries: list[str], send) -> dict:
    """The victim's filter changes while `send` floods; then how long until a new visitor's
    page opens again once the flooder has gone (at most 60 s)."""
    f = flooder(base, seconds, send)
    try:
        victim = victim_changes(base, seconds, queries)
    finally:
        f["stop"].set()
        f["thread"].join(timeout=30)
        f["visitor"].close()
    victim["flood messages"] = f["sent"]()
    victim["flood closed"] = f.get("closed", "")
    t0 = time.monotonic()
    victim["recovered after"] = None
    while time.monotonic() - t0 < 60:
        v = Visitor(base, timeout=5, source=VICTIM)
        try:
            v.open("")
            victim["recovered after"] = time.monotonic() - t0
            break
        except Exception:
            time.sleep(0.5)
        finally:
            v.close()
    return victim


def rerun_sender(a: str, b: str):
    msgs = []
    for q in (a, b):
        m = BackMsg()
        m.rerun_script.query_string = q
        msgs.append(m)
    return lambda v, i: v.send(msgs[i % 2])


def clear_cache_sender(per_second: float = 20):
    msg = BackMsg()
    msg.clear_cache = True

    def send(v: Visitor, i: int) -> None:
        v.send(msg)
        time.sleep(1 / per_second)

    return send


def phase_reruns(workdir: Path, seconds: float, which: list[str]) -> dict:
    """The victim alone and under each flood, each flood against a replica of its own (a
    flooded server may not recover in the phase's time)."""
    queries = states(60)
    out: dict = {}
    for flood in ("reruns", "clear_cache"):
        if flood not in which:
            continue
        replica = single(workdir, flood)
        try:
            walk = Visitor(replica.url, timeout=60, source=VICTIM)
            try:  # every state built once, so that no phase pays for building views
                walk.open("")
                for q in queries:
                    walk.change(q)
            finally:
                walk.close()
            if not out:
                out["alone"] = victim_changes(replica.url, seconds, queries)
            send = rerun_sender("category=war", "q=oil") if flood == "reruns" else None
            out[flood] = under_flood(replica.url, seconds, queries, send or clear_cache_sender())
        finally:
            serve._stop(replica.process)
    return out


def phase_haproxy(workdir: Path, n: int, budget: float = 30) -> dict:
    cluster = serve.start(2, workdir, env=ENV)
    port = int(cluster.url.rsplit(":", 1)[1])
    flood: list[Visitor] = []
    counts = {"refused": 0, "timed out": 0, "not tried": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + budget

    def one(_: int) -> None:
        if time.monotonic() > deadline:
            with lock:
                counts["not tried"] += 1
            return
        v = Visitor(cluster.url, timeout=5, source=FLOODER)
        try:
            v.connect()
            outcome = "opened"
        except (TimeoutError, websocket.WebSocketTimeoutException):
            outcome = "timed out"
        except Exception:
            outcome = "refused"
        with lock:
            if outcome == "opened":
                flood.append(v)
            else:
                counts[outcome] += 1

    try:
        t0 = time.monotonic()
        with ThreadPoolExecutor(32) as pool:
            list(pool.map(one, range(n)))
        opening = time.monotonic() - t0
        visits = []
        for _ in range(3):
            v = Visitor(cluster.url, timeout=20, source=VICTIM)
            try:
                visits.append(v.open("").seconds)
            except Exception:
                visits.append(None)
            finally:
                v.close()
        balancer_held = held(port)
        replicas_held = [held(r.port) for r in cluster.replicas]
    finally:
        for v in flood:
            v.close()
        serve.stop(cluster)
    return {
        "asked": n,
        "opened": len(flood),
        **counts,
        "opening seconds": opening,
        "held by the balancer": balancer_held,
        "held by the replicas": replicas_held,
        "visits": visits,
    }


def s(x: float | None) -> str:
    return "timed out (20 s)" if x is None else f"{x:.2f} s"


def report(results: dict) -> str:
    lines = []
    if a := results.get("sessions"):
        v = a["visitor"]
        lines += [
            "| sessions asked | opened | refused | held by the server after 10 s "
            "| RSS before → after (peak) | new visitor's first run p50 / max (visits, failed) |",
            "|---|---|---|---|---|---|",
            f"| {a['asked']} | {a['opened']} in {a['opening seconds']:.0f} s | {a['refused']} "
            f"| {a['held by the server']} | {a['rss before'] / MB:.0f} → "
            f"{a['rss after'] / MB:.0f} MB ({a['peak'] / MB:.0f} MB) "
            f"| {s(v['p50'])} / {s(v['max'])} ({v['runs']}, {v['failed']}) |",
            "",
        ]
    if r := results.get("reruns"):
        lines += [
            "| victim's filter changes | runs | p50 / p95 / max | errors (20 s each) "
            "| its page opened (slowest) | flooder's messages | a new page opens again after "
            "the flood |",
            "|---|---|---|---|---|---|---|",
        ]
        names = {"alone": "alone", "reruns": "rerun flood", "clear_cache": "clear_cache flood"}
        for key, row in r.items():
            sent = row.get("flood messages", "–")
            closed = f" (stopped: {row['flood closed']})" if row.get("flood closed") else ""
            back = row.get("recovered after", 0.0)
            back = "–" if key == "alone" else ("> 60 s" if back is None else f"{back:.1f} s")
            times = f"{s(row['p50'])} / {s(row['p95'])} / {s(row['max'])}" if row["runs"] else "–"
            opened = f"{row['opens']} × ({s(row['open max'])})" if row["opens"] else "never"
            lines.append(
                f"| {names[key]} | {row['runs']} | {times} | {row['errors']} | {opened} "
                f"| {sent}{closed} | {back} |"
            )
        lines.append("")
    if h := results.get("haproxy"):
        visits = ", ".join(s(x) for x in h["visits"])
        lines += [
            "| websockets asked | opened | refused | timed out (5 s) | held by HAProxy "
            "/ replicas | new visitor's time to page (3 visits) |",
            "|---|---|---|---|---|---|",
            f"| {h['asked']} | {h['opened']} in {h['opening seconds']:.0f} s | {h['refused']} "
            f"| {h['timed out']} | {h['held by the balancer']} / "
            f"{' + '.join(map(str, h['held by the replicas']))} | {visits} |",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--phases", default="sessions,reruns,clear_cache,haproxy")
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=4200)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"{started}, {ROOT}, load average {os.getloadavg()[0]:.1f}", flush=True)
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="flood-") as tmp:
        workdir = Path(tmp)
        if "sessions" in phases:
            results["sessions"] = phase_sessions(workdir, args.sessions)
            print(json.dumps(results["sessions"]), flush=True)
        if {"reruns", "clear_cache"} & set(phases):
            results["reruns"] = phase_reruns(workdir, args.seconds, phases)
            print(json.dumps(results["reruns"]), flush=True)
        if "haproxy" in phases:
            results["haproxy"] = phase_haproxy(workdir, args.connections)
            print(json.dumps(results["haproxy"]), flush=True)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
