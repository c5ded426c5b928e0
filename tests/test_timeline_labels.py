"""Issue 25.5: the timeline's biggest events have their titles (inside a long bar, before a mark
with no room after it, a war never hidden in a cluster), on a phone's plot too, and the names
of the periods never run together."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest
from helpers import SHIPPED, event_ids, traces
from theme import TEXT_MIN, contrast

from timeline import packing, schema, timeline_chart
from timeline.filters import FilterState, apply_filters, prepare
from timeline.io import read_events
from timeline.palette import BAR_OPACITY, DARK, LIGHT, with_alpha

FIRST_WAR = "First Nagorno-Karabakh War"
SECOND_WAR = "Second Nagorno-Karabakh War"
WAR_2020 = "2020-09-27-second-nagorno-karabakh-war"
BAND_CHAR_PX = 7.2  # a period's name: 12 px, semi-bold (timeline_chart._band_label)


@cache
def shipped() -> pd.DataFrame:
    return prepare(read_events(SHIPPED))


def timeline(pal=LIGHT, **state):
    years = state.get("years")
    window = timeline_chart.timeline_window(None, years) if years else None
    df = apply_filters(shipped(), FilterState(**state))
    return timeline_chart.timeline(df, None, window, pal)


def titles(fig, on: tuple[str, ...] = ("any", "wide", "narrow")) -> list[tuple[str, float, str]]:
    """The titles drawn on plots of these widths: text (without its spacing), x, position."""
    return [
        (text.strip("\u2002"), x, where)
        for trace in traces(fig, kind="titles")
        if trace.meta["on"] in on
        for text, x, where in zip(trace.text, trace.x, trace.textposition, strict=True)
    ]


def texts(fig, on: str) -> list[str]:
    return [text for text, _, _ in titles(fig, ("any", on))]


@pytest.mark.parametrize("pal", [LIGHT, DARK], ids=["light", "dark"])
def test_a_long_bar_has_its_title_inside_it_in_black_or_white_as_reads_best(pal):
    fig = timeline(pal, categories=("war", "ceasefire"), years=(1988, 1994))
    (bars,) = traces(fig, kind="ranged")
    base = dict(zip((c[1] for c in bars.customdata), bars.base, strict=True))[FIRST_WAR]
    (trace,) = [t for t in traces(fig, kind="titles") if FIRST_WAR in map(str.strip, t.text)]
    assert trace.meta["on"] == "any"  # a phone's plot has room for it too
    k = [t.strip() for t in trace.text].index(FIRST_WAR)
    assert (trace.x[k], trace.textposition[k]) == (base, "middle right")  # from its start on
    bar = with_alpha(pal.category["war"], BAR_OPACITY)
    assert contrast(trace.textfont.color[k], pal.background, bar) >= TEXT_MIN


def test_a_title_with_no_room_after_its_mark_goes_before_it():
    fig = timeline(categories=("war", "ceasefire"), years=(1988, 1994))
    bishkek = "Bishkek Protocol calls for a ceasefire in Nagorno-Karabakh"  # at the plot's end
    (point,) = traces(fig, kind="point")
    x = dict(zip((c[1] for c in point.customdata), point.x, strict=True))[bishkek]
    assert (bishkek, x, "middle left") in titles(fig, ("any", "wide"))


@pytest.mark.parametrize("state", [{}, {"categories": ("war",)}], ids=["all", "wars"])
def test_the_2020_war_is_drawn_on_its_own_with_its_title(state):
    fig = timeline(**state)
    assert WAR_2020 in event_ids(fig)  # not in a cluster with its battles
    assert any(t.startswith("Second Nagorno-Karaba") for t in texts(fig, "wide"))
    if state:  # with the wars alone, whole on any plot
        assert SECOND_WAR in texts(fig, "wide") and SECOND_WAR in texts(fig, "narrow")


def test_a_phone_has_titles_of_its_own_and_a_wide_plot_its_own():
    fig = timeline()
    narrow, wide = texts(fig, "narrow"), texts(fig, "wide")
    assert len(narrow) >= 20 and len(wide) > len(narrow)
    assert FIRST_WAR in narrow and FIRST_WAR in wide
    # Each fits a phone's plot where it stands, or it is left to the wide plot's trace.
    for text, x, where in titles(fig, ("any", "narrow")):
        used = len(text) * packing.CHAR_PX
        start = x * packing.NARROW_WIDTH - (used if where == "middle left" else 0)
        assert start >= 0 and start + used <= packing.NARROW_WIDTH, text


@pytest.mark.parametrize(
    "state",
    [{}, {"categories": ("war",)}, {"years": (1988, 1994)}, {"years": (1991, 2000)}],
    ids=["all", "wars", "1988-1994", "1991-2000"],
)
def test_the_names_of_the_periods_never_run_together_on_a_phone(state):
    fig = timeline(**state)
    notes = [a for a in fig.layout.annotations if (a.name or "").startswith("band: ")]
    ends = {label: last for label, _, last in schema.PERIODS}
    axis = timeline_chart.axis_of(fig)
    for note in notes:
        last = ends[note.name.removeprefix("band: ")]
        end = axis.at(pd.Timestamp(last)) if last else 1.0
        right = note.x * packing.NARROW_WIDTH + len(note.text) * BAND_CHAR_PX
        assert right <= end * packing.NARROW_WIDTH, note.text  # within its own band
    if not state:
        assert [n.text for n in notes] == ["Soviet", "Independence"]  # both named
