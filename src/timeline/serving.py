"""What one visitor may cost a public server: guards wrapped around Streamlit 1.67's runtime
(`install`, once per process; tests/test_serving.py fails if a wrapped method goes unused), and
the garbage-collector setup. Runs and sessions are capped per session and per address, strangers'
developer messages ignored, and uploads held bounded, also by closed tabs awaiting a reconnect."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import gc
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from timeline.io import positive_setting

LOG = logging.getLogger("timeline.serving")
MB = 1024 * 1024

# Messages a visitor's page never needs on a public server: "Clear cache" and run-on-save are
# developer tools, and the git information names the checkout and its changed files.
REFUSED = frozenset({"clear_cache", "load_git_info", "set_run_on_save"})


@dataclass(frozen=True)
class Limits:
    """The guards' numbers; each can be set by the environment variable `ENV[name]`."""

    max_sessions: int = 500  # per process: a few KB each idle, more with views and uploads
    sessions_per_client: int = 50  # per address: a school or an office behind one NAT
    runs_per_second: float = 10.0  # per session: a person clicks, drags and types slower
    run_burst: int = 20
    client_runs_per_second: float = 20.0  # per address, all its sessions together
    client_run_burst: int = 60
    first_message_seconds: float = 20.0  # a browser asks for its first run at once
    idle_seconds: float = 3600.0  # then the page reconnects and restores its view from the URL
    upload_mb: int = 1024  # uploaded files held by the process, all sessions together
    files_per_session: int = 2  # the uploader holds one file; a replacement overlaps it
    reconnect_seconds: float = 120.0  # a disconnected session kept for its page (Streamlit's)
    # Uploads held by disconnected sessions (each with its parsed table); past it the oldest end.
    reconnect_upload_mb: int = 200


# Each limit's variable: TIMELINE_ and its name, but for the two of uploads held.
ENV = {f.name: f"TIMELINE_{f.name.upper()}" for f in fields(Limits)} | {
    "upload_mb": "TIMELINE_UPLOADS_HELD_MB",
    "reconnect_upload_mb": "TIMELINE_RECONNECT_UPLOADS_MB",
}

# Load and browser tests send many visitors from this one machine's address, each as fast as
# its runs finish: per-address and per-session rates would measure the guards, not the page.
MANY_VISITORS_FROM_ONE_ADDRESS = {
    "TIMELINE_SESSIONS_PER_CLIENT": "1000000",
    "TIMELINE_RUNS_PER_SECOND": "1000000",
    "TIMELINE_RUN_BURST": "1000000",
    "TIMELINE_CLIENT_RUNS_PER_SECOND": "1000000",
    "TIMELINE_CLIENT_RUN_BURST": "1000000",
    "TIMELINE_METRICS": "1",  # they read Streamlit's cache statistics
}


def limits_from(env: Mapping[str, str]) -> Limits:
    """`Limits` with the values the environment sets; a value that is not positive raises."""
    values = {}
    for f in fields(Limits):
        wanted = f"a positive {type(f.default).__name__} is needed"
        values[f.name] = positive_setting(env, ENV[f.name], f.default, wanted)
    return Limits(**values)


class Bucket:
    """A token bucket: `rate` tokens a second, at most `burst` saved up."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst, self.tokens, self.at = rate, float(burst), float(burst), now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: there is one now; it is not taken)."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


# Messages in a row that came too soon, after which a session is closed: a flood costs even refused.
FLOOD_AFTER = 200
FLOODING = -1.0  # `Guard.admit`: close this session


@dataclass
class _Session:
    client: str
    connected: float
    bucket: Bucket
    too_soon: int = 0  # messages in a row that came too soon
    last_message: float | None = None
    waiting: Any = None  # the newest rerun request that came too soon
    timer: asyncio.TimerHandle | None = None


@dataclass
class Guard:
    """The guards' state for one process. Every method runs on the server's event loop, as the
    runtime methods it wraps do (Streamlit: "Threading: UNSAFE")."""

    limits: Limits
    clock: Any = time.monotonic
    sessions: dict[str, _Session] = field(default_factory=dict)
    clients: dict[str, Bucket] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)  # counts, for the log and the tests
    logged: dict[str, int] = field(default_factory=dict)  # the counts last logged
    ended: int = 0  # sessions shut down since the last sweep

    def count(self, what: str) -> None:
        self.refused[what] = self.refused.get(what, 0) + 1

    def admit(self, session_id: str, kind: str | None) -> float | None:
        """Whether a message may be handled now: 0 for yes, a delay for a run asked too soon,
        None to drop it, `FLOODING` to close the session."""
        if kind in REFUSED:
            self.count(kind)
            return None
        now = self.clock()
        seen = self.sessions.get(session_id)
        if seen is None:  # connected before the guards were installed
            return 0.0
        seen.last_message = now
        client = self.clients[seen.client]  # made with the address's first session
        delay = max(seen.bucket.wait(now), client.wait(now))
        if delay == 0:
            seen.bucket.take()
            client.take()
            seen.too_soon = 0
            return 0.0
        self.count("too soon")
        seen.too_soon += 1
        if seen.too_soon > FLOOD_AFTER:  # no page sends that many in a row: a flood
            self.count("closed for flooding")
            return FLOODING
        return delay if kind == "rerun_script" else None

    def connected(self, session_id: str, client: str) -> list[str]:
        """Note a new session; returns the sessions to close to stay within the caps (the
        new one last, when no other can go)."""
        now, lim = self.clock(), self.limits
        self.sessions[session_id] = _Session(
            client, now, Bucket(lim.runs_per_second, lim.run_burst, now)
        )
        if client not in self.clients:
            self.clients[client] = Bucket(lim.client_runs_per_second, lim.client_run_burst, now)
        mine = [s for s, seen in self.sessions.items() if seen.client == client]
        crowded = len(mine) > lim.sessions_per_client
        if not crowded and len(self.sessions) <= lim.max_sessions:
            return []
        self.count("over the session cap")
        return [self._quietest(mine if crowded else list(self.sessions), session_id) or session_id]

    def _quietest(self, candidates: list[str], new: str) -> str | None:
        """Of `candidates` other than `new`, one that never spoke (the oldest), else None: a
        session that talks is a person, and is not dropped for a newcomer."""
        silent = [s for s in candidates if s != new and self.sessions[s].last_message is None]
        return min(silent, key=lambda s: self.sessions[s].connected, default=None)

    def stale(self) -> list[str]:
        """Sessions to close now: silent since they connected, or idle too long."""
        now, lim = self.clock(), self.limits
        return [
            session_id
            for session_id, seen in self.sessions.items()
            if (seen.last_message is None and now - seen.connected > lim.first_message_seconds)
            or (seen.last_message is not None and now - seen.last_message > lim.idle_seconds)
        ]

    def forget(self, session_id: str) -> None:
        seen = self.sessions.pop(session_id, None)
        if seen is not None and seen.timer is not None:
            seen.timer.cancel()
        if seen is not None and not any(s.client == seen.client for s in self.sessions.values()):
            self.clients.pop(seen.client, None)


def client_address(client: Any) -> str:
    """The visitor's address: the balancer's X-Forwarded-For when the connection comes from
    this machine (HAProxy in front), else the peer's."""
    context = getattr(client, "client_context", None)
    peer = getattr(context, "remote_ip", None) or "?"
    if peer in ("127.0.0.1", "::1") or peer.startswith("127."):
        for name, value in getattr(context, "headers", ()):
            if name.lower() == "x-forwarded-for" and value.strip():
                return value.split(",")[-1].strip()
    return peer


_INSTALLED: Guard | None = None
_LOCK = threading.Lock()
SWEEP_SECONDS = 5.0
_CLOSING: set[asyncio.Task[None]] = set()


def install(env: Mapping[str, str] | None = None) -> Guard | None:
    """Install the guards in this process's Streamlit server, once (later calls return the
    same guard). Returns None when there is no server (AppTest, bare mode)."""
    global _INSTALLED
    with _LOCK:
        if _INSTALLED is not None:
            return _INSTALLED
        import pyarrow
        from streamlit import runtime

        if not runtime.exists():
            return None
        rt = runtime.get_instance()
        loop = getattr(getattr(rt, "_async_objs", None), "eventloop", None)
        if loop is None:
            return None
        guard = Guard(limits_from(os.environ if env is None else env))
        log = logging.getLogger("timeline")  # the package's log lines beside Streamlit's own
        if not log.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(
                logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
            )
            log.addHandler(handler)
            log.setLevel(logging.INFO)
        _wrap_runtime(rt, guard)
        _wrap_storage(rt, guard.limits.reconnect_seconds)
        _wrap_uploads(rt, guard)
        # /_stcore/metrics is served to anyone: with no providers it tells nothing.
        stats = getattr(rt, "_stats_mgr", None)
        keep_metrics = os.environ.get("TIMELINE_METRICS", "") in ("1", "true", "yes")
        if not keep_metrics and hasattr(stats, "_providers_by_family"):
            stats._providers_by_family.clear()
        # Arrow's allocator keeps freed tables' memory; the system's lets `_release_memory` free it.
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
        loop.call_soon_threadsafe(_sweep, rt, guard, loop)
        _INSTALLED = guard
        LOG.info("guards installed: %s", guard.limits)
        return guard


def _close(rt: Any, session_id: str, code: int = 1008) -> None:
    """Close a session's websocket; the session is shut down (not kept for a reconnect)."""
    mgr = rt._session_mgr
    info = mgr.get_active_session_info(session_id)
    mgr.mark_session_nonresumable(session_id)
    ws = getattr(getattr(info, "client", None), "_websocket", None)
    if ws is not None:
        task = asyncio.ensure_future(_close_websocket(ws, code))
        _CLOSING.add(task)  # a task without a reference can be collected before it runs
        task.add_done_callback(_CLOSING.discard)
    else:
        rt.close_session(session_id)


async def _close_websocket(ws: Any, code: int) -> None:
    try:
        await ws.close(code=code)
    except Exception:  # already closed by the other side
        LOG.debug("closing a websocket", exc_info=True)


def _wrap_runtime(rt: Any, guard: Guard) -> None:
    cls = type(rt)
    connect, handle = cls.connect_session, cls.handle_backmsg

    @functools.wraps(connect)
    def connect_session(self: Any, client: Any, *args: Any, **kw: Any) -> str:
        session_id = connect(self, client, *args, **kw)
        if self is rt:
            for other in guard.connected(session_id, client_address(client)):
                LOG.warning("session %s closed: over the session cap", other)
                guard.forget(other)
                _close(rt, other, 1013)  # "try again later"
        return session_id

    @functools.wraps(handle)
    def handle_backmsg(self: Any, session_id: str, msg: Any, **kw: Any) -> None:
        if self is not rt:
            return handle(self, session_id, msg, **kw)
        delay = guard.admit(session_id, msg.WhichOneof("type"))
        if delay == 0:
            return handle(self, session_id, msg, **kw)
        if delay is None:
            return None  # counted in guard.refused; the sweep logs the counts
        if delay == FLOODING:
            guard.forget(session_id)
            _close(rt, session_id, 1008)
            return None
        seen = guard.sessions[session_id]
        seen.waiting = (msg, kw)
        if seen.timer is None:

            def later() -> None:
                seen.timer = None
                waiting, seen.waiting = seen.waiting, None
                if waiting is not None and session_id in guard.sessions:
                    handle_backmsg(self, session_id, waiting[0], **waiting[1])

            seen.timer = asyncio.get_running_loop().call_later(delay, later)
        return None

    def forgetting(method: Any) -> Any:
        @functools.wraps(method)
        def wrapped(self: Any, session_id: str, *args: Any, **kw: Any) -> None:
            method(self, session_id, *args, **kw)
            if self is rt and not self._session_mgr.is_active_session(session_id):
                guard.forget(session_id)
                _trim_disconnected(rt, guard.limits.reconnect_upload_mb * MB)

        return wrapped

    from streamlit.runtime.app_session import AppSession

    shutdown = AppSession.shutdown

    @functools.wraps(shutdown)
    def counted_shutdown(self: Any) -> None:
        guard.ended += 1
        shutdown(self)

    AppSession.shutdown = counted_shutdown
    cls.connect_session, cls.handle_backmsg = connect_session, handle_backmsg
    cls.disconnect_session = forgetting(cls.disconnect_session)
    cls.close_session = forgetting(cls.close_session)


def _wrap_storage(rt: Any, seconds: float) -> None:
    """Shut down a session that leaves the reconnect storage without coming back: Streamlit 1.67
    only forgets it, and its uploads stay for the life of the process."""
    mgr = rt._session_mgr
    cache = getattr(getattr(mgr, "_session_storage", None), "_cache", None)
    if cache is None or not hasattr(cache, "_on_remove"):
        LOG.warning("session storage not as expected: expired sessions keep their uploads")
        return

    def on_remove(session_id: str, info: Any) -> None:
        if not mgr.is_active_session(session_id):  # not a reconnect taking it back
            info.session.shutdown()

    cache._on_remove = on_remove
    cache._ttl = seconds


def _trim_disconnected(rt: Any, budget: int) -> None:
    """End the oldest disconnected sessions while their uploads come to more than `budget`
    bytes: closed tabs would otherwise hold them for the whole reconnect time."""
    mgr, files = rt._session_mgr, rt.uploaded_file_mgr.file_storage
    waiting = [info.session.id for info in mgr._session_storage.list()]  # oldest first
    held = {s: sum(len(f.data) for f in files.get(s, {}).values()) for s in waiting}
    total = sum(held.values())
    for session_id in waiting:
        if total <= budget:
            break
        if held[session_id]:
            LOG.info("session %s ended: disconnected with an upload, over the budget", session_id)
            mgr.close_session(session_id)  # the manager's: the runtime's would trim again
            total -= held[session_id]


def _wrap_uploads(rt: Any, guard: Guard) -> None:
    mgr = rt.uploaded_file_mgr
    if not hasattr(mgr, "file_storage"):
        LOG.warning("upload manager not as expected: uploads are not bounded")
        return
    add_file = mgr.add_file

    def bounded_add_file(session_id: str, file: Any) -> None:
        from starlette.exceptions import HTTPException

        with mgr._lock:
            older = list(mgr.file_storage.get(session_id, {}))
        # The session's oldest files go first: its uploader shows only the newest.
        for file_id in older[: max(0, len(older) - guard.limits.files_per_session + 1)]:
            mgr.remove_file(session_id, file_id)
        with mgr._lock:
            held = mgr._total_bytes
        if held + len(file.data) > guard.limits.upload_mb * MB:
            guard.count("uploads held")
            LOG.warning("upload refused: the process holds %d MB of uploads", held // MB)
            raise HTTPException(status_code=503, detail="The server holds too many uploads.")
        add_file(session_id, file)

    mgr.add_file = bounded_add_file


def _release_memory() -> None:
    """Free what ended sessions held (reference cycles: a full collection) and hand the heap's
    free pages back to the system (glibc keeps them until malloc_trim)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _sweep(rt: Any, guard: Guard, loop: asyncio.AbstractEventLoop) -> None:
    """Every `SWEEP_SECONDS`: close silent and idle sessions, forget ended ones, expire the
    disconnected ones past their reconnect time."""
    try:
        if guard.refused != guard.logged:
            LOG.info("refused so far: %s", guard.refused)
            guard.logged = dict(guard.refused)
        mgr = rt._session_mgr
        for session_id in list(guard.sessions):
            if not mgr.is_active_session(session_id):
                guard.forget(session_id)
        for session_id in guard.stale():
            LOG.info("session %s closed: silent", session_id)
            guard.forget(session_id)
            _close(rt, session_id, 1000)
        cache = getattr(getattr(mgr, "_session_storage", None), "_cache", None)
        if cache is not None and hasattr(cache, "expire"):
            with mgr._storage_lock:
                cache.expire()
        if guard.ended:  # sessions were shut down: their memory is free
            guard.ended = 0
            _release_memory()
    except Exception:
        LOG.exception("sweeping sessions")
    loop.call_later(SWEEP_SECONDS, _sweep, rt, guard, loop)


# Python's default thresholds ran a full collection, walking every object, every few dozen runs.
GC_THRESHOLDS = (10_000, 20, 20)


@functools.cache
def collect_garbage_for_many_visitors() -> None:
    """Once per process, after the first table is loaded: fewer young collections, and what is
    loaded by then (it lives as long as the process) frozen out of the full ones."""
    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()
