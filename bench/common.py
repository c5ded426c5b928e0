"""What the benchmark scripts share (bench/run.py, bench/page.py): the paths, the table sizes,
the tables themselves and the machine's description."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
SHIPPED = ROOT / "data" / "events.csv"
for extra in (BENCH, ROOT / "src", ROOT / "tests" / "e2e"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

SIZES: dict[str, int | None] = {
    "shipped": None,
    "1k": 1_000,
    "10k": 10_000,
    "100k": 100_000,
    "1M": 1_000_000,
}


def data_file(label: str) -> Path:
    """The table of size `label` (a key of SIZES): the shipped one, or one generated into
    bench/out/ by bench/generate.py when missing."""
    size = SIZES[label]
    if size is None:
        return SHIPPED
    path = OUT / f"events-{size}.csv"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        subprocess.run([sys.executable, str(BENCH / "generate.py"), str(size), str(path)],
                       check=True, cwd=ROOT)  # fmt: skip
    return path


def machine() -> dict[str, str]:
    """The machine and the versions the figures were measured with, by name."""
    from importlib import metadata

    import pandas
    import plotly
    import pyarrow
    import streamlit

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor())  # fmt: skip
    mem = next(
        int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal"))  # fmt: skip
    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True)
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{mem:,} MB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": f"streamlit {streamlit.__version__}, plotly {plotly.__version__}, "
        f"pandas {pandas.__version__}, pyarrow {pyarrow.__version__}, "
        f"playwright {metadata.version('playwright')}",
        "browser": chromium.stdout.strip() or "?",
    }
