"""Loading a table for the app: a path, an upload or bytes, read once and prepared for filtering.

Plain functions (no Streamlit): `ui` caches them per process. A bad table never raises here; its
problems come back in `Loaded.problems`. The way runs down once: read the bytes (`io`); for a
large file, look them up in the Parquet cache (`cache`); else parse and validate them (`io`),
prepare the frame for filtering (`filters`) and store it in the cache.
"""

from __future__ import annotations

import argparse
import contextlib
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
    """The table to load: `--data PATH` after `streamlit run app.py --`, else $TIMELINE_DATA,
    else data/events.csv next to app.py. Other arguments are ignored."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data")
    args, _ = parser.parse_known_args(list(argv))
    chosen = args.data or environ.get(DATA_ENV) or ""
    return Path(chosen).expanduser() if chosen else DEFAULT_DATA


@dataclass(frozen=True)
class Loaded:
    """A loaded table (prepared for filtering), or the problems that stopped it loading: the
    first `io.MAX_PROBLEMS` of them, how many were found in all (`problem_count`, a floor when
    `count_is_a_floor`) and the loader's line about the rest (`summary`, "" when none)."""

    name: str
    df: pd.DataFrame | None
    problems: tuple[Problem, ...] = ()
    options: FilterOptions = field(default_factory=FilterOptions)
    problem_count: int = 0
    count_is_a_floor: bool = False
    summary: str = ""

    @property
    def ok(self) -> bool:
        return self.df is not None


def load_table(
    source: str | os.PathLike[str] | IO[bytes],
    name: str | None = None,
    limits: Mapping[str, int] | None = None,
) -> Loaded:
    """Read and prepare a table; never raises for a bad table (the problems come back). The
    coordinates' text is kept so that an unfiltered export gives back the file's bytes.
    `limits` are `read_events`' (uploads get `io.upload_limits()`); a path without a
    `max_bytes` is read as `load_file` reads it, within `io.data_limits()`."""
    return _load(source, name or source_name(source), limits or {})


def load_file(
    path: str | os.PathLike[str], cache_dir: Path | None = None, background: bool = False
) -> Loaded:
    """`load_table` for a file a person points at, through the Parquet cache (`timeline.cache`,
    in `cache_dir` or its own directory) when it is large: a second start skips parsing and
    validation. With `background` the cache entry is written on a thread (`cache_writes_done`
    waits for it), so that the first page does not wait for it."""
    return _load(path, os.fspath(path), {}, cache_dir or table_cache.cache_dir(), background)


def _load(
    source: str | os.PathLike[str] | IO[bytes],
    label: str,
    limits: Mapping[str, int],
    cache_dir: Path | None = None,
    background: bool = False,
) -> Loaded:
    """Read the bytes (`io`); for a large file, look them up in the cache; else parse and
    validate them (`io`), prepare the frame (`filters`) and store it."""
    entry, max_bytes, setting = None, limits.get("max_bytes"), ""
    try:
        if isinstance(source, str | os.PathLike) and "max_bytes" not in limits:
            # A file a person points at: within data_limits(); a bad value is its problem too.
            try:
                max_bytes, setting = data_limits()["max_bytes"], DATA_LIMITS[0].variable
            except ValueError as exc:
                message = f"cannot be read: {exc}"
                raise EventTableError([Problem(0, "", message, source=label)]) from None
        data = read_source(source, label, max_bytes, setting)
        if cache_dir is not None and len(data) >= table_cache.MIN_BYTES:
            entry = table_cache.entry(data, cache_dir)
            hit = table_cache.load(entry)
            if hit is not None:
                df, meta = hit
                ids = frozenset(df["id"].to_numpy(dtype=object))
                options = FilterOptions(**{k: tuple(v) for k, v in meta.items()}, event_ids=ids)
                return Loaded(label, df, options=options)
        rows, links = limits.get("max_rows"), limits.get("max_links")
        df = read_events(data, label, max_rows=rows, max_links=links, coordinate_text=True)
    except EventTableError as exc:
        return Loaded(
            label,
            None,
            tuple(exc.problems),
            problem_count=exc.count,
            count_is_a_floor=exc.count_is_a_floor,
            summary=exc.summary() or "",
        )
    options = filter_options(df)
    df = prepare(df)
    if entry is not None:
        # Every option but the ids, which the id column holds.
        meta = {f.name: getattr(options, f.name) for f in fields(options) if f.name != "event_ids"}
        if background:
            writer = threading.Thread(target=_store_politely, args=(df, meta, entry), daemon=True)
            _CACHE_WRITERS.append(writer)
            writer.start()
        else:
            table_cache.store(df, meta, entry)
    return Loaded(label, df, options=options)


_CACHE_WRITERS: list[threading.Thread] = []


def _store_politely(*args: Any) -> None:
    """`table_cache.store` at the lowest CPU priority: it runs while the first page is being
    built and drawn, which matters more (on Linux a thread has its own nice value)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    table_cache.store(*args)


def cache_writes_done(timeout: float | None = None) -> bool:
    """Wait for the cache entries `load_file(..., background=True)` is writing; True when none
    is still being written."""
    for writer in list(_CACHE_WRITERS):
        writer.join(timeout)
        if not writer.is_alive():
            _CACHE_WRITERS.remove(writer)
    return not _CACHE_WRITERS
