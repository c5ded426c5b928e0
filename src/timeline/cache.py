"""A parsed cache of large event tables: the loaded, prepared frame as a Parquet file.

Parsing and validating a CSV of a million events takes tens of seconds; reading the same frame
back from Parquet takes a few. The cache file's name is a hash of the table's bytes and of
this package's loading code (`CODE_HASH`), so a changed table, or a change to the rules that
judged it, is simply a different entry: a stale entry can never be used. Only tables of at
least `MIN_BYTES` are cached (the shipped one is read directly, as before); the directory is
`$TIMELINE_CACHE_DIR`, else `$XDG_CACHE_HOME/azerbaijan-relations-timeline` (default
`~/.cache/...`); at most `KEEP` entries are kept, the least recently used removed. Anything that
goes wrong with the cache (a read-only directory, a damaged file) only means parsing again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from timeline import schema

CACHE_ENV = "TIMELINE_CACHE_DIR"
MIN_BYTES = 1_000_000
KEEP = 4
_META_KEY = b"timeline.options"
# The code whose output is cached: a change to any of these files invalidates every entry.
_CODE = (
    "cache.py",
    "dates.py",
    "export.py",
    "filters.py",
    "io.py",
    "loading.py",
    "schema.py",
    "csvsafe.py",
)
_HERE = Path(__file__).resolve().parent
CODE_HASH = hashlib.blake2b(
    b"".join((_HERE / f).read_bytes() for f in _CODE if (_HERE / f).exists()), digest_size=8
).hexdigest()


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "azerbaijan-relations-timeline"


def entry(data: bytes | Path, directory: Path) -> Path:
    """The cache file for a table with these bytes (or, given a path, that path itself: the
    entry found before, so that 400 MB are hashed once)."""
    if isinstance(data, Path):
        return data
    # SHA-256, not BLAKE2b: common CPUs have instructions for it, so large tables hash faster.
    digest = hashlib.sha256(data).hexdigest()[:32]
    return directory / f"{digest}-{CODE_HASH}.parquet"


def load(data: bytes | Path, directory: Path) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """The cached frame and the metadata stored with it for a table with these bytes (or for
    the entry `entry` gave), or None."""
    path = entry(data, directory)
    try:
        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[_META_KEY])
        df = table.to_pandas()
        os.utime(path)  # recently used
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None
    del table
    for col, key in schema.KEY_COLUMNS.items():
        df.insert(df.columns.get_loc(key), col, _tuples(df[key]))
    df = df[[*schema.COLUMNS, *[c for c in df.columns if c not in schema.COLUMNS]]]
    df["category"] = pd.Categorical(df["category"].astype(str), categories=list(schema.CATEGORIES))
    df["precision"] = pd.Categorical(
        df["precision"].astype(str), categories=list(schema.PRECISIONS)
    )
    return df, meta


def store(df: pd.DataFrame, meta: Mapping[str, Any], data: bytes | Path, directory: Path) -> bool:
    """Write the entry for a prepared table with these bytes (or the entry `entry` gave), with
    JSON metadata `meta`; False (and no file) when it cannot."""
    path, tmp = entry(data, directory), None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # Lists are kept once, as their prepared keys (";ARM;RUS;"): `load` rebuilds them.
        lists = list(schema.KEY_COLUMNS)
        table = pa.Table.from_pandas(df.drop(columns=lists), preserve_index=False)
        stored = {**(table.schema.metadata or {}), _META_KEY: json.dumps(meta)}
        table = table.replace_schema_metadata(stored)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        os.close(fd)
        pq.write_table(table, tmp, compression="lz4")  # lz4: reads back faster than snappy
        os.replace(tmp, path)
    except (OSError, ValueError, pa.ArrowException):
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
    _prune(directory)
    return True


def _prune(directory: Path) -> None:
    entries = sorted(directory.glob("*.parquet"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _tuples(keys: pd.Series) -> pd.Series:
    """`;A;B;` keys back to tuples ("A", "B"), once per distinct key."""
    sep = schema.LIST_SEP
    return schema.map_distinct(keys, lambda u: tuple(u.strip(sep).split(sep)) if u else ())
