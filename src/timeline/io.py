"""Read an event table and validate it against `timeline.schema`.

`read_events` either returns the typed frame or raises one `EventTableError` that lists every
problem with its file, line, column and value. Nothing is dropped or repaired silently.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.csv as pacsv

from timeline import schema
from timeline.dates import parse_dates

Source = str | os.PathLike[str] | IO[bytes] | IO[str]
_SNIFF_SEPARATORS = (";", "\t", "|")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a table: where (line 0 = the file as a whole), what, and the value."""

    line: int
    column: str
    message: str
    value: str | None = None
    source: str = ""

    def __str__(self) -> str:
        parts = [f"{self.source}:{self.line}:" if self.line else f"{self.source}:"]
        if self.column:
            parts.append(self.column)
        if self.value:
            parts.append(repr(self.value if len(self.value) <= 60 else self.value[:57] + "..."))
        parts.append(self.message)
        return " ".join(parts)


class EventTableError(ValueError):
    """The table could not be used; `problems` lists everything found wrong, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, _column_rank(p.column)))
        super().__init__("\n".join(str(p) for p in self.problems))


def _column_rank(column: str) -> int:
    return schema.COLUMNS.index(column) if column in schema.COLUMNS else -1


def read_events(source: Source, name: str | None = None) -> pd.DataFrame:
    """Read, validate and type an event table from a path or a file-like object.

    Returns the schema's columns (lists as tuples, lat/lon as floats, category as a categorical)
    plus `start`, `end` (the last day of the period) and `precision`. Raises `EventTableError`.
    """
    name = name or _source_name(source)
    text = decode(_read_bytes(source), name)
    raw = _parse(text, name)
    problems = validate(raw, text, name)
    if problems:
        raise EventTableError(problems)
    return _typed(raw)


def _source_name(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "") or "<upload>")


def _read_bytes(source: Source) -> bytes | str:
    if isinstance(source, str | os.PathLike):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise EventTableError(
                [Problem(0, "", f"cannot be read: {exc.strerror or exc}", source=os.fspath(source))]
            ) from exc
    return source.read()


def decode(data: bytes | str, name: str) -> str:
    """The file's text: UTF-8, with or without a byte-order mark; anything else is a problem."""
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _file_error(name, "is UTF-16 text; save it as UTF-8")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            before = data[: exc.start]
            line = before.count(b"\n") + 1
            col = exc.start - (before.rfind(b"\n") + 1) + 1
            byte = data[exc.start : exc.start + 1].hex().upper()
            raise EventTableError(
                [
                    Problem(
                        line,
                        "",
                        f"is not UTF-8 text: byte 0x{byte} at column {col} "
                        "(save the file as UTF-8)",
                        source=name,
                    )
                ]
            ) from exc
    if "\x00" in text:
        raise _file_error(name, "is a binary file (it holds NUL bytes), not CSV text")
    if not text.strip():
        raise _file_error(name, "is empty: expected a header row and at least one event")
    return text


def _file_error(name: str, message: str) -> EventTableError:
    return EventTableError([Problem(0, "", message, source=name)])


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on, blank lines skipped (as pandas does)."""
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise EventTableError(
                [
                    Problem(
                        start,
                        "",
                        f"cannot be parsed as CSV ({exc}); a quote that opens here is "
                        "probably never closed",
                        source="",
                    )
                ]
            ) from exc
        if row:
            yield start, row
        start = reader.line_num + 1


def _header_problems(header: list[str], name: str) -> list[Problem]:
    names = [h.strip() for h in header]
    expected = list(schema.COLUMNS)
    if len(names) == 1:
        for sep in _SNIFF_SEPARATORS:
            if len(set(names[0].split(sep)) & set(expected)) >= len(expected) // 2:
                return [
                    Problem(1, "", f"separates its columns with {sep!r}; use commas", source=name)
                ]
    if not set(names) & set(expected):
        return [
            Problem(
                1,
                "",
                "is not a header row: the first line must name the columns " + ",".join(expected),
                source=name,
            )
        ]
    problems = []
    seen: set[str] = set()
    for col in names:
        if col in seen:
            problems.append(Problem(1, col, "is a column named more than once", source=name))
        seen.add(col)
        if col not in expected:
            problems.append(
                Problem(
                    1,
                    col,
                    "is not a known column (expected: " + ",".join(expected) + ")",
                    source=name,
                )
            )
    problems += [
        Problem(1, col, "is a missing column", source=name) for col in expected if col not in seen
    ]
    return problems


def _parse(text: str, name: str) -> pd.DataFrame:
    """The table as text cells ("" when empty), stripped, one row per record."""
    try:
        _, header = next(_records(text))
    except EventTableError as exc:
        raise EventTableError([_named(p, name) for p in exc.problems]) from None
    problems = _header_problems(header, name)
    if problems:
        raise EventTableError(problems)
    bad_rows: list[object] = []

    def on_bad_row(bad: object) -> str:
        bad_rows.append(bad)
        return "skip"

    # pyarrow: fast, and unlike pandas' C parser it notices rows with too few fields.
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=on_bad_row
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pyarrow.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pyarrow.ArrowInvalid:
        bad_rows.append(None)
    if bad_rows:
        # Ask the csv module for exact line numbers; it is slower, so only on this path.
        raise EventTableError(_field_count_problems(text, len(header), name))
    raw = table.to_pandas()
    raw.columns = [c.strip() for c in raw.columns]
    if raw.empty:
        raise _file_error(name, "has a header row but no events")
    return raw.apply(lambda s: s.str.strip())


def _named(problem: Problem, name: str) -> Problem:
    return Problem(problem.line, problem.column, problem.message, problem.value, name)


def _field_count_problems(text: str, width: int, name: str) -> list[Problem]:
    problems = []
    try:
        for line, row in _records(text):
            if len(row) != width:
                hint = " (a comma inside a field needs double quotes around the field)"
                problems.append(
                    Problem(
                        line,
                        "",
                        f"has {len(row)} fields, expected {width}"
                        + (hint if len(row) > width else ""),
                        source=name,
                    )
                )
    except EventTableError as exc:
        problems += [_named(p, name) for p in exc.problems]
    return problems or [_file_error(name, "cannot be parsed as CSV").problems[0]]


def record_lines(text: str) -> list[int]:
    """The line each data record starts on (the header excluded), matching the frame's rows."""
    return [line for line, _ in _records(text)][1:]


def validate(raw: pd.DataFrame, text: str, name: str) -> list[Problem]:
    """Every problem in the text frame `raw`, with line numbers taken from `text`."""
    failures = _cell_failures(raw)
    duplicated = raw["id"].duplicated(keep=False) & (raw["id"] != "")
    if failures.empty and not duplicated.any():
        return []
    lines = record_lines(text)
    problems = []
    for row, column, message in failures.itertuples(index=False):
        value = raw.at[row, column]
        if column in schema.LIST_COLUMNS and message.startswith("has an unknown"):
            vocab = {
                "countries": schema.country_names(),
                "organizations": schema.ORGANIZATIONS,
                "topics": schema.TOPICS,
            }[column]
            bad = schema.bad_list_items(value, vocab)
            message += ": " + ", ".join(repr(b) if b else "an empty item" for b in bad)
        problems.append(Problem(lines[row], column, message, value, name))
    for _, group in raw[duplicated].groupby("id"):
        rows = list(group.index)
        for row in rows:
            others = ", ".join(str(lines[r]) for r in rows if r != row)
            problems.append(
                Problem(lines[row], "id", f"is also used on line {others}", raw.at[row, "id"], name)
            )
    return problems


def _cell_failures(raw: pd.DataFrame) -> pd.DataFrame:
    """Rows (row, column, message) for every failed cell rule of `schema.CELL_SCHEMA`."""
    try:
        schema.CELL_SCHEMA.validate(raw, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        # A frame-wide check reports each of the row's cells; keep the column the check names.
        frame_wide = cases["schema_context"] == "DataFrameSchema"
        about = cases["check"].map({c.error: c.name for c in schema.CELL_SCHEMA.checks})
        keep = ~frame_wide | (cases["column"] == about)
        cases = cases[keep & cases["index"].notna()]
        return pd.DataFrame(
            {
                "row": cases["index"].astype(int).to_numpy(),
                "column": cases["column"].astype(str).to_numpy(),
                "message": cases["check"].astype(str).to_numpy(),
            }
        ).drop_duplicates()
    return pd.DataFrame({"row": [], "column": [], "message": []})


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    df = raw.loc[:, list(schema.COLUMNS)].copy()
    df["category"] = pd.Categorical(df["category"], categories=list(schema.CATEGORIES))
    for col in schema.LIST_COLUMNS:
        df[col] = [tuple(x.strip() for x in v.split(schema.LIST_SEP)) if v else () for v in df[col]]
    for col in ("lat", "lon"):
        df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype("float64")
    start = parse_dates(df["start_date"])
    end = parse_dates(df["end_date"])
    df["start"] = start["first"]
    df["end"] = end["last"].fillna(start["last"])
    df["precision"] = pd.Categorical(start["precision"], categories=list(schema.PRECISIONS))
    return df.reset_index(drop=True)
