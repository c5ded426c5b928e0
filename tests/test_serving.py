"""What one visitor may cost the server (src/timeline/serving.py): the guards as plain code, then
against a real `streamlit run app.py` spoken to over the websocket protocol (bench/stclient.py),
as a stranger would."""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from timeline import serving
from timeline.io import read_events

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "deploy")]

import serve  # noqa: E402
import upload_churn  # noqa: E402
from stclient import ProtocolError, Visitor  # noqa: E402


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def guard(**limits: float) -> tuple[serving.Guard, Clock]:
    clock = Clock()
    return serving.Guard(serving.Limits(**limits), clock=clock), clock


# --- the guards as plain code --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["clear_cache", "load_git_info", "set_run_on_save"])
def test_a_visitors_developer_messages_are_dropped(kind: str) -> None:
    g, _ = guard()
    g.connected("s", "1.2.3.4")
    assert g.admit("s", kind) is None
    assert g.refused == {kind: 1}
    assert g.admit("s", "rerun_script") == 0


def test_runs_past_the_burst_wait_for_the_rate() -> None:
    g, clock = guard(runs_per_second=2, run_burst=3)
    g.connected("s", "a")
    assert [g.admit("s", "rerun_script") for _ in range(3)] == [0, 0, 0]
    assert g.admit("s", "rerun_script") == pytest.approx(0.5)  # one token in half a second
    assert g.admit("s", "app_heartbeat") is None  # not a run: dropped, not deferred
    clock.now = 0.5
    assert g.admit("s", "rerun_script") == 0


def test_one_address_shares_its_rate_between_its_sessions() -> None:
    g, _ = guard(runs_per_second=100, run_burst=100, client_runs_per_second=1, client_run_burst=2)
    g.connected("s1", "a")
    g.connected("s2", "a")
    g.connected("s3", "b")
    assert g.admit("s1", "rerun_script") == 0
    assert g.admit("s2", "rerun_script") == 0
    assert g.admit("s1", "rerun_script") == pytest.approx(1.0)
    assert g.admit("s3", "rerun_script") == 0  # another address has its own


def test_a_full_address_drops_a_silent_session_before_a_talking_one() -> None:
    g, clock = guard(sessions_per_client=2)
    assert g.connected("talks", "a") == []
    g.admit("talks", "rerun_script")
    clock.now = 1
    assert g.connected("silent", "a") == []
    assert g.connected("new", "a") == ["silent"]
    g.forget("silent")
    g.admit("new", "rerun_script")
    assert g.connected("newest", "a") == ["newest"]  # everyone talks: the newcomer waits
    assert g.connected("elsewhere", "b") == []


def test_a_full_process_drops_the_oldest_silent_session() -> None:
    g, clock = guard(max_sessions=2)
    g.connected("first", "a")
    clock.now = 1
    g.connected("second", "b")
    assert g.connected("third", "c") == ["first"]


def test_silent_and_idle_sessions_are_stale() -> None:
    g, clock = guard(first_message_seconds=10, idle_seconds=100)
    g.connected("silent", "a")
    g.connected("reader", "b")
    g.admit("reader", "rerun_script")
    clock.now = 11
    assert g.stale() == ["silent"]
    clock.now = 101
    assert g.stale() == ["silent", "reader"]


def test_limits_come_from_the_environment() -> None:
    limits = serving.limits_from({"TIMELINE_MAX_SESSIONS": "7", "TIMELINE_IDLE_SECONDS": "1.5"})
    assert (limits.max_sessions, limits.idle_seconds) == (7, 1.5)
    assert serving.limits_from({}) == serving.Limits()
    with pytest.raises(ValueError, match=r"TIMELINE_RUN_BURST='-1': a positive int"):
        serving.limits_from({"TIMELINE_RUN_BURST": "-1"})
    with pytest.raises(ValueError, match=r"TIMELINE_MAX_SESSIONS='many'"):
        serving.limits_from({"TIMELINE_MAX_SESSIONS": "many"})


class Context:
    def __init__(self, peer: str, headers: list[tuple[str, str]]) -> None:
        self.remote_ip, self.headers = peer, headers


class Client:
    def __init__(self, peer: str, *headers: tuple[str, str]) -> None:
        self.client_context = Context(peer, list(headers))


def test_the_address_is_the_balancers_forwarded_one_only_from_this_machine() -> None:
    forwarded = ("X-Forwarded-For", "9.9.9.9, 203.0.113.7")
    assert serving.client_address(Client("127.0.0.1", forwarded)) == "203.0.113.7"
    assert serving.client_address(Client("198.51.100.2", forwarded)) == "198.51.100.2"
    assert serving.client_address(Client("127.0.0.1")) == "127.0.0.1"


# --- against a running server ----------------------------------------------------------------

LIMITS = {
    "TIMELINE_FIRST_MESSAGE_SECONDS": "2",
    "TIMELINE_SESSIONS_PER_CLIENT": "4",
    "TIMELINE_RUNS_PER_SECOND": "2",
    "TIMELINE_RUN_BURST": "3",
    "TIMELINE_CLIENT_RUNS_PER_SECOND": "50",
    "TIMELINE_CLIENT_RUN_BURST": "50",
    "TIMELINE_RECONNECT_SECONDS": "1",
    "TIMELINE_UPLOADS_HELD_MB": "400",
}
MB = 1024 * 1024


@pytest.fixture(scope="module")
def table():
    return read_events(ROOT / "data" / "events.csv")


@pytest.fixture(scope="module")
def server() -> Iterator[serve.Replica]:
    with tempfile.TemporaryDirectory() as tmp:
        replica = serve.start_replica("guarded", Path(tmp), env=LIMITS)
        try:
            serve.wait_healthy(replica)
            serve.warm(replica)
            yield replica
        finally:
            replica.process.terminate()
            replica.process.wait(timeout=30)


def log(replica: serve.Replica) -> str:
    return replica.log.read_text(errors="replace")


def rss_mb(replica: serve.Replica) -> float:
    status = Path(f"/proc/{replica.process.pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def send(visitor: Visitor, **fields: object) -> None:
    msg = BackMsg()
    for name, value in fields.items():
        setattr(msg, name, value)
    visitor.ws.send_binary(msg.SerializeToString())


def wait_for(condition, seconds: float, step: float = 0.25) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def test_a_stranger_cannot_empty_the_caches(server: serve.Replica) -> None:
    """Streamlit obeys `clear_cache` from any client: every cache of the process, the loaded
    table among them. Here the table is read once, however often a visitor asks."""
    assert log(server).count("loaded the table") == 1
    v = Visitor(server.url)
    try:
        v.open("")
        for _ in range(20):
            send(v, clear_cache=True)
        v.change("category=war")
        v.change("")
    finally:
        v.close()
    assert log(server).count("loaded the table") == 1


def test_a_stranger_is_not_told_about_the_checkout(server: serve.Replica) -> None:
    """Streamlit answers `load_git_info` with the repository, branch and changed files."""
    v = Visitor(server.url)
    try:
        v.open("")
        send(v, load_git_info=True)
        v.ws.settimeout(1.5)
        kinds = []
        with pytest.raises(websocket.WebSocketTimeoutException):
            while True:
                message = ForwardMsg()
                message.ParseFromString(v.ws.recv())
                kinds.append(message.WhichOneof("type"))
        assert "git_info_changed" not in kinds
    finally:
        v.close()
    # Refused, not merely unanswered (this checkout may have no GitHub remote to tell of).
    assert wait_for(lambda: "'load_git_info': 1" in log(server), serving.SWEEP_SECONDS + 2)


def drain(visitor: Visitor, seconds: float, quiet: float | None = None) -> list[ForwardMsg]:
    """The messages the server sends in `seconds` (or until `quiet` seconds pass without one)."""
    got: list[ForwardMsg] = []
    deadline = time.monotonic() + seconds
    visitor.ws.settimeout(quiet or 0.02)
    while time.monotonic() < deadline:
        try:
            data = visitor.ws.recv()
        except websocket.WebSocketTimeoutException:
            if quiet:
                break
            continue
        message = ForwardMsg()
        message.ParseFromString(data)
        got.append(message)
    return got


COUNTER = re.compile(r"Showing \*\*([\d,]+)\*\*")


def test_a_rerun_flood_runs_at_the_sessions_rate_and_ends_on_the_newest_request(
    server: serve.Replica, table
) -> None:
    """60 reruns in 3 s start a bounded number of runs (burst 3, then 2 a second), not one
    each; the page still ends showing what was asked last."""
    queries = ["category=war", "category=agreement"]
    v = Visitor(server.url)
    try:
        v.open("")
        got: list[ForwardMsg] = []
        for i in range(60):
            msg = BackMsg()
            msg.rerun_script.query_string = queries[i % 2]
            v.ws.send_binary(msg.SerializeToString())
            got += drain(v, 0.05)
        got += drain(v, 10, quiet=2.5)
    finally:
        v.close()
    started = sum(m.WhichOneof("type") == "new_session" for m in got)
    assert 2 <= started <= 3 + 2 * 4 + 1
    shown = [
        int(found.group(1).replace(",", ""))
        for m in got
        if m.WhichOneof("type") == "delta"
        and m.delta.new_element.WhichOneof("type") == "markdown"
        and (found := COUNTER.search(m.delta.new_element.markdown.body))
    ]
    last = dict(parse_qsl(queries[59 % 2]))["category"]
    assert shown[-1] == int((table["category"] == last).sum())


def test_a_silent_connection_is_closed(server: serve.Replica) -> None:
    ws = websocket.create_connection(
        server.url.replace("http", "ws") + "/_stcore/stream",
        subprotocols=["streamlit"],
        origin=server.url,
        timeout=20,
    )
    started = time.monotonic()
    try:
        while True:
            opcode, _ = ws.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                break
    except websocket.WebSocketConnectionClosedException:
        pass
    finally:
        ws.close()
    # 2 s of grace, then the next sweep (every 5 s).
    assert 2 <= time.monotonic() - started < 2 + serving.SWEEP_SECONDS + 3


def test_one_address_gets_a_bounded_number_of_sessions(server: serve.Replica) -> None:
    visitors = [Visitor(server.url) for _ in range(5)]
    try:
        for v in visitors[:4]:
            v.open("")
        with pytest.raises((ProtocolError, OSError, websocket.WebSocketException)):
            visitors[4].open("")
        assert visitors[0].change("category=war").status == "FINISHED_SUCCESSFULLY"
    finally:
        for v in visitors:
            v.close()
    assert "over the session cap" in log(server)


def test_uploads_of_ended_sessions_are_freed(server: serve.Replica) -> None:
    """Many short sessions that each upload a table with the page's uploader and leave: the
    memory levels off once their reconnect time is over. Streamlit alone keeps every such
    file, and every session's parsed table, for the life of the process."""
    tables = [upload_churn.table_bytes(8, seed) for seed in range(1, 16)]
    levels = []
    for first in range(0, 15, 5):
        for i, data in enumerate(tables[first : first + 5]):
            v = Visitor(server.url, timeout=120)
            try:
                opened = v.open("")
                run = v.upload(opened.uploaders[0], data, f"mine-{first + i}.csv")
                shown = next(m for m in run.markdown if "Showing" in m)
                assert "of **422**" not in shown  # the upload's table, not the shipped one
            finally:
                v.close()
        time.sleep(1 + serving.SWEEP_SECONDS + 1)  # the reconnect time, then a sweep
        levels.append(rss_mb(server))
    # 15 tables of 8 MB were read (each several times that once parsed); what stays of them
    # is about nothing after the first round.
    assert levels[-1] - levels[0] < 100, levels


def test_a_session_keeps_only_its_newest_files_and_the_process_a_bounded_total(
    server: serve.Replica,
) -> None:
    v = Visitor(server.url)
    try:
        v.open("")
        chunk = b"y" * (45 * MB)
        for _ in range(5):  # one session replacing its file: never more than two held
            assert v.put_file(chunk)[0] == 204
        others = []
        for i in range(12):  # sessions that stay, each with a file: 400 MB is the cap
            other = Visitor(server.url, source=f"127.0.1.{i + 1}")  # past the address's cap
            other.open("")
            others.append(other)
            if other.put_file(chunk)[0] == 503:
                break
        else:
            pytest.fail("no upload was refused past the process's cap")
        assert len(others) <= 400 // 45
    finally:
        v.close()
        for other in others:
            other.close()


def test_metrics_tell_a_stranger_nothing(server: serve.Replica) -> None:
    """`/_stcore/metrics` is served without authentication: caches, sessions, their sizes."""
    status, body = Visitor(server.url).get("/_stcore/metrics")
    assert status == 200
    assert not re.search(rb"^(cache|session)\w*\{", body, re.M), body[:300]


def test_a_crash_shows_a_short_message_and_logs_the_details() -> None:
    """A run that fails sends the visitor no traceback, path or message: `showErrorDetails`."""
    with tempfile.TemporaryDirectory() as tmp:
        replica = serve.start_replica("crash", Path(tmp), ROOT / "tests" / "data" / "crash_app.py")
        try:
            serve.wait_healthy(replica)
            v = Visitor(replica.url)
            v.fetch_page()
            v.connect()
            msg = BackMsg()
            msg.rerun_script.query_string = ""
            v.ws.send_binary(msg.SerializeToString())
            shown = [
                m.delta.new_element.exception
                for m in drain(v, 30, quiet=3)
                if m.WhichOneof("type") == "delta"
                and m.delta.new_element.WhichOneof("type") == "exception"
            ]
            v.close()
        finally:
            replica.process.terminate()
            replica.process.wait(timeout=30)
        logged = replica.log.read_text(errors="replace")
    assert shown, "the run did not fail"
    sent = " ".join(f"{e.type} {e.message} {' '.join(e.stack_trace)}" for e in shown)
    assert "secret detail" not in sent and "/work" not in sent and not shown[0].stack_trace
    assert "secret detail /work/example/path" in logged


def test_closed_tabs_hold_a_bounded_amount_of_uploads_while_they_may_reconnect() -> None:
    """Within Streamlit's reconnect time a closed tab's session and its files are kept: past
    TIMELINE_RECONNECT_UPLOADS_MB of such files, the oldest of those sessions end at once."""
    env = {**LIMITS, "TIMELINE_RECONNECT_SECONDS": "600", "TIMELINE_RECONNECT_UPLOADS_MB": "100"}
    data = b"z" * (40 * MB)
    with tempfile.TemporaryDirectory() as tmp:
        replica = serve.start_replica("reconnect", Path(tmp), env=env)
        try:
            serve.wait_healthy(replica)
            serve.warm(replica)
            before = rss_mb(replica)
            for i in range(10):  # 400 MB uploaded, each tab closed at once
                v = Visitor(replica.url, source=f"127.0.2.{i + 1}")
                try:
                    v.open("")
                    assert v.put_file(data)[0] == 204
                finally:
                    v.close()
            time.sleep(2)
            grown = rss_mb(replica) - before
        finally:
            replica.process.terminate()
            replica.process.wait(timeout=30)
        assert "over the budget" in replica.log.read_text(errors="replace")
    assert grown < 220, grown  # the budget and one file in flight, not 400 MB


def test_a_session_that_keeps_sending_too_soon_is_closed() -> None:
    g, clock = guard(runs_per_second=1, run_burst=1)
    g.connected("flood", "a")
    assert g.admit("flood", "rerun_script") == 0
    answers = [g.admit("flood", "rerun_script") for _ in range(serving.FLOOD_AFTER + 1)]
    assert serving.FLOODING not in answers[:-1] and answers[-1] == serving.FLOODING
    g.connected("person", "b")
    for _ in range(5):  # a person now and then too soon: never closed
        g.admit("person", "rerun_script")
        assert g.admit("person", "rerun_script") != serving.FLOODING
        clock.now += 1


def test_a_rerun_flood_is_cut_off(server: serve.Replica) -> None:
    """One websocket sending reruns as fast as it can is closed by the server."""
    v = Visitor(server.url)
    msg = BackMsg()
    msg.rerun_script.query_string = "category=war"
    data = msg.SerializeToString()
    v.open("")
    closed = False
    try:
        for _ in range(5_000):
            v.ws.send_binary(data)
        v.ws.settimeout(10)
        while True:  # what the server sent, up to its close frame
            opcode, _ = v.ws.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                closed = True
                break
    except websocket.WebSocketTimeoutException:
        closed = False  # still open after 10 s
    except (OSError, websocket.WebSocketException):
        closed = True
    finally:
        v.close()
    assert closed, "5,000 reruns at once and the connection is still open"
    assert "closed for flooding" in log(server) or wait_for(
        lambda: "closed for flooding" in log(server), serving.SWEEP_SECONDS + 2
    )
