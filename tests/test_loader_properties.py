"""Property tests of the loader: fed anything, it returns a valid frame or raises its own error.

Inputs are random bytes and random mutations of the hand-made edge-case table (characters
inserted, deleted or replaced, cells swapped, quotes dropped, lines duplicated or dropped). The
loader must either return a frame that keeps its promises (the columns, start <= end, unique
ids, a known category) or raise `EventTableError` - never another exception - and must finish
each example within the deadline.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from unittest.mock import patch

import pandas as pd
import pytest
from helpers import EDGE, SHIPPED
from hypothesis import given
from hypothesis import strategies as st

from timeline import io as io_module
from timeline import schema
from timeline.io import MAX_PROBLEMS, EventTableError, read_events

VALID = EDGE.read_text(encoding="utf-8")

# How many examples: the Hypothesis profile (tests/conftest.py) decides; `make test` runs these
# again under the "fuzz" profile.
pytestmark = pytest.mark.fuzz

# Characters that matter to a CSV reader, a date parser or a list splitter, plus some others.
INTERESTING = [*',;"\n\r\t -:/.0123456789\ufeff\x00\x0b\x85\u2028', "é", "–", "ARM", "NaN"]


def check(data: bytes | str) -> None:
    """The property: a frame that keeps the loader's promises, or the loader's own error."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    try:
        df = read_events(stream, name="fuzz.csv")
    except EventTableError as exc:
        assert 1 <= len(exc.problems) <= MAX_PROBLEMS
        for problem in exc.problems:
            assert str(problem).startswith("fuzz.csv:")
        return
    assert list(df.columns) == [*schema.COLUMNS, *schema.DERIVED_COLUMNS]
    assert len(df) >= 1
    assert df["id"].is_unique
    assert df["id"].str.fullmatch(schema.ID_RE.pattern).all()
    assert df["start"].notna().all() and df["end"].notna().all()
    assert (df["start"] <= df["end"]).all()
    assert df["category"].notna().all()
    assert set(df["category"]) <= set(schema.CATEGORIES)
    assert df["precision"].notna().all()
    for col in ("lat", "lon"):
        assert df[col].dtype == "float64"
    assert (df["lat"].dropna().abs() <= 90).all() and (df["lon"].dropna().abs() <= 180).all()
    for col in schema.LIST_COLUMNS:
        assert all(isinstance(v, tuple) for v in df[col])
    assert (df["topics"].map(len) >= 1).all()
    assert pd.api.types.is_datetime64_any_dtype(df["start"])


@given(st.binary(max_size=2000))
def test_random_bytes(data):
    check(data)


@given(st.binary(max_size=300))
def test_random_bytes_after_a_valid_header(data):
    check(VALID.splitlines()[0].encode() + b"\n" + data)


@given(st.text(max_size=500))
def test_random_text_streams(text):
    check(text)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The edge-case table after a few random edits (mostly below the header, so cells count)."""
    header, text = VALID.split("\n", 1)
    if draw(st.integers(0, 9)) == 0:
        header, text = "", VALID
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                ["insert", "delete", "replace", "swap-cells", "drop-quotes", "dup-line", "cut"]
            )
        )
        if kind in ("insert", "delete", "replace"):
            at = draw(st.integers(0, len(text)))
            piece = draw(st.sampled_from(INTERESTING) | st.text(max_size=3))
            if kind == "insert":
                text = text[:at] + piece + text[at:]
            elif kind == "delete":
                text = text[:at] + text[at + draw(st.integers(1, 20)) :]
            else:
                text = text[:at] + piece + text[at + len(piece) :]
        elif kind == "swap-cells":
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            cells = lines[i].split(",")
            a, b = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, len(cells) - 1))
            cells[a], cells[b] = cells[b], cells[a]
            lines[i] = ",".join(cells)
            text = "\n".join(lines)
        elif kind == "drop-quotes":
            text = text.replace('"', "", draw(st.integers(1, 3)))
        elif kind == "dup-line":
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        else:
            text = text[: draw(st.integers(0, len(text)))]
    return f"{header}\n{text}" if header else text


@given(mutated(), st.sampled_from(["utf-8", "utf-8-sig", "text"]), st.booleans())
def test_mutations_of_a_valid_table(text, encoding, crlf):
    if crlf:
        text = text.replace("\n", "\r\n")
    check(text if encoding == "text" else text.encode(encoding))


def test_the_unmutated_table_passes_the_property():
    check(VALID.encode())


# --- the fast reader (Arrow) against the strict one (the csv module) ------------------------


def outcome(data: bytes, strict: bool) -> tuple[str, object]:
    """What `read_events` makes of `data`: the frame, or the error's lines."""
    fast = None if strict else io_module._fast_text_frame
    with patch.object(io_module, "_fast_text_frame", fast or (lambda *args: None)):
        try:
            return "frame", read_events(io.BytesIO(data), name="t.csv", coordinate_text=True)
        except EventTableError as exc:
            return "error", exc.messages()


def assert_same_as_strict(data: bytes) -> None:
    fast, strict = outcome(data, strict=False), outcome(data, strict=True)
    assert fast[0] == strict[0], (fast, strict)
    if fast[0] == "frame":
        pd.testing.assert_frame_equal(fast[1], strict[1])
    else:
        assert fast[1] == strict[1]


RECORDS = [r for r in csv.reader(io.StringIO(VALID, newline="")) if r]


@st.composite
def requoted(draw: st.DrawFn) -> str:
    """The edge-case table written again with cells quoted in valid ways (always, never where
    not needed) and, in some examples, one cell quoted in a way the csv module refuses or reads
    differently; with blank lines and any of the three line ends."""
    out = []
    for record in RECORDS:
        cells = []
        for cell in record:
            quoted = '"' + cell.replace('"', '""') + '"'
            needs = any(c in cell for c in ',"\r\n')
            cells.append(quoted if needs or draw(st.booleans()) else cell)
        out.append(cells)
    if draw(st.booleans()):
        row = draw(st.integers(0, len(out) - 1))
        col = draw(st.integers(0, len(out[row]) - 1))
        cell = RECORDS[row][col]
        out[row][col] = draw(
            st.sampled_from(
                [
                    '"' + cell.replace('"', '""') + '"x',  # text after the closing quote
                    '""' + cell,  # an empty quoted cell, then text
                    cell[:1] + '"' + cell[1:],  # a quote inside an unquoted cell
                    '"' + cell,  # a quote never closed
                    " " + '"' + cell + '"',  # a space before the opening quote
                ]
            )
        )
    lines = []
    for cells in out:
        lines.append(",".join(cells))
        if draw(st.integers(0, 5)) == 0:
            lines.append("")  # a blank line
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)


@given(requoted(), st.booleans())
def test_fast_reader_agrees_with_the_strict_one_on_quoting(text, bom):
    assert_same_as_strict((("\ufeff" if bom else "") + text).encode("utf-8"))


@given(mutated(), st.booleans())
def test_fast_reader_agrees_with_the_strict_one_on_mutations(text, crlf):
    assert_same_as_strict((text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))


@pytest.mark.parametrize("path", [EDGE, SHIPPED], ids=["edge-cases", "shipped"])
def test_well_formed_tables_take_the_fast_reader(path: Path):
    data = path.read_bytes()
    raw = io_module._fast_text_frame(data, None)
    assert raw is not None
    assert len(raw) == len(read_events(path))


@pytest.mark.parametrize(
    ("text", "well_formed"),
    [
        (b"a,b\nx,y\n", True),
        (b'a,b\n"x, y","say ""hi"""\n', True),
        (b'a,b\r\n"",""\r\n', True),
        (b'"a\nb",c', True),  # quoted line break; no line end at the end
        (b'a,b\n"x"y,z\n', False),  # text after a closing quote
        (b'a,b\n"",z"\n', False),
        (b'a,b\nab"c,d\n', False),  # a quote inside an unquoted cell: left to the csv module
        (b'a,b\n"x,y\n', False),  # never closed
        (b'a,b\n x ,"y" \n', False),
    ],
)
def test_quotes_well_formed(text: bytes, well_formed: bool):
    assert io_module._quotes_well_formed(text) is well_formed
