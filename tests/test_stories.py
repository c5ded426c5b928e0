"""The guided stories: data/stories.csv is valid against the shipped table and long enough, each
rule of `timeline.stories` refuses a broken file with the problem's line and column, and
`python -m timeline validate` checks the stories with the table."""

from __future__ import annotations

import itertools
import re

import pytest
from helpers import ROOT, SAMPLE, SHIPPED
from hypothesis import given
from hypothesis import strategies as st

from timeline.__main__ import main
from timeline.io import MAX_PROBLEMS, EventTableError
from timeline.stories import COLUMNS, LIMITS, Step, offered, read_stories

STORIES = ROOT / "data" / "stories.csv"
ISSUE_23 = {"karabakh", "independence", "oil-gas", "organizations", "caviar", "neighbours"}
HEADER = ",".join(COLUMNS)
IDS = {"a", "b", "c"}
INTRO = "k,0,,Karabakh,How it began."  # line 2 when first
STEP = "k,1,a,,Why a matters."


def read(*rows: str, header: str = HEADER) -> dict:
    return read_stories(("\n".join([header, *rows]) + "\n").encode(), IDS, name="s.csv")


def problems(*rows: str, header: str = HEADER) -> list[str]:
    with pytest.raises(EventTableError) as caught:
        read(*rows, header=header)
    return caught.value.messages()


# --- the shipped stories -----------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped(events):
    return read_stories(STORIES, events["id"])


def test_the_shipped_stories_are_the_six_of_issue_23_with_8_to_20_steps(shipped):
    assert set(shipped) >= ISSUE_23
    lengths = {story.id: len(story.steps) for story in shipped.values()}
    assert all(8 <= n <= 20 for n in lengths.values()), lengths


def test_every_shipped_step_is_an_event_of_the_table_and_once_in_its_story(shipped, events):
    known = set(events["id"])
    for story in shipped.values():
        ids = [step.event_id for step in story.steps]
        assert set(ids) <= known, story.id
        assert len(set(ids)) == len(ids), story.id


def test_the_shipped_steps_run_in_date_order(shipped, events):
    # A step may not end before the previous one starts: a year-dated event (`2006`) may follow
    # one of July 2006, since it may fall after it.
    when = events.set_index("id")
    for story in shipped.values():
        ids = [step.event_id for step in story.steps]
        late = [b for a, b in itertools.pairwise(ids) if when.at[b, "end"] < when.at[a, "start"]]
        assert not late, (story.id, late)


def test_no_shipped_caption_copies_its_events_description(shipped, events):
    # Eight words running, as in the row: a caption says why the event matters, in new words.
    description = events.set_index("id")["description"]

    def runs(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}

    copied = [
        (story.id, step.event_id)
        for story in shipped.values()
        for step in story.steps
        if runs(step.caption) & runs(description[step.event_id])
    ]
    assert not copied


# --- the reader ---------------------------------------------------------------------------


def test_stories_come_in_file_order_with_their_steps_in_step_order():
    stories = read("z,2,b,,Second.", "z,0,,Zed,Intro z.", INTRO, "z,1,a,,First.", STEP)
    assert list(stories) == ["z", "k"]
    z = stories["z"]
    assert (z.id, z.title, z.intro) == ("z", "Zed", "Intro z.")
    assert z.steps == (Step("a", "First."), Step("b", "Second."))


def test_cells_are_trimmed_and_blank_lines_skipped():
    stories = read(" k , 0 , , Karabakh , How it began. ", "", " k ,1, a ,, Why a matters. ")
    assert stories["k"].title == "Karabakh" and stories["k"].steps == (Step("a", "Why a matters."),)


def test_a_caption_at_the_limit_is_kept():
    caption = "x" * LIMITS["caption"]
    assert read(INTRO, f"k,1,a,,{caption}")["k"].steps[0].caption == caption


TOO_LONG = "x" * (LIMITS["caption"] + 1)
NOT_A_NUMBER = "is not a step number (0 for the introduction, then 1…N)"
GAP = "follows step {} of story 'k': the steps run 1…N with no gap"
SLUG = "is not a story id (lowercase letters and digits, joined by single hyphens)"
RULES = [
    # (id, rows, the one problem they make)
    ("unknown-event", [INTRO, "k,1,zz,,Why."], "3: event_id 'zz' is not an id of the event table"),
    ("step-without-event", [INTRO, "k,1,,,Why."], "3: event_id is empty"),
    (
        "event-on-step-0",
        ["k,0,a,K,Intro.", STEP],
        "2: event_id 'a' is for steps 1…N (step 0 is the introduction)",
    ),
    ("gap", [INTRO, STEP, "k,3,b,,Why."], "4: step '3' " + GAP.format(1)),
    ("gap-after-0", [INTRO, "k,2,b,,Why."], "3: step '2' " + GAP.format(0)),
    ("repeated-step", [INTRO, STEP, "k,1,b,,Why."], "4: step '1' is also on line 3 of story 'k'"),
    ("no-step-0", [STEP], "2: story 'k' has no step 0 (its title and introduction)"),
    ("no-steps", [INTRO], "2: story 'k' has no steps after its introduction (step 0)"),
    ("no-title", ["k,0,,,Intro.", STEP], "2: title is empty: step 0 gives the story's title"),
    (
        "title-on-a-step",
        [INTRO, "k,1,a,T,Why."],
        "3: title 'T' is for step 0 only (the story's title)",
    ),
    ("empty-caption", [INTRO, "k,1,a,,"], "3: caption is empty"),
    ("empty-introduction", ["k,0,,K,", STEP], "2: caption is empty"),
    (
        "long-caption",
        [INTRO, f"k,1,a,,{TOO_LONG}"],
        "3: caption is 401 characters; the limit is 400",
    ),
    ("long-title", [f"k,0,,{'T' * 81},Intro.", STEP], "2: title is 81 characters; the limit is 80"),
    (
        "bidi-caption",
        [INTRO, "k,1,a,,Why \u202e."],
        "3: caption holds an invisible bidirectional control character",
    ),
    ("step-not-a-number", [INTRO, STEP, "k,two,b,,Why."], "4: step 'two' " + NOT_A_NUMBER),
    ("step-negative", [INTRO, STEP, "k,-2,b,,Why."], "4: step '-2' " + NOT_A_NUMBER),
    ("step-not-ascii", [INTRO, STEP, "k,\u0662,b,,Why."], "4: step '\u0662' " + NOT_A_NUMBER),
    (
        "step-too-long",
        [INTRO, STEP, f"k,{'9' * 5000},b,,Why."],
        f"4: step '{'9' * 57}...' " + NOT_A_NUMBER,
    ),
    ("step-empty", [INTRO, STEP, "k,,b,,Why."], "4: step " + NOT_A_NUMBER),
    ("story-not-a-slug", ["Kara bakh,0,,K,Intro."], "2: story 'Kara bakh' " + SLUG),
    ("story-empty", [",0,,K,Intro."], "2: story is empty"),
    ("fields", [INTRO, "k,1,a,Why."], "3: has 4 fields, expected 5"),
]


@pytest.mark.parametrize(("rows", "expected"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_a_broken_row_is_refused_with_its_line_and_column(rows: list[str], expected: str):
    assert problems(*rows) == ["s.csv:" + expected]


COLUMNS_EXPECTED = "(expected: story,step,event_id,title,caption)"
HEADERS = [
    ("unknown", HEADER + ",notes", f"s.csv:1: notes is not a known column {COLUMNS_EXPECTED}"),
    ("missing", "story,step,event_id,caption", "s.csv:1: title is a missing column"),
    ("repeated", HEADER + ",step", "s.csv:1: step is a column named more than once"),
]


@pytest.mark.parametrize(
    ("header", "expected"), [h[1:] for h in HEADERS], ids=[h[0] for h in HEADERS]
)
def test_a_broken_header_is_refused_on_line_1(header: str, expected: str):
    assert problems(INTRO, STEP, header=header) == [expected]


NOT_STORIES = [
    ("empty", b"", f"s.csv: is empty: expected a header row ({HEADER}), then steps"),
    (
        "latin-1",
        f"{HEADER}\n{INTRO}\nk,1,a,,caf\xe9\n".encode("latin-1"),
        "s.csv:3: is not UTF-8 text",
    ),
    (
        "open-quote",
        f'{HEADER}\n{INTRO}\nk,1,a,,"never closed\n'.encode(),
        "s.csv:3: cannot be parsed",
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [n[1:] for n in NOT_STORIES], ids=[n[0] for n in NOT_STORIES]
)
def test_a_file_that_is_not_a_stories_table_is_refused(data: bytes, expected: str):
    with pytest.raises(EventTableError) as caught:
        read_stories(data, IDS, name="s.csv")
    assert [m[: len(expected)] for m in caught.value.messages()] == [expected]


def test_every_problem_is_reported_in_file_order():
    assert problems("k,0,,,Intro.", "k,1,zz,,", STEP, "k,3,b,,Why.") == [
        "s.csv:2: title is empty: step 0 gives the story's title",
        "s.csv:3: event_id 'zz' is not an id of the event table",
        "s.csv:3: caption is empty",
        "s.csv:4: step '1' is also on line 3 of story 'k'",
        "s.csv:5: step '3' follows step 1 of story 'k': the steps run 1…N with no gap",
    ]


def test_a_step_without_a_number_is_not_counted_as_a_gap():
    # Its number is the problem; "step 3 follows step 1" would send the reader the wrong way.
    assert problems(INTRO, STEP, "k,?,b,,Why.", "k,3,c,,Why.") == [
        "s.csv:4: step '?' is not a step number (0 for the introduction, then 1…N)"
    ]


ROW = st.lists(st.sampled_from(["k", "z", "0", "1", "2", "a", "zz", "", "T", "Why.", "1 1"]))


@pytest.mark.fuzz
@given(st.lists(ROW, max_size=8), st.text(alphabet=',"\n\r\x00\ufeffk01a', max_size=40))
def test_any_file_gives_stories_or_their_error(rows: list[list[str]], tail: str):
    data = "\n".join([HEADER, *(",".join(r) for r in rows)]) + tail
    try:
        stories = read_stories(data.encode("utf-8", "surrogatepass"), IDS, name="fuzz.csv")
    except EventTableError as exc:
        assert 1 <= len(exc.problems) <= MAX_PROBLEMS
        assert all(str(p).startswith("fuzz.csv:") for p in exc.problems)
        return
    for story in stories.values():
        assert story.title and story.intro and story.steps
        assert all(step.event_id in IDS and step.caption for step in story.steps)


# --- the command line ---------------------------------------------------------------------


def test_validate_checks_the_shipped_stories_with_the_shipped_table(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # the defaults are paths from the repository's root
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"OK: \d+ events, 1918–2020; \d+ stories, \d+ steps\n", out), out


def test_validate_refuses_broken_stories_with_their_lines_and_exit_1(tmp_path, capsys):
    bad = tmp_path / "stories.csv"
    bad.write_text(f"{HEADER}\nk,0,,K,Intro.\nk,1,no-such-event,,Why.\nk,3,,,\n")
    assert main(["validate", str(SHIPPED), "--stories", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{bad}:3: event_id 'no-such-event' is not an id of the event table",
        f"{bad}:4: step '3' follows step 1 of story 'k': the steps run 1…N with no gap",
        f"{bad}:4: event_id is empty",
        f"{bad}:4: caption is empty",
    ]  # a line's problems in column order
    assert err == "4 problems found\n"


def test_validate_of_another_table_leaves_the_shipped_stories_out(capsys):
    # data/stories.csv tells of the shipped table's events, not of any table's.
    assert main(["validate", str(SAMPLE)]) == 0
    assert "stor" not in capsys.readouterr().out


def test_a_table_is_offered_the_stories_whose_every_event_it_holds(tmp_path):
    path = tmp_path / "stories.csv"
    path.write_text("\n".join([HEADER, INTRO, STEP, "m,0,,M,Intro.", "m,1,zz,,Why zz."]) + "\n")
    assert [s.id for s in offered(path, {"a", "zz"})] == ["k", "m"]
    assert [s.id for s in offered(path, {"a"})] == ["k"]  # "m" needs an event the table lacks
    assert offered(path, {"b"}) == ()
    assert offered(tmp_path / "none.csv", {"a"}) == ()
    path.write_text(HEADER + "\nk,1,a,,\n")  # broken: no story is offered from it
    assert offered(path, {"a"}) == ()
