"""The timeline figure: each event in its category's lane (packed into rows or clusters by
`packing`) over the periods of statehood, or per-lane density above `DETAIL_MAX` events.
Every event point's customdata is `[event_id, title, date, category, countries, place]`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from timeline import figures, packing, palette, schema
from timeline.figures import Spec
from timeline.filters import categories_present
from timeline.labels import label_texts, period_label
from timeline.packing import Stretch
from timeline.palette import BAR_OPACITY, CLUSTER_ALPHA, LIGHT, Palette, parse, with_alpha
from timeline.selection import LIST_PREFIX, ZOOM_PREFIX, Span

WEBGL_FROM = 5000  # draw markers with WebGL from this many points on
# Above this many events, per-lane density: thousands of SVG bars take the browser seconds.
DETAIL_MAX = 5000
MAX_BINS = 1000  # density cells per lane: no more than the plot is wide in pixels
# Periods for density, finest first: (pandas frequency, its name, label format).
_BIN_SIZES: tuple[tuple[str, str, str], ...] = (
    ("D", "day", "%d %b %Y"),
    ("W", "week", "week of %d %b %Y"),
    ("M", "month", "%b %Y"),
    ("Q", "quarter", "Q%q %Y"),
    ("Y", "year", "%Y"),
)
ROW_PX = 21  # a row of marks on the timeline, in pixels
_BAND_STRIP = 1.0  # rows under the lanes that hold the statehood bands' labels
_LEFT = {"xanchor": "left", "yanchor": "middle"}  # a note from its (x, y) on
_SHORT_BANDS = {"Democratic Republic": "1918–20", "Soviet era": "Soviet", "Independence": "Indep."}
# Lane names as titles: the countries of a relation or a recognition, the organization joined.
_TITLE_FROM = {
    "diplomatic_relations": "countries",
    "recognition": "countries",
    "membership": "organizations",
}
_EVENT_HOVER = (
    "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}"
    "<br>%{customdata[4]}<extra></extra>"
)


def _customdata(df: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
    """The customdata of the events at positions `rows` (default all), escaped but the id."""
    part = df if rows is None else df.iloc[rows]
    texts = label_texts(part, ("date", "category", "countries"))
    countries = np.where(texts["countries"] == "", "—", texts["countries"])
    shown = (part["title"], texts["date"], texts["category"], countries, part["location"])
    ids = part["id"].astype(str).to_numpy(dtype=object)
    return np.column_stack([ids, *map(figures.escaped, shown)])


def is_ranged(df: pd.DataFrame) -> pd.Series:
    """Events drawn as bars: those with an end date different from their start date."""
    end = df["end_date"].astype(str)
    return (end != "") & (end != df["start_date"].astype(str))


def timeline(
    df: pd.DataFrame,
    selected: str | None = None,
    window: Stretch | None = None,
    pal: Palette = LIGHT,
) -> go.Figure:
    """The timeline of `df` in `window` (first and last day; default the events' span) with
    `selected` ringed: bars and markers in a lane per category, clusters where a lane is too
    crowded (a click zooms in, or lists their events), or density above `DETAIL_MAX` events."""
    return ringed(timeline_parts(df, window, pal), df, selected)


@dataclass(frozen=True)
class TimelineParts:
    """The timeline without a selected event, and where each event's ring goes: made once
    per filter state and window, ringed per selected event; `spec` is never changed."""

    spec: Spec
    ids: np.ndarray  # the events drawn, in the frame's order
    ring_x: np.ndarray  # where each one's ring goes: on its mark, or its cluster's middle
    ring_y: np.ndarray
    pal: Palette  # the page's palette it is drawn with


def ringed(parts: TimelineParts, df: pd.DataFrame, selected: str | None) -> go.Figure:
    """The timeline of `parts` with the event `selected` of `df` ringed, when it is drawn."""
    data = list(parts.spec["data"])
    at = np.flatnonzero(parts.ids == selected)[:1] if selected is not None else []
    if len(at):
        row = df[df["id"] == selected].iloc[:1]
        where = {"type": "scatter", "x": [parts.ring_x[at[0]]], "y": [parts.ring_y[at[0]]]}
        data.append(figures.ring(where, 26, _customdata(row), parts.pal))
    return figures.figure({"data": data, "layout": parts.spec["layout"]}, parts.pal)


def timeline_parts(
    df: pd.DataFrame, window: Stretch | None = None, pal: Palette = LIGHT
) -> TimelineParts:
    """`timeline(df, None, window)` as parts: its spec and where each event's ring goes."""
    layout: Spec = {"title": figures.heading("Timeline of events by category")}
    whole = df  # density draws every event, whatever the window
    if window is not None:  # a one-date event is in view when its mark (at its start) is
        end = df["end"].where(is_ranged(df), df["start"])
        df = df[(end >= window[0]) & (df["start"] <= window[1])]
    if df.empty:
        nothing = np.empty(0)
        return TimelineParts(
            figures.empty_spec(layout), nothing.astype(object), nothing, nothing, pal
        )
    if len(df) > DETAIL_MAX:
        return _density_parts(whole, pal)
    axis = packing.timeline_axis(df, window)
    order = list(categories_present(df))  # the lanes, top to bottom
    ranged = is_ranged(df).to_numpy()
    category = df["category"].astype(str).to_numpy()
    titles = _short_titles(category, df)
    packed = packing.pack(category, df["start"], df["end"], ranged, titles, axis)
    # Escaped once cut to fit: a cut must not split an entity.
    label = figures.escaped(packed.label.ravel()).reshape(packed.label.shape)
    rows = _Rows(order, packed.rows)
    y = rows.y(category, packed.row)
    # A period's bar runs to the end of its last day.
    x0 = axis.fraction(df["start"])
    x1 = axis.fraction(df["end"].to_numpy() + np.timedelta64(1, "D"))
    short = ranged & ~packed.bar
    alone = packed.cluster < 0
    custom = np.empty((len(df), 6), dtype=object)
    custom[alone] = _customdata(df, np.flatnonzero(alone))
    scatter = "scattergl" if (alone & (~ranged | short)).sum() >= WEBGL_FROM else "scatter"
    middle = (x0 + x1) / 2
    # One trace per kind of mark, coloured point by point: the browser's work grows with the
    # number of traces. Rows go lane by lane, top lane first.
    by_lane = np.argsort(pd.Categorical(category, categories=order).codes, kind="stable")
    by_lane = by_lane[alone[by_lane]]
    colors = np.array([pal.category[c] for c in category], dtype=object)
    bars = by_lane[(ranged & ~short)[by_lane]]
    shorts = by_lane[(ranged & short)[by_lane]]
    data: list[Spec] = [
        {
            "type": "bar",
            "name": "Events with a period",
            "orientation": "h",
            "base": x0[bars].tolist(),  # a list, as Plotly's validation makes it
            "x": x1[bars] - x0[bars],
            "y": y[bars],
            "width": 0.62,
            "marker": {"color": colors[bars], "line": {"width": 0}},
            "opacity": BAR_OPACITY,
            "customdata": custom[bars],
            "hovertemplate": _EVENT_HOVER,
            "meta": {"kind": "ranged"},
        },
    ]
    # Periods too short for a bar (squares), and one-day events (diamonds).
    edge = {"color": pal.marker_edge, "width": 1}
    data += [
        {
            "type": scatter,
            "name": name,
            "mode": "markers",
            "x": x[at],
            "y": y[at],
            "marker": {"color": colors[at], "size": size, "symbol": symbol, "line": {**edge}},
            "customdata": custom[at],
            "hovertemplate": _EVENT_HOVER,
            "meta": {"kind": kind},
        }
        for kind, name, at, x, symbol, size in (
            ("short-range", "Short periods", shorts, middle, "square", 9),
            ("point", "Events on one date", by_lane[~ranged[by_lane]], x0, "diamond", 11),
        )
    ]
    # The titles (`packing._labels`) in three traces: the same on any plot, a wide plot's only,
    # a narrow one's only. The page's style shows one of the last two by the plot's width: it
    # finds them by their font's first name, which is no font (Plotly writes no trace's name).
    mark_x = np.where(ranged, middle, x0)
    left, right = np.where(packed.bar, x0, mark_x), np.where(packed.bar, x1, mark_x)
    pad = np.where(packed.bar, "\u2002", "\u2002\u2002")  # a mark's half width and a gap
    inks = {c: _ink(pal.category[c], pal) for c in order}
    ink = np.array([inks[c] for c in category], dtype=object)
    same = (label[:, 0] == label[:, 1]) & (packed.side[:, 0] == packed.side[:, 1])
    for on, w, at in (("any", 0, same), ("wide", 0, ~same), ("narrow", 1, ~same)):
        i = np.flatnonzero(at & (label[:, w] != ""))
        text, side = label[i, w], packed.side[i, w]
        data.append(
            {
                "type": "scatter",
                "name": "Titles",
                "mode": "text",
                "x": np.where(side > 0, right[i], left[i]),
                "y": y[i],
                "text": np.where(side < 0, text + pad[i], pad[i] + text),
                "textposition": np.where(side < 0, "middle left", "middle right"),
                # In black or white inside a bar; beside a mark, as any text.
                "textfont": {
                    "family": "sans-serif" if on == "any" else f"{on}-plot-titles, sans-serif",
                    "size": 11,
                    "color": np.where(side == 0, ink[i], pal.text),
                },
                "hoverinfo": "skip",
                "meta": {"kind": "titles", "on": on},
            }
        )
    data = [trace for trace in data if len(trace["y"])]  # no trace without events
    ids = df["id"].astype(str).to_numpy(dtype=object)
    members = [ids[packed.cluster == k] for k in range(len(packed.clusters))]
    data += _clusters(packed.clusters, members, rows, packed.bar_rows, window, pal)
    _timeline_frame(layout, rows, axis, pal)
    # A ring on the event's own mark; on its cluster's middle (its y already) when in one.
    ring_x = mark_x.astype(float)
    mids = ((packed.clusters["x0"] + packed.clusters["x1"]) / 2).to_numpy()
    ring_x[~alone] = mids[packed.cluster[~alone]]
    return TimelineParts({"data": data, "layout": layout}, ids, ring_x, y.astype(float), pal)


def _ink(color: str, pal: Palette) -> str:
    """Black or white, whichever reads better on a bar of `color` (WCAG 2's luminance)."""
    bar, page = ((parse(c) or (0, 0, 0))[:3] for c in (color, pal.background))
    seen = [BAR_OPACITY * a + (1 - BAR_OPACITY) * b for a, b in zip(bar, page, strict=True)]
    return "#000000" if palette.luminance(tuple(seen)) > 0.179 else "#FFFFFF"


def _short_titles(category: np.ndarray, df: pd.DataFrame) -> np.ndarray:
    """Beside each mark: a relation's partner, a membership's organization, else the title."""
    labels = label_texts(df, tuple(dict.fromkeys(_TITLE_FROM.values())))
    out = df["title"].astype(str).to_numpy(dtype=object)
    for cat, column in _TITLE_FROM.items():
        out = np.where((category == cat) & (labels[column] != ""), labels[column], out)
    return out


class _Rows:
    """The lanes' rows on the y axis, top to bottom in `order`, each under a strip for its name."""

    GAP = 0.85  # the strip above each lane, in rows

    def __init__(self, order: list[str], rows: dict[str, int]) -> None:
        self.order = order
        self.rows = {lane: max(rows.get(lane, 1), 1) for lane in order}
        self.height = y = sum(self.rows.values()) + self.GAP * len(order)
        self.top: dict[str, float] = {}
        for lane in order:
            self.top[lane] = y = y - self.GAP
            y -= self.rows[lane]

    def y(self, lane: np.ndarray, row: np.ndarray) -> np.ndarray:
        """The y of each mark: the middle of its row (its lane's middle, in a cluster)."""
        top = np.array([self.top[c] for c in lane])
        middle = np.array([self.centre(c) for c in lane])
        return np.where(row >= 0, top - row - 0.5, middle)

    def centre(self, lane: str) -> float:
        return self.top[lane] - self.rows[lane] / 2


def _clusters(
    clusters: pd.DataFrame,
    members: list[np.ndarray],
    rows: _Rows,
    bar_rows: dict[str, int],
    window: Stretch | None,
    pal: Palette,
) -> list[Spec]:
    """One mark per cluster across its lane's rows of marks, with its count (a trace, or none);
    a click zooms to its span in `window`, or lists its `members` where that cannot part them."""
    if clusters.empty:
        return []
    lanes_ = clusters["lane"].astype(str).tolist()
    height = [rows.rows[c] - bar_rows.get(c, 0) for c in lanes_]
    middle = [rows.top[c] - bar_rows.get(c, 0) - h / 2 for c, h in zip(lanes_, height, strict=True)]
    names = [schema.CATEGORIES[c] for c in lanes_]
    spans = list(zip(clusters["first"], clusters["last"], strict=True))
    clicks = [_click(a, b, ids, window) for (a, b), ids in zip(spans, members, strict=True)]
    custom = np.array(
        [
            [click, f"{n} events: {name}", period_label(a, b), name, hint, ""]
            for (click, hint), (a, b), n, name in zip(
                clicks, spans, clusters["count"], names, strict=True
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
                "color": [with_alpha(pal.category[c], CLUSTER_ALPHA) for c in lanes_],
                "line": {"color": [pal.category[c] for c in lanes_], "width": 1.5},
            },
            "text": [f"<b>{n}</b>" for n in clusters["count"]],
            "textposition": "inside",
            "insidetextanchor": "middle",
            "textangle": 0,
            "constraintext": "none",
            "textfont": {"size": 12, "color": pal.text},
            "customdata": custom,
            "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>"
            "%{customdata[4]}<extra></extra>",
            "meta": {"kind": "cluster"},
        }
    ]


def _click(
    first: pd.Timestamp, last: pd.Timestamp, ids: np.ndarray, window: Stretch | None
) -> tuple[str, str]:
    """What a cluster's click carries, and its hint: the span to zoom to within `window`
    (`selection.selected_span`), or its events' `ids` (`selection.listed_events`) when that
    span is one day or the window itself: zooming would not part them."""
    if window is not None:
        first, last = max(first, window[0]), min(last, window[1])
    if first.normalize() == last.normalize() or (first, last) == window:
        return LIST_PREFIX + ",".join(ids), "Click to list them"
    return f"{ZOOM_PREFIX}{first.date().isoformat()}/{last.date().isoformat()}", "Click to zoom in"


def timeline_window(zoom: Span | None, years: tuple[int, int] | None) -> Stretch | None:
    """The stretch of time the timeline shows: the zoom within the years filter, else the
    filter's years, else None (the events' whole span)."""
    lo = pd.Timestamp(year=min(years), month=1, day=1) if years else pd.Timestamp.min
    hi = pd.Timestamp(year=max(years), month=12, day=31) if years else pd.Timestamp.max
    if zoom is not None:
        first, last = max(pd.Timestamp(zoom[0]), lo), min(pd.Timestamp(zoom[1]), hi)
        if first <= last:
            return first, last
    return (lo, hi) if years else None


def density_bins(
    start: pd.Series, end: pd.Series, max_bins: int = MAX_BINS
) -> tuple[str, np.ndarray, np.ndarray, pd.DatetimeIndex, list[str]]:
    """The finest calendar period (day ... year, then years by the group) giving at most
    `max_bins` periods: its name, each event's first and last period, the edges and labels."""
    first, last = pd.Timestamp(start.min()), pd.Timestamp(end.max())
    for freq, word, fmt in _BIN_SIZES:
        lo, hi = first.to_period(freq), last.to_period(freq)
        if (hi - lo).n + 1 <= max_bins:
            s = pd.DatetimeIndex(start).to_period(freq).asi8 - lo.ordinal
            e = pd.DatetimeIndex(end).to_period(freq).asi8 - lo.ordinal
            periods = pd.period_range(lo, hi + 1, freq=freq)
            return word, s, e, periods.to_timestamp(), list(periods[:-1].strftime(fmt))
    # More than `max_bins` years: groups of `step` years.
    step = -(-(last.year - first.year + 1) // max_bins)
    while last.year // step - first.year // step + 1 > max_bins:
        step += 1
    base = first.year - first.year % step
    s = (pd.DatetimeIndex(start).year.to_numpy() - base) // step
    e = (pd.DatetimeIndex(end).year.to_numpy() - base) // step
    years = list(range(base, base + step * (int(e.max()) + 2), step))
    edges = pd.DatetimeIndex([pd.Timestamp(year=max(y, 1), month=1, day=1) for y in years])
    labels = [f"{y}–{y + step - 1}" for y in years[:-1]]
    return f"{step} years", s, e, edges, labels


def lane_density(df: pd.DataFrame, max_bins: int = MAX_BINS) -> tuple[str, pd.DataFrame]:
    """The period's name and the events under way per lane (rows) and period (columns)."""
    word, _, counts = _under_way(df, max_bins)
    return word, counts


def _under_way(df: pd.DataFrame, max_bins: int) -> tuple[str, pd.DatetimeIndex, pd.DataFrame]:
    """`lane_density` and the periods' edges: +1 at an event's first period, -1 after its last,
    summed along each lane."""
    order = list(categories_present(df))
    word, s, e, edges, labels = density_bins(df["start"], df["end"], max_bins)
    lane = figures.category_codes(df, order).astype(np.int64)
    width = len(labels) + 1
    diff = np.bincount(lane * width + s, minlength=len(order) * width)
    diff -= np.bincount(lane * width + e + 1, minlength=len(order) * width)
    counts = diff.reshape(len(order), width).cumsum(axis=1)[:, :-1]
    return word, edges, pd.DataFrame(counts, index=order, columns=labels)


def timeline_density(
    df: pd.DataFrame, selected: str | None = None, pal: Palette = LIGHT
) -> go.Figure:
    """The timeline of many events: per lane a strip of cells, one per period, shaded by how
    many of its events are under way then; the subtitle says how to see each event."""
    return ringed(_density_parts(df, pal), df, selected)


def _density_parts(df: pd.DataFrame, pal: Palette) -> TimelineParts:
    """`timeline_density` as parts: a ring goes in its lane, at the middle of its period."""
    word, edges, frame = _under_way(df, MAX_BINS)
    order, counts = list(frame.index), frame.to_numpy()
    top = max(int(counts.max()), 1)
    layout: Spec = {
        "title": {
            **figures.heading(f"Timeline of events by category: events under way per {word}"),
            "subtitle": {
                "text": f"{len(df):,} events are too many to draw one by one: darker cells "
                f"hold more. Narrow the filters (e.g. the years) to {DETAIL_MAX:,} events or "
                "fewer to see each event."
            },
        },
    }
    rows = _Rows(order, {})
    axis = packing.Axis(*packing.time_span(df))
    periods = frame.columns.to_numpy(dtype=object)[None, :]
    x = axis.fraction(edges)
    z = np.where(counts == 0, np.nan, counts)  # empty periods stay transparent: bands show
    data: list[Spec] = [
        {
            "type": "heatmap",
            "name": schema.CATEGORIES[cat],
            "x": x,
            "y": [rows.centre(cat) + dy for dy in (-0.42, 0.42)],
            "z": z[i : i + 1],
            "zmin": 0,
            "zmax": top,
            "colorscale": [[0, with_alpha(pal.category[cat], 0.12)], [1, pal.category[cat]]],
            "showscale": False,
            "customdata": periods,
            "hovertemplate": f"<b>{schema.CATEGORIES[cat]}</b><br>%{{customdata}}: "
            "%{z:,} events under way<extra></extra>",
            "meta": {"kind": "density", "category": cat},
        }
        for i, cat in enumerate(order)
    ]
    _timeline_frame(layout, rows, axis, pal)
    # Room for the subtitle.
    figures.merge(layout, {"margin": {"t": 150}, "height": 190 + 56 * len(order)})
    start = df["start"]
    when = start.where(~is_ranged(df), start + (df["end"] + pd.Timedelta(days=1) - start) / 2)
    ring_x = axis.fraction(when.to_numpy(dtype="datetime64[ms]"))
    ring_y = df["category"].astype(str).map({c: rows.centre(c) for c in order}).to_numpy(float)
    ids = df["id"].astype(str).to_numpy(dtype=object)
    return TimelineParts({"data": data, "layout": layout}, ids, ring_x, ring_y, pal)


def _label_at(x0: pd.Timestamp, x1: pd.Timestamp, cuts: list[Stretch]) -> pd.Timestamp:
    """Where a band's label goes: the start of the widest piece of it the axis shows."""
    pieces, start = [], x0
    for first, last in sorted(cuts):
        if first < x1 and last > start:
            if first > start:
                pieces.append((start, first))
            start = max(start, last)
    if start < x1:
        pieces.append((start, x1))
    return max(pieces, key=lambda p: p[1] - p[0])[0] if pieces else x0


def _band_label(label: str, room_px: float) -> str:
    """A band's label as it fits in `room_px` of the plot: whole, short, or not at all."""
    texts = (label, _SHORT_BANDS.get(label, ""))
    return next((text for text in texts if text and len(text) * 7.2 + 8 <= room_px), "")


def _timeline_frame(layout: Spec, rows: _Rows, axis: packing.Axis, pal: Palette) -> None:
    """Into the timeline's `layout`: the statehood bands and their labels, the axes (a dotted
    line where time is cut out), the lanes' names and drag-to-zoom; the axis in its meta."""
    lo, hi, cuts = axis.lo, axis.hi, list(axis.cuts)
    shapes: list[Spec] = layout.setdefault("shapes", [])
    notes: list[Spec] = layout.setdefault("annotations", [])
    at = axis.at
    for (label, first, last), shade in zip(schema.PERIODS, pal.era_fill, strict=True):
        x0 = max(pd.Timestamp(first), lo)
        x1 = min(pd.Timestamp(last), hi) if last else hi
        if x0 >= x1:
            continue
        shapes.append(figures.band(at(x0), at(x1), shade, label))
        # Fitted to a phone's plot: wider, it has room to spare. On its widest piece, or
        # across the dotted cuts from its start where only that leaves it room.
        for start in (_label_at(x0, x1, cuts), x0):
            text = _band_label(label, (at(x1) - at(start)) * packing.NARROW_WIDTH)
            if text:
                break
        if text:
            font = {"size": 12, "weight": 600, "color": pal.era_label}
            where = (at(start), -_BAND_STRIP / 2, "x", "y")
            notes.append(figures.note(text, *where, **_LEFT, font=font, name=f"band: {label}"))
    dots = {"width": 1.5, "dash": "dot", "color": pal.cut}
    shapes += [figures.rule(at(first), {**dots}, "cut") for first, _ in cuts if lo < first < hi]
    ticks = packing.year_ticks(axis)
    figures.merge(
        layout,
        {
            "height": int(110 + ROW_PX * (rows.height + _BAND_STRIP)),
            "showlegend": False,
            "hovermode": "closest",
            "margin": {"l": 10, "r": 10, "t": 80, "b": 10},
            "uirevision": "timeline",
            "barmode": "overlay",
            # A drag selects a stretch of time to zoom to (with the default drag, Streamlit
            # reports no clicks on points).
            "selectdirection": "h",
            "meta": {"axis": axis.to_meta()},
            "xaxis": {
                "type": "linear",
                "range": [0, 1],
                "tickmode": "array",
                "tickvals": [at(t) for t in ticks],
                "ticktext": [packing.tick_text(t, ticks) for t in ticks],
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
    # The lanes' names inside the plot: it keeps the whole width, which a phone needs.
    font = {"size": 11, "weight": 600}
    for lane in rows.order:
        where = (0, rows.top[lane] + rows.GAP / 2, "paper", "y")  # mid-strip
        notes.append(
            figures.note(schema.CATEGORIES[lane], *where, **_LEFT, font=font, name=f"lane: {lane}")
        )
    if not shapes:
        del layout["shapes"]


def axis_of(fig: go.Figure) -> packing.Axis | None:
    """The time axis a timeline figure was drawn on (None for another figure)."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else None
    return packing.Axis.from_meta(meta["axis"]) if meta and "axis" in meta else None
