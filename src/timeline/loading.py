"""Loading a table for the app (a path, an upload or bytes) once, with no Streamlit: read the
bytes (`io`), look a large file up in the Parquet cache (`cache`), else parse and validate it
(`io`), prepare it for filtering (`filters`) and store it. Problems come back in `Loaded`."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

import pandas as pd

from timeline import cache as table_cache
from timeline.filters import FilterOptions, filter_options, prepare
from timeline.io import (
    DATA_LIMITS,
    EventTableError,
    Problem,
    data_limits,
    read_events,
    read_source,
    source_name,
)

DATA_ENV = "TIMELINE_DATA"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "data" / "events.csv"


def data_path(argv: Sequence[str], environ: Mapping[str, str]) -> Path:
    """The table to load: `--data PATH` (after `app.py --`), else $TIMELINE_DATA, else data/."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data")
    args, _ = parser.parse_known_args(list(argv))
    chosen = args.data or environ.get(DATA_ENV) or ""
    return Path(chosen).expanduser() if chosen else DEFAULT_DATA


def version_of(data: bytes) -> str:
    """A table's version, for a citation: the first 12 hex digits of its bytes' SHA-256."""
    return hashlib.sha256(data).hexdigest()[:12]


@dataclass(frozen=True)
class Loaded:
    """A prepared table (and its `version_of` its bytes), or the first problems that stopped it
    and how many there are."""

    name: str
    df: pd.DataFrame | None
    problems: tuple[Problem, ...] = ()
    problem_count: int = 0
    count_is_a_floor: bool = False
    summary: str = ""
    options: FilterOptions = field(default_factory=FilterOptions)
    version: str = ""

    @property
    def ok(self) -> bool:
        return self.df is not None


def load_table(
    source: str | os.PathLike[str] | IO[bytes],
    name: str | None = None,
    limits: Mapping[str, int] | None = None,
) -> Loaded:
    """Read and prepare a table within `limits` (`read_events`' keywords; a path without
    `max_bytes` gets `io.data_limits()`); never raises for a bad table."""
    return _load(source, name or source_name(source), limits or {})


def load_file(
    path: str | os.PathLike[str], cache_dir: Path | None = None, background: bool = False
) -> Loaded:
    """`load_table` for a file, through the Parquet cache when it is large; with `background`
    the entry is written on a thread (`cache_writes_done` waits for it)."""
    return _load(path, os.fspath(path), {}, cache_dir or table_cache.cache_dir(), background)


def _load(
    source: str | os.PathLike[str] | IO[bytes],
    label: str,
    limits: Mapping[str, int],
    cache_dir: Path | None = None,
    background: bool = False,
) -> Loaded:
    entry, max_bytes, setting = None, limits.get("max_bytes"), ""
    try:
        if isinstance(source, str | os.PathLike) and "max_bytes" not in limits:
            # A bad value of the variable is the file's problem too.
            try:
                max_bytes, setting = data_limits()["max_bytes"], DATA_LIMITS[0].variable
            except ValueError as exc:
                message = f"cannot be read: {exc}"
                raise EventTableError([Problem(0, "", message, source=label)]) from None
        data = read_source(source, label, max_bytes, setting)
        version = version_of(data)
        if cache_dir is not None and len(data) >= table_cache.MIN_BYTES:
            entry = table_cache.entry(data, cache_dir)
            hit = table_cache.load(entry)
            if hit is not None:
                df, meta = hit
                ids = frozenset(df["id"].to_numpy(dtype=object))
                options = FilterOptions(**{k: tuple(v) for k, v in meta.items()}, event_ids=ids)
                return Loaded(label, df, options=options, version=version)
        rows, links = limits.get("max_rows"), limits.get("max_links")
        df = read_events(data, label, max_rows=rows, max_links=links, coordinate_text=True)
    except EventTableError as exc:
        floor, summary = bool(exc.unchecked_from), exc.summary() or ""
        return Loaded(label, None, tuple(exc.problems), exc.count, floor, summary)
    options = filter_options(df)
    df = prepare(df)
    if entry is not None:
        # Not the ids: the id column holds them.
        meta = {f.name: getattr(options, f.name) for f in fields(options) if f.name != "event_ids"}
        if background:
            writer = threading.Thread(target=_store_politely, args=(df, meta, entry), daemon=True)
            _CACHE_WRITERS.append(writer)
            writer.start()
        else:
            table_cache.store(df, meta, entry)
    return Loaded(label, df, options=options, version=version)


_CACHE_WRITERS: list[threading.Thread] = []


def _store_politely(*args: Any) -> None:
    """`table_cache.store` at the lowest CPU priority: the first page is built meanwhile."""
    if sys.platform == "linux":  # where a thread has its own nice value
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    table_cache.store(*args)


def cache_writes_done(timeout: float | None = None) -> bool:
    """Wait for the cache entries being written; True when none is left."""
    for writer in list(_CACHE_WRITERS):
        writer.join(timeout)
        if not writer.is_alive():
            _CACHE_WRITERS.remove(writer)
    return not _CACHE_WRITERS
