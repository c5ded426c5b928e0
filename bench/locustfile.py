"""Locust visitors that speak Streamlit's websocket protocol (bench/stclient.py), no browser.

    locust -f bench/locustfile.py --headless -u 50 -r 50 --host http://127.0.0.1:8501 \
        --csv bench/out/app --run-time 300s

Each visitor opens the page (as a visitor who follows a plain link: no query string, or
`STLOAD_FIRST`), then makes `STLOAD_CHANGES` filter changes (default 3), each to another
state; then it stops. When every visitor has stopped, the run
ends by itself (`--run-time` bounds it anyway). The states are query strings, one per line, in
`STLOAD_QUERIES` (bench/load_protocol.py writes them from the real table: categories, years,
search, country, event); visitor i's changes walk through them from a place of its own.

Locust records two request names: "first view" (GET /, websocket, first run until
`script_finished`) and "filter change" (the rerun until `script_finished`). A run that ends with
an exception element, or in any other way than FINISHED_SUCCESSFULLY, is a failure. Besides
Locust's CSV files, `STLOAD_SAMPLES` (a path) receives every sample as JSON: start, seconds, name,
ok, the replica (balancer cookie) and the reconnects, for runs per second and per-replica counts.
"""

from __future__ import annotations

import json
import os
import sys
import time
from itertools import count
from pathlib import Path

import gevent
from locust import User, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stclient import ProtocolError, Visitor

QUERIES = [
    line.rstrip("\n")
    for line in Path(os.environ.get("STLOAD_QUERIES", os.devnull)).read_text().splitlines()
] or [""]
CHANGES = int(os.environ.get("STLOAD_CHANGES", "3"))
FIRST = os.environ.get("STLOAD_FIRST", "")
TIMEOUT = float(os.environ.get("STLOAD_TIMEOUT", "120"))
SAMPLES: list[dict[str, object]] = []
_numbers = count()
_done = {"users": 0}


class StreamlitVisitor(User):
    """One visitor: open the page, make CHANGES filter changes, leave."""

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.visitor = Visitor(self.host, timeout=TIMEOUT)

    def _record(self, name: str, t0: float, run_or_exc: object, seconds: float) -> None:
        ok = not isinstance(run_or_exc, BaseException)
        events.request.fire(
            request_type="WS",
            name=name,
            response_time=seconds * 1000,
            response_length=getattr(run_or_exc, "bytes", 0),
            exception=None if ok else run_or_exc,
            context={},
        )
        SAMPLES.append(
            {
                "name": name,
                "start": t0,
                "seconds": seconds,
                "ok": ok,
                "error": None if ok else repr(run_or_exc),
                "visitor": self.number,
                "replica": self.visitor.replica,
                "reconnects": self.visitor.reconnects,
            }
        )

    def _timed(self, name: str, action) -> bool:
        t0 = time.time()
        start = time.perf_counter()
        try:
            run = action()
        except (ProtocolError, OSError, Exception) as exc:
            self._record(name, t0, exc, time.perf_counter() - start)
            return False
        self._record(name, t0, run, run.seconds)
        return True

    @task
    def visit(self) -> None:
        i = self.number
        try:
            if self._timed("first view", lambda: self.visitor.open(FIRST)):
                for step in range(1, CHANGES + 1):
                    query = QUERIES[(i * 7 + step) % len(QUERIES)]
                    if not self._timed("filter change", lambda q=query: self.visitor.change(q)):
                        break
        finally:
            self.visitor.close()
            _done["users"] += 1
            runner = self.environment.runner
            if runner is not None and _done["users"] >= runner.target_user_count:
                gevent.spawn_later(0.1, runner.quit)
        raise StopUser()


@events.quitting.add_listener
def _write_samples(environment, **_kw) -> None:
    path = os.environ.get("STLOAD_SAMPLES")
    if path:
        Path(path).write_text(json.dumps(SAMPLES))
