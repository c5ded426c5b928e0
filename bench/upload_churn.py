"""Upload churn: many short sessions that each upload a table and leave, and the server's memory.

    .venv/bin/python bench/upload_churn.py [--uploads 12] [--rounds 1] [--mb 45] [--root DIR]

Each upload is a new session (GET /, websocket, first run), a distinct synthetic table of about
`--mb` MB (bench/generate.py, a new seed each) sent with the page's file uploader and read by
the app, and the tab closed at once. The server's resident memory is read after every upload,
then for `--settle` seconds after the last of a round: Streamlit keeps a closed tab's session
for 120 s for a reconnect (`--reconnect` sets TIMELINE_RECONNECT_SECONDS for the server, which
a checkout before timeline.serving ignores). `--rounds` repeats it with new tables, to see
whether memory levels off. `--root` serves another checkout (to measure a commit before a
change) with this checkout's tools.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "deploy")]

import generate  # noqa: E402
import serve  # noqa: E402
from stclient import Visitor  # noqa: E402

MB = 1024 * 1024


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def table_bytes(mb: float, seed: int) -> bytes:
    """A valid table of about `mb` MB (rows estimated from a small sample of the same kind)."""
    sample = generate.generate(2_000, seed).to_csv(index=False).encode()
    rows = int(2_000 * mb * MB / len(sample))
    return generate.generate(rows, seed).to_csv(index=False).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=12)
    parser.add_argument("--mb", type=float, default=45)
    parser.add_argument("--settle", type=float, default=150)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--reconnect", type=float, default=120)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args(argv)
    n = args.uploads * args.rounds
    tables = [table_bytes(args.mb, seed) for seed in range(1, n + 1)]
    with tempfile.TemporaryDirectory() as tmp:
        replica = serve.start_replica(
            "churn", Path(tmp), args.root / "app.py",
            env={"PYTHONPATH": str(args.root / "src"),
                 "TIMELINE_RECONNECT_SECONDS": str(args.reconnect)},
        )  # fmt: skip
        try:
            serve.wait_healthy(replica)
            serve.warm(replica)
            pid = replica.process.pid
            print(f"serving {args.root}; idle: {rss_mb(pid):,.0f} MB")
            start = time.monotonic()
            for i, data in enumerate(tables, 1):
                v = Visitor(replica.url, timeout=300)
                try:
                    opened = v.open("")
                    run = v.upload(opened.uploaders[0], data, f"mine-{i}.csv")
                    shown = next((m for m in run.markdown if "Showing" in m), "?")
                finally:
                    v.close()
                print(f"upload {i:3d} ({len(data) / MB:.0f} MB, {run.seconds:.1f} s, {shown}):"
                      f" {rss_mb(pid):,.0f} MB")  # fmt: skip
                if i % args.uploads:
                    continue
                uploaded = time.monotonic()
                while time.monotonic() - uploaded < args.settle:
                    time.sleep(min(30, args.settle))
                    print(f"{time.monotonic() - uploaded:5.0f} s after upload {i}:"
                          f" {rss_mb(pid):,.0f} MB")  # fmt: skip
            print(f"total {time.monotonic() - start:.0f} s")
        finally:
            replica.process.terminate()
            replica.process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
