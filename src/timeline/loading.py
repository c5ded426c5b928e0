"""Loading a table for the app: a path, an upload or bytes, read once and prepared for filtering.

Plain functions (no Streamlit): `ui` caches them per process. A bad table never raises here; its
problems come back in `Loaded.problems`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import pandas as pd

from timeline import cache as table_cache
from timeline.filters import FilterOptions, filter_options, prepare
from timeline.io import (
    ENV_MAX_DATA_MB,
    EventTableError,
    Problem,
    data_limits,
    read_events,
    read_file,
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
    `limits` are read_events' max_bytes/max_rows (uploads get `upload_limits()`); a path
    without them is read as `load_file` reads it, within `data_limits()`."""
    if isinstance(source, str | os.PathLike):
        label = name or os.fspath(source)
        try:
            data = _read_data(source, label, limits)
        except EventTableError as exc:
            return _failed(label, exc)
    else:
        label = name or str(getattr(source, "name", "") or "<upload>")
        data = source.read()
    return _load_bytes(data, label, limits)


def _load_bytes(data: bytes, label: str, limits: Mapping[str, int] | None = None) -> Loaded:
    try:
        df = read_events(io.BytesIO(data), name=label, coordinate_text=True, **(limits or {}))
    except EventTableError as exc:
        return _failed(label, exc)
    return Loaded(label, prepare(df), options=filter_options(df))


def _read_data(
    path: str | os.PathLike[str], label: str, limits: Mapping[str, int] | None = None
) -> bytes:
    """The bytes of a regular file, within `limits["max_bytes"]` if given, else within
    `data_limits()`; raises EventTableError (a bad TIMELINE_MAX_DATA_MB is one too)."""
    if limits is not None and "max_bytes" in limits:
        return read_file(path, label, limits["max_bytes"])
    try:
        max_bytes = data_limits()["max_bytes"]
    except ValueError as exc:
        raise EventTableError([Problem(0, "", f"cannot be read: {exc}", source=label)]) from None
    return read_file(path, label, max_bytes, setting=ENV_MAX_DATA_MB)


def _failed(label: str, exc: EventTableError) -> Loaded:
    return Loaded(
        label,
        None,
        tuple(exc.problems),
        problem_count=exc.count,
        count_is_a_floor=exc.count_is_a_floor,
        summary=exc.summary() or "",
    )


def load_file(
    path: str | os.PathLike[str], cache_dir: Path | None = None, background: bool = False
) -> Loaded:
    """`load_table` for a file a person points at (a regular file within `data_limits()`,
    TIMELINE_MAX_DATA_MB), through the Parquet cache (`timeline.cache`)
    when it is large: a second start skips parsing and validation. With `background` the cache
    entry is written on a thread (`cache_writes_done` waits for it), so that the first page
    does not wait for it."""
    label = os.fspath(path)
    try:
        data = _read_data(path, label)
    except EventTableError as exc:
        return _failed(label, exc)
    if len(data) < table_cache.MIN_BYTES:
        return _load_bytes(data, label)
    directory = cache_dir or table_cache.cache_dir()
    entry = table_cache.entry(data, directory)
    hit = table_cache.load(entry, directory)
    if hit is not None:
        df, meta = hit
        return Loaded(label, df, options=_options(meta, df))
    loaded = _load_bytes(data, label)
    if loaded.df is not None:
        args = (loaded.df, _jsonable(loaded.options), entry, directory)
        if background:
            writer = threading.Thread(target=_store_politely, args=args, daemon=True)
            _CACHE_WRITERS.append(writer)
            writer.start()
        else:
            table_cache.store(*args)
    return loaded


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


def _jsonable(options: FilterOptions) -> dict[str, object]:
    out = asdict(options)
    out.pop("event_ids")  # the id column holds them
    return out


def _options(raw: Mapping[str, object], df: pd.DataFrame) -> FilterOptions:
    options = FilterOptions(**{k: tuple(v) for k, v in raw.items()})  # type: ignore[arg-type]
    return replace(options, event_ids=frozenset(df["id"].to_numpy(dtype=object)))
