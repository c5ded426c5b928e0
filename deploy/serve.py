"""N `streamlit run` replicas behind HAProxy on one machine (`make serve REPLICAS=N`).

    .venv/bin/python deploy/serve.py --replicas 2 --port 8501 [-- --data my.csv]

Starts the replicas on free loopback ports, waits until each answers /_stcore/health and has
served one page view (`warm`: the first run of a process imports, reads the table, builds the
opening views), then starts HAProxy (Debian's `haproxy`) with deploy/haproxy.cfg, its `bind`
line and `server` lines rewritten for these ports, and waits until HAProxy sees every replica
up. Runs until Ctrl-C (or `--seconds`), then stops everything it started. The load test and
tests/test_load.py use the same functions (`start`, `stop`, `server_states`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "haproxy.cfg"
HAPROXY = os.environ.get("HAPROXY", shutil.which("haproxy") or "/usr/sbin/haproxy")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


@dataclass
class Replica:
    name: str  # also its cookie value
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    url: str  # the balancer's
    balancer: subprocess.Popen[bytes]
    replicas: list[Replica]
    config: Path
    stats_socket: Path
    log: Path
    stopped: list[str] = field(default_factory=list)


def start_replica(
    name: str, workdir: Path, app: Path = ROOT / "app.py", args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Replica:  # fmt: skip
    port = free_port()
    log = workdir / f"{name}.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none", *args,
    ]  # fmt: skip
    with log.open("wb") as handle:
        process = subprocess.Popen(cmd, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})  # fmt: skip
    return Replica(name, port, process, log)


def wait_healthy(replica: Replica, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if replica.process.poll() is not None:
            raise RuntimeError(f"{replica.name} exited:\n{replica.log.read_text()[-3000:]}")
        if healthy(replica.url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{replica.name} did not answer within {timeout} s")


def warm(replica: Replica, timeout: float = 90) -> None:
    """One page view before the replica takes visitors, so that no visitor waits for what the
    first run of a process does once: the imports, reading and validating the table, the
    views of the page as it opens. Speaks Streamlit's websocket protocol (as the browser
    does): a `rerun_script` with no query string, answered until `script_finished`."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    rerun = BackMsg()
    rerun.rerun_script.query_string = ""
    url = replica.url.replace("http://", "ws://") + "/_stcore/stream"
    deadline = time.monotonic() + timeout
    with connect(
        url, subprotocols=["streamlit"], origin=replica.url, open_timeout=timeout,
        max_size=None,
    ) as ws:  # fmt: skip
        ws.send(rerun.SerializeToString())
        while True:
            answer = ForwardMsg()
            answer.ParseFromString(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if answer.WhichOneof("type") == "script_finished":
                return


def render_config(port: int, replicas: list[tuple[str, str, int]], stats_socket: Path) -> str:
    """deploy/haproxy.cfg with this `bind`, these `server` lines and a stats socket."""
    text = TEMPLATE.read_text()
    text = re.sub(r"(?m)^(\s*)bind \S+$", rf"\g<1>bind 127.0.0.1:{port}", text, count=1)
    indent = re.search(r"(?m)^(\s*)server ", text).group(1)
    servers = "".join(
        f"{indent}server {name} {host}:{p} check cookie {name}\n" for name, host, p in replicas
    )
    text = re.sub(r"(?m)^\s*server .*\n?", "", text)
    text = text.rstrip("\n") + "\n" + servers
    return text.replace(
        "\nglobal\n", f"\nglobal\n    stats socket {stats_socket} mode 600 level admin\n", 1
    )


def server_states(cluster: Cluster) -> dict[str, str]:
    """Each replica's status as HAProxy sees it: UP, DOWN, ... (`show stat` on its socket)."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(str(cluster.stats_socket))
        s.sendall(b"show stat\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    lines = data.decode().splitlines()
    head = lines[0].lstrip("# ").split(",")
    states = {}
    for line in lines[1:]:
        row = dict(zip(head, line.split(","), strict=False))
        if row.get("pxname") == "replicas" and row.get("svname") not in ("BACKEND", None):
            states[row["svname"]] = row.get("status", "")
    return states


def wait_states(cluster: Cluster, want: dict[str, str], timeout: float = 30) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while True:
        states = server_states(cluster)
        if all(states.get(k) == v for k, v in want.items()):
            return states
        if time.monotonic() > deadline:
            raise RuntimeError(f"HAProxy states {states}, waited for {want}")
        time.sleep(0.2)


def start(
    n: int, workdir: Path, *, port: int | None = None, app: Path = ROOT / "app.py",
    args: tuple[str, ...] = (), env: dict[str, str] | None = None,
) -> Cluster:  # fmt: skip
    """`n` replicas and HAProxy in front of them, every replica up."""
    if not Path(HAPROXY).exists():
        raise RuntimeError(f"no haproxy at {HAPROXY} (apt-get install haproxy)")
    replicas = [start_replica(f"s{i + 1}", workdir, app, args, env) for i in range(n)]
    try:
        with ThreadPoolExecutor(n) as pool:
            list(pool.map(wait_healthy, replicas))
            list(pool.map(warm, replicas))
        port = port or free_port()
        stats = workdir / "haproxy.sock"
        config = workdir / "haproxy.cfg"
        config.write_text(
            render_config(port, [(r.name, "127.0.0.1", r.port) for r in replicas], stats)
        )
        check = subprocess.run([HAPROXY, "-c", "-q", "-f", str(config)], capture_output=True)
        if check.returncode:
            raise RuntimeError(f"bad HAProxy configuration:\n{check.stderr.decode()}")
        log = workdir / "haproxy.log"
        with log.open("wb") as handle:
            balancer = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=handle,
                                        stderr=subprocess.STDOUT)  # fmt: skip
        cluster = Cluster(f"http://127.0.0.1:{port}", balancer, replicas, config, stats, log)
        deadline = time.monotonic() + 30
        while not stats.exists() or not healthy(cluster.url):
            if balancer.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"HAProxy did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        wait_states(cluster, {r.name: "UP" for r in replicas})
        return cluster
    except BaseException:
        for r in replicas:
            _stop(r.process)
        raise


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def stop_replica(cluster: Cluster, name: str, sig: int = signal.SIGKILL) -> None:
    """Stop one replica (by default at once, as a crash would)."""
    replica = next(r for r in cluster.replicas if r.name == name)
    _stop(replica.process, sig)
    cluster.stopped.append(name)


def stop(cluster: Cluster) -> None:
    _stop(cluster.balancer)
    for r in cluster.replicas:
        _stop(r.process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501, help="the balancer's port")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: never)")
    parser.add_argument("app_args", nargs="*", help="after --: arguments for app.py")
    args = parser.parse_args()
    app_args = ("--", *args.app_args) if args.app_args else ()
    workdir = Path(tempfile.mkdtemp(prefix="serve-"))
    cluster = start(args.replicas, workdir, port=args.port, args=app_args)
    print(f"{cluster.url}  ({args.replicas} replicas; logs and haproxy.cfg in {workdir})")
    for r in cluster.replicas:
        print(f"  {r.name}: {r.url}")
    try:
        deadline = time.monotonic() + args.seconds if args.seconds else None
        while deadline is None or time.monotonic() < deadline:
            if cluster.balancer.poll() is not None:
                print("HAProxy exited", file=sys.stderr)
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop(cluster)
    return 0


if __name__ == "__main__":
    sys.exit(main())
