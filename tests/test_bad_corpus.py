"""Hostile and broken input: a committed corpus of bad tables, huge generated ones, the limits.

Every file under tests/data/bad/ is broken in one way; EXPECTED.tsv says where its first problem
is (`:LINE:` or `file` for a file-level problem) and a fragment of that problem's message. Each
must make `read_events` raise `EventTableError` (and nothing else) and `python -m timeline
validate` exit 1 with every output line starting `PATH:LINE:` or `PATH:`.

The huge inputs (10^5 header columns, 10^6 rows; a million commas in test_io.py) are generated
in tmp_path, never committed; they must finish with a short, capped list of problems. No
wall-clock asserts: pytest's own durations show how long they take (`pytest --durations=10`).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import EDGE, FULL_HEADER, GOOD, HEADER, ROOT

from timeline.__main__ import main
from timeline.io import (
    MAX_FIELDS,
    MAX_LINKS,
    MAX_PROBLEMS,
    MAX_ROWS,
    MAX_UPLOAD_MB,
    EventTableError,
    read_events,
    upload_limits,
)

BAD = Path(__file__).parent / "data" / "bad"


def _expected() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (BAD / "EXPECTED.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, where, fragment = line.split("\t")
            rows[name] = (where, fragment)
    return rows


EXPECTED = _expected()


def _prefix(path: Path, where: str) -> str:
    return f"{path}: " if where == "file" else f"{path}{where} "


def _line_ok(line: str, path: Path) -> bool:
    return re.match(rf"{re.escape(str(path))}:(\d+:)? \S", line) is not None


def test_the_corpus_is_complete_and_every_file_has_an_expectation():
    files = {p.name for p in BAD.iterdir() if not p.name.startswith(".")} - {"EXPECTED.tsv"}
    assert files == set(EXPECTED)
    assert len(files) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_read_events_refuses_with_the_first_problem_where_expected(name):
    path = BAD / name
    where, fragment = EXPECTED[name]
    with pytest.raises(EventTableError) as caught:
        read_events(path)
    first = str(caught.value.problems[0])
    assert first.startswith(_prefix(path, where)), first
    assert fragment in first, first
    # The same bytes uploaded (a stream with a browser's file name) give the same first problem.
    with pytest.raises(EventTableError) as uploaded:
        read_events(io.BytesIO(path.read_bytes()), name=name)
    assert str(uploaded.value.problems[0]) == first.replace(str(path), name, 1)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_exits_1_and_every_line_names_the_file(name, capsys):
    path = BAD / name
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines and all(_line_ok(line, path) for line in lines), lines
    assert lines[0].startswith(_prefix(path, EXPECTED[name][0]))
    assert re.fullmatch(r"(at least )?[\d,]+ problems? found\n", captured.err)


def test_cli_in_a_real_process_prints_no_traceback():
    names = ["binary.csv", "utf-16.csv", "unbalanced-quotes.csv"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONIOENCODING": "ascii"}
    for name in names:
        path = BAD / name
        done = subprocess.run(
            [sys.executable, "-m", "timeline", "validate", str(path)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
            check=False,
        )
        assert done.returncode == 1, (name, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout
        assert all(_line_ok(line, path) for line in done.stdout.splitlines()), done.stdout


# --- huge inputs, generated ------------------------------------------------------------------


def _problems(path: Path, **limits: int | None) -> EventTableError:
    with pytest.raises(EventTableError) as caught:
        read_events(path, **limits)
    return caught.value


def test_a_header_of_100_000_columns_is_one_problem_whatever_it_names(tmp_path):
    # Wider than MAX_FIELDS: refused before a column (or a problem per column) is made.
    junk = ",".join(f"junk{i}" for i in range(100_000))
    for i, header in enumerate([junk, f"{HEADER},{junk}"]):
        path = tmp_path / f"wide{i}.csv"
        path.write_text(header + "\n" + ",".join("x" * 100_000) + "\n")
        error = _problems(path)
        assert [str(p) for p in error.problems] == [
            f"{path}:1: has more than {MAX_FIELDS:,} columns: the header row must name the 16 "
            f"columns {FULL_HEADER}"
        ]


def test_the_columns_plus_900_junk_columns_list_100_problems_then_a_count(tmp_path, capsys):
    path = tmp_path / "wide.csv"
    junk = ",".join(f"junk{i}" for i in range(900))
    path.write_text(f"{HEADER},{junk}\n{GOOD}{',x' * 900}\n")
    error = _problems(path)
    assert len(error.problems) == MAX_PROBLEMS and error.omitted == 900 - MAX_PROBLEMS
    assert str(error.problems[0]).startswith(f"{path}:1: junk0 is not a known column")
    assert error.summary() == f"{path}: ... and 800 more problems (the first 100 are listed)"
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    assert len(out.out.splitlines()) == MAX_PROBLEMS + 1
    assert out.err == "900 problems found\n"


def _junk_rows(path: Path, rows: int, line: str) -> None:
    with path.open("w") as f:
        f.write(HEADER + "\n")
        f.write((line + "\n") * rows)


def test_a_million_short_junk_rows_are_counted_and_the_first_100_listed(tmp_path):
    path = tmp_path / "long.csv"
    _junk_rows(path, 1_000_000, "x,y")
    error = _problems(path, max_rows=None)
    assert [str(p) for p in error.problems[:2]] == [
        f"{path}:2: has 2 fields, expected 14",
        f"{path}:3: has 2 fields, expected 14",
    ]
    assert len(error.problems) == MAX_PROBLEMS and error.count == 1_000_000
    assert error.summary() == f"{path}: ... and 999,900 more problems (the first 100 are listed)"


def test_a_million_junk_rows_are_refused_at_the_row_limit(tmp_path):
    path = tmp_path / "long.csv"
    _junk_rows(path, 1_000_000, "x,y")
    error = _problems(path, **upload_limits({}))
    assert [str(p) for p in error.problems] == [
        f"{path}: has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}"
    ]


def test_well_formed_junk_rows_stop_the_cell_checks_early(tmp_path):
    # Every cell of every row breaks a rule: checking stops after the first block of rows.
    path = tmp_path / "junk.csv"
    _junk_rows(path, MAX_ROWS, ",".join(["J"] * (HEADER.count(",") + 1)))
    error = _problems(path)
    assert len(error.problems) == MAX_PROBLEMS
    assert str(error.problems[0]) == f"{path}:2: id 'J' may hold only lowercase letters a-z, " + (
        "digits and hyphens"
    )
    # Checked: the first block, lines 2 to 1,001, and 11 problems on each of its lines.
    assert (error.unchecked_from, error.omitted) == (1_002, 11 * 1_000 - MAX_PROBLEMS)
    assert error.summary().endswith(f"lines from {error.unchecked_from:,} on were not checked")


def test_many_copies_of_one_event_name_a_few_other_lines_each(tmp_path):
    path = tmp_path / "same.csv"
    _junk_rows(path, 50_000, GOOD)
    error = _problems(path)
    assert str(error.problems[0]) == (
        f"{path}:2: id '1994-05-bishkek' is also used on line 3, 4, 5, 6, 7 and 49,994 more"
    )
    assert error.unchecked_from == 1002  # the first block: lines 2 to 1001


def test_a_field_of_many_unknown_codes_lists_a_few(tmp_path):
    path = tmp_path / "codes.csv"
    codes = ";".join(f"Q{i:02d}" for i in range(100)) + ";" + ";".join(["ZZZ"] * 100_000)
    path.write_text(f"{HEADER}\n{GOOD.replace('ARM;RUS', codes)}\n")
    unknown, repeated = _problems(path).problems
    assert str(repeated).endswith("lists the same item twice")
    assert str(unknown).endswith(
        "has an unknown ISO 3166-1 alpha-3 country code: "
        + ", ".join(f"'Q{i:02d}'" for i in range(10))
        + " and 91 more"
    )


# --- upload limits ---------------------------------------------------------------------------


def test_default_limits_are_declared_once_and_read_from_the_environment():
    assert upload_limits({}) == {
        "max_bytes": MAX_UPLOAD_MB * 1_000_000,
        "max_rows": MAX_ROWS,
        "max_links": MAX_LINKS,
    }
    assert (MAX_UPLOAD_MB, MAX_ROWS, MAX_LINKS) == (50, 200_000, 1_000_000)
    env = {"TIMELINE_MAX_UPLOAD_MB": "0.5", "TIMELINE_MAX_ROWS": "1_000"}
    assert upload_limits(env) == {"max_bytes": 500_000, "max_rows": 1000, "max_links": MAX_LINKS}
    assert upload_limits({"TIMELINE_MAX_UPLOAD_MB": " ", "TIMELINE_MAX_ROWS": ""}) == (
        upload_limits({})
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TIMELINE_MAX_UPLOAD_MB", "0"),
        ("TIMELINE_MAX_UPLOAD_MB", "-5"),
        ("TIMELINE_MAX_UPLOAD_MB", "fifty"),
        ("TIMELINE_MAX_UPLOAD_MB", "nan"),
        ("TIMELINE_MAX_UPLOAD_MB", "inf"),
        ("TIMELINE_MAX_ROWS", "0"),
        ("TIMELINE_MAX_ROWS", "1.5"),
        ("TIMELINE_MAX_LINKS", "0"),
        ("TIMELINE_MAX_LINKS", "many"),
    ],
)
def test_a_bad_limit_in_the_environment_is_refused_by_name(variable, value):
    with pytest.raises(ValueError, match=variable):
        upload_limits({variable: value})


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as f:  # sparse: 61.2 MB on paper, nothing on disk
        f.truncate(61_200_000)
    error = _problems(path, **upload_limits({}))
    assert [str(p) for p in error.problems] == [f"{path}: is 61.2 MB; the limit is 50 MB"]


def test_the_size_limit_is_configurable_and_none_turns_it_off(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(EDGE.read_bytes())
    size = path.stat().st_size
    error = _problems(path, max_bytes=size - 1)
    assert str(error.problems[0]) == f"{path}: is {size:,} bytes; the limit is {size - 1:,} bytes"
    error = _problems(path, max_bytes=500)
    assert str(error.problems[0]) == f"{path}: is {size / 1e6:.3g} MB; the limit is 0.0005 MB"
    assert len(read_events(path, max_bytes=size)) == 4
    assert len(read_events(path, max_bytes=None)) == 4


class Endless(io.RawIOBase):
    """A stream that never ends (like a hostile upload): counts what was read from it."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = b"a" * len(buffer)
        self.given += len(buffer)
        return len(buffer)


def test_a_stream_is_read_no_further_than_the_limit():
    stream = Endless()
    with pytest.raises(EventTableError) as caught:
        read_events(stream, name="up.csv", max_bytes=1000)
    assert stream.given <= 1001
    assert str(caught.value.problems[0]) == "up.csv: is larger than 0.001 MB, the limit"


def test_an_upload_over_the_limit_says_its_size_and_a_text_upload_counts_bytes():
    data = EDGE.read_bytes()
    with pytest.raises(EventTableError) as caught:
        read_events(io.BytesIO(data), name="up.csv", max_bytes=1000)
    assert (
        str(caught.value.problems[0])
        == f"up.csv: is {len(data) / 1e6:.3g} MB; the limit is 0.001 MB"
    )
    text = EDGE.read_text(encoding="utf-8")
    assert len(text) < len(data)  # accented letters and dashes take more than one byte
    with pytest.raises(EventTableError, match="larger than"):
        read_events(io.StringIO(text), name="up.csv", max_bytes=len(data) - 1)
    assert len(read_events(io.StringIO(text), max_bytes=len(data))) == 4


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_that_never_ends_is_refused_without_reading_it():
    for limit in (10_000, None):
        error = _problems(Path("/dev/zero"), max_bytes=limit)
        assert [str(p) for p in error.problems] == [
            "/dev/zero: is a device, not a regular file: give the path of a CSV file"
        ]


def test_the_row_limit_names_the_limit(tmp_path):
    with pytest.raises(EventTableError) as caught:
        read_events(EDGE, max_rows=3)
    assert [str(p) for p in caught.value.problems] == [
        f"{EDGE}: has more than 3 rows; the limit is 3"
    ]
    assert len(read_events(EDGE, max_rows=4)) == 4


def test_upload_limits_do_not_apply_to_the_cli_or_a_data_path(monkeypatch, capsys, tmp_path):
    # The limits protect the shared server from uploads; a file a person points at is theirs.
    monkeypatch.setenv("TIMELINE_MAX_ROWS", "2")
    monkeypatch.setenv("TIMELINE_MAX_UPLOAD_MB", "0.0001")
    assert main(["validate", str(EDGE)]) == 0
    assert capsys.readouterr().out.startswith("OK: 4 events")
    assert len(read_events(EDGE)) == 4
