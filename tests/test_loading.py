"""Loading for the app: what a path, an upload or bytes give, and what the app is told."""

from __future__ import annotations

import hashlib
import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, SAMPLE
from test_cache import big_csv

from timeline import loading
from timeline.io import MAX_DATA_MB, data_limits

_LOAD = """
import sys
from timeline.loading import load_file, load_table
load = {"file": load_file, "table": load_table}[sys.argv[2]]
print("\\n".join(str(p) for p in load(sys.argv[1]).problems))
"""


def _cap_memory() -> None:
    # The code before the fix read /dev/zero until the kernel stopped it: stop it sooner.
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


def load_in_subprocess(path: Path | str, how: str) -> list[str]:
    """The problems `loading.load_file` (or `load_table`) gives for `path`, in a subprocess
    that must finish within 30 s and 4 GB of address space."""
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(path), how],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=30,
        preexec_fn=_cap_memory,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


@pytest.mark.parametrize("how", ["file", "table"])
def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path, how):
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    assert load_in_subprocess(fifo, how) == [
        f"{fifo}: is a named pipe (FIFO), not a regular file: give the path of a CSV file"
    ]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("how", ["file", "table"])
def test_dev_zero_is_refused_without_reading_it(how):
    assert load_in_subprocess("/dev/zero", how) == [
        "/dev/zero: is a device, not a regular file: give the path of a CSV file"
    ]


def test_a_directory_is_refused_by_name(tmp_path):
    loaded = loading.load_file(tmp_path)
    assert [str(p) for p in loaded.problems] == [
        f"{tmp_path}: is a directory, not a regular file: give the path of a CSV file"
    ]


def test_a_data_file_over_its_limit_is_refused_naming_the_setting(tmp_path, monkeypatch):
    path = tmp_path / "events.csv"
    path.write_bytes(SAMPLE.read_bytes())
    size = path.stat().st_size
    monkeypatch.setenv("TIMELINE_MAX_DATA_MB", "0.001")
    for loaded in (loading.load_file(path), loading.load_table(path)):
        assert [str(p) for p in loaded.problems] == [
            f"{path}: is {size / 1e6:.3g} MB; the limit is 0.001 MB "
            "(TIMELINE_MAX_DATA_MB changes it)"
        ]
    monkeypatch.setenv("TIMELINE_MAX_DATA_MB", str(size / 1e6))
    assert loading.load_file(path).ok


def test_the_data_limit_defaults_to_1024_mb_and_a_bad_setting_is_named(tmp_path, monkeypatch):
    assert data_limits({}) == {"max_bytes": MAX_DATA_MB * 1_000_000} == {"max_bytes": 1024 * 10**6}
    assert data_limits({"TIMELINE_MAX_DATA_MB": "2.5"}) == {"max_bytes": 2_500_000}
    monkeypatch.setenv("TIMELINE_MAX_DATA_MB", "lots")
    loaded = loading.load_file(SAMPLE)
    assert [str(p) for p in loaded.problems] == [
        f"{SAMPLE}: cannot be read: TIMELINE_MAX_DATA_MB='lots': expected a positive number of MB"
    ]


def test_an_upload_path_keeps_the_upload_limit(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(SAMPLE.read_bytes())
    loaded = loading.load_table(path, limits={"max_bytes": 100, "max_rows": 10})
    assert [str(p) for p in loaded.problems] == [
        f"{path}: is {path.stat().st_size / 1e6:.3g} MB; the limit is 0.0001 MB"
    ]


def test_the_version_is_the_start_of_the_sha256_of_the_bytes_read(tmp_path, monkeypatch):
    """The citation's version: the same for a path, an upload and a Parquet cache hit, and a
    different one for a changed byte."""
    data = SAMPLE.read_bytes()
    version = hashlib.sha256(data).hexdigest()[:12]
    assert loading.load_file(SAMPLE).version == version
    assert loading.load_table(io.BytesIO(data), name="mine.csv").version == version
    changed = tmp_path / "events.csv"
    changed.write_bytes(data + b"\n")  # a blank line more: the same events, other bytes
    other = loading.load_file(changed)
    assert other.ok and other.version == hashlib.sha256(data + b"\n").hexdigest()[:12] != version
    big, where = big_csv(tmp_path), tmp_path / "cache"
    first = loading.load_file(big, where)
    monkeypatch.setattr(loading, "read_events", lambda *_, **__: pytest.fail("parsed again"))
    assert loading.load_file(big, where).version == first.version
    assert first.version == hashlib.sha256(big.read_bytes()).hexdigest()[:12]
