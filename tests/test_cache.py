"""The Parquet cache of large tables: same frame back, invalidated by any change to the file."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from helpers import SHIPPED

from timeline import cache, loading


def big_csv(tmp_path: Path, copies: int = 60) -> Path:
    """A valid table over cache.MIN_BYTES: the shipped rows repeated with new ids."""
    header, *rows = SHIPPED.read_text(encoding="utf-8").splitlines()
    out = [header]
    for k in range(copies):
        out += [f"c{k}-{row}" for row in rows]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    assert path.stat().st_size >= cache.MIN_BYTES
    return path


def test_second_load_comes_from_the_cache_and_is_the_same(tmp_path, monkeypatch):
    path, where = big_csv(tmp_path), tmp_path / "cache"
    first = loading.load_file(path, where)
    assert first.ok, first.problems[:3]
    (entry,) = where.glob("*.parquet")
    monkeypatch.setattr(loading, "read_events", lambda *_, **__: pytest.fail("parsed again"))
    second = loading.load_file(path, where)
    pd.testing.assert_frame_equal(second.df, first.df)
    assert second.options == first.options
    assert list(where.glob("*.parquet")) == [entry]


def test_the_entry_can_be_written_in_the_background(tmp_path):
    path, where = big_csv(tmp_path), tmp_path / "cache"
    first = loading.load_file(path, where, background=True)
    assert first.ok
    assert loading.cache_writes_done(timeout=60)
    assert len(list(where.glob("*.parquet"))) == 1
    second = cache.load(cache.entry(path.read_bytes(), where))
    assert second is not None
    pd.testing.assert_frame_equal(second[0], first.df)


def test_a_changed_file_is_parsed_again(tmp_path):
    path, where = big_csv(tmp_path), tmp_path / "cache"
    loading.load_file(path, where)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",war,", ",not-a-category,", 1), encoding="utf-8")
    assert cache.load(cache.entry(path.read_bytes(), where)) is None
    changed = loading.load_file(path, where)
    assert not changed.ok
    assert any("not a known category" in p.message for p in changed.problems)


def test_small_tables_and_unwritable_directories_skip_the_cache(tmp_path):
    where = tmp_path / "cache"
    assert loading.load_file(SHIPPED, where).ok
    assert not where.exists()
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    assert loading.load_file(big_csv(tmp_path), blocked / "sub").ok


def test_a_damaged_entry_is_ignored(tmp_path):
    path, where = big_csv(tmp_path), tmp_path / "cache"
    loading.load_file(path, where)
    (entry,) = where.glob("*.parquet")
    entry.write_bytes(b"PAR1 garbage")
    assert cache.load(cache.entry(path.read_bytes(), where)) is None
    assert loading.load_file(path, where).ok


def test_the_cache_directory_comes_from_the_environment(tmp_path):
    assert cache.cache_dir({cache.CACHE_ENV: str(tmp_path)}) == tmp_path
    assert cache.cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/azerbaijan-relations-timeline")


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread priority is a Linux feature")
def test_the_background_writer_runs_at_the_lowest_cpu_priority(tmp_path, monkeypatch):
    seen = []

    def store(*args):
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return True

    monkeypatch.setattr(cache, "store", store)
    assert loading.load_file(big_csv(tmp_path), tmp_path / "cache", background=True).ok
    assert loading.cache_writes_done(timeout=60)
    assert seen == [19]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < 19  # this thread: as was
