"""Every limit the README states is the one the code (or deploy/haproxy.cfg) applies.

Each row is a phrase of the README with a `{}` where a number stands, and the number as the code
has it; the phrase, written with that number, must be in the README. A limit changed in the code
fails here until the README says the new one. The generated parts (`make docs`) are checked by
tests/test_docs.py.
"""

from __future__ import annotations

import re

import pytest
from helpers import ROOT

from timeline import docs, filters, io, schema, serving

# Whitespace made single: a phrase may be wrapped over lines.
README = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
HAPROXY = (ROOT / "deploy" / "haproxy.cfg").read_text(encoding="utf-8")
LIMITS = serving.Limits()


def haproxy(rule: str) -> int:
    """The number after `gt` in deploy/haproxy.cfg's rule on `rule` (e.g. `sc_conn_cur(0)`)."""
    return int(re.search(re.escape(rule) + r" gt (\d+)", HAPROXY)[1])


def words(n: int) -> str:
    return {2: "two", 5: "five"}[n]


NUMBERS = [
    ("of at most {:,} characters, with no `user@`", schema.MAX_LENGTHS["source_url"]),
    ("Ids are at most {:,} characters", schema.MAX_LENGTHS["id"]),
    ("At most {:,} MB, ", io.MAX_UPLOAD_MB),
    (" MB, {:,} rows and ", io.MAX_ROWS),
    (" rows and {:,} countries and", io.MAX_LINKS),
    ("a row naming every country counts {:,}", len(schema.country_names()) - 1),  # not AZE
    ("regular file of at most {:,} MB (`TIMELINE_MAX_DATA_MB`)", io.MAX_DATA_MB),
    ("A record of more than {:,} fields", io.MAX_FIELDS),
    ("problems are listed {:,} at a time", io.MAX_PROBLEMS),
    ("values cut to {:,} characters", io.SHOWN_MAX),
    ("A notice names at most {} values", words(filters.QUOTED_MAX)),
    ("values of at most {:,} characters each", filters.VALUE_MAX),
    ("A session may ask for {:g} runs a second", LIMITS.runs_per_second),
    ("runs a second ({:,} at once)", LIMITS.run_burst),
    ("one address for {:g} a second", LIMITS.client_runs_per_second),
    (" a second ({:,} at once), over all its sessions", LIMITS.client_run_burst),
    ("At most {:,} sessions per process", LIMITS.max_sessions),
    ("sessions per process and {:,} per address", LIMITS.sessions_per_client),
    ("asks for no run within {:g} s", LIMITS.first_message_seconds),
    ("Streamlit keeps a closed tab's session {:g} s", LIMITS.reconnect_seconds),
    ("reconnect may hold {:,} MB of uploads", LIMITS.reconnect_upload_mb),
    ("session holds its newest {} files", words(LIMITS.files_per_session)),
    ("the process at most {:,} MB of uploads", LIMITS.upload_mb),
    ("at most {:,} connections at once", haproxy("sc_conn_cur(0)")),
    ("{:,} new ones per 10 s", haproxy("sc_conn_rate(0)")),
    ("and {:,} requests per 10 s (beyond, 429)", haproxy("sc_http_req_rate(0)")),
]


@pytest.mark.parametrize(("phrase", "number"), NUMBERS, ids=[p for p, _ in NUMBERS])
def test_the_readme_states_the_codes_limit(phrase: str, number: object):
    assert " ".join(phrase.format(number).split()) in README


def test_a_page_silent_for_an_hour_is_what_the_code_closes():
    assert LIMITS.idle_seconds == 3600
    assert "a page silent for an hour" in README


def test_a_changed_limit_is_caught():
    phrase, number = NUMBERS[0]
    assert phrase.format(number + 1) not in README


# Prose a reader takes figures from; docs/curation's notes are dated records of their own.
PROSE = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "src/timeline/about.md"]
_COUNT = re.compile(r"\b(\d[\d,]*)\**\s+(?:events?|rows?)\b")
_LIMITS = {f"{n:,}" for _, n in NUMBERS if isinstance(n, int)}  # each checked above


def hand_written_counts(text: str, total: int) -> list[str]:
    """The counts of events or rows in `text` outside its generated parts (`make docs`) that
    are not a limit of the code, and any mention of the table's size `total` there."""
    for name in docs.PARTS:
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        while start in text:
            head, rest = text.split(start, 1)
            text = head + rest.split(end, 1)[1]
    text = " ".join(text.split())
    found = [m[0] for m in _COUNT.finditer(text) if m[1] not in _LIMITS]
    return found + re.findall(rf"(?<![\d,.]){total:,}(?![\d,]*\d)", text)


@pytest.mark.parametrize("path", PROSE, ids=lambda p: p.name)
def test_no_count_of_the_table_is_written_by_hand(path, events):
    """A count goes stale with the next row (the README said 421 events, the page 422): the
    docs' figures come from the table (docs.PARTS), or they go."""
    assert hand_written_counts(path.read_text(encoding="utf-8"), len(events)) == []


def test_a_hand_written_count_is_caught_and_a_generated_one_is_not(events):
    n = len(events)
    assert hand_written_counts("The table holds 421 events.", n) == ["421 events"]
    assert hand_written_counts(f"All **{n:,}** of them.", n) == [f"{n:,}"]
    assert hand_written_counts("with 3 rows and", n) == ["3 rows"]
    assert hand_written_counts(f"At most {io.MAX_ROWS:,} rows", n) == []  # a limit
    generated = f"<!-- record:start -->\n| **all** | **{n:,}** | 421 events\n<!-- record:end -->"
    assert hand_written_counts(generated, n) == []
