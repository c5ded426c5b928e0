"""The timeline's packing: no two marks overlap, crowded stretches become clusters, titles fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from timeline import packing
from timeline.packing import GAP_PX, PACK_WIDTH, ROWS_MAX, Axis

AXIS = Axis(pd.Timestamp("1990-01-01"), pd.Timestamp("2000-01-01"))


def days(*offsets: int) -> pd.Series:
    return pd.Series(pd.Timestamp("1990-01-01") + pd.to_timedelta(list(offsets), unit="D"))


def test_the_axis_gives_no_width_to_its_cuts_and_inverts():
    axis = Axis(
        pd.Timestamp("1900-01-01"),
        pd.Timestamp("2000-01-01"),
        ((pd.Timestamp("1910-01-01"), pd.Timestamp("1990-01-01")),),
    )
    at = axis.fraction(np.array(["1900-01-01", "1910-01-01", "1950-01-01", "1990-01-01",
                                 "2000-01-01"], dtype="datetime64[ms]"))  # fmt: skip
    assert at[0] == 0 and at[-1] == 1
    assert at[1] == at[2] == at[3]  # the cut stretch takes no width
    assert abs(at[1] - 0.5) < 0.01  # 1900-1910 and 1990-2000 share the width
    for when in ("1905-06-01", "1995-03-01"):
        t = pd.Timestamp(when)
        assert abs(axis.time(axis.fraction(np.array([t]))[0]) - t) < pd.Timedelta(seconds=1)
    assert Axis.from_meta(axis.to_meta()) == axis


def test_marks_on_the_same_day_take_rows_then_make_a_cluster():
    n = ROWS_MAX + 2
    start = days(*[100] * n)
    x0, x1 = packing.extents(start, start, np.zeros(n, dtype=bool), AXIS)
    row, cluster, spans, bars = packing.pack_lane(x0, x1, np.zeros(n, dtype=bool))
    assert bars == 0 and len(spans) == 1
    assert (cluster == 0).all() and (row == -1).all()  # all of them: they overlap one another


def test_marks_apart_keep_one_row():
    start = days(0, 400, 800, 1200)
    x0, x1 = packing.extents(start, start, np.zeros(4, dtype=bool), AXIS)
    row, cluster, spans, _ = packing.pack_lane(x0, x1, np.zeros(4, dtype=bool))
    assert row.tolist() == [0, 0, 0, 0] and spans == [] and (cluster == -1).all()


def test_bars_get_rows_of_their_own_above_the_marks():
    start, end = days(0, 100, 150), days(2000, 100, 150)
    ranged = np.array([True, False, False])
    x0, x1 = packing.extents(start, end, ranged, AXIS)
    row, _, _, bars = packing.pack_lane(x0, x1, np.array([True, False, False]))
    assert bars == 1 and row.tolist() == [0, 1, 2]  # the bar alone in row 0, the marks above


@given(st.lists(st.tuples(st.integers(0, 3650), st.integers(0, 400), st.booleans()), max_size=60))
def test_no_two_marks_overlap_and_every_event_is_placed_once(events):
    start = days(*[s for s, _, _ in events])
    end = days(*[s + (d if r else 0) for s, d, r in events])
    ranged = np.array([r and d > 0 for _, d, r in events], dtype=bool)
    lane = np.array(["war"] * len(events))
    layout = packing.pack(lane, start, end, ranged, ["Title"] * len(events), AXIS)
    x0, x1 = packing.extents(start, end, ranged, AXIS)
    alone = layout.cluster < 0
    assert ((layout.row >= 0) == alone).all()  # each event: a row or a cluster, never both
    assert layout.clusters["count"].sum() == (~alone).sum()
    for r in set(layout.row[alone].tolist()):
        items = np.flatnonzero(layout.row == r)
        items = items[np.argsort(x0[items])]
        assert (x0[items][1:] >= x1[items][:-1] + GAP_PX - 1e-9).all()  # no overlap in a row
    bars = layout.bar_rows.get("war", 0)
    for _, c in layout.clusters.iterrows():  # clusters keep clear of the marks under the bars
        a, b = c["x0"] * PACK_WIDTH, c["x1"] * PACK_WIDTH
        marks = alone & (layout.row >= bars)
        assert not ((x0[marks] < b - GAP_PX) & (x1[marks] > a + GAP_PX)).any()
    assert layout.rows["war"] <= bars + ROWS_MAX if len(events) else True


def test_a_title_is_cut_to_its_room_or_left_out():
    assert packing._fitted("Bishkek Protocol", 500) == "Bishkek Protocol"
    cut = packing._fitted("Bishkek Protocol calls for a ceasefire", 20 * packing.CHAR_PX)
    assert cut.endswith("…") and len(cut) <= 20 and cut.startswith("Bishkek Protocol")
    assert packing._fitted("Bishkek Protocol", 3 * packing.CHAR_PX) == ""


def test_titles_stop_before_the_next_mark_in_their_row():
    start = days(0, 730)
    x0, x1 = packing.extents(start, start, np.zeros(2, dtype=bool), AXIS)
    layout = packing.pack(np.array(["war", "war"]), start, start, np.zeros(2, dtype=bool),
                          ["A very long title that cannot fit", "B"], AXIS)  # fmt: skip
    room = (x0[1] - x1[0]) * packing.LABEL_WIDTH / PACK_WIDTH
    assert layout.row.tolist() == [0, 0]  # two years apart: one row
    assert layout.side[0, 0] == 1 and len(layout.label[0, 0]) * packing.CHAR_PX <= room
    assert 0 < len(layout.label[0, 0]) < len("A very long title that cannot fit")


WIDTHS = (packing.LABEL_WIDTH, packing.NARROW_WIDTH)


@given(
    st.lists(
        st.tuples(st.integers(0, 3650), st.integers(0, 900), st.booleans(), st.integers(0, 60)),
        max_size=60,
    )
)
def test_no_title_overlaps_a_mark_a_cluster_or_another_title_on_either_plot(events):
    start = days(*[s for s, _, _, _ in events])
    end = days(*[s + (d if r else 0) for s, d, r, _ in events])
    ranged = np.array([r and d > 0 for _, d, r, _ in events], dtype=bool)
    texts = ["Word " * (n // 5) + "x" * (n % 5) for *_, n in events]
    layout = packing.pack(np.array(["war"] * len(events)), start, end, ranged, texts, AXIS)
    x0, x1 = packing.extents(start, end, ranged, AXIS)
    for w, width in enumerate(WIDTHS):
        k = width / PACK_WIDTH
        # Where each mark is drawn on this plot: a bar scaled, a mark its own size around it.
        half = np.where(layout.bar, (x1 - x0) * k, packing.MARK_PX) / 2
        lo, hi = (x0 + x1) / 2 * k - half, (x0 + x1) / 2 * k + half
        for r in set(layout.row[layout.row >= 0].tolist()):
            items = np.flatnonzero(layout.row == r)
            things = [(lo[i], hi[i]) for i in items]
            if r >= layout.bar_rows.get("war", 0):
                things += [(a * width, b * width) for a, b in layout.clusters[["x0", "x1"]].values]
            titles = []
            for i in items[layout.label[items, w] != ""]:
                used = len(layout.label[i, w]) * packing.CHAR_PX
                side = layout.side[i, w]
                if side == 0:  # inside its bar
                    assert layout.bar[i] and used <= hi[i] - lo[i]
                    continue
                titles.append((hi[i], hi[i] + used) if side > 0 else (lo[i] - used, lo[i]))
                assert titles[-1][0] >= 0 and titles[-1][1] <= width
            for n, (a, b) in enumerate(titles):
                overlaps = [(c, d) for c, d in things + titles[:n] if c < b and d > a]
                assert not overlaps, (width, (a, b), overlaps)


def test_a_title_goes_before_its_mark_where_only_there_it_fits():
    start = days(3600)  # near the right edge: no room after it
    layout = packing.pack(np.array(["war"]), start, start, np.array([False]), ["Bishkek"], AXIS)
    assert layout.label[0].tolist() == ["Bishkek"] * 2 and layout.side[0].tolist() == [-1, -1]


def test_a_long_bar_has_its_title_inside_it():
    start, end = days(100), days(3000)
    layout = packing.pack(np.array(["war"]), start, end, np.array([True]), ["A war"], AXIS)
    assert layout.label[0].tolist() == ["A war"] * 2 and layout.side[0].tolist() == [0, 0]


def test_a_long_period_is_never_in_a_cluster_a_short_one_may_be():
    crowd = [200] * 12  # one-day events on one day: a cluster
    start = days(*crowd, 195, 199)
    end = days(*crowd, 195 + packing.LONG_DAYS, 200)  # a month-long period, a two-day one
    ranged = np.array([False] * 12 + [True, True])
    texts = ["Event"] * 12 + ["The war", "A battle"]
    layout = packing.pack(np.array(["war"] * 14), start, end, ranged, texts, AXIS)
    assert not layout.bar.any()  # both too short for a bar at this scale
    assert layout.cluster[12] == -1 and layout.row[12] < layout.bar_rows["war"]
    assert layout.cluster[13] >= 0  # a short period among a crowd of days is one of them
    assert layout.label[12].tolist() == ["The war"] * 2  # with room for its title


def test_a_date_given_only_as_a_year_counts_at_its_mark_in_a_clusters_span():
    """Issue 25.1: "1992" (1 January to 31 December, drawn as a mark at its start) must not
    stretch a cluster to the end of 1992: zooming to that span would never part its events."""
    start = days(*[720] * 5, 725, 730)  # 22 and 27 December 1991, and "1992"
    end = days(*[720] * 5, 725, 730 + 365)
    layout = packing.pack(np.array(["recognition"] * 7), start, end, np.zeros(7, dtype=bool),
                          ["T"] * 7, AXIS)  # fmt: skip
    ((first, last),) = layout.clusters[["first", "last"]].itertuples(index=False)
    assert (layout.cluster == 0).all()
    assert (first, last) == (pd.Timestamp("1991-12-22"), pd.Timestamp("1992-01-01"))
