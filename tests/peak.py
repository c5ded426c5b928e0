"""Peak memory of a fresh interpreter: how the tests check a memory target (never a time)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A small parent runs the measured process and reports RUSAGE_CHILDREN. The measured process's
# own RUSAGE_SELF would not do: Linux carries the peak of the process that forked it (here
# pytest, hundreds of MB) across fork and exec.
_PARENT = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:])
print("PEAK_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(done.returncode)
"""


def peak_mb(code: str, *args: str, timeout: float = 120) -> tuple[float, str]:
    """Run `code` (with `args` in sys.argv[1:]) in a new Python process; its peak resident
    memory in MB (10^6 bytes) and what it printed. Fails when the process does."""
    done = subprocess.run(
        [sys.executable, "-c", _PARENT, sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    kb = int(done.stderr.rsplit("PEAK_KB", 1)[1].split()[0])
    return kb * 1024 / 1e6, done.stdout
