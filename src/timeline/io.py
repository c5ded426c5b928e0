"""Read an event table and validate it against `timeline.schema`.

`read_events` either returns the typed frame or raises one `EventTableError` that lists the
problems with their file, line, column and value. Nothing is dropped or repaired silently.

Hostile or broken input is refused quickly and in bounded memory:

* Limits, for uploads. A file larger than `max_bytes` is refused before it is decoded, and at
  most `max_bytes + 1` bytes are ever read; a table of more than `max_rows` records is refused
  as soon as the record after the limit is reached. Both are file-level problems that name the
  limit. A table naming more than `max_links` countries and organizations in all (the sum over
  its rows) is refused at the line that passes the limit: the views' work grows with it.
  `read_events` has no limits unless given; the app passes `upload_limits()` for uploads:
  `MAX_UPLOAD_MB` = 50 MB (1 MB = 10^6 bytes), `MAX_ROWS` = 200,000 and `MAX_LINKS` =
  1,000,000, or the environment variables `TIMELINE_MAX_UPLOAD_MB`, `TIMELINE_MAX_ROWS` and
  `TIMELINE_MAX_LINKS`. A table a person points at (`--data`, `TIMELINE_DATA`, the command
  line) is theirs and has no row or link limit; the app reads it with `data_limits()`: at most
  `MAX_DATA_MB` = 1024 MB, or `TIMELINE_MAX_DATA_MB`.
* Files. A path is read only when it names a regular file, opened without blocking: a
  directory, a FIFO (which would wait for a writer) or a device (`/dev/zero` never ends) is
  refused by name.
* Order. The cheap checks run first and each stage stops the next: size, encoding, the header
  row, the CSV structure (quotes, number of fields per record, the row and link limits), and
  only then the cell rules and duplicate ids.
* Width. A record (the header included) of more than `MAX_FIELDS` (1,000) fields is refused
  before either reader builds it: a header row followed by a million commas would otherwise
  make a million columns, and a row of them a list of a million cells. Checking stops there.
* Cap. An error lists at most `MAX_PROBLEMS` (100) problems, the first ones in file order, and
  then one file-level line: `PATH: ... and N more problems (the first 100 are listed)`. The cell
  rules are checked in growing blocks of rows and checking stops after the block in which the
  100th problem is found, so a million junk rows cost about as much as a thousand; the line then
  says `... and at least N more problems; lines from L on were not checked`.

Two readers, one result. A well-formed table is read by Arrow's multi-threaded CSV reader (a
million rows in a few seconds); any table with a problem, or with quoting Arrow reads more
leniently than the `csv` module, is read again by the strict `csv` path, which finds every
problem and names its line. Both give the same frame (a property test compares them).

CSV dialect: RFC 4180 as Python's `csv` module reads it in strict mode (comma separator, double
quotes, `""` for a quote inside a quoted field; text after a closing quote is an error, not
glued to the field). Lines end in LF, CRLF or CR; blank lines are skipped; a UTF-8 byte-order
mark is allowed. Cells are stripped of surrounding white space, and a cell that the export
protected from spreadsheets (`'=...`, see `timeline.csvsafe`) loses that one `'`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.csv as pacsv

from timeline import schema
from timeline.csvsafe import unquote_formulas
from timeline.dates import parse_dates

Source = str | os.PathLike[str] | IO[bytes] | IO[str]
_SNIFF_SEPARATORS = (";", "\t", "|")

MB = 1_000_000
# Upload limits, declared once. The defaults suit the public app; `upload_limits()` lets the
# environment change them. A typical event row is about 250-300 bytes, so 50 MB holds roughly
# 200,000 events - far more than a timeline can show, and about ten seconds of validation.
MAX_UPLOAD_MB = 50
MAX_ROWS = 200_000
ENV_MAX_UPLOAD_MB = "TIMELINE_MAX_UPLOAD_MB"
ENV_MAX_ROWS = "TIMELINE_MAX_ROWS"
# Countries and organizations named, summed over the rows: each is an interval the relations
# views read, and a row may name all 248 countries. Five a row for the largest upload: more
# than real rows name, and a bound on what one upload asks of every run of those views.
MAX_LINKS = 1_000_000
ENV_MAX_LINKS = "TIMELINE_MAX_LINKS"
# The size limit of the table the app is started with (`--data`, TIMELINE_DATA): far above
# the upload limit (the operator chose the file), but a bound all the same.
MAX_DATA_MB = 1024
ENV_MAX_DATA_MB = "TIMELINE_MAX_DATA_MB"
# An error lists at most this many problems, then says how many more there are.
MAX_PROBLEMS = 100
# How many other lines a duplicate-id message names, and how many unknown list items.
_MAX_NAMED = 5
_MAX_ITEMS = 10
# A record (the header included) may have at most this many fields: far more than the table's
# columns, and far fewer than a line of commas would make the readers build (the csv module
# makes a list of every field; Arrow a column per header field).
MAX_FIELDS = 1_000
# Cell rules run on blocks of rows: small first (junk is caught early), then larger (fast).
_FIRST_BLOCK = 1_000
_MAX_BLOCK = 256_000


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
        parts.append(self.message)
        return " ".join(parts)


class EventTableError(ValueError):
    """The table could not be used.

    `problems` lists the first `MAX_PROBLEMS` problems found, in file order; `omitted` counts
    the further problems found but not listed; `unchecked_from` is 0 when the whole file was
    checked, else the line from which it was not (problems there were not looked for). `messages()`
    gives the lines to show a person: one per problem, then the summary line if any.
    """

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

    @property
    def count_is_a_floor(self) -> bool:
        """Whether part of the table was not checked, so that there may be more problems."""
        return bool(self.unchecked_from)

    def summary(self) -> str | None:
        """The file-level line after the listed problems, or None when all are listed."""
        if not self.omitted and not self.unchecked_from:
            return None
        name = self.problems[0].source if self.problems else ""
        if self.unchecked_from:
            return (
                f"{name}: ... and at least {self.omitted:,} more problems; "
                f"lines from {self.unchecked_from:,} on were not checked"
            )
        return (
            f"{name}: ... and {self.omitted:,} more problems (the first {MAX_PROBLEMS} are listed)"
        )

    def messages(self) -> list[str]:
        """One line per listed problem, then the summary line if some were not listed."""
        summary = self.summary()
        return [str(p) for p in self.problems] + ([summary] if summary else [])


def problems_found(count: int, at_least: bool = False) -> str:
    """How many problems a table has, in words: `1 problem found`, `at least 1,000 problems
    found` (when part of it was not checked)."""
    return f"{'at least ' if at_least else ''}{count:,} problem{'s' if count != 1 else ''} found"


SHOWN_MAX = 60  # characters of a cell value or column name a problem shows


def shown(text: str) -> str:
    """`text` as a problem shows it to a person: at most `SHOWN_MAX` characters (a cut one ends
    in "..."), and characters that print nothing (line breaks, bidi controls) escaped."""
    cut = _cut(text)
    if cut.isprintable():
        return cut
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in cut)


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 3] + "..."


def _column_rank(column: str) -> int:
    return schema.COLUMNS.index(column) if column in schema.COLUMNS else -1


def upload_limits(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """The upload limits as `read_events` keyword arguments: `max_bytes`, `max_rows` and
    `max_links`.

    `TIMELINE_MAX_UPLOAD_MB` (a positive number of megabytes, 10^6 bytes each),
    `TIMELINE_MAX_ROWS` and `TIMELINE_MAX_LINKS` (positive whole numbers) override the defaults
    `MAX_UPLOAD_MB`, `MAX_ROWS` and `MAX_LINKS`; unset or empty means the default. Anything else
    raises ValueError naming the variable, so a misconfigured server fails at start-up rather
    than on the first upload.
    """
    env = os.environ if environ is None else environ
    limits = {
        "max_bytes": _bytes_setting(env, ENV_MAX_UPLOAD_MB, MAX_UPLOAD_MB),
        "max_rows": MAX_ROWS,
        "max_links": MAX_LINKS,
    }
    for key, variable in (("max_rows", ENV_MAX_ROWS), ("max_links", ENV_MAX_LINKS)):
        raw = env.get(variable, "").strip()
        if raw:
            try:
                value = int(raw)
            except ValueError:
                value = 0
            if value <= 0:
                raise ValueError(f"{variable}={raw!r}: expected a positive whole number")
            limits[key] = value
    return limits


def data_limits(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """The size limit of a table the app is started with, as `read_file`'s `max_bytes`:
    `TIMELINE_MAX_DATA_MB` (a positive number of MB), default `MAX_DATA_MB`. Raises ValueError
    naming the variable for anything else."""
    env = os.environ if environ is None else environ
    return {"max_bytes": _bytes_setting(env, ENV_MAX_DATA_MB, MAX_DATA_MB)}


def _bytes_setting(env: Mapping[str, str], variable: str, default_mb: int) -> int:
    raw = env.get(variable, "").strip()
    if not raw:
        return default_mb * MB
    try:
        mb = float(raw)
    except ValueError:
        mb = float("nan")
    if not mb > 0 or mb == float("inf"):
        raise ValueError(f"{variable}={raw!r}: expected a positive number of MB")
    return max(1, round(mb * MB))


def read_file(
    path: str | os.PathLike[str], name: str, max_bytes: int | None, setting: str = ""
) -> bytes:
    """The bytes of the regular file at `path`; raises `EventTableError` naming `name` for
    anything else (a directory, a FIFO, a device such as /dev/zero), for a file larger than
    `max_bytes` (the message names the `setting` that changes the limit, if given) and when it
    cannot be read. Opened without blocking: opening a FIFO waits for a writer otherwise.
    Never reads more than `max_bytes + 1` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise _file_error(name, f"cannot be read: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _file_error(
                name, f"is {_kind(info.st_mode)}, not a regular file: give the path of a CSV file"
            )
        if max_bytes is not None and info.st_size > max_bytes:
            raise _too_big(name, info.st_size, max_bytes, setting)
        # Read with a bound even so: the file may grow while it is read.
        with open(fd, "rb", closefd=False) as f:
            data = f.read(-1 if max_bytes is None else max_bytes + 1)
    except OSError as exc:
        raise _file_error(name, f"cannot be read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    if max_bytes is not None and len(data) > max_bytes:
        raise _too_big(name, None, max_bytes, setting)
    return data


def _kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a named pipe (FIFO)",
        stat.S_ISCHR: "a device",
        stat.S_ISBLK: "a device",
        stat.S_ISSOCK: "a socket",
    }
    return next((kind for test, kind in kinds.items() if test(mode)), "not a file")


def read_events(
    source: Source,
    name: str | None = None,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_links: int | None = None,
    coordinate_text: bool = False,
) -> pd.DataFrame:
    """Read, validate and type an event table from a path or a file-like object.

    Returns the schema's columns (lists as tuples, lat/lon as floats, category as a categorical)
    plus `start`, `end` (the last day of the period) and `precision`, and with `coordinate_text`
    the lat/lon cells as written (`schema.COORDINATE_TEXT`). Raises `EventTableError`, and no
    other exception for anything the source contains. `max_bytes`, `max_rows` and `max_links`
    are limits (None, the default: no limit; uploads pass `**upload_limits()`); see the module
    docstring for the order of checks and the cap on the number of problems listed.
    """
    name = name or _source_name(source)
    data = _read_bytes(source, name, max_bytes)
    raw = _fast_text_frame(data, max_rows, max_links) if isinstance(data, bytes) else None
    if raw is None:
        # The strict path: it finds every problem and names its line.
        raw, lines = _parse(decode(data, name), name, max_rows, max_links)
        _check(raw, lines, name)
    return _typed(raw, coordinate_text)


def _fast_text_frame(
    data: bytes, max_rows: int | None, max_links: int | None = None
) -> pd.DataFrame | None:
    """The checked text frame of a well-formed table, read by Arrow's multi-threaded CSV reader;
    None when the table may hold any problem, so that the strict path reads it and names them.

    Arrow reads some malformed CSV leniently (`"a"b` as `ab`), so it is only trusted when every
    quote opens or closes a field or is doubled inside one (`_quotes_well_formed`): then both
    readers see the same records and cells. Any error or doubt gives None; nothing is repaired.
    """
    data = data.removeprefix(_BOM)
    # A second mark: Arrow would skip it too, the strict path names it.
    if data.startswith((b"\xff\xfe", b"\xfe\xff", _BOM)) or b"\x00" in data:
        return None
    if not _quotes_well_formed(data):
        return None
    first_line = data[: data.find(b"\n") + 1 or len(data)]
    try:
        header_text = first_line.decode("utf-8").rstrip("\r\n")
        if _too_many_fields(header_text, 0):
            return None
        width = len(next(csv.reader([header_text], strict=True)))
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
    # Bad UTF-8, a record of the wrong width, an odd header line: the strict path says which.
    except (pyarrow.ArrowException, ValueError, csv.Error, StopIteration):
        return None
    if table.num_rows < 2 or (max_rows is not None and table.num_rows - 1 > max_rows):
        return None
    header = [str(v) for v in table.slice(0, 1).to_pylist()[0].values()]
    if _header_problems(header, ""):
        return None
    body = table.slice(1)
    del table
    columns = {}
    for i, name in enumerate(header):
        # One contiguous array per column: Arrow read it in hundreds of blocks, and selecting
        # rows from hundreds of chunks makes every filter several times slower.
        cells = pd.Series(pd.array(body.column(i).combine_chunks(), dtype=_TEXT), copy=False)
        columns[name.strip()] = unquote_formulas(cells.str.strip())
    del body
    raw = pd.DataFrame(columns)
    # Over the link limit, before the cell rules (which split every list): the strict path
    # names the line.
    if max_links is not None and _links(raw).sum() > max_links:
        return None
    return raw if _passes(raw) else None


_BOM = "\ufeff".encode()


def _passes(raw: pd.DataFrame) -> bool:
    """Whether the text frame passes every cell rule and has no duplicate id: one pass over the
    whole frame that stops at the first failed rule (the strict path then names them all)."""
    try:
        schema.CELL_SCHEMA.validate(raw, lazy=False)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors):
        return False
    ids = raw["id"]
    return not (ids.duplicated() & (ids != "")).any()


_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str": what the strict path makes


def _quotes_well_formed(data: bytes) -> bool:
    """True when every `"` in `data` opens a field, closes one, or is doubled inside one.

    Quotes then alternate opening and closing (a doubled quote closes and reopens at once), so
    an opening quote must follow a comma, a line end or the start, and a closing quote must be
    followed by a comma, a line end, the end or the next quote. UTF-8 never uses the bytes of
    `"`, `,`, CR or LF inside a character, so the bytes can be looked at directly.
    """
    octets = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(octets == ord('"'))
    if len(quotes) % 2:
        return False
    if not len(quotes):
        return True
    opening, closing = quotes[0::2], quotes[1::2]
    doubled = closing[:-1] + 1 == opening[1:]
    bounds = np.array([ord(","), ord("\n"), ord("\r")], dtype=np.uint8)
    before = octets[np.maximum(opening - 1, 0)]
    opens_ok = np.isin(before, bounds) | (opening == 0)
    opens_ok[1:] |= doubled
    after = octets[np.minimum(closing + 1, len(octets) - 1)]
    closes_ok = np.isin(after, bounds) | (closing == len(octets) - 1)
    closes_ok[:-1] |= doubled
    return bool(opens_ok.all() and closes_ok.all())


def _source_name(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "") or "<upload>")


def _mb(size: float) -> str:
    value = size / MB
    text = f"{value:.1f}" if value >= 1 else f"{value:.3g}"
    return text.removesuffix(".0") + " MB"


def _too_big(name: str, size: int | None, limit: int, setting: str = "") -> EventTableError:
    change = f" ({setting} changes it)" if setting else ""
    if size is None:
        return _file_error(name, f"is larger than {_mb(limit)}, the limit{change}")
    shown, limit_shown = _mb(size), _mb(limit)
    if shown == limit_shown:  # just over: megabytes would read "is 50 MB; the limit is 50 MB"
        shown, limit_shown = f"{size:,} bytes", f"{limit:,} bytes"
    return _file_error(name, f"is {shown}; the limit is {limit_shown}{change}")


def _stream_size(stream: IO[bytes] | IO[str]) -> int | None:
    """The bytes left in a binary stream, if it can tell without reading; else None."""
    if isinstance(stream, io.TextIOBase):
        return None
    try:
        if isinstance(stream, io.BytesIO):
            return stream.getbuffer().nbytes - stream.tell()
        return os.fstat(stream.fileno()).st_size - stream.tell()
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None


def _read_bytes(source: Source, name: str, max_bytes: int | None) -> bytes | str:
    """The source's content; never reads more than `max_bytes + 1` bytes (or characters)."""
    if isinstance(source, str | os.PathLike):
        return read_file(source, name, max_bytes)
    limit = -1 if max_bytes is None else max_bytes + 1
    try:
        data = source.read(limit)
    except OSError as exc:
        raise _file_error(name, f"cannot be read: {exc.strerror or exc}") from exc
    if not isinstance(data, bytes | str):
        raise _file_error(name, "cannot be read: the upload gave no data")
    if max_bytes is not None and _byte_length(data) > max_bytes:
        raise _over_limit(source, data, name, max_bytes)
    return data


def _byte_length(data: bytes | str) -> int:
    if isinstance(data, bytes) or data.isascii():
        return len(data)
    return len(data.encode("utf-8", "surrogatepass"))


def _over_limit(source: Source, data: bytes | str, name: str, max_bytes: int) -> EventTableError:
    """The error for a source found too big while reading (its full size, when knowable)."""
    rest = None if isinstance(source, str | os.PathLike) else _stream_size(source)
    return _too_big(name, None if rest is None else len(data) + rest, max_bytes)


def decode(data: bytes | str, name: str) -> str:
    """The file's text: UTF-8, with or without a byte-order mark; anything else is a problem."""
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:
                line = text.count("\n", 0, exc.start) + 1
                raise EventTableError(
                    [Problem(line, "", "is not UTF-8 text: it holds a lone surrogate", source=name)]
                ) from exc
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
    if text.startswith("\ufeff"):
        raise EventTableError(
            [
                Problem(
                    1,
                    "",
                    "starts with two byte-order marks (U+FEFF): save it as UTF-8 with one or none",
                    source=name,
                )
            ]
        )
    if "\x00" in text:
        raise _file_error(name, "is a binary file (it holds NUL bytes), not CSV text")
    if not text.strip():
        raise _file_error(name, "is empty: expected a header row and at least one event")
    return text


def _file_error(name: str, message: str) -> EventTableError:
    return EventTableError([Problem(0, "", message, source=name)])


class _Found:
    """Problems as they are found: the first `MAX_PROBLEMS` kept, the rest only counted."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.omitted = 0

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.omitted += 1

    def __bool__(self) -> bool:
        return bool(self.problems)

    def error(self, unchecked_from: int = 0) -> EventTableError:
        return EventTableError(self.problems, self.omitted, unchecked_from)


class _TooManyFields(Exception):
    """A record with more than `MAX_FIELDS` fields, found before the csv module built it."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


# One CSV field as the csv module reads it in strict mode: quoted (quotes doubled inside), or
# unquoted up to the next comma or line end. Possessive, so that matching never backtracks.
_FIELD = re.compile(r'"(?:[^"]|"")*+"|[^,\r\n"][^,\r\n]*+|')


# A line and its end (LF, CRLF or CR), as `io.StringIO(text, newline="")` splits lines.
_LINE = re.compile(r"[^\r\n]*+(?:\r\n|\r|\n)|[^\r\n]++")


def _too_many_fields(text: str, start: int, limit: int = MAX_FIELDS) -> bool:
    """Whether the record that starts at `text[start]` has more than `limit` fields; looks at no
    more than `limit` of them. A record that cannot be parsed counts as not too wide (the csv
    module then says what is wrong with it)."""
    pos, fields = start, 1
    while fields <= limit:
        pos = _FIELD.match(text, pos).end()  # type: ignore[union-attr]  # "" always matches
        if text[pos : pos + 1] != ",":
            return False
        pos, fields = pos + 1, fields + 1
    return True


def _records(text: str, name: str = "") -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on, blank lines skipped.

    A record the CSV reader cannot parse (a quote never closed, text after a closing quote)
    raises `EventTableError` for the line the record starts on; a record of more than
    `MAX_FIELDS` fields raises `_TooManyFields` before it is built.
    """
    csv.field_size_limit(sys.maxsize)
    at = {"record": 0, "commas": 0, "checked": False}  # the record being read

    def lines() -> Iterator[str]:
        # The csv module asks for one line at a time and returns a record at the end of the
        # line that ends it: count the commas of the record so far, and look closer only when
        # there are too many (quoted commas do not count as field separators).
        offset = 0
        for match in _LINE.finditer(text):  # not io.StringIO: it keeps 4 bytes per character
            line = match.group()
            if at["record"] < 0:
                at.update(record=offset, commas=0, checked=False)
            at["commas"] += line.count(",")
            if at["commas"] >= MAX_FIELDS and not at["checked"]:
                if _too_many_fields(text, at["record"]):
                    raise _TooManyFields(start)
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
            raise EventTableError([_unparsable(start, exc, name)]) from None
        if row:
            yield start, row
        start = reader.line_num + 1


def _unparsable(line: int, exc: csv.Error, name: str) -> Problem:
    if "expected after" in str(exc):
        hint = 'text follows a closing quote; double each quote inside a quoted field ("")'
    else:
        hint = "a quote that opens here is probably never closed"
    return Problem(line, "", f"cannot be parsed as CSV ({exc}); {hint}", source=name)


def _header_problems(header: list[str], name: str) -> _Found:
    """The header row's problems (the first `MAX_PROBLEMS` kept, the rest counted)."""
    names = [h.strip() for h in header]
    expected = list(schema.COLUMNS)
    found = _Found()
    if len(names) == 1:
        for sep in _SNIFF_SEPARATORS:
            # maxsplit: a header line of a million semicolons is not split into a million names
            if len(set(names[0].split(sep, len(expected))) & set(expected)) >= len(expected) // 2:
                found.add(
                    Problem(1, "", f"separates its columns with {sep!r}; use commas", source=name)
                )
                return found
    if not set(names) & set(expected):
        found.add(
            Problem(
                1,
                "",
                "is not a header row: the first line must name the columns " + ",".join(expected),
                source=name,
            )
        )
        return found
    seen: set[str] = set()
    for col in names:
        if col in seen:
            found.add(Problem(1, col, "is a column named more than once", source=name))
        seen.add(col)
        if col not in expected:
            found.add(
                Problem(
                    1,
                    col,
                    "is not a known column (expected: " + ",".join(expected) + ")",
                    source=name,
                )
            )
    for col in expected:
        if col not in seen:
            found.add(Problem(1, col, "is a missing column", source=name))
    return found


def _parse(
    text: str, name: str, max_rows: int | None = None, max_links: int | None = None
) -> tuple[pd.DataFrame, list[int]]:
    """The table as text cells ("" when empty, stripped), and the line each record starts on.

    One pass of the `csv` module gives both, so line numbers always match the frame's rows.
    Raises for a bad header (before reading further), for records that cannot be parsed or
    have the wrong number of fields (all of them, capped), for more than `max_rows` records,
    and at the record that brings the countries and organizations named past `max_links`.
    """
    records = _records(text, name)
    try:
        _, header = next(records)
    except StopIteration:  # only blank lines: decode() already refuses that
        raise _file_error(name, "is empty: expected a header row and at least one event") from None
    except _TooManyFields as exc:
        raise EventTableError(
            [
                Problem(
                    exc.line,
                    "",
                    f"has more than {MAX_FIELDS:,} columns: the header row must name the "
                    f"{len(schema.COLUMNS)} columns " + ",".join(schema.COLUMNS),
                    source=name,
                )
            ]
        ) from None
    found = _header_problems(header, name)
    if found:
        raise found.error()
    width = len(header)
    rows: list[list[str]] | None = []
    lines: list[int] = []
    found = _Found()
    count = links = 0
    at = [i for i, h in enumerate(header) if h.strip() in ("countries", "organizations")]
    try:
        for line, row in records:
            count += 1
            if max_rows is not None and count > max_rows:
                raise _file_error(
                    name, f"has more than {max_rows:,} rows; the limit is {max_rows:,}"
                )
            if len(row) == width and max_links is not None:
                links += sum(row[i].count(schema.LIST_SEP) + 1 for i in at if row[i].strip())
                if links > max_links:
                    break
            if len(row) == width:
                if rows is not None:
                    rows.append(row)
                    lines.append(line)
                continue
            rows = None  # the table will be refused: stop keeping it
            hint = " (a comma inside a field needs double quotes around the field)"
            found.add(
                Problem(
                    line,
                    "",
                    f"has {len(row)} fields, expected {width}" + (hint if len(row) > width else ""),
                    source=name,
                )
            )
    except EventTableError as exc:
        if exc.problems[0].line == 0:  # the row limit
            raise
        found.add(exc.problems[0])
    except _TooManyFields as exc:
        # The csv module cannot step over the record without building it: stop here.
        found.add(
            Problem(
                exc.line,
                "",
                f"has more than {MAX_FIELDS:,} fields, expected {width}"
                " (a comma inside a field needs double quotes around the field)",
                source=name,
            )
        )
        raise found.error(unchecked_from=exc.line + 1) from None
    if max_links is not None and links > max_links:
        message = (
            f"brings the countries and organizations named to more than {max_links:,} "
            f"({links:,} by this line); the limit is {max_links:,}"
        )
        raise EventTableError([Problem(line, "", message, source=name)])
    if found:
        raise found.error()
    if not rows:
        raise _file_error(name, "has a header row but no events")
    raw = pd.DataFrame(rows, columns=[h.strip() for h in header], dtype=str)
    return raw.apply(lambda s: unquote_formulas(s.str.strip())), lines


def _links(raw: pd.DataFrame) -> np.ndarray:
    """Per row of the text frame, how many countries and organizations it names."""
    return sum(
        (raw[col].str.count(schema.LIST_SEP) + (raw[col] != "")).to_numpy(dtype=np.int64)
        for col in ("countries", "organizations")
    )


def _check(raw: pd.DataFrame, lines: Sequence[int], name: str) -> None:
    """Raise `EventTableError` for the cell rules and duplicate ids, in blocks of rows.

    Blocks grow from `_FIRST_BLOCK` to `_MAX_BLOCK` rows; after the block in which more than
    `MAX_PROBLEMS` problems are found, checking stops.
    """
    ids = raw["id"].to_numpy(dtype=object)
    duplicated = (raw["id"].duplicated(keep=False) & (raw["id"] != "")).to_numpy()
    same_id: dict[str, list[int]] = {}  # id -> the lines it is on, when on more than one
    for row in duplicated.nonzero()[0].tolist():
        same_id.setdefault(ids[row], []).append(lines[row])
    found = _Found()
    start, size = 0, _FIRST_BLOCK
    while start < len(raw):
        stop = min(len(raw), start + size)
        block = raw.iloc[start:stop]
        need = MAX_PROBLEMS - len(found.problems)
        cells, more = _cell_problems(block, lines, name, limit=max(need, 0))
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
    others = [n for n in all_lines[: _MAX_NAMED + 1] if n != line][:_MAX_NAMED]
    shown = ", ".join(str(n) for n in others)
    if len(all_lines) - 1 > _MAX_NAMED:
        shown += f" and {len(all_lines) - 1 - _MAX_NAMED:,} more"
    return Problem(line, "id", f"is also used on line {shown}", value, name)


def _cell_problems(
    block: pd.DataFrame, lines: Sequence[int], name: str, limit: int
) -> tuple[list[Problem], int]:
    """The first `limit` cell problems of `block` in file order, and how many more there are."""
    failures = _cell_failures(block)
    if failures.empty:
        return [], 0
    failures = failures.assign(rank=failures["column"].map(_column_rank)).sort_values(
        ["row", "rank"], kind="stable"
    )
    problems = []
    for row, column, message in failures.head(limit)[["row", "column", "message"]].itertuples(
        index=False
    ):
        value = block.at[row, column]
        if column in schema.LIST_COLUMNS and message.startswith("has an unknown"):
            message += ": " + _bad_items(column, value)
        problems.append(Problem(lines[row], column, message, value, name))
    return problems, len(failures) - len(problems)


def _bad_items(column: str, value: str) -> str:
    vocab = {
        "countries": schema.country_names(),
        "organizations": schema.ORGANIZATIONS,
        "topics": schema.TOPICS,
    }[column]
    bad = list(dict.fromkeys(schema.bad_list_items(value, vocab)))  # each once
    listed = ", ".join(repr(_cut(b)) if b else "an empty item" for b in bad[:_MAX_ITEMS])
    if len(bad) > _MAX_ITEMS:
        listed += f" and {len(bad) - _MAX_ITEMS:,} more"
    return listed


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


def _typed(raw: pd.DataFrame, coordinate_text: bool = False) -> pd.DataFrame:
    df = raw.loc[:, list(schema.COLUMNS)].copy()
    df["category"] = pd.Categorical(df["category"], categories=list(schema.CATEGORIES))
    df["source_url"] = schema.normal_urls(df["source_url"])  # the table shows the host as opened
    for col in schema.LIST_COLUMNS:
        df[col] = schema.map_distinct(
            df[col], lambda v: tuple(x.strip() for x in v.split(schema.LIST_SEP)) if v else ()
        )
    for col in ("lat", "lon"):
        df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype("float64")
    start = parse_dates(df["start_date"])
    end = parse_dates(df["end_date"])
    df["start"] = start["first"]
    df["end"] = end["last"].fillna(start["last"])
    df["precision"] = pd.Categorical(start["precision"], categories=list(schema.PRECISIONS))
    if coordinate_text:
        for col, text_col in schema.COORDINATE_TEXT.items():
            df[text_col] = raw[col].where(raw[col] != "", None)
    return df.reset_index(drop=True)
