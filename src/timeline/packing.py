"""Where each event goes on the timeline: a row of its own in its category's lane, or a cluster
with its count, so that no two marks overlap at `PACK_WIDTH` (a laptop's plot); and the time
axis: its extent, the quiet stretches cut out of it, and its ticks.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

Stretch = tuple[pd.Timestamp, pd.Timestamp]

PACK_WIDTH = 560  # px of plot the marks are packed for
LABEL_WIDTH = 590  # px of plot the titles are fitted to
NARROW_WIDTH = 330  # px of plot on a phone: the titles are fitted to it too
MARK_PX = 13  # a mark's width and the least gap between two marks, at PACK_WIDTH
GAP_PX = 2  # marks closer than this touch
SLOT_PX = 13  # clusters are made of slots of the axis this wide
ROWS_MAX = 3  # rows per lane before events are drawn as clusters
LONG_DAYS = 30  # a period this long is kept out of a cluster, however short its bar
CHAR_PX = 6.4  # the average width of a character of a title, at 11 px sans-serif
LABEL_MIN_CHARS = 8  # a title cut shorter than this is not written at all
QUIET_YEARS = 12  # an empty stretch of the axis longer than this is cut out of it
_QUIET_MARGIN = pd.Timedelta(days=366)  # kept on each side of a cut
_TICK_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500)
_TICK_PX = 64  # the least room between two year labels, at LABEL_WIDTH
_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Axis:
    """The time axis: from `lo` to `hi`, with the `cuts` taking no width."""

    lo: pd.Timestamp
    hi: pd.Timestamp
    cuts: tuple[Stretch, ...] = ()

    def fraction(self, when: np.ndarray | pd.Series) -> np.ndarray:
        """Where each time falls across the plot: 0 at `lo`, 1 at `hi`."""
        t = _ms(when)
        lo, hi, cuts = self._in_ms
        shown, total = t - lo, hi - lo
        for a, b in cuts:
            shown = shown - np.clip(t - a, 0, b - a)
            total -= b - a
        return shown / total if total > 0 else np.zeros_like(t)

    def at(self, when: pd.Timestamp) -> float:
        """`fraction` of one time."""
        return float(self.fraction(np.array([when], dtype="datetime64[ms]"))[0])

    @functools.cached_property
    def _in_ms(self) -> tuple[float, float, tuple[tuple[float, float], ...]]:
        """`lo`, `hi` and the cuts within them, in milliseconds (`fraction` is asked often)."""
        lo, hi = _ms(np.array([self.lo, self.hi])).tolist()
        cuts = [
            (max(a, lo), min(b, hi)) for a, b in _ms(np.array(self.cuts)).reshape(-1, 2).tolist()
        ]
        return lo, hi, tuple((a, b) for a, b in cuts if b > a)

    def to_meta(self) -> dict[str, Any]:
        """The axis as plain JSON values (for a figure's meta)."""
        return {
            "lo": self.lo.isoformat(),
            "hi": self.hi.isoformat(),
            "cuts": [[a.isoformat(), b.isoformat()] for a, b in self.cuts],
        }

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> Axis:
        return cls(
            pd.Timestamp(meta["lo"]),
            pd.Timestamp(meta["hi"]),
            tuple((pd.Timestamp(a), pd.Timestamp(b)) for a, b in meta["cuts"]),
        )

    def time(self, fraction: float) -> pd.Timestamp:
        """The time at `fraction` of the plot's width (the inverse of `fraction`)."""
        lo, hi, cuts = self._in_ms
        t, left = lo, fraction * ((hi - lo) - sum(b - a for a, b in cuts))
        for a, b in sorted(cuts):
            if t + left <= a:
                break
            left, t = left - (a - t), b
        return pd.Timestamp(round(t + left), unit="ms")


def _ms(when: np.ndarray | pd.Series) -> np.ndarray:
    return np.asarray(when, dtype="datetime64[ms]").astype(np.int64).astype(float)


@dataclass(frozen=True)
class Layout:
    """The packed timeline. Per event: its `row` in its lane (-1 in a cluster), its `cluster`
    (-1 alone), whether it is a `bar`, and its `label` and `side` (see `_labels`) at
    `LABEL_WIDTH` and `NARROW_WIDTH` (two columns); per lane its `rows` and `bar_rows` (the top
    ones, of bars and periods); per cluster its lane, first, last, count, x0 and x1 (fractions)."""

    row: np.ndarray
    bar: np.ndarray
    cluster: np.ndarray
    label: np.ndarray
    side: np.ndarray
    rows: dict[str, int]
    bar_rows: dict[str, int]
    clusters: pd.DataFrame


def extents(
    start: pd.Series, end: pd.Series, ranged: np.ndarray, axis: Axis
) -> tuple[np.ndarray, np.ndarray]:
    """Each event's mark, left and right in pixels at `PACK_WIDTH`: a bar to the end of its
    last day, or `MARK_PX` around its date (or the middle of a period too short to see)."""
    x0 = axis.fraction(start) * PACK_WIDTH
    x1 = axis.fraction(np.asarray(end, dtype="datetime64[ms]") + _DAY) * PACK_WIDTH
    half = MARK_PX / 2
    point = ~ranged | (x1 - x0 < 2 * half)
    centre = np.where(ranged, (x0 + x1) / 2, x0)
    return np.where(point, centre - half, x0), np.where(point, centre + half, x1)


def _first_fit(
    x0: np.ndarray, x1: np.ndarray, items: np.ndarray, rows_max: int
) -> tuple[np.ndarray, list[int]]:
    """Rows for `items` (by start), first fit, at most `rows_max`; those left over apart."""
    row = np.full(len(x0), -1)
    ends: list[float] = []
    overflow = []
    # Python numbers, not numpy's: this loop runs once per mark.
    for i, start, stop in zip(items.tolist(), x0[items].tolist(), x1[items].tolist(), strict=True):
        for r, end in enumerate(ends):
            if end + GAP_PX <= start:
                ends[r], row[i] = stop, r
                break
        else:
            if len(ends) < rows_max:
                row[i] = len(ends)
                ends.append(stop)
            else:
                overflow.append(i)
    return row, overflow


def _runs(slots: set[int]) -> list[tuple[float, float]]:
    """Runs of neighbouring slots as spans in pixels."""
    k = np.array(sorted(slots), dtype=int)
    starts = k[np.r_[True, np.diff(k) > 1]] if len(k) else k
    ends = k[np.r_[np.diff(k) > 1, True]] + 1 if len(k) else k
    return list(zip((starts * SLOT_PX).tolist(), (ends * SLOT_PX).tolist(), strict=True))


def pack_lane(
    x0: np.ndarray, x1: np.ndarray, bar: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[tuple[float, float]], int]:
    """One lane: bars in rows of their own at the top, then marks in up to `ROWS_MAX` rows;
    where marks do not fit, their slots of the axis become a cluster. Returns each event's
    row and cluster (-1: none), the clusters' spans in pixels and the number of rows of bars."""
    n = len(x0)
    by_start = np.argsort(x0, kind="stable")
    bars, marks = by_start[bar[by_start]], by_start[~bar[by_start]]
    row, _ = _first_fit(x0, x1, bars, rows_max=n)
    below = int(row.max()) + 1 if len(bars) else 0
    middle = (x0 + x1) / 2
    dense: set[int] = set()
    member = np.zeros(n, dtype=bool)
    while True:
        spans = _runs(dense)
        member[:] = False
        for a, b in spans:
            member[marks] |= ((middle[marks] >= a) & (middle[marks] < b)) | (
                (x0[marks] < b - GAP_PX) & (x1[marks] > a + GAP_PX)
            )
        placed, overflow = _first_fit(x0, x1, marks[~member[marks]], ROWS_MAX)
        if not overflow:
            break
        for i in overflow:
            slot = int(middle[i] // SLOT_PX)
            nearer = slot - 1 if middle[i] - slot * SLOT_PX < SLOT_PX / 2 else slot + 1
            dense |= {slot, nearer}
    row[marks] = np.where(member[marks], -1, placed[marks] + below)
    cluster = np.full(n, -1)
    for k, (a, b) in enumerate(spans):
        cluster[member & (cluster < 0) & (x0 < b) & (x1 > a)] = k
    return row, cluster, spans, below


def _fitted(text: str, room_px: float) -> str:
    """`text` as much as fits in `room_px`: whole, cut at a word with "…", or nothing."""
    chars = int(room_px // CHAR_PX)
    if len(text) <= chars:
        return text
    if chars < LABEL_MIN_CHARS:
        return ""
    cut = text[: chars - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space >= LABEL_MIN_CHARS - 1 else cut).rstrip(" ,;:–-") + "…"


def _labels(
    x0: np.ndarray, x1: np.ndarray, row: np.ndarray, spans: list, texts: Sequence[str], below: int
) -> tuple[np.ndarray, np.ndarray]:
    """The title of each mark that has a row and its side (0 inside its bar, 1 after the mark,
    -1 before it), on a plot `LABEL_WIDTH` and one `NARROW_WIDTH` wide (two columns): whole
    titles first, where they fit in that order; then cut ones, to the largest room left."""
    out, side = np.full((len(x0), 2), "", dtype=object), np.ones((len(x0), 2), dtype=int)
    for w, width in enumerate((LABEL_WIDTH, NARROW_WIDTH)):
        scale = width / PACK_WIDTH
        # A bar scales with the plot; a mark keeps its size in pixels.
        half = np.where(x1 - x0 > MARK_PX + 1e-9, (x1 - x0) * scale, MARK_PX) / 2
        lo, hi = (((x0 + x1) / 2 * scale + sign * half).tolist() for sign in (-1, 1))
        for r in set(row[row >= 0].tolist()):
            items = sorted(np.flatnonzero(row == r).tolist(), key=lo.__getitem__)
            boxes = [(a * scale, b * scale) for a, b in spans] if r >= below else []
            taken = [(lo[i], hi[i]) for i in items] + boxes  # and then titles
            for whole_only, i in itertools.product((True, False), items):
                if out[i, w]:
                    continue
                text = str(texts[i])
                rooms = {
                    0: hi[i] - lo[i] - 8 if half[i] > MARK_PX / 2 else -8.0,
                    # To the nearest thing in the row that ends after it (starts before it).
                    1: min((a for a, b in taken if b > hi[i]), default=width) - hi[i] - 8,
                    -1: lo[i] - max((b for a, b in taken if a < lo[i]), default=0) - 8,
                }
                whole = [s for s, room in rooms.items() if room >= len(text) * CHAR_PX]
                if whole_only and not whole:
                    continue
                s = whole[0] if whole else max(rooms, key=rooms.__getitem__)
                out[i, w], side[i, w] = _fitted(text, rooms[s]), s
                used = len(out[i, w]) * CHAR_PX + 8
                if s:
                    taken.append((hi[i], hi[i] + used) if s > 0 else (lo[i] - used, lo[i]))
    return out, side


def pack(
    lane: np.ndarray,
    start: pd.Series,
    end: pd.Series,
    ranged: np.ndarray,
    texts: Sequence[str],
    axis: Axis,
) -> Layout:
    """Pack every lane of the timeline (see `pack_lane`); `texts` are the titles to write."""
    x0, x1 = extents(start, end, ranged, axis)
    bar = ranged & (x1 - x0 > MARK_PX + 1e-9)
    long = ranged & (np.asarray(end) - np.asarray(start) >= pd.Timedelta(days=LONG_DAYS))
    n = len(lane)
    row, cluster = np.full(n, -1), np.full(n, -1)
    label, side = np.full((n, 2), "", dtype=object), np.ones((n, 2), dtype=int)
    rows: dict[str, int] = {}
    bar_rows: dict[str, int] = {}
    found = []
    # A one-date event counts at its date, where its mark is: "1992" must not stretch a
    # cluster to the end of 1992, or zooming to the cluster would never separate its events.
    starts = np.asarray(start)
    ends = np.where(ranged, np.asarray(end), starts)
    for name in dict.fromkeys(lane.tolist()):
        idx = np.flatnonzero(lane == name)
        titles = [texts[i] for i in idx.tolist()]
        r, c, spans, below = pack_lane(x0[idx], x1[idx], bar[idx])
        # A long period (a war) that would hide in a cluster takes a row with the bars, with
        # room for its title before it on a phone, when they all fit in one more row.
        caught = long[idx] & (c >= 0)
        if caught.any():
            room = np.array([len(t) for t in titles]) * CHAR_PX * PACK_WIDTH / NARROW_WIDTH
            left = np.where(caught, x0[idx] - room, x0[idx])
            lifted = pack_lane(left, x1[idx], bar[idx] | caught)
            if lifted[3] <= below + 1:
                r, c, spans, below = lifted
        row[idx] = r
        rows[name] = int(max(r.max() + 1, below + 1 if spans else 1))
        bar_rows[name] = below
        label[idx], side[idx] = _labels(x0[idx], x1[idx], r, spans, titles, below)
        for k, (a, b) in enumerate(spans):
            members = idx[c == k]
            cluster[members] = len(found)
            first, last = starts[members].min(), ends[members].max()
            found.append((name, first, last, len(members), a / PACK_WIDTH, b / PACK_WIDTH))
    clusters = pd.DataFrame(found, columns=["lane", "first", "last", "count", "x0", "x1"])
    return Layout(row, bar, cluster, label, side, rows, bar_rows, clusters)


def time_span(df: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The timeline's x range: every event's period, padded a little."""
    lo = pd.Timestamp(df["start"].min())
    hi = pd.Timestamp(df["end"].max()) + pd.Timedelta(days=1)
    pad = max((hi - lo) * 0.02, pd.Timedelta(days=15))
    return lo - pad, hi + pad


def quiet_stretches(df: pd.DataFrame, years: int = QUIET_YEARS) -> list[Stretch]:
    """The stretches of over `years` with no event under way, less a year at each end."""
    if df.empty:
        return []
    order = np.argsort(df["start"].to_numpy(), kind="stable")
    starts = df["start"].to_numpy()[order]
    ends = np.maximum.accumulate((df["end"].to_numpy() + _DAY)[order])
    longer = pd.Timedelta(days=365.25 * years).to_timedelta64()
    gaps = np.flatnonzero((starts[1:] > ends[:-1]) & (starts[1:] - ends[:-1] > longer))
    return [
        (pd.Timestamp(ends[i]) + _QUIET_MARGIN, pd.Timestamp(starts[i + 1]) - _QUIET_MARGIN)
        for i in gaps
    ]


def timeline_axis(df: pd.DataFrame, window: Stretch | None = None) -> Axis:
    """The time axis of the events `df` in `window` (first and last day; None: their span)."""
    lo, hi = time_span(df) if window is None else (window[0], window[1] + pd.Timedelta(days=1))
    return Axis(lo, hi, tuple(quiet_stretches(df)))


def year_ticks(axis: Axis) -> list[pd.Timestamp]:
    """Where the time axis is labelled: round years (or months), at least `_TICK_PX` apart."""
    span_years = (axis.hi - axis.lo) / pd.Timedelta(days=365.25)
    if span_years < 2:
        candidates = list(pd.date_range(axis.lo.normalize(), axis.hi, freq="MS"))
    else:
        visible = span_years - sum(
            (min(b, axis.hi) - max(a, axis.lo)) / pd.Timedelta(days=365.25)
            for a, b in axis.cuts
            if b > axis.lo and a < axis.hi
        )
        px_per_year = LABEL_WIDTH / max(visible, 1e-9)
        step = next((s for s in _TICK_STEPS if s * px_per_year >= _TICK_PX), _TICK_STEPS[-1])
        first = (axis.lo.year // step + 1) * step
        candidates = [
            pd.Timestamp(year=y, month=1, day=1) for y in range(first, axis.hi.year + 1, step)
        ]
        # Each stretch labelled: the first year after each cut.
        candidates += [pd.Timestamp(year=b.year + 1, month=1, day=1) for _, b in axis.cuts]
    shown, last = [], -np.inf
    for t in sorted(set(candidates)):
        if not axis.lo <= t <= axis.hi or any(a < t < b for a, b in axis.cuts):
            continue
        x = axis.at(t) * LABEL_WIDTH
        if x - last >= _TICK_PX:
            shown.append(t)
            last = x
    return shown


def tick_text(t: pd.Timestamp, ticks: list[pd.Timestamp]) -> str:
    months = len(ticks) > 1 and any(x.month != 1 for x in ticks)
    return t.strftime("%b %Y") if months else str(t.year)
