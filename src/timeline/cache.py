"""The Parquet cache of large prepared tables, much faster to read back than parsing the CSV.
An entry is named by the hash of the table's bytes and of this package's files (`CODE_HASH`), so
a stale entry is never used; at most `KEEP` are kept. Any failure only means parsing again."""

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
_PACKAGE = Path(__file__).resolve().parent
CODE_HASH = hashlib.blake2b(
    b"".join(p.name.encode() + p.read_bytes() for p in sorted(_PACKAGE.iterdir()) if p.is_file()),
    digest_size=8,
).hexdigest()


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """$TIMELINE_CACHE_DIR, else the XDG cache directory's own."""
    env = os.environ if environ is None else environ
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "azerbaijan-relations-timeline"


def entry(data: bytes, directory: Path) -> Path:
    """The cache file of a table with these bytes."""
    # SHA-256, not BLAKE2b: common CPUs have instructions for it, so large tables hash faster.
    return directory / f"{hashlib.sha256(data).hexdigest()[:32]}-{CODE_HASH}.parquet"


def load(path: Path) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """The frame stored at the entry `path` and the metadata stored with it, or None."""
    try:
        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[_META_KEY])
        df = table.to_pandas()
        os.utime(path)  # recently used
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None
    del table
    sep = schema.LIST_SEP
    for col, key in schema.KEY_COLUMNS.items():
        df[col] = schema.map_distinct(
            df[key], lambda k: tuple(k.strip(sep).split(sep)) if k else ()
        )
    return df[[*schema.COLUMNS, *(c for c in df.columns if c not in schema.COLUMNS)]], meta


def store(df: pd.DataFrame, meta: Mapping[str, Any], path: Path) -> bool:
    """Write a prepared frame and JSON `meta` to the entry `path`; False when it cannot."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Lists are kept once, as their prepared keys (";ARM;RUS;"): `load` rebuilds them.
        table = pa.Table.from_pandas(
            df.drop(columns=list(schema.KEY_COLUMNS)), preserve_index=False
        )
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), _META_KEY: json.dumps(meta)}
        )
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(fd)
        pq.write_table(table, tmp, compression="lz4")  # lz4: reads back faster than snappy
        os.replace(tmp, path)
    except (OSError, ValueError, pa.ArrowException):
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
    entries = sorted(path.parent.glob("*.parquet"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return True
