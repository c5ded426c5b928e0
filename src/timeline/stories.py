"""Guided stories (`data/stories.csv`, a row per step): `read_stories` gives each story with its
steps in order, every step's event one of the table's; else one `EventTableError` listing every
problem with its file, line, column and value, as the event table's are."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from timeline.io import EventTableError, Problem, Source, read_source, source_name
from timeline.schema import BIDI_CONTROL_RE

COLUMNS = ("story", "step", "event_id", "title", "caption")
LIMITS = {"title": 80, "caption": 400}  # characters
STORY_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # what the page's `?story=` carries
_NUMBER = re.compile(r"[0-9]{1,4}")  # a longer one is a typo, and int() refuses 4,301 digits
_EXPECTED = "expected: " + ",".join(COLUMNS)


class Step(NamedTuple):
    """One step of a story: the event it selects and why that event matters in the story."""

    event_id: str
    caption: str


@dataclass(frozen=True)
class Story:
    """A story: its id (`?story=`), its title and introduction (step 0) and its steps 1…N."""

    id: str
    title: str
    intro: str
    steps: tuple[Step, ...]


def read_stories(
    source: Source, event_ids: Iterable[str], name: str | None = None, max_bytes: int | None = None
) -> dict[str, Story]:
    """The stories by id in file order, each step's event in `event_ids`; raises
    `EventTableError` listing every problem, and nothing else for any content."""
    name = name or source_name(source)
    found: list[_Found] = []
    steps = _steps(_records(read_source(source, name, max_bytes), name), set(event_ids), found)
    if found:  # in file order, and a line's problems in column order
        found.sort(key=lambda p: (p[0], COLUMNS.index(p[1]) if p[1] in COLUMNS else -1))
        raise EventTableError([Problem(*p, source=name) for p in found])
    return {
        story: Story(story, rows[0]["title"], rows[0]["caption"], tuple(
            Step(rows[n]["event_id"], rows[n]["caption"]) for n in sorted(rows)[1:]
        ))
        for story, rows in steps.items()
    }  # fmt: skip


def offered(path: Path, event_ids: Iterable[str]) -> tuple[Story, ...]:
    """The stories of the file at `path` whose every event is one of `event_ids` (a table's
    may lack some: those stories are left out); none when the file is missing or broken."""
    ids = set(event_ids)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            named = {row.get("event_id") or "" for row in csv.DictReader(f)} - {""}
        found = read_stories(path, ids | named)
    except (OSError, UnicodeDecodeError, csv.Error, EventTableError):
        return ()
    return tuple(s for s in found.values() if all(step.event_id in ids for step in s.steps))


_Found = tuple[int, str, str, str]  # a problem's line, column, message and value


def _steps(
    records: list[tuple[int, list[str]]], known: set[str], found: list[_Found]
) -> dict[str, dict[int, dict[str, str]]]:
    """Each story's rows by step number; every problem is added to `found`."""
    if not records:
        found.append(
            (0, "", f"is empty: expected a header row ({','.join(COLUMNS)}), then steps", "")
        )
        return {}
    header = records[0][1]
    found += _header_problems(header)
    if found:
        return {}
    steps: dict[str, dict[int, dict[str, str]]] = {}
    lines: dict[str, dict[int, int]] = {}  # story -> step -> line
    uncounted = set()
    for line, cells in records[1:]:
        if len(cells) != len(header):
            found.append((line, "", f"has {len(cells)} fields, expected {len(header)}", ""))
            uncounted.add(cells[0])  # most likely its story, whose steps cannot all be counted
            continue
        row = dict(zip(header, cells, strict=True))
        found += [(line, *p) for p in _cell_problems(row, known)]
        story, step = row["story"], row["step"]
        if not (STORY_RE.fullmatch(story) and _NUMBER.fullmatch(step)):
            uncounted.add(story)  # a step without its number: no gap can be told
        elif (n := int(step)) in lines.setdefault(story, {}):
            found.append(
                (line, "step", f"is also on line {lines[story][n]} of story {story!r}", step)
            )
        else:
            lines[story][n] = line
            steps.setdefault(story, {})[n] = row
    for story in lines.keys() - uncounted:
        found += _gaps(story, lines[story])
    return steps


def _header_problems(header: list[str]) -> list[_Found]:
    found = []
    for i, column in enumerate(header):
        if column in header[:i]:
            found.append((1, column, "is a column named more than once", ""))
        elif column not in COLUMNS:
            found.append((1, column, f"is not a known column ({_EXPECTED})", ""))
    return found + [(1, c, "is a missing column", "") for c in COLUMNS if c not in header]


def _cell_problems(row: dict[str, str], known: set[str]) -> list[tuple[str, str, str]]:
    """(column, message, value) for each cell of a step's row that breaks a rule."""
    story, step, event, title = row["story"], row["step"], row["event_id"], row["title"]
    found = []
    if not STORY_RE.fullmatch(story):
        words = "is not a story id (lowercase letters and digits, joined by single hyphens)"
        found.append(("story", words if story else "is empty", story))
    if not _NUMBER.fullmatch(step):
        found.append(("step", "is not a step number (0 for the introduction, then 1…N)", step))
    elif step == "0":
        if not title:
            found.append(("title", "is empty: step 0 gives the story's title", ""))
        if event:
            found.append(("event_id", "is for steps 1…N (step 0 is the introduction)", event))
    else:
        if title:
            found.append(("title", "is for step 0 only (the story's title)", title))
        if event not in known:
            unknown = "is not an id of the event table" if event else "is empty"
            found.append(("event_id", unknown, event))
    if not row["caption"]:
        found.append(("caption", "is empty", ""))
    for column, limit in LIMITS.items():
        if len(row[column]) > limit:
            found.append((column, f"is {len(row[column]):,} characters; the limit is {limit}", ""))
        if BIDI_CONTROL_RE.search(row[column]):
            found.append((column, "holds an invisible bidirectional control character", ""))
    return found


def _gaps(story: str, lines: dict[int, int]) -> list[_Found]:
    """A story without step 0, without steps after it, or with a gap in 1…N."""
    numbers = sorted(lines)
    if numbers[0] != 0:
        return [(lines[numbers[0]], "story", "has no step 0 (its title and introduction)", story)]
    if numbers == [0]:
        return [(lines[0], "story", "has no steps after its introduction (step 0)", story)]
    gap = "follows step {} of story {!r}: the steps run 1…N with no gap"
    return [
        (lines[n], "step", gap.format(m, story), str(n))
        for m, n in itertools.pairwise(numbers)
        if n > m + 1
    ]


def _records(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on, its cells stripped; blank lines skipped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problem = Problem(line, "", "is not UTF-8 text (save the file as UTF-8)", source=name)
        raise EventTableError([problem]) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, start = [], 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                records.append((start, [cell.strip() for cell in row]))
            start = reader.line_num + 1
    except csv.Error as exc:
        problem = Problem(start, "", f"cannot be parsed as CSV ({exc})", source=name)
        raise EventTableError([problem]) from None
    return records
