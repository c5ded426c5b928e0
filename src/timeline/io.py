"""Read an event table and validate it against `timeline.schema`: the typed frame, or one
`EventTableError` listing every problem with its file, line, column and value. Hostile input is
refused quickly and in bounded memory (limits on bytes, rows, links and fields; cheap checks
first). Arrow reads a well-formed table; any other is read again by the strict `csv` path."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.csv as pacsv

from timeline import schema
from timeline.csvsafe import unquote_formulas
from timeline.dates import parse_dates

Source = str | os.PathLike[str] | bytes | IO[bytes] | IO[str]

MB = 1_000_000
MAX_UPLOAD_MB = 50  # about 200,000 events of 250-300 bytes
MAX_ROWS = 200_000
MAX_LINKS = 1_000_000  # countries and organizations named, summed: the relations views' work
MAX_DATA_MB = 1024


class Limit(NamedTuple):
    """A `read_events` keyword, the variable that sets it and its default (MB when `in_mb`)."""

    keyword: str
    variable: str
    default: int
    in_mb: bool = False


UPLOAD_LIMITS = (
    Limit("max_bytes", "TIMELINE_MAX_UPLOAD_MB", MAX_UPLOAD_MB, in_mb=True),
    Limit("max_rows", "TIMELINE_MAX_ROWS", MAX_ROWS),
    Limit("max_links", "TIMELINE_MAX_LINKS", MAX_LINKS),
)
DATA_LIMITS = (Limit("max_bytes", "TIMELINE_MAX_DATA_MB", MAX_DATA_MB, in_mb=True),)
MAX_PROBLEMS = 100  # listed in an error; the rest are counted
_MAX_NAMED = 5  # other lines a duplicate-id message names
_MAX_ITEMS = 10  # unknown items a list cell's message names
# Far more than the table's columns, far fewer than a line of commas would make the readers build.
MAX_FIELDS = 1_000
_FIRST_BLOCK = 1_000
_MAX_BLOCK = 256_000
SHOWN_MAX = 60  # characters of a cell value or column name a problem shows
_SNIFF_SEPARATORS = (";", "\t", "|")
_LINKED = ("countries", "organizations")  # the columns the link limit counts
_COMMA_HINT = " (a comma inside a field needs double quotes around the field)"
_BOM = "\ufeff".encode()
_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str": what the strict path makes


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
            column = _cut(self.column)
            parts.append(column if column.isprintable() else repr(column))
        if self.value:
            parts.append(repr(_cut(self.value)))
        return " ".join([*parts, self.message])


class EventTableError(ValueError):
    """The table's first `MAX_PROBLEMS` problems, how many more (`omitted`), and the line from
    which it was not checked (`unchecked_from`, 0 when all of it was)."""

    def __init__(self, problems: list[Problem], omitted: int = 0, unchecked_from: int = 0) -> None:
        ordered = sorted(problems, key=lambda p: (p.line, _column_rank(p.column)))
        self.problems = ordered[:MAX_PROBLEMS]
        self.omitted = omitted + len(ordered) - len(self.problems)
        self.unchecked_from = unchecked_from
        super().__init__("\n".join(self.messages()))

    @property
    def count(self) -> int:
        """How many problems were found (listed or not)."""
        return len(self.problems) + self.omitted

    def summary(self) -> str | None:
        """The file-level line after the listed problems, or None when all are listed."""
        name = self.problems[0].source if self.problems else ""
        if self.unchecked_from:
            unchecked = f"lines from {self.unchecked_from:,} on were not checked"
            return f"{name}: ... and at least {self.omitted:,} more problems; {unchecked}"
        if self.omitted:
            listed = f"the first {MAX_PROBLEMS} are listed"
            return f"{name}: ... and {self.omitted:,} more problems ({listed})"
        return None

    def messages(self) -> list[str]:
        """One line per listed problem, then the summary line if some were not listed."""
        summary = self.summary()
        return [str(p) for p in self.problems] + ([summary] if summary else [])


def _error(name: str, message: str, line: int = 0) -> EventTableError:
    return EventTableError([Problem(line, "", message, source=name)])


class _Found(list[Problem]):
    """Problems as they are found: the first `MAX_PROBLEMS` kept, the rest only counted."""

    omitted = 0

    def add(self, problem: Problem) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(problem)
        else:
            self.omitted += 1

    def error(self, unchecked_from: int = 0) -> EventTableError:
        return EventTableError(self, self.omitted, unchecked_from)


def problems_found(count: int, at_least: bool = False) -> str:
    """`1 problem found`, or `at least 1,000 problems found` when part was not checked."""
    return f"{'at least ' if at_least else ''}{count:,} problem{'s' if count != 1 else ''} found"


def shown(text: str) -> str:
    """`text` as a problem shows it: at most `SHOWN_MAX` characters, unprintable ones escaped."""
    cut = _cut(text)
    if cut.isprintable():
        return cut
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in cut)


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 3] + "..."


def _column_rank(column: str) -> int:
    return schema.COLUMNS.index(column) if column in schema.COLUMNS else -1


def upload_limits(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """`UPLOAD_LIMITS` as `read_events` keywords from their variables; ValueError for a bad one."""
    return _limits(UPLOAD_LIMITS, environ)


def data_limits(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """`DATA_LIMITS` (`max_bytes`) as `upload_limits` reads them."""
    return _limits(DATA_LIMITS, environ)


def _limits(limits: Sequence[Limit], environ: Mapping[str, str] | None) -> dict[str, int]:
    env = os.environ if environ is None else environ
    out = {}
    for keyword, variable, default, in_mb in limits:
        wanted = "expected a positive number of MB" if in_mb else "expected a positive whole number"
        value = positive_setting(env, variable, float(default) if in_mb else default, wanted)
        out[keyword] = max(1, round(value * (MB if in_mb else 1)))
    return out


def positive_setting(env: Mapping[str, str], variable: str, default: float, wanted: str) -> float:
    """`env[variable]` as a positive finite number of `default`'s type (blank: `default`); else
    ValueError `VARIABLE='raw': wanted`."""
    raw = env.get(variable, "").strip()
    try:
        value = type(default)(raw) if raw else default
    except ValueError:
        value = 0
    if not 0 < value < float("inf"):  # NaN too
        raise ValueError(f"{variable}={raw!r}: {wanted}")
    return value


def source_name(source: Source) -> str:
    """The name problems give a source: its path, a stream's name, else `<upload>`."""
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "") or "<upload>")


def read_source(
    source: Source, name: str, max_bytes: int | None = None, setting: str = ""
) -> bytes:
    """The bytes of a regular file, a stream or given, within `max_bytes`, or `EventTableError`."""
    try:
        if isinstance(source, str | os.PathLike):
            data: bytes | str = _read_regular_file(source, name, max_bytes, setting)
        elif isinstance(source, bytes):
            data = source
        else:
            data = source.read(-1 if max_bytes is None else max_bytes + 1)
    except OSError as exc:
        raise _error(name, f"cannot be read: {exc.strerror or exc}") from exc
    if not isinstance(data, bytes | str):
        raise _error(name, "cannot be read: the upload gave no data")
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if max_bytes is not None and size > max_bytes:
        raise _too_big(name, _full_size(source, len(data)), max_bytes, setting)
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as exc:
            line = data.count("\n", 0, exc.start) + 1
            raise _error(name, "is not UTF-8 text: it holds a lone surrogate", line) from exc
    return data


def _read_regular_file(
    path: str | os.PathLike[str], name: str, max_bytes: int | None, setting: str
) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO would wait otherwise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((k for test, k in _KINDS if test(info.st_mode)), "not a file")
            raise _error(name, f"is {kind}, not a regular file: give the path of a CSV file")
        if max_bytes is not None and info.st_size > max_bytes:
            raise _too_big(name, info.st_size, max_bytes, setting)
        with open(fd, "rb", closefd=False) as f:  # bounded even so: the file may grow meanwhile
            return f.read(-1 if max_bytes is None else max_bytes + 1)
    finally:
        os.close(fd)


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _full_size(source: Source, read: int) -> int | None:
    """The size of a source found too big after `read` bytes, if known without reading on."""
    if isinstance(source, bytes):
        return read
    try:
        if isinstance(source, io.BytesIO):
            return read + source.getbuffer().nbytes - source.tell()
        if not isinstance(source, str | os.PathLike | io.TextIOBase):
            return read + os.fstat(source.fileno()).st_size - source.tell()
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
    return None


def _too_big(name: str, size: int | None, limit: int, setting: str = "") -> EventTableError:
    change = f" ({setting} changes it)" if setting else ""
    if size is None:
        return _error(name, f"is larger than {_mb(limit)}, the limit{change}")
    size_shown, limit_shown = _mb(size), _mb(limit)
    if size_shown == limit_shown:  # just over: not "is 50 MB; the limit is 50 MB"
        size_shown, limit_shown = f"{size:,} bytes", f"{limit:,} bytes"
    return _error(name, f"is {size_shown}; the limit is {limit_shown}{change}")


def _mb(size: float) -> str:
    value = size / MB
    return (f"{value:.1f}" if value >= 1 else f"{value:.3g}").removesuffix(".0") + " MB"


def read_events(
    source: Source,
    name: str | None = None,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_links: int | None = None,
    coordinate_text: bool = False,
) -> pd.DataFrame:
    """The typed table (`schema.COLUMNS`, `DERIVED_COLUMNS`, maybe `COORDINATE_TEXT`); raises
    `EventTableError`, and nothing else for any content."""
    name = name or source_name(source)
    data = read_source(source, name, max_bytes)
    raw = _fast_text_frame(data, max_rows, max_links)
    if raw is None:
        raw, lines = _parse(_decode(data, name), name, max_rows, max_links)
        _check(raw, lines, name)
    return _typed(raw, coordinate_text)


def _fast_text_frame(
    data: bytes, max_rows: int | None, max_links: int | None = None
) -> pd.DataFrame | None:
    """The checked text frame of a well-formed table, read by Arrow; None when it may hold a
    problem, for the strict path to name. Arrow reads `"a"b` as `ab`: hence the quotes' check."""
    data = data.removeprefix(_BOM)  # a second mark: Arrow would skip it, the strict path names it
    if data.startswith((*_UTF16, _BOM)) or b"\x00" in data or not _quotes_well_formed(data):
        return None
    width = data[: data.find(b"\n") + 1 or len(data)].count(b",") + 1
    if not len(schema.COLUMNS) - len(schema.OPTIONAL) <= width <= len(schema.COLUMNS):
        return None
    try:
        table = pacsv.read_csv(
            pyarrow.py_buffer(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pyarrow.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pyarrow.ArrowException:  # bad UTF-8, a record of another width: the strict path says
        return None
    if table.num_rows < 2 or (max_rows is not None and table.num_rows - 1 > max_rows):
        return None
    header = [str(v).strip() for v in table.slice(0, 1).to_pylist()[0].values()]
    if len(set(header)) < width or {*header, *schema.OPTIONAL} != set(schema.COLUMNS):
        return None
    body = table.slice(1)
    del table
    columns = {}
    for i, column in enumerate(header):
        # One contiguous array per column: rows taken from Arrow's many blocks slow every filter.
        cells = pd.Series(pd.array(body.column(i).combine_chunks(), dtype=_TEXT), copy=False)
        columns[column] = unquote_formulas(cells.str.strip())
    del body
    raw = _with_optional(pd.DataFrame(columns))
    if max_links is not None:
        links = sum((raw[c].str.count(schema.LIST_SEP) + (raw[c] != "")).sum() for c in _LINKED)
        if links > max_links:
            return None
    try:
        schema.CELL_SCHEMA.validate(raw, lazy=False)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors):
        return None
    return None if (raw["id"].duplicated() & (raw["id"] != "")).any() else raw


def _quotes_well_formed(data: bytes) -> bool:
    """True when every `"` in `data` opens a field, closes one, or is doubled inside one."""
    # A doubled quote closes and reopens at once; UTF-8 never uses `"` inside a character.
    octets = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(octets == ord('"'))
    if len(quotes) % 2:
        return False
    opening, closing = quotes[0::2], quotes[1::2]
    doubled = closing[:-1] + 1 == opening[1:]
    bounds = np.array([ord(","), ord("\n"), ord("\r")], dtype=np.uint8)
    opens_ok = np.isin(octets[np.maximum(opening - 1, 0)], bounds) | (opening == 0)
    opens_ok[1:] |= doubled
    after = octets[np.minimum(closing + 1, len(octets) - 1)]
    closes_ok = np.isin(after, bounds) | (closing == len(octets) - 1)
    closes_ok[:-1] |= doubled
    return bool(opens_ok.all() and closes_ok.all())


def _decode(data: bytes, name: str) -> str:
    """The file's text: UTF-8, with or without a byte-order mark; anything else is a problem."""
    if data.startswith(_UTF16):
        raise _error(name, "is UTF-16 text; save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        message = f"is not UTF-8 text: byte 0x{byte} at column {column} (save the file as UTF-8)"
        raise _error(name, message, before.count(b"\n") + 1) from exc
    if text.startswith("\ufeff"):
        message = "starts with two byte-order marks (U+FEFF): save it as UTF-8 with one or none"
        raise _error(name, message, 1)
    if "\x00" in text:
        raise _error(name, "is a binary file (it holds NUL bytes), not CSV text")
    if not text.strip():
        raise _error(name, "is empty: expected a header row and at least one event")
    return text


class _Unreadable(Exception):
    """The csv module cannot read on from `line`: its `problem`, or None for too many fields."""

    def __init__(self, line: int, problem: Problem | None = None) -> None:
        self.line, self.problem = line, problem


# One CSV field as the strict csv module reads it; possessive, so that it never backtracks.
_FIELD = re.compile(r'"(?:[^"]|"")*+"|[^,\r\n"][^,\r\n]*+|')
# A line and its end (LF, CRLF or CR), as `io.StringIO(text, newline="")` splits lines.
_LINE = re.compile(r"[^\r\n]*+(?:\r\n|\r|\n)|[^\r\n]++")


def _too_many_fields(text: str, start: int) -> bool:
    """Whether the record at `text[start]` has more than `MAX_FIELDS` fields (unparsable: no)."""
    pos = start
    for _ in range(MAX_FIELDS):
        pos = _FIELD.match(text, pos).end()  # type: ignore[union-attr]  # "" always matches
        if text[pos : pos + 1] != ",":
            return False
        pos += 1
    return True


def _records(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on, blank lines skipped; raises `_Unreadable`."""
    csv.field_size_limit(sys.maxsize)
    at = {"record": 0, "commas": 0, "checked": False}  # the record being read

    def lines() -> Iterator[str]:
        # Count the commas of the record so far; look closer only when there are too many.
        offset = 0
        for match in _LINE.finditer(text):  # not io.StringIO: it keeps 4 bytes per character
            line = match.group()
            if at["record"] < 0:
                at.update(record=offset, commas=0, checked=False)
            at["commas"] += line.count(",")
            if at["commas"] >= MAX_FIELDS and not at["checked"]:
                if _too_many_fields(text, at["record"]):
                    raise _Unreadable(start)
                at["checked"] = True
            offset += len(line)
            yield line

    reader = csv.reader(lines(), strict=True)
    start = 1
    while True:
        at["record"] = -1  # the next line starts a record
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "expected after" in str(exc):
                hint = 'text follows a closing quote; double each quote inside a quoted field ("")'
            else:
                hint = "a quote that opens here is probably never closed"
            message = f"cannot be parsed as CSV ({exc}); {hint}"
            raise _Unreadable(start, Problem(start, "", message, source=name)) from None
        if row:
            yield start, row
        start = reader.line_num + 1


def _header_problems(header: list[str], name: str) -> _Found:
    names, expected, found = [h.strip() for h in header], list(schema.COLUMNS), _Found()

    def add(column: str, message: str) -> _Found:
        found.add(Problem(1, column, message, source=name))
        return found

    if len(names) == 1:
        for sep in _SNIFF_SEPARATORS:
            # maxsplit: a header line of a million semicolons is not split into a million names
            if len(set(names[0].split(sep, len(expected))) & set(expected)) >= len(expected) // 2:
                return add("", f"separates its columns with {sep!r}; use commas")
    if not set(names) & set(expected):
        columns = ",".join(expected)
        return add("", f"is not a header row: the first line must name the columns {columns}")
    for i, col in enumerate(names):  # at most MAX_FIELDS of them
        if col in names[:i]:
            add(col, "is a column named more than once")
        if col not in expected:
            add(col, "is not a known column (expected: " + ",".join(expected) + ")")
    for col in expected:
        if col not in names and col not in schema.OPTIONAL:
            add(col, "is a missing column")
    return found


def _parse(
    text: str, name: str, max_rows: int | None = None, max_links: int | None = None
) -> tuple[pd.DataFrame, list[int]]:
    """The stripped text cells and each record's line; raises for any structural problem."""
    records = _records(text, name)
    try:
        _, header = next(records)
    except StopIteration:  # only blank lines: _decode already refuses that
        raise _error(name, "is empty: expected a header row and at least one event") from None
    except _Unreadable as exc:
        columns = f"{len(schema.COLUMNS)} columns " + ",".join(schema.COLUMNS)
        message = f"has more than {MAX_FIELDS:,} columns: the header row must name the {columns}"
        problem = exc.problem or Problem(exc.line, "", message, source=name)
        raise EventTableError([problem]) from None
    found = _header_problems(header, name)
    if found:
        raise found.error()
    width, links = len(header), 0
    linked = [i for i, h in enumerate(header) if h.strip() in _LINKED]
    rows: list[list[str]] | None = []
    lines: list[int] = []
    try:
        for count, (line, row) in enumerate(records, 1):
            if max_rows is not None and count > max_rows:
                raise _error(name, f"has more than {max_rows:,} rows; the limit is {max_rows:,}")
            if len(row) != width:
                rows = None  # the table will be refused: stop keeping it
                hint = _COMMA_HINT if len(row) > width else ""
                message = f"has {len(row)} fields, expected {width}{hint}"
                found.add(Problem(line, "", message, source=name))
                continue
            if max_links is not None:
                links += sum(row[i].count(schema.LIST_SEP) + 1 for i in linked if row[i].strip())
                if links > max_links:
                    message = (
                        f"brings the countries and organizations named to more than "
                        f"{max_links:,} ({links:,} by this line); the limit is {max_links:,}"
                    )
                    raise _error(name, message, line)
            if rows is not None:
                rows.append(row)
                lines.append(line)
    except _Unreadable as exc:
        if exc.problem:
            found.add(exc.problem)
        else:  # the csv module cannot step over the record without building it: stop here
            message = f"has more than {MAX_FIELDS:,} fields, expected {width}{_COMMA_HINT}"
            found.add(Problem(exc.line, "", message, source=name))
            raise found.error(unchecked_from=exc.line + 1) from None
    if found:
        raise found.error()
    if not rows:
        raise _error(name, "has a header row but no events")
    raw = pd.DataFrame(rows, columns=[h.strip() for h in header], dtype=str)
    return _with_optional(raw.apply(lambda s: unquote_formulas(s.str.strip()))), lines


def _with_optional(raw: pd.DataFrame) -> pd.DataFrame:
    """`raw` with the optional columns it leaves out added as empty text."""
    empty = pd.Series("", index=raw.index, dtype=_TEXT)
    return raw.assign(**{col: empty for col in schema.OPTIONAL if col not in raw.columns})


def _check(raw: pd.DataFrame, lines: Sequence[int], name: str) -> None:
    """Raise `EventTableError` for the cell rules and duplicate ids, up to `MAX_PROBLEMS`."""
    # Growing blocks: junk is caught early, and a good table checked fast.
    ids = raw["id"].to_numpy(dtype=object)
    duplicated = (raw["id"].duplicated(keep=False) & (raw["id"] != "")).to_numpy()
    # id -> the lines it is on, when on more than one
    same_id = pd.Series(np.asarray(lines)[duplicated]).groupby(ids[duplicated]).agg(list)
    found = _Found()
    start, size = 0, _FIRST_BLOCK
    while start < len(raw):
        stop = min(len(raw), start + size)
        need = max(MAX_PROBLEMS - len(found), 0)
        cells, more = _cell_problems(raw.iloc[start:stop], lines, name, need)
        dups = [
            _duplicate_problem(lines[row], ids[row], same_id[ids[row]], name)
            for row in (start + duplicated[start:stop].nonzero()[0]).tolist()
        ]
        for problem in sorted(cells + dups, key=lambda p: (p.line, _column_rank(p.column))):
            found.add(problem)
        found.omitted += more
        if found.omitted and stop < len(raw):
            raise found.error(unchecked_from=lines[stop])
        start, size = stop, min(size * 4, _MAX_BLOCK)
    if found:
        raise found.error()


def _duplicate_problem(line: int, value: str, all_lines: list[int], name: str) -> Problem:
    others = ", ".join([str(n) for n in all_lines[: _MAX_NAMED + 1] if n != line][:_MAX_NAMED])
    if len(all_lines) - 1 > _MAX_NAMED:
        others += f" and {len(all_lines) - 1 - _MAX_NAMED:,} more"
    return Problem(line, "id", f"is also used on line {others}", value, name)


def _cell_problems(
    block: pd.DataFrame, lines: Sequence[int], name: str, limit: int
) -> tuple[list[Problem], int]:
    """The first `limit` cell problems of `block` in file order, and how many more there are."""
    try:
        schema.CELL_SCHEMA.validate(block, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return [], 0
    # A frame-wide check reports each of the row's cells; keep the column the check names.
    about = cases["check"].map({c.error: c.name for c in schema.CELL_SCHEMA.checks})
    keep = (cases["schema_context"] != "DataFrameSchema") | (cases["column"] == about)
    failures = cases.loc[keep & cases["index"].notna(), ["index", "column", "check"]]
    failures = failures.astype({"index": int, "column": str, "check": str}).drop_duplicates()
    failures["rank"] = failures["column"].map(_column_rank)
    failures = failures.sort_values(["index", "rank"], kind="stable")
    problems = []
    for row, column, message, _ in failures.head(limit).itertuples(index=False):
        value = block.at[row, column]
        if column in schema.LIST_COLUMNS and message.startswith("has an unknown"):
            message += ": " + _unknown_items(column, value)
        problems.append(Problem(lines[row], column, message, value, name))
    return problems, len(failures) - len(problems)


def _unknown_items(column: str, value: str) -> str:
    """The items of a list cell its vocabulary lacks, each once and at most `_MAX_ITEMS`."""
    vocabulary = schema.list_vocabulary(column)
    unknown = list(dict.fromkeys(item for item in _items(value) if item not in vocabulary))
    listed = ", ".join(repr(_cut(b)) if b else "an empty item" for b in unknown[:_MAX_ITEMS])
    if len(unknown) > _MAX_ITEMS:
        listed += f" and {len(unknown) - _MAX_ITEMS:,} more"
    return listed


def _items(cell: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in cell.split(schema.LIST_SEP)) if cell else ()


def _typed(raw: pd.DataFrame, coordinate_text: bool = False) -> pd.DataFrame:
    df = raw.loc[:, list(schema.COLUMNS)].copy()
    df["category"] = pd.Categorical(df["category"], categories=list(schema.CATEGORIES))
    df["source_url"] = schema.normal_urls(df["source_url"])  # the table shows the host as opened
    for col in schema.LIST_COLUMNS:
        df[col] = schema.map_distinct(df[col], _items)
    for col in ("lat", "lon"):
        df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype("float64")
    start, end = parse_dates(df["start_date"]), parse_dates(df["end_date"])
    df["start"] = start["first"]
    df["end"] = end["last"].fillna(start["last"])
    df["precision"] = pd.Categorical(start["precision"], categories=list(schema.PRECISIONS))
    if coordinate_text:
        for col, text_col in schema.COORDINATE_TEXT.items():
            df[text_col] = raw[col].where(raw[col] != "", None)
    return df.reset_index(drop=True)
