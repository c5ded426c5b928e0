"""src/timeline/vocabularies.csv, the vocabularies as data: well formed (every problem named with
its file and line), and fit for the code that reads them."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from timeline import dates, schema

FIELDS = ["vocabulary", "code", "name", "help"]  # more may follow: names in other languages
# The form of each vocabulary's codes.
CODE_PATTERNS = {
    "column": r"[a-z]+(_[a-z]+)*",
    "category": r"[a-z]+(_[a-z]+)*",
    "topic": r"[a-z]+(-[a-z]+)*",
    "organization": r"[A-Za-z]+",
    "precision": r"[a-z]+",
    # first day/last day, ".." for one not over (ISO 8601-2's open interval)
    "period": r"[0-9]{4}-[0-9]{2}-[0-9]{2}/([0-9]{4}-[0-9]{2}-[0-9]{2}|\.\.)",
    # the UN member and observer states but Azerbaijan, with the names the dashboard shows
    "country": r"[A-Z]{3}",
}
NEEDS_HELP = ("column", "category")  # shown beside the code in the docs and the app


def row_problem(row: list[str], width: int, seen: dict[tuple[str, str], int]) -> str | None:
    """What is wrong with a row of the vocabularies, or None."""
    if len(row) != width:
        return f"{len(row)} fields, not {width}"
    vocabulary, code, name, help_ = row[:4]
    if vocabulary not in CODE_PATTERNS:
        return f"unknown vocabulary {vocabulary!r}"
    if not re.fullmatch(CODE_PATTERNS[vocabulary], code):
        return f"{vocabulary} code {code!r} is not of the form {CODE_PATTERNS[vocabulary]}"
    if (vocabulary, code) in seen:
        return f"{vocabulary} {code!r} is already on line {seen[vocabulary, code]}"
    if not name.strip():
        return f"{vocabulary} {code!r} has no name"
    if vocabulary in NEEDS_HELP and not help_.strip():
        return f"{vocabulary} {code!r} has no help"
    return None


def problems(path: Path) -> list[str]:
    """Every problem of a vocabularies file, as `PATH:LINE: what is wrong`."""
    found: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.reader(file)
        header = next(rows, [])
        if header[:4] != FIELDS:
            return [f"{path}:1: the header must begin {','.join(FIELDS)}"]
        for row in rows:
            if problem := row_problem(row, len(header), seen):
                found.append(f"{path}:{rows.line_num}: {problem}")
            if len(row) >= 2:
                seen.setdefault((row[0], row[1]), rows.line_num)
    present = {vocabulary for vocabulary, _ in seen}
    return found + [f"{path}: no rows for {v}" for v in CODE_PATTERNS if v not in present]


def test_the_shipped_file_is_well_formed():
    assert problems(schema.VOCABULARY_FILE) == []


SHIPPED = schema.VOCABULARY_FILE.read_text(encoding="utf-8")
LAST = len(SHIPPED.splitlines())


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "vocabularies.csv"
    path.write_text(text, encoding="utf-8")
    return [p.removeprefix(str(path)) for p in problems(path)]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("column,title,headline,The headline", "column 'title' is already on line 3"),
        ("topics,trade,Trade,", "unknown vocabulary 'topics'"),
        ("topic,Energy,Energy,", "topic code 'Energy' is not of the form [a-z]+(-[a-z]+)*"),
        ("category,peace-talks,Peace talks,talks", "category code 'peace-talks' is not of the "),
        ("organization,U N,United Nations,", "organization code 'U N' is not of the form "),
        ("country,ARMX,Armenia,", "country code 'ARMX' is not of the form "),
        ("period,1991/..,Independence,", "period code '1991/..' is not of the form "),
        ("topic,water,,", "topic 'water' has no name"),
        ("category,riot,Riot,", "category 'riot' has no help"),
        ("topic,water,Water", "3 fields, not 4"),
        ("topic,water,Water,,", "5 fields, not 4"),
    ],
)
def test_a_broken_row_is_named_with_its_file_and_line(tmp_path, row, problem):
    (found,) = problems_of(tmp_path, SHIPPED + row + "\n")
    assert found.startswith(f":{LAST + 1}: {problem}"), found
    # In the middle of the file too: the line is the row's own.
    lines = SHIPPED.splitlines(keepends=True)
    (found,) = problems_of(tmp_path, "".join([*lines[:5], row + "\n", *lines[5:]]))
    assert found.startswith(f":6: {problem}"), found


def test_a_missing_vocabulary_or_header_is_named(tmp_path):
    without = "".join(line for line in SHIPPED.splitlines(True) if not line.startswith("period,"))
    assert problems_of(tmp_path, without) == [": no rows for period"]
    assert problems_of(tmp_path, SHIPPED.replace("vocabulary,code", "vocab,code", 1)) == [
        ":1: the header must begin vocabulary,code,name,help"
    ]


def test_more_columns_may_follow_such_as_names_in_other_languages(tmp_path):
    lines = SHIPPED.splitlines()
    widened = [lines[0] + ",name_az", *(line + "," for line in lines[1:])]
    path = tmp_path / "vocabularies.csv"
    path.write_text("\n".join(widened) + "\n", encoding="utf-8")
    assert problems(path) == []
    assert schema.read_vocabularies(path) == schema.read_vocabularies()


def test_the_vocabularies_fit_the_code_that_reads_them():
    parsed = dates.parse_dates(pd.Series(["1994", "1994-05", "1994-05-12"]))
    assert tuple(parsed["precision"]) == schema.PRECISIONS == ("year", "month", "day")
    # The periods follow each other without a gap; the last is not over.
    ends = [last for _, _, last in schema.PERIODS]
    assert [first for _, first, _ in schema.PERIODS][1:] == ends[:-1] and ends[-1] is None
    states = schema.VOCABULARIES["country"]
    assert len(states) == 194 and "AZE" not in states  # 193 UN members and 2 observers
    assert all(pycountry.countries.get(alpha_3=c) for c in states)
    assert schema.country_name("RUS") == "Russia" and schema.country_name("ARM") == "Armenia"
    # Every column has its rules, in the same order.
    assert list(schema.CELL_SCHEMA.columns) == list(schema.COLUMNS)
    assert schema.COLUMNS[:3] == ("id", "title", "category") and len(schema.COLUMNS) == 16
