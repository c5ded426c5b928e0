"""The dashboard's Plotly figures, built from a (filtered) event frame.

Every event point carries `customdata = [event_id, title, date, category, countries, place]` so
that a click can be mapped back to the event (`selection.selected_event_id`). Text from the table is
HTML-escaped (`escape_text`) before it reaches any text a figure draws: Plotly renders tags there.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from timeline import packing, palette, schema
from timeline.filters import categories_present
from timeline.labels import label_texts, period_label
from timeline.packing import Stretch
from timeline.selection import ZOOM_PREFIX, Span

WEBGL_FROM = 5000  # draw markers with WebGL from this many points on
# Above this many events the timeline shows per-lane density, not each event: thousands of SVG
# bars take the browser many seconds (bench/results.md), and nobody can read them anyway.
DETAIL_MAX = 5000
# Above this many located events the places map shows one circle per place or grid cell.
PLACES_MAX = 2000
_GRID_DEGREES = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
# The maps open on the region of the events (`region_extent`): those nearest their middle that
# make up this share of them, so that a few far away (the UN in New York, one event in Brazil)
# do not make it the world. The whole world is one click away.
REGION_SHARE = 0.85
# The countries map counts every country an event names, and the record names some 120 states
# once or twice each (their diplomatic relations), all over the world: its region is the
# nearest share of those mentions that keeps the countries of most events in view.
COUNTRY_REGION_SHARE = 0.6
REGION_PAD = 8.0  # degrees of margin around the region's events
REGION_MIN_LAT = 24.0  # degrees of latitude at least: one place shows the region around it
MAP_ASPECT = 1.8  # the map's width over its height, which the extent takes
HOVER_TITLES = 10  # a place's hover lists this many of its events, then counts the rest
HOVER_TITLE_MAX = 70  # characters of a title in that list
BASE_MAP = Path(__file__).resolve().parents[2] / "static" / "world_110m.json"
# Never more periods (heatmap cells) per lane than the plot is wide in pixels.
MAX_BINS = 1000
# Periods for density, finest first: (pandas frequency, how a person says it, label format).
_BIN_SIZES: tuple[tuple[str, str, str], ...] = (
    ("D", "day", "%d %b %Y"),
    ("W", "week", "week of %d %b %Y"),
    ("M", "month", "%b %Y"),
    ("Q", "quarter", "Q%q %Y"),
    ("Y", "year", "%Y"),
)
_EVENT_HOVER = (
    "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}"
    "<br>%{customdata[4]}<extra></extra>"
)
_NO_EVENTS = "No events match the filters"
_FONT = {"family": "sans-serif"}


def escape_text(text: str) -> str:
    """`text` safe in any text Plotly draws (labels, hover, annotations, names): `&`, `<` and
    `>` as entities, which Plotly decodes and shows literally; it would render tags. The one
    escape of every figure (`escape`, `_escaped` and relations use it)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def escape(values: pd.Series) -> pd.Series:
    """`escape_text` of each value."""
    return pd.Series(_escaped(values), index=values.index, dtype="string")


def _escaped(values: pd.Series | np.ndarray) -> np.ndarray:
    """`escape` as an object array of str (missing values "")."""
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=object, na_value="")
    out = np.empty(len(values), dtype=object)
    out[:] = [escape_text("" if t is None else t if isinstance(t, str) else str(t)) for t in values]
    return out


def _customdata(df: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
    """The events' customdata (those at positions `rows`; default all): id, then escaped:
    title, date, category, countries ("—" for none) and place."""
    part = df if rows is None else df.iloc[rows]
    texts = label_texts(part, ("date", "category", "countries"))
    countries = texts["countries"]
    columns = [
        part["id"].astype(str).to_numpy(dtype=object),
        _escaped(part["title"]),
        _escaped(texts["date"]),
        _escaped(texts["category"]),
        _escaped(np.where(countries == "", "—", countries)),
        _escaped(part["location"]),
    ]
    out = np.empty((len(part), len(columns)), dtype=object)
    for i, column in enumerate(columns):
        out[:, i] = column
    return out


Spec = dict[str, Any]  # a figure as plain data: {"data": [trace dicts], "layout": {...}}


# Plotly's "none" template, as Plotly writes it (so that validation leaves it as it is).
NO_TEMPLATE: Spec = {"data": {"scatter": [{"type": "scatter"}]}}


def figure(spec: Spec) -> go.Figure:
    """The Figure of `spec` (`{"data": [trace dicts, each with its "type"], "layout": {...}}`,
    and "frames" for an animation): every figure of the app is built as a spec and made here."""
    # Not validated: Plotly checks every property of every trace, shape and annotation against
    # its schema as it builds the objects, which cost most of a figure's build. The specs are
    # plain dicts written against that schema; tests/test_figure_specs.py builds every figure
    # the app shows with full validation and checks that it comes out the same.
    # An animation's frames are validated all the same: go.Figure does not pass `_validate`
    # on to them, and an unvalidated Frame cannot be read back (`frame.data` fails).
    # No template of Plotly's or Streamlit's: the page draws each chart in Streamlit's theme
    # itself (st.plotly_chart's theme="streamlit"), the same with it or without. Copied into
    # every figure, it was a tenth of the bytes sent per chart, and most of making a Figure.
    layout = spec.get("layout") or {}
    if "template" not in layout:
        spec = {**spec, "layout": {**layout, "template": NO_TEMPLATE}}
    return go.Figure(spec, _validate=False)


def say(layout: Spec, message: str) -> None:
    """`message` across the middle of a figure (its `layout` spec) that has nothing to draw."""
    layout.setdefault("annotations", []).append(
        {
            "text": message,
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "font": {"size": 16},
        }
    )


def _empty(layout: Spec, message: str = _NO_EVENTS) -> go.Figure:
    return figure(_empty_spec(layout, message))


def _empty_spec(layout: Spec, message: str = _NO_EVENTS) -> Spec:
    say(layout, message)
    palette.merge(layout, {"xaxis": {"visible": False}, "yaxis": {"visible": False}})
    return {"data": [], "layout": layout}


def _title(text: str) -> dict[str, Any]:
    return {"text": text, "x": 0, "xanchor": "left"}


def is_ranged(df: pd.DataFrame) -> pd.Series:
    """Events drawn as bars: those with an end date different from their start date."""
    end = df["end_date"].astype(str)
    return (end != "") & (end != df["start_date"].astype(str))


def lanes(df: pd.DataFrame) -> list[str]:
    """The timeline's lanes, top to bottom: the categories present, in schema order."""
    return list(categories_present(df))


def _category_codes(df: pd.DataFrame, categories: list[str]) -> np.ndarray:
    """Each row's position in `categories` (-1 when not there), from the category column's
    codes: a million rows of `.astype(str)` cost a quarter of a second on every rerun."""
    column = df["category"]
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype("category")
    return column.cat.set_categories(categories).cat.codes.to_numpy()


def _time_span(df: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The timeline's x range: every event's period, padded a little."""
    lo = pd.Timestamp(df["start"].min())
    hi = pd.Timestamp(df["end"].max()) + pd.Timedelta(days=1)
    pad = max((hi - lo) * 0.02, pd.Timedelta(days=15))
    return lo - pad, hi + pad


QUIET_YEARS = 12  # an empty stretch of the axis longer than this is cut out of it
_QUIET_MARGIN = pd.Timedelta(days=366)  # kept on each side of a cut


def quiet_stretches(df: pd.DataFrame, years: int = QUIET_YEARS) -> list[Stretch]:
    """The stretches of time in which no event of `df` is under way and that are longer than
    `years`, less a year at each end: the timeline cuts them out of its axis, so that its
    width goes to the decades with events (1921-1987 in the shipped table)."""
    if df.empty:
        return []
    order = np.argsort(df["start"].to_numpy(), kind="stable")
    starts = df["start"].to_numpy()[order]
    ends = np.maximum.accumulate((df["end"].to_numpy() + np.timedelta64(1, "D"))[order])
    longer = pd.Timedelta(days=365.25 * years).to_timedelta64()
    gaps = np.flatnonzero((starts[1:] > ends[:-1]) & (starts[1:] - ends[:-1] > longer))
    return [
        (pd.Timestamp(ends[i]) + _QUIET_MARGIN, pd.Timestamp(starts[i + 1]) - _QUIET_MARGIN)
        for i in gaps
    ]


def timeline_axis(df: pd.DataFrame, window: Stretch | None = None) -> packing.Axis:
    """The timeline's time axis for the events `df` in `window` (first and last day; None: the
    events' whole span), with the long quiet stretches cut out."""
    lo, hi = _time_span(df) if window is None else (window[0], window[1] + pd.Timedelta(days=1))
    return packing.Axis(lo, hi, tuple(quiet_stretches(df)))


def timeline(
    df: pd.DataFrame, selected: str | None = None, window: Stretch | None = None
) -> go.Figure:
    """Ranged events as bars, other events as markers, one lane per category, over faint bands
    for the periods of statehood; the events' short titles beside the marks with room.

    Marks are packed into rows (`packing`): where a lane is too crowded for its rows, a
    cluster mark gives the count, and a click on it zooms in. `window` (first, last day) is
    the stretch of time the axis shows; by default the events' whole span. Long quiet
    stretches are cut out of the axis. Its x is the fraction of the plot's width
    (`timeline_axis(...).fraction`): Plotly does not draw bars on a date axis with breaks.
    Above `DETAIL_MAX` events the lanes show density instead (`timeline_density`).
    The `selected` event is ringed (`ringed`: the rest is `timeline_parts`)."""
    return ringed(timeline_parts(df, window), df, selected)


@dataclass(frozen=True)
class TimelineParts:
    """The timeline of some events without a selected event, and where the ring of each of
    them goes: made once per filter state and window, ringed per selected event (`ringed`).
    Shared: nothing changes `spec` (`ringed` makes a new one)."""

    spec: Spec
    ids: np.ndarray  # the events drawn, in the frame's order
    ring_x: np.ndarray  # where each one's ring goes: on its mark, or its cluster's middle
    ring_y: np.ndarray
    density: bool = False  # drawn as density (`timeline_density`), which rings by itself


def ringed(parts: TimelineParts, df: pd.DataFrame, selected: str | None) -> go.Figure:
    """The timeline of `parts` with the event `selected` of `df` ringed, when it is drawn."""
    if parts.density:
        return timeline_density(df, selected)
    data = list(parts.spec["data"])
    at = np.flatnonzero(parts.ids == selected)[:1] if selected is not None else []
    if len(at):
        i = int(at[0])
        row = df[df["id"] == selected].iloc[:1]
        data.append(_selected_ring(parts.ring_x[i], parts.ring_y[i], _customdata(row)))
    return figure({"data": data, "layout": parts.spec["layout"]})


def timeline_parts(df: pd.DataFrame, window: Stretch | None = None) -> TimelineParts:
    """`timeline(df, None, window)` as a spec, with where each event's ring goes."""
    layout: Spec = {"title": _title("Timeline of events by category"), "font": dict(_FONT)}
    if window is not None:
        df = df[(df["end"] >= window[0]) & (df["start"] <= window[1])]
    nothing = np.empty(0)
    if df.empty:
        return TimelineParts(_empty_spec(layout), nothing.astype(object), nothing, nothing)
    if len(df) > DETAIL_MAX:
        return TimelineParts({}, nothing.astype(object), nothing, nothing, density=True)
    axis = timeline_axis(df, window)
    order = lanes(df)
    ranged = is_ranged(df).to_numpy()
    category = df["category"].astype(str).to_numpy()
    titles = _short_titles(category, df)
    packed = packing.pack(category, df["start"], df["end"], ranged, titles, axis)
    # Escaped once cut to fit: the cut counts the characters shown, and must not split an entity.
    label = _escaped(packed.label)
    rows = _Rows(order, packed.rows)
    y = rows.y(category, packed.row)
    # A period's bar runs to the end of its last day.
    x0 = axis.fraction(df["start"])
    x1 = axis.fraction(df["end"].to_numpy() + np.timedelta64(1, "D"))
    p0, p1 = packing.extents(df["start"], df["end"], ranged, axis)
    short = ranged & (p1 - p0 <= packing.MARK_PX + 1e-9)
    alone = packed.cluster < 0
    # Customdata of the marks drawn only: a cluster's events have none.
    custom = np.empty((len(df), 6), dtype=object)
    custom[alone] = _customdata(df, np.flatnonzero(alone))
    scatter = "scattergl" if (alone & (~ranged | short)).sum() >= WEBGL_FROM else "scatter"
    middle = (x0 + x1) / 2
    # One trace per kind of mark, coloured point by point, not one per category and kind: the
    # browser's work grows with the number of traces, and the lanes already tell the
    # categories apart. Rows go lane by lane, top lane first.
    by_lane = np.argsort(pd.Categorical(category, categories=order).codes, kind="stable")
    by_lane = by_lane[alone[by_lane]]
    colors = np.array([schema.CATEGORY_COLORS[c] for c in category], dtype=object)
    data: list[Spec] = []
    bars = by_lane[(ranged & ~short)[by_lane]]
    if len(bars):
        data.append(
            {
                "type": "bar",
                "name": "Events with a period",
                "orientation": "h",
                "base": x0[bars].tolist(),  # a list, as Plotly's validation makes it
                "x": x1[bars] - x0[bars],
                "y": y[bars],
                "width": 0.62,
                "marker": {"color": colors[bars], "line": {"width": 0}},
                "opacity": palette.BAR_OPACITY,
                "customdata": custom[bars],
                "hovertemplate": _EVENT_HOVER,
                "meta": {"kind": "ranged"},
            }
        )
        data += _bar_titles(x1[bars], y[bars], label[bars])
    # Markers: periods too short to draw as a bar (squares), and one-day events (diamonds),
    # each with its title beside it where there is room.
    for kind, name, marked, x, symbol, size in (
        ("short-range", "Short periods", ranged & short, middle, "square", 9),
        ("point", "Events on one date", ~ranged, x0, "diamond", 11),
    ):
        rows_of = by_lane[marked[by_lane]]
        if len(rows_of):
            data.append(
                {
                    "type": scatter,
                    "name": name,
                    "mode": "markers+text",
                    "x": x[rows_of],
                    "y": y[rows_of],
                    "text": label[rows_of],
                    "textposition": "middle right",
                    "textfont": {"size": 11},
                    "marker": {
                        "color": colors[rows_of],
                        "size": size,
                        "symbol": symbol,
                        "line": {"color": palette.LIGHT.marker_edge, "width": 1},
                    },
                    "customdata": custom[rows_of],
                    "hovertemplate": _EVENT_HOVER,
                    "meta": {"kind": kind},
                }
            )
    data += _clusters(packed.clusters, rows, packed.bar_rows)
    _timeline_frame(layout, rows, axis)
    # A ring on the event's own mark; on its cluster's middle when it is in one.
    ring_x = np.where(ranged, middle, x0).astype(float)
    ring_y = np.asarray(y, dtype=float).copy()
    if not alone.all():
        clusters = packed.clusters
        in_one = np.flatnonzero(~alone)
        which = packed.cluster[in_one]
        ring_x[in_one] = ((clusters["x0"] + clusters["x1"]) / 2).to_numpy()[which]
        ring_y[in_one] = [rows.centre(c) for c in category[in_one]]
    ids = df["id"].astype(str).to_numpy(dtype=object)
    return TimelineParts({"data": data, "layout": layout}, ids, ring_x, ring_y)


# Lane names as titles: the countries of a relation or a recognition, the organization joined.
_TITLE_FROM = {
    "diplomatic_relations": "countries",
    "recognition": "countries",
    "membership": "organizations",
}


def _short_titles(category: np.ndarray, df: pd.DataFrame) -> np.ndarray:
    """What the timeline writes beside each mark (`category`: each one's, as str): the partner
    for a relation or a recognition, the organization for a membership (the lane says the
    rest), else the title."""
    labels = label_texts(df, tuple(dict.fromkeys(_TITLE_FROM.values())))
    out = df["title"].astype(str).to_numpy(dtype=object)
    for cat, column in _TITLE_FROM.items():
        short = labels[column]
        use = (category == cat) & (short != "")
        out = np.where(use, short, out)
    return out


class _Rows:
    """The lanes' rows on the y axis: lanes top to bottom in `order`, each as many rows tall
    as it packs into, under a strip that holds its name."""

    GAP = 0.85  # the strip above each lane, in rows

    def __init__(self, order: list[str], rows: dict[str, int]) -> None:
        self.order = order
        self.rows = {lane: max(rows.get(lane, 1), 1) for lane in order}
        self.top: dict[str, float] = {}
        y = sum(self.rows.values()) + self.GAP * len(order)
        self.height = y
        for lane in order:
            y -= self.GAP
            self.top[lane] = y
            y -= self.rows[lane]

    def y(self, lane: np.ndarray, row: np.ndarray) -> np.ndarray:
        """The y of each mark: the middle of its row (its lane's middle, in a cluster)."""
        top = np.array([self.top[c] for c in lane])
        middle = np.array([self.centre(c) for c in lane])
        return np.where(row >= 0, top - row - 0.5, middle)

    def centre(self, lane: str) -> float:
        return self.top[lane] - self.rows[lane] / 2

    def name_at(self, lane: str) -> float:
        """Where the lane's name goes: the middle of the strip above it."""
        return self.top[lane] + self.GAP / 2


def _bar_titles(end: np.ndarray, y: np.ndarray, text: np.ndarray) -> list[Spec]:
    """The bars' titles, each just after its bar's end (a trace, or none)."""
    keep = text != ""
    if not keep.any():
        return []
    return [
        {
            "type": "scatter",
            "name": "Titles of periods",
            "mode": "text",
            "x": end[keep],
            "y": y[keep],
            "text": ["\u2002" + t for t in text[keep]],  # an en space after the bar
            "textposition": "middle right",
            "textfont": {"size": 11},
            "hoverinfo": "skip",
            "meta": {"kind": "titles"},
        }
    ]


def _clusters(clusters: pd.DataFrame, rows: _Rows, bar_rows: dict[str, int]) -> list[Spec]:
    """One mark per cluster, across its lane's rows of marks (under its bars), with its count;
    a click zooms in to its span (a trace, or none)."""
    if clusters.empty:
        return []
    lanes_ = clusters["lane"].astype(str).tolist()
    height = [rows.rows[c] - bar_rows.get(c, 0) for c in lanes_]
    middle = [rows.top[c] - bar_rows.get(c, 0) - h / 2 for c, h in zip(lanes_, height, strict=True)]
    names = [schema.CATEGORIES[c] for c in lanes_]
    custom = np.array(
        [
            [zoom_target(a, b), f"{n} events: {name}", period_label(a, b), name, "", ""]
            for a, b, n, name in zip(
                clusters["first"], clusters["last"], clusters["count"], names, strict=True
            )
        ],
        dtype=object,
    )
    return [
        {
            "type": "bar",
            "name": "Clusters",
            "orientation": "h",
            "base": clusters["x0"].tolist(),
            "x": (clusters["x1"] - clusters["x0"]).to_numpy(),
            "y": middle,
            "width": [h - 0.25 for h in height],
            "marker": {
                "color": [
                    palette.with_alpha(schema.CATEGORY_COLORS[c], palette.CLUSTER_ALPHA)
                    for c in lanes_
                ],
                "line": {"color": [schema.CATEGORY_COLORS[c] for c in lanes_], "width": 1.5},
            },
            "text": [f"<b>{n}</b>" for n in clusters["count"]],
            "textposition": "inside",
            "insidetextanchor": "middle",
            "textangle": 0,
            "constraintext": "none",
            "textfont": {"size": 12, "color": palette.LIGHT.text},
            "customdata": custom,
            "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>"
            "Click to zoom in<extra></extra>",
            "meta": {"kind": "cluster"},
        }
    ]


def zoom_target(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """What a cluster's click carries: the span to zoom to (`selection.selected_span`)."""
    return f"{ZOOM_PREFIX}{first.date().isoformat()}/{last.date().isoformat()}"


def timeline_window(zoom: Span | None, years: tuple[int, int] | None) -> Stretch | None:
    """The stretch of time the timeline shows: the zoom, within the years filter; else the
    years filter's years; else None (the events' whole span)."""
    lo = pd.Timestamp(year=min(years), month=1, day=1) if years else None
    hi = pd.Timestamp(year=max(years), month=12, day=31) if years else None
    if zoom is not None:
        first, last = pd.Timestamp(zoom[0]), pd.Timestamp(zoom[1])
        first, last = (
            max(first, lo) if lo is not None else first,
            (min(last, hi) if hi is not None else last),
        )
        if first <= last:
            return first, last
    return (lo, hi) if lo is not None and hi is not None else None


def _selected_ring(when: Any, y: float, customdata: np.ndarray) -> Spec:
    """The ring around the selected event on either timeline (events or density): the ring
    over a wider halo of the background, so that it stands out on any mark."""
    return {
        "type": "scatter",
        "name": "Selected event",
        "mode": "markers",
        "x": [when, when],
        "y": [y, y],
        "marker": {
            "symbol": "circle-open",
            "size": [26, 26],
            "color": [palette.LIGHT.ring_halo, palette.LIGHT.ring],
            "line": {"width": [6, 2.5]},
        },
        "customdata": np.concatenate([customdata, customdata]),
        "hoverinfo": "skip",
        "meta": {"kind": "selected"},
    }


def density_bins(
    start: pd.Series, end: pd.Series, max_bins: int = MAX_BINS
) -> tuple[str, np.ndarray, np.ndarray, pd.DatetimeIndex, list[str]]:
    """The finest calendar period (day ... year, then multiples of years) that gives at most
    `max_bins` periods from the first start to the last end. Returns its name, each event's
    first and last period (0-based), the periods' edges (one more than periods) and labels."""
    first, last = pd.Timestamp(start.min()), pd.Timestamp(end.max())
    for freq, word, fmt in _BIN_SIZES:
        lo, hi = first.to_period(freq), last.to_period(freq)
        if (hi - lo).n + 1 <= max_bins:
            s = pd.DatetimeIndex(start).to_period(freq).asi8 - lo.ordinal
            e = pd.DatetimeIndex(end).to_period(freq).asi8 - lo.ordinal
            periods = pd.period_range(lo, hi + 1, freq=freq)
            edges = periods.to_timestamp()
            return word, s, e, edges, list(periods[:-1].strftime(fmt))
    # More than `max_bins` years: groups of `step` years.
    step = -(-(last.year - first.year + 1) // max_bins)
    while last.year // step - first.year // step + 1 > max_bins:
        step += 1
    base = first.year - first.year % step
    s = (pd.DatetimeIndex(start).year.to_numpy() - base) // step
    e = (pd.DatetimeIndex(end).year.to_numpy() - base) // step
    count = int(e.max()) + 1
    years = [base + step * i for i in range(count + 1)]
    edges = pd.DatetimeIndex([pd.Timestamp(year=max(y, 1), month=1, day=1) for y in years])
    labels = [f"{y}–{y + step - 1}" for y in years[:-1]]
    return f"{step} years", s, e, edges, labels


def lane_density(df: pd.DataFrame, max_bins: int = MAX_BINS) -> tuple[str, pd.DataFrame]:
    """How many events of each category (rows: the lanes, top first) are under way in each
    period (columns: the periods' labels); and the period's name ("month", ...)."""
    order = lanes(df)
    word, s, e, _, labels = density_bins(df["start"], df["end"], max_bins)
    counts = _density_counts(df, order, s, e, len(labels))
    return word, pd.DataFrame(counts, index=order, columns=labels)


def _density_counts(
    df: pd.DataFrame, order: list[str], s: np.ndarray, e: np.ndarray, bins: int
) -> np.ndarray:
    """Events under way per (lane, period): +1 at the first period, -1 after the last,
    summed along the periods (no per-event Python)."""
    lane = _category_codes(df, order).astype(np.int64)
    width = bins + 1
    diff = np.bincount(lane * width + s, minlength=len(order) * width)
    diff -= np.bincount(lane * width + e + 1, minlength=len(order) * width)
    return diff.reshape(len(order), width).cumsum(axis=1)[:, :bins]


def timeline_density(df: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """The timeline for many events: per lane, a strip of cells, one per period (month, year,
    ...: at most MAX_BINS), shaded by how many of the lane's events are under way then. The
    subtitle says so and how to see the individual events (filter to DETAIL_MAX or fewer)."""
    order = lanes(df)
    word, s, e, edges, labels = density_bins(df["start"], df["end"])
    counts = _density_counts(df, order, s, e, len(labels))
    top = max(int(counts.max()), 1)
    layout: Spec = {
        "title": {
            **_title(f"Timeline of events by category: events under way per {word}"),
            "subtitle": {
                "text": f"{len(df):,} events are too many to draw one by one: darker cells "
                f"hold more. Narrow the filters (e.g. the years) to {DETAIL_MAX:,} events or "
                "fewer to see each event."
            },
        },
        "font": dict(_FONT),
    }
    rows = _Rows(order, {})
    axis = packing.Axis(*_time_span(df))
    periods = np.array(labels, dtype=object)[None, :]
    x = axis.fraction(edges)
    data: list[Spec] = []
    for i, cat in enumerate(order):
        color = schema.CATEGORY_COLORS[cat]
        z = counts[i : i + 1].astype(float)
        z[z == 0] = np.nan  # empty periods stay transparent: the bands show through
        y = rows.centre(cat)
        data.append(
            {
                "type": "heatmap",
                "name": schema.CATEGORIES[cat],
                "x": x,
                "y": [y - 0.42, y + 0.42],
                "z": z,
                "zmin": 0,
                "zmax": top,
                "colorscale": [[0, palette.with_alpha(color, 0.12)], [1, color]],
                "showscale": False,
                "customdata": periods,
                "hovertemplate": f"<b>{schema.CATEGORIES[cat]}</b><br>%{{customdata}}: "
                "%{z:,} events under way<extra></extra>",
                "meta": {"kind": "density", "category": cat},
            }
        )
    if selected is not None and (df["id"] == selected).any():
        row = df[df["id"] == selected].iloc[:1]
        when = pd.Timestamp(row["start"].iloc[0])
        if is_ranged(row).iloc[0]:
            when += (pd.Timestamp(row["end"].iloc[0]) + pd.Timedelta(days=1) - when) / 2
        lane = rows.centre(str(row["category"].iloc[0]))
        at = axis.fraction(np.array([when], dtype="datetime64[ms]"))[0]
        data.append(_selected_ring(at, lane, _customdata(row)))
    _timeline_frame(layout, rows, axis)
    # Room for the subtitle.
    palette.merge(layout, {"margin": {"t": 150}, "height": 190 + 56 * len(order)})
    return figure({"data": data, "layout": layout})


def _label_at(x0: pd.Timestamp, x1: pd.Timestamp, cuts: list[Stretch]) -> pd.Timestamp:
    """Where a band's label goes: the start of the widest piece of the band that the axis
    shows (the cuts take the rest), so that labels of neighbouring bands do not overlap."""
    pieces, start = [], x0
    for first, last in sorted(cuts):
        if first < x1 and last > start:
            if first > start:
                pieces.append((start, first))
            start = max(start, last)
    if start < x1:
        pieces.append((start, x1))
    return max(pieces, key=lambda p: p[1] - p[0])[0] if pieces else x0


ROW_PX = 21  # a row of marks on the timeline, in pixels
_BAND_STRIP = 1.0  # rows under the lanes that hold the statehood bands' labels
_SHORT_BANDS = {"Democratic Republic": "1918–20", "Soviet era": "Soviet", "Independence": "Indep."}


def _band_label(label: str, room_px: float) -> str:
    """A band's label as it fits in `room_px` of the plot: whole, short, or not at all."""
    for text in (label, _SHORT_BANDS.get(label, "")):
        if text and len(text) * 7.2 + 8 <= room_px:
            return text
    return ""


def _timeline_frame(layout: Spec, rows: _Rows, axis: packing.Axis) -> None:
    """Into the timeline's `layout` spec: the statehood bands with their labels, the axes (one
    lane per category; the time axis as fractions of the width, labelled in years, a dotted
    line where time is cut out) and drag-to-zoom. The axis is kept in the layout's meta
    (`axis_of`)."""
    lo, hi, cuts = axis.lo, axis.hi, list(axis.cuts)
    shapes: list[Spec] = layout.setdefault("shapes", [])
    notes: list[Spec] = layout.setdefault("annotations", [])

    def at(when: pd.Timestamp) -> float:
        return float(axis.fraction(np.array([when], dtype="datetime64[ms]"))[0])

    for (label, first, last), shade in zip(schema.PERIODS, palette.LIGHT.era_fill, strict=True):
        x0 = max(pd.Timestamp(first), lo)
        x1 = min(pd.Timestamp(last), hi) if last else hi
        if x0 >= x1:
            continue
        shapes.append(
            {
                "type": "rect",
                "x0": at(x0),
                "x1": at(x1),
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "fillcolor": shade,
                "line": {"width": 0},
                "layer": "below",
                "name": label,
            }
        )
        # Each label in the strip under the lanes, from its band's first day that the axis
        # shows, as long as it fits in the band's width on a wide screen.
        start = _label_at(x0, x1, cuts)
        text = _band_label(label, (at(x1) - at(start)) * packing.LABEL_WIDTH)
        if text:
            notes.append(
                {
                    "x": at(start),
                    "y": -_BAND_STRIP / 2,
                    "xref": "x",
                    "yref": "y",
                    "xanchor": "left",
                    "yanchor": "middle",
                    "text": text,
                    "showarrow": False,
                    "font": {"size": 12, "weight": 600, "color": palette.LIGHT.era_label},
                    "name": f"band: {label}",
                }
            )
    for first, _ in cuts:
        if lo < first < hi:
            shapes.append(
                {
                    "type": "line",
                    "x0": at(first),
                    "x1": at(first),
                    "xref": "x",
                    "y0": 0,
                    "y1": 1,
                    "yref": "y domain",
                    "line": {"width": 1.5, "dash": "dot", "color": palette.LIGHT.cut},
                    "name": "cut",
                }
            )
    ticks = year_ticks(axis)
    palette.merge(
        layout,
        {
            "height": int(110 + ROW_PX * (rows.height + _BAND_STRIP)),
            "showlegend": False,
            "hovermode": "closest",
            "margin": {"l": 10, "r": 10, "t": 80, "b": 10},
            "uirevision": "timeline",
            "barmode": "overlay",
            # With the box tool, a drag across the timeline selects a stretch of time, which
            # the app zooms to. Not the default drag: Streamlit then reports no clicks on points.
            "selectdirection": "h",
            "meta": {"axis": axis.to_meta()},
            "xaxis": {
                "type": "linear",
                "range": [0, 1],
                "tickmode": "array",
                "tickvals": [at(t) for t in ticks],
                "ticktext": [_tick_text(t, ticks) for t in ticks],
                "showgrid": True,
                "zeroline": False,
                "side": "top",  # the years above the lanes, in view with the title
                "fixedrange": True,  # zooming is the app's: drag across the timeline
            },
            "yaxis": {
                "showticklabels": False,
                "range": [-_BAND_STRIP, rows.height + 0.1],
                "fixedrange": True,
                "showgrid": False,
                "zeroline": False,
            },
        },
    )
    # The lanes' names inside the plot, above each lane: the plot keeps the whole width,
    # which a phone needs.
    for lane in rows.order:
        notes.append(
            {
                "x": 0,
                "xref": "paper",
                "y": rows.name_at(lane),
                "yref": "y",
                "xanchor": "left",
                "yanchor": "middle",
                "text": schema.CATEGORIES[lane],
                "showarrow": False,
                "font": {"size": 11, "weight": 600},
                "name": f"lane: {lane}",
            }
        )
    if not shapes:
        del layout["shapes"]


_TICK_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500)
_TICK_PX = 64  # the least room between two year labels, at LABEL_WIDTH


def year_ticks(axis: packing.Axis) -> list[pd.Timestamp]:
    """Where the time axis is labelled: the first of January of round years (months when
    the axis spans less than two years) in each stretch the axis shows, at least `_TICK_PX`
    apart on a wide screen."""
    span_years = (axis.hi - axis.lo) / pd.Timedelta(days=365.25)
    if span_years < 2:
        candidates = list(pd.date_range(axis.lo.normalize(), axis.hi, freq="MS"))
    else:
        visible = span_years - sum(
            (min(b, axis.hi) - max(a, axis.lo)) / pd.Timedelta(days=365.25)
            for a, b in axis.cuts
            if b > axis.lo and a < axis.hi
        )
        px_per_year = packing.LABEL_WIDTH / max(visible, 1e-9)
        step = next((s for s in _TICK_STEPS if s * px_per_year >= _TICK_PX), _TICK_STEPS[-1])
        first = (axis.lo.year // step + 1) * step
        candidates = [
            pd.Timestamp(year=y, month=1, day=1) for y in range(first, axis.hi.year + 1, step)
        ]
        # The first year after each cut, so that each stretch is labelled.
        candidates += [pd.Timestamp(year=b.year + 1, month=1, day=1) for _, b in axis.cuts]
    shown = []
    last = -np.inf
    for t in sorted(set(candidates)):
        if not axis.lo <= t <= axis.hi or any(a < t < b for a, b in axis.cuts):
            continue
        x = float(axis.fraction(np.array([t], dtype="datetime64[ms]"))[0]) * packing.LABEL_WIDTH
        if x - last >= _TICK_PX:
            shown.append(t)
            last = x
    return shown


def _tick_text(t: pd.Timestamp, ticks: list[pd.Timestamp]) -> str:
    months = len(ticks) > 1 and any(x.month != 1 for x in ticks)
    return t.strftime("%b %Y") if months else str(t.year)


def axis_of(fig: go.Figure) -> packing.Axis | None:
    """The time axis a timeline figure was drawn on (None for another figure)."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else None
    return packing.Axis.from_meta(meta["axis"]) if meta and "axis" in meta else None


def _geo_layout(layout: Spec) -> None:
    """Into a map's `layout` spec: the world map's look, its size and margins."""
    palette.merge(
        layout,
        {
            "geo": {
                "projection": {"type": "natural earth", "rotation": {"lon": 0}},
                "showcountries": True,
                "countrycolor": palette.LIGHT.border,
                "showland": True,
                "landcolor": palette.LIGHT.land,
                "showocean": True,
                "oceancolor": palette.LIGHT.ocean,
                "showlakes": True,
                "lakecolor": palette.LIGHT.ocean,
                "showcoastlines": True,
                "coastlinecolor": palette.LIGHT.border,
                "showframe": False,
                "center": {"lon": 0},
                "resolution": 110,
            },
            "margin": {"l": 0, "r": 0, "t": 50, "b": 0},
            "height": 520,
            "font": _FONT,
        },
    )


def region_extent(
    lat: Any, lon: Any, weight: Any = None, share: float = REGION_SHARE
) -> tuple[list[float], list[float]]:
    """The maps' default extent: the points (each counted `weight` times) nearest their middle
    (the median latitude and longitude) that make up `share` of them, in a box padded by
    REGION_PAD degrees, at least REGION_MIN_LAT high and of the map's shape (MAP_ASPECT). A few
    points far away (the UN in New York, one event in Brazil) leave it where the rest are."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    w = np.ones(len(lat)) if weight is None else np.asarray(weight, dtype=float)
    mid_lat, mid_lon = _weighted_median(lat, w), _weighted_median(lon, w)
    order = np.argsort(_arc_degrees(lat, lon, mid_lat, mid_lon), kind="stable")
    before = np.cumsum(w[order]) - w[order]  # the weight of the points nearer than each
    near = order[before < share * w.sum()]
    return _box(lat[near], lon[near])


def _weighted_median(values: np.ndarray, weight: np.ndarray) -> float:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weight[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _arc_degrees(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """The great-circle distance from (lat0, lon0), in degrees of arc."""
    p, p0 = np.radians(lat), np.radians(lat0)
    dlon = np.radians(lon - lon0)
    h = np.sin((p - p0) / 2) ** 2 + np.cos(p) * np.cos(p0) * np.sin(dlon / 2) ** 2
    return np.degrees(2 * np.arcsin(np.sqrt(np.clip(h, 0, 1))))


def _box(lat: np.ndarray, lon: np.ndarray) -> tuple[list[float], list[float]]:
    """Latitude and longitude ranges that show every point with a margin, at least a region,
    about MAP_ASPECT times as wide as high (no empty bands above and below), within the world."""
    south, north = float(lat.min()) - REGION_PAD, float(lat.max()) + REGION_PAD
    west, east = float(lon.min()) - REGION_PAD, float(lon.max()) + REGION_PAD
    height = max(north - south, REGION_MIN_LAT, (east - west) / MAP_ASPECT)
    width = max(east - west, height * MAP_ASPECT)
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    lat_range = [max(mid_lat - height / 2, -90.0), min(mid_lat + height / 2, 90.0)]
    lon_range = [max(mid_lon - width / 2, -180.0), min(mid_lon + width / 2, 180.0)]
    return lat_range, lon_range


def _zoom_to(layout: Spec, lat_range: list[float], lon_range: list[float]) -> None:
    """Show this part of the world, centred on it (into a map's `layout` spec)."""
    middle_lon = (lon_range[0] + lon_range[1]) / 2
    palette.merge(
        layout,
        {
            "geo": {
                "projection": {"type": "equirectangular", "rotation": {"lon": middle_lon}},
                "lataxis": {"range": lat_range},
                "lonaxis": {"range": lon_range},
                "center": {"lon": middle_lon, "lat": (lat_range[0] + lat_range[1]) / 2},
            }
        },
    )


@functools.cache
def country_centroids() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lat, lon) of each country's label point on the app's own base map
    (BASE_MAP: plotly's `ct`); empty when that file is not there."""
    try:
        data = json.loads(BASE_MAP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for shape in data.get("objects", {}).get("countries", {}).get("geometries", []):
        ct = (shape.get("properties") or {}).get("ct")
        if shape.get("id") and ct:
            out[str(shape["id"])] = (float(ct[1]), float(ct[0]))
    return out


def _place_keys(lat: np.ndarray, lon: np.ndarray, cell: float) -> np.ndarray:
    step = cell or 1e-5  # exact places: the same point to about a metre
    return np.floor((lat + 90) / step).astype(np.int64) * 100_000_000 + np.floor(
        (lon + 360) / step
    ).astype(np.int64)


def place_groups(
    located: pd.DataFrame, max_places: int = PLACES_MAX
) -> tuple[float, pd.DataFrame, np.ndarray]:
    """Located events grouped on a grid of `cell` degrees, the finest of `_GRID_DEGREES` that
    gives at most `max_places` groups (0: the exact coordinates, when there are few enough).
    Returns the cell size; one row per group, most events first: mean lat, lon, `events`, and
    `category` (the most frequent one in the group); and each event's group (a row number)."""
    lat, lon = located["lat"].to_numpy(), located["lon"].to_numpy()
    names = np.array(list(schema.CATEGORIES), dtype=object)
    category = _category_codes(located, list(names))
    for cell in (0.0, *_GRID_DEGREES):
        codes, uniques = pd.factorize(_place_keys(lat, lon, cell))
        if len(uniques) <= max_places or cell == _GRID_DEGREES[-1]:
            break
    frame = pd.DataFrame({"group": codes, "lat": lat, "lon": lon, "category": category})
    grouped = frame.groupby("group", sort=True)
    out = grouped[["lat", "lon"]].mean()
    out["events"] = grouped.size()
    top = frame.groupby(["group", "category"]).size().reset_index(name="n")
    top["category"] = names[top["category"].to_numpy()]
    # Ties go to the category first in alphabetical order.
    top = top.sort_values(["group", "n", "category"], ascending=[True, False, True])
    out["category"] = top.drop_duplicates("group").set_index("group")["category"]
    out = out.sort_values("events", ascending=False, kind="stable")
    row_of = np.empty(len(out), dtype=np.int64)
    row_of[out.index.to_numpy()] = np.arange(len(out))
    return cell, out.reset_index(drop=True), row_of[codes]


def events_at_place(df: pd.DataFrame, event_id: str | None) -> pd.DataFrame:
    """The events of `df` at the place of event `event_id` (the same point, as `place_groups`
    takes exact places), newest first (ties: by id); none when that event is not in `df` or
    has no place."""
    lat, lon = df["lat"].to_numpy(dtype=float), df["lon"].to_numpy(dtype=float)
    at = np.flatnonzero(df["id"].to_numpy() == event_id)
    if not len(at) or np.isnan(lat[at[0]]) or np.isnan(lon[at[0]]):
        return df.iloc[:0]
    keys = _place_keys(np.nan_to_num(lat), np.nan_to_num(lon), 0.0)
    here = df[(keys == keys[at[0]]) & ~np.isnan(lat) & ~np.isnan(lon)]
    return here.sort_values(["start", "id"], ascending=[False, True], kind="stable")


def _mark_sizes(events: np.ndarray) -> np.ndarray:
    """A place's mark, in pixels across: 10 for one event, growing with the square root of the
    count (its area with the count) to 34 for the place with the most."""
    most = max(int(events.max()), 2)
    return (10 + 24 * np.sqrt((events - 1) / (most - 1))).round(1)


def _place_events(located: pd.DataFrame, member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per place (a row of `place_groups`): its hover text, escaped, and the position in
    `located` of its newest event (ties: by id), the one a click on the place selects. One
    event's hover is the timeline's; several give the place, their number and their titles,
    newest first (HOVER_TITLES at most, then how many more)."""
    labels = label_texts(located, ("date", "category"))
    title = located["title"].astype(str)
    cut = title.str.slice(0, HOVER_TITLE_MAX) + np.where(title.str.len() > HOVER_TITLE_MAX, "…", "")
    events = pd.DataFrame(
        {
            "group": member,
            "start": located["start"].to_numpy(),
            "id": located["id"].astype(str).to_numpy(),
            "title": escape(cut).to_numpy(),
            "date": _escaped(labels["date"]),
            "category": _escaped(labels["category"]),
            "place": escape(located["location"]).to_numpy(),
        }
    ).sort_values(["group", "start", "id"], ascending=[True, False, True], kind="stable")
    rank = events.groupby("group").cumcount().to_numpy()
    newest = events[rank == 0]  # one row per place, in group order
    count = events.groupby("group").size().to_numpy()
    hover = (
        "<b>" + newest["title"] + "</b><br>" + newest["date"] + "<br>" + newest["category"]
        + "<br>" + newest["place"]
    ).to_numpy(dtype=object)  # fmt: skip
    listed = events[rank < HOVER_TITLES]
    lists = (listed["date"] + " · " + listed["title"]).groupby(listed["group"]).agg("<br>".join)
    # The place's name: the one its events give most often (ties: alphabetical).
    names = events.groupby(["group", "place"]).size().reset_index(name="n")
    names = names.sort_values(["group", "n", "place"], ascending=[True, False, True])
    name = names.drop_duplicates("group")["place"].replace("", "This place").to_numpy()
    for group in np.flatnonzero(count > 1):
        n = int(count[group])
        more = f"<br>and {n - HOVER_TITLES:,} more" if n > HOVER_TITLES else ""
        hover[group] = f"<b>{name[group]}</b> · {n:,} events, newest first<br>{lists[group]}{more}"
    return hover, newest.index.to_numpy()


def _place_traces(
    groups: pd.DataFrame, size: np.ndarray, hover: np.ndarray, custom: np.ndarray
) -> list[Spec]:
    """The places' marks, one trace per most frequent category (the legend; `text` holds each
    place's count, blank for one event), then those counts printed over every mark."""
    events = groups["events"].to_numpy()
    text = np.array([f"{n:,}" if n > 1 else "" for n in events], dtype=object)
    category = groups["category"].to_numpy()
    lat, lon = groups["lat"].to_numpy().round(4), groups["lon"].to_numpy().round(4)
    data: list[Spec] = []
    # Groups come most events first, and a later trace draws over an earlier one: the
    # categories of the biggest marks go first, so that small marks stay on top, clickable.
    for cat in pd.unique(category):
        rows = category == cat
        data.append(
            {
                "type": "scattergeo",
                "name": schema.CATEGORIES[cat],
                "lat": lat[rows],
                "lon": lon[rows],
                "mode": "markers",
                "marker": {
                    "color": schema.CATEGORY_COLORS[cat],
                    "size": size[rows],
                    "opacity": 0.9,
                    "line": {"color": palette.LIGHT.marker_edge, "width": 1},
                },
                "text": text[rows],
                "hovertext": hover[rows],
                "hovertemplate": "%{hovertext}<extra></extra>",
                "hoverlabel": {"align": "left"},  # a list reads from the left
                "customdata": custom[rows],
                "meta": {"kind": "places", "category": cat},
            }
        )
    # The counts in a trace of their own, drawn last: a small neighbour's mark (Sumgait's on
    # Baku's) would otherwise hide a big place's number. The biggest count is drawn last.
    counted = np.flatnonzero(events > 1)[::-1]
    if len(counted):
        data.append(
            {
                "type": "scattergeo",
                "name": "Events at a place",
                "lat": lat[counted],
                "lon": lon[counted],
                "mode": "text",
                "text": text[counted],
                "textposition": "middle center",
                # The marks' edge colour (white on a light page) with a halo of the opposite
                # ("auto"): legible on every category's colour.
                "textfont": {
                    "color": palette.LIGHT.marker_edge,
                    "size": 11,
                    "weight": 600,
                    "shadow": "auto",
                },
                "hoverinfo": "skip",
                "showlegend": False,
                "meta": {"kind": "counts"},
            }
        )
    return data


def _place_ring(lat: float, lon: float, size: float, customdata: np.ndarray) -> Spec:
    """The ring around the selected event's place: the ring over its halo, as on the timeline."""
    return {
        "type": "scattergeo",
        "name": "Selected event",
        "lat": [lat, lat],
        "lon": [lon, lon],
        "mode": "markers",
        "marker": {
            "symbol": "circle-open",
            "size": [size + 12, size + 12],
            "color": [palette.LIGHT.ring_halo, palette.LIGHT.ring],
            "line": {"width": [6, 2.5]},
        },
        "customdata": np.concatenate([customdata, customdata]),
        "hoverinfo": "skip",
        "showlegend": False,  # a legend entry cannot draw this two-colour ring
        "meta": {"kind": "selected"},
    }


def places_map(df: pd.DataFrame, selected: str | None = None, world: bool = False) -> go.Figure:
    """One mark per place, sized by its number of events (printed on it when more than one)
    and coloured by its most frequent category. Its hover lists the events, newest first;
    its customdata is `[id]` of the newest, which a click selects. Above PLACES_MAX located
    events, one mark per place or grid cell (`place_groups`), with counts only. The map opens
    on the events' region (`region_extent`), or on the whole world."""
    has_place = (df["lat"].notna() & df["lon"].notna()).to_numpy()
    located_n = int(has_place.sum())
    title = f"Places: {located_n:,} of {len(df):,} events have a location"
    layout: Spec = {"title": _title(title)}
    _geo_layout(layout)
    if located_n == 0:
        return _empty(layout, "None of these events has a location" if len(df) else _NO_EVENTS)
    detail = located_n <= PLACES_MAX
    # Many events: only the columns the groups need (selecting whole rows of a big table
    # moves every text column, a second at 1M rows).
    located = df[has_place] if detail else df.loc[has_place, ["lat", "lon", "category"]]
    cell, groups, member = place_groups(located)
    events = groups["events"].to_numpy()
    size = _mark_sizes(events)
    if detail:
        hover, newest = _place_events(located, member)
        # Only the id a click selects: the hover text has the rest.
        custom = located["id"].astype(str).to_numpy(dtype=object)[newest][:, None]
    else:
        where = "place" if cell == 0 else f"{cell:g}° × {cell:g}° cell"
        palette.merge(
            layout,
            {
                "title": {
                    "subtitle": {
                        "text": f"{located_n:,} located events are too many to mark one by "
                        f"one: one circle per {where}, its area by the number of events. "
                        f"Filter to {PLACES_MAX:,} located events or fewer to list each "
                        "place's events."
                    }
                },
                "margin": {"t": 80},
            },
        )
        most = groups["category"].map(schema.CATEGORIES).to_numpy(dtype=object)
        hover = np.array(
            [f"{n:,} event{'s' if n != 1 else ''} in this {where}<br>most often: {m}"
             for n, m in zip(events, most, strict=True)],
            dtype=object,
        )  # fmt: skip
        custom = events
    data = _place_traces(groups, size, hover, custom)
    if detail and selected is not None:
        at = np.flatnonzero(located["id"].to_numpy() == selected)
        if len(at):
            g = int(member[at[0]])
            ring = np.array([[str(selected)]], dtype=object)
            lat, lon = groups.loc[g, ["lat", "lon"]].round(4)
            data.append(_place_ring(float(lat), float(lon), float(size[g]), ring))
    if not world:
        _zoom_to(layout, *region_extent(groups["lat"], groups["lon"], events))
    # The legend under the map, not beside it: on a phone a legend beside it leaves the map
    # a third of the width.
    layout["legend"] = {
        "title": {"text": "Most frequent category at a place:"},
        "orientation": "h",
        "yanchor": "top",
        "y": 0,
        "x": 0,
    }
    return figure({"data": data, "layout": layout})


def country_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Per country (ISO3, rows) the number of events by category (columns, schema order),
    plus `total`; sorted by total, most first. Counted per distinct list of countries (a
    table repeats them), so a million events cost little more than their distinct lists."""
    cats = list(schema.CATEGORIES)
    codes, uniques = pd.factorize(df["countries"], use_na_sentinel=False)
    cat_codes = _category_codes(df, cats)
    keep = cat_codes >= 0
    per_list = np.bincount(
        codes[keep] * len(cats) + cat_codes[keep], minlength=len(uniques) * len(cats)
    ).reshape(len(uniques), len(cats))
    rows: dict[str, np.ndarray] = {}
    for items, row in zip(uniques, per_list, strict=True):
        for country in dict.fromkeys(items or ()):
            rows[country] = rows[country] + row if country in rows else row.copy()
    names = sorted(rows)
    table = pd.DataFrame(
        np.array([rows[c] for c in names], dtype=np.int64).reshape(len(names), len(cats)),
        index=pd.Index(names, name="countries"),
        columns=pd.Index(cats, name="category"),
    )
    table = table.loc[:, table.sum(axis=0) > 0]
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False, kind="stable")


def countries_map(df: pd.DataFrame, world: bool = False) -> go.Figure:
    """A choropleth of how many events involve each country, with a by-category hover. It
    opens on the region of those countries (`region_extent` of their centres on the base map,
    each counted by its events, COUNTRY_REGION_SHARE of them), or on the whole world."""
    layout: Spec = {"title": _title("Countries: number of events involving each")}
    _geo_layout(layout)
    counts = country_counts(df)
    if counts.empty:
        return _empty(
            layout, "None of these events names another country" if len(df) else _NO_EVENTS
        )
    cats = [c for c in counts.columns if c != "total"]
    lines = pd.Series("", index=counts.index, dtype="string")
    for cat in cats:
        n = counts[cat]
        part = schema.CATEGORIES[cat] + ": " + n.astype(str)
        lines = lines.where(n == 0, lines.where(lines == "", lines + "<br>") + part)
    names = pd.Series([schema.country_name(c) for c in counts.index], index=counts.index)
    total = counts["total"].to_numpy()
    custom = np.column_stack(
        [
            counts.index.to_numpy(dtype=object),
            escape(names).to_numpy(dtype=object),
            lines.to_numpy(dtype=object),
            np.array([f"{k:,} event{'s' if k != 1 else ''}" for k in total], dtype=object),
        ]
    )
    aze = palette.LIGHT.azerbaijan_countries
    data: list[Spec] = [
        {
            "type": "choropleth",
            "locations": counts.index.to_list(),
            "z": counts["total"].to_numpy(),
            "locationmode": "ISO-3",
            "colorscale": [[i / 2, c] for i, c in enumerate(palette.LIGHT.count_scale)],
            "zmin": 0,
            "marker": {"line": {"color": palette.LIGHT.border, "width": 0.5}},
            # Under the map, not beside it (the map keeps the width on a phone).
            "colorbar": {
                "title": {"text": "Events", "side": "top"},
                "thickness": 12,
                "orientation": "h",
                "yanchor": "top",
                "y": 0,
                "x": 0,
                "xanchor": "left",
                "len": 0.5,
            },
            "customdata": custom,
            "name": "Events",
            "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[3]}<br>%{customdata[2]}"
            "<extra></extra>",
        },
        {
            "type": "choropleth",
            "locations": ["AZE"],
            "z": [1],
            "locationmode": "ISO-3",
            "showscale": False,
            "colorscale": [[0, aze], [1, aze]],
            "name": "Azerbaijan",
            "customdata": [["AZE", "Azerbaijan", ""]],
            "hovertemplate": "<b>Azerbaijan</b><br>party to every event<extra></extra>",
        },
    ]
    centres = country_centroids()
    known = [c for c in counts.index if c in centres]
    if not world and known:
        lat, lon = np.array([centres[c] for c in known]).T
        weight = counts.loc[known, "total"].to_numpy()
        _zoom_to(layout, *region_extent(lat, lon, weight, COUNTRY_REGION_SHARE))
    return figure({"data": data, "layout": layout})


def events_per_year(df: pd.DataFrame) -> go.Figure:
    """Stacked bars: how many of the events start in each year, by category."""
    layout: Spec = {
        "title": _title("Events per year, by category (year each event starts)"),
        "height": 400,
        "font": dict(_FONT),
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
    }
    if df.empty:
        return _empty(layout)
    year = df["start"].dt.year.to_numpy()
    first, cats = int(year.min()), list(schema.CATEGORIES)
    years = np.arange(first, int(year.max()) + 1)
    codes = _category_codes(df, cats)
    known = codes >= 0
    grid = np.bincount(
        (year[known] - first) * len(cats) + codes[known], minlength=len(years) * len(cats)
    ).reshape(len(years), len(cats))
    counts = pd.DataFrame(grid, index=years, columns=cats)
    counts = counts.loc[:, counts.sum(axis=0) > 0]
    data: list[Spec] = []
    for cat in [c for c in schema.CATEGORIES if c in counts.columns]:
        # Only the years that have such events: a zero-height bar is invisible, but the browser
        # still draws it (a century of years times the categories: most of the chart's work).
        some = counts[cat].to_numpy() > 0
        data.append(
            {
                "type": "bar",
                "name": schema.CATEGORIES[cat],
                "x": years[some],
                "y": counts[cat].to_numpy()[some],
                "marker": {"color": schema.CATEGORY_COLORS[cat]},
                "hovertemplate": "%{x}: %{y} " + schema.CATEGORIES[cat] + "<extra></extra>",
                "meta": {"category": cat},
            }
        )
    most = int(counts.sum(axis=1).max())
    pad = 0.5 + max(0, 12 - len(counts)) / 2  # a few years do not make one wide bar
    layout.update(
        barmode="stack",
        bargap=0.15,
        legend={"title": {"text": "Category"}, "traceorder": "normal"},
        xaxis={
            "title": {"text": "Year"},
            "tickformat": "d",
            "range": [counts.index[0] - pad, counts.index[-1] + pad],
        },
        yaxis={
            "title": {"text": "Events"},
            "rangemode": "tozero",
            "dtick": max(1, -(-most // 6)),
        },
    )
    return figure({"data": data, "layout": layout})
