"""The dashboard's Plotly figures, built from a (filtered) event frame.

Every event point carries `customdata = [event_id, title, date, category, countries, place]` so
that a click can be mapped back to the event (`selection.selected_event_id`). Text from the table is
HTML-escaped before it reaches a hover label: Plotly renders tags there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from timeline import schema
from timeline.filters import by_date, categories_present
from timeline.labels import event_labels

# Periods of statehood drawn behind the timeline: (label, first day, day it ended or None).
PERIODS: tuple[tuple[str, str, str | None], ...] = (
    ("Democratic Republic", "1918-05-28", "1920-04-28"),
    ("Soviet era", "1920-04-28", "1991-10-18"),
    ("Independence", "1991-10-18", None),
)
_PERIOD_SHADES = ("rgba(0, 114, 178, 0.10)", "rgba(120, 120, 120, 0.07)", "rgba(0, 158, 115, 0.07)")
SHORT_BAR = 0.01  # bars shorter than this share of the time axis also get a marker
MAX_SUBLANES = 4  # overlapping events in one lane are spread over this many rows
WEBGL_FROM = 5000  # draw markers with WebGL from this many points on
# Above this many events the timeline shows per-lane density, not each event: thousands of SVG
# bars take the browser many seconds (bench/results.md), and nobody can read them anyway.
DETAIL_MAX = 5000
# Above this many located events the places map shows one circle per place or grid cell.
PLACES_MAX = 2000
_GRID_DEGREES = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
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


def escape(values: pd.Series) -> pd.Series:
    """Text safe for a Plotly label: `&`, `<` and `>` as entities (Plotly decodes those three
    and shows the characters literally; it would render tags)."""
    s = values.astype("string").fillna("")
    return s.str.replace("&", "&amp;").str.replace("<", "&lt;").str.replace(">", "&gt;")


def _customdata(df: pd.DataFrame, labels: pd.DataFrame) -> np.ndarray:
    columns = [
        df["id"].astype(str),
        escape(df["title"]),
        escape(labels["date"]),
        escape(labels["category"]),
        escape(labels["countries"].replace("", "—")),
        escape(df["location"]),
    ]
    return (
        np.column_stack([c.to_numpy(dtype=object) for c in columns])
        if len(df)
        else np.empty((0, len(columns)), dtype=object)
    )


def _empty(fig: go.Figure, message: str = _NO_EVENTS) -> go.Figure:
    fig.add_annotation(
        text=message,
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        font={"size": 16},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


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


def lane_positions(df: pd.DataFrame) -> pd.Series:
    """Each event's y on the timeline: its category's lane (top lane highest), shifted to one of
    up to MAX_SUBLANES rows so that events close in time in one lane do not hide each other."""
    order = lanes(df)
    lane = df["category"].astype(str).map({c: len(order) - 1 - i for i, c in enumerate(order)})
    dated = by_date(df)
    rank = dated.groupby(dated["category"].astype(str), sort=False).cumcount()
    size = dated.groupby(dated["category"].astype(str), sort=False)["id"].transform("size")
    rows = np.minimum(size, MAX_SUBLANES)
    offset = ((rank % rows) - (rows - 1) / 2) * (0.8 / rows)
    return (lane + offset.reindex(df.index)).astype(float)


def _sublane_height(df: pd.DataFrame) -> pd.Series:
    size = df.groupby(df["category"].astype(str))["id"].transform("size")
    return 0.8 / np.minimum(size, MAX_SUBLANES) * 0.85


def _time_span(df: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The timeline's x range: every event's period, padded a little."""
    lo = pd.Timestamp(df["start"].min())
    hi = pd.Timestamp(df["end"].max()) + pd.Timedelta(days=1)
    pad = max((hi - lo) * 0.02, pd.Timedelta(days=15))
    return lo - pad, hi + pad


Stretch = tuple[pd.Timestamp, pd.Timestamp]
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
    ends = np.maximum.accumulate((df["end"] + pd.Timedelta(days=1)).to_numpy()[order])
    out = []
    for i in np.flatnonzero(starts[1:] > ends[:-1]):
        first, last = pd.Timestamp(ends[i]), pd.Timestamp(starts[i + 1])
        if last - first > pd.Timedelta(days=365.25 * years):
            out.append((first + _QUIET_MARGIN, last - _QUIET_MARGIN))
    return out


def timeline(df: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Ranged events as bars, other events as markers, one lane per category, over faint bands
    for the periods of statehood, with a range slider.

    Above `DETAIL_MAX` events the lanes show density instead (`timeline_density`): how many
    events are under way in each period. Filtering down to `DETAIL_MAX` or fewer events brings
    back the individual bars and markers."""
    fig = go.Figure(layout={"title": _title("Timeline of events by category"), "font": _FONT})
    if df.empty:
        return _empty(fig)
    if len(df) > DETAIL_MAX:
        return timeline_density(df, selected)
    order = lanes(df)
    labels = event_labels(df)
    custom = _customdata(df, labels)
    y = lane_positions(df).to_numpy()
    height = _sublane_height(df).to_numpy()
    ranged = is_ranged(df).to_numpy()
    category = df["category"].astype(str).to_numpy()
    start = df["start"].to_numpy()
    # A period's bar runs to the end of its last day.
    end = (df["end"] + pd.Timedelta(days=1)).to_numpy()
    duration_ms = (end - start) / np.timedelta64(1, "ms")
    lo, hi = _time_span(df)
    # Bars too short to see or click at the full view also get a marker at their middle.
    short = ranged & (duration_ms < SHORT_BAR * (hi - lo) / pd.Timedelta(milliseconds=1))
    scatter = go.Scattergl if (~ranged | short).sum() >= WEBGL_FROM else go.Scatter
    middle = start + (end - start) / 2
    # One trace per kind of mark, coloured point by point, not one per category and kind: the
    # browser's work grows with the number of traces (the range slider draws each again), and
    # the lanes already tell the categories apart. Rows go lane by lane, top lane first.
    by_lane = np.argsort(pd.Categorical(category, categories=order).codes, kind="stable")
    colors = np.array([schema.CATEGORY_COLORS[c] for c in category], dtype=object)
    bars = by_lane[ranged[by_lane]]
    if len(bars):
        fig.add_trace(
            go.Bar(
                name="Events with a period",
                orientation="h",
                base=pd.Series(start[bars]),
                x=duration_ms[bars],
                y=y[bars],
                width=height[bars],
                marker={"color": colors[bars], "line": {"width": 0}},
                opacity=0.8,
                customdata=custom[bars],
                hovertemplate=_EVENT_HOVER,
                meta={"kind": "ranged"},
            )
        )
    # Markers: at the middle of bars too short to see (squares), and for one-day events.
    for kind, name, marked, x, symbol, size in (
        ("short-range", "Short periods", short, middle, "square", 10),
        ("point", "Events on one date", ~ranged, start, "diamond", 11),
    ):
        rows = by_lane[marked[by_lane]]
        if len(rows):
            fig.add_trace(
                scatter(
                    name=name,
                    mode="markers",
                    x=pd.Series(x[rows]),
                    y=y[rows],
                    marker={
                        "color": colors[rows],
                        "size": size,
                        "symbol": symbol,
                        "line": {"color": "white", "width": 1},
                    },
                    customdata=custom[rows],
                    hovertemplate=_EVENT_HOVER,
                    meta={"kind": kind},
                )
            )
    if selected is not None and (df["id"] == selected).any():
        i = int(np.flatnonzero(df["id"].to_numpy() == selected)[0])
        when = pd.Timestamp(middle[i] if ranged[i] else start[i])
        fig.add_trace(_selected_ring(when, y[i], custom[i : i + 1]))
    _timeline_frame(fig, order, lo, hi, quiet_stretches(df))
    return fig


def _selected_ring(when: pd.Timestamp, y: float, customdata: np.ndarray) -> go.Scatter:
    """The ring around the selected event on either timeline (events or density): black
    inside white, so that it stands out on a light and on a dark background."""
    return go.Scatter(
        name="Selected event",
        mode="markers",
        x=[when, when],
        y=[y, y],
        marker={
            "symbol": "circle-open",
            "size": [26, 26],
            "color": ["white", "black"],
            "line": {"width": [6, 2.5]},
        },
        customdata=np.concatenate([customdata, customdata]),
        hoverinfo="skip",
        meta={"kind": "selected"},
    )


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


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def timeline_density(df: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """The timeline for many events: per lane, a strip of cells, one per period (month, year,
    ...: at most MAX_BINS), shaded by how many of the lane's events are under way then. The
    subtitle says so and how to see the individual events (filter to DETAIL_MAX or fewer)."""
    order = lanes(df)
    word, s, e, edges, labels = density_bins(df["start"], df["end"])
    counts = _density_counts(df, order, s, e, len(labels))
    top = max(int(counts.max()), 1)
    fig = go.Figure(
        layout={
            "title": {
                **_title(f"Timeline of events by category: events under way per {word}"),
                "subtitle": {
                    "text": f"{len(df):,} events are too many to draw one by one: darker cells "
                    f"hold more. Narrow the filters (e.g. the years) to {DETAIL_MAX:,} events or "
                    "fewer to see each event."
                },
            },
            "font": _FONT,
        }
    )
    lane_y = {cat: len(order) - 1 - i for i, cat in enumerate(order)}
    periods = np.array(labels, dtype=object)[None, :]
    for i, cat in enumerate(order):
        color = schema.CATEGORY_COLORS[cat]
        z = counts[i : i + 1].astype(float)
        z[z == 0] = np.nan  # empty periods stay transparent: the bands show through
        y = lane_y[cat]
        fig.add_trace(
            go.Heatmap(
                name=schema.CATEGORIES[cat],
                x=edges,
                y=[y - 0.42, y + 0.42],
                z=z,
                zmin=0,
                zmax=top,
                colorscale=[[0, _rgba(color, 0.12)], [1, color]],
                showscale=False,
                customdata=periods,
                hovertemplate=f"<b>{schema.CATEGORIES[cat]}</b><br>%{{customdata}}: "
                "%{z:,} events under way<extra></extra>",
                meta={"kind": "density", "category": cat},
            )
        )
    if selected is not None and (df["id"] == selected).any():
        row = df[df["id"] == selected].iloc[:1]
        labels_row = event_labels(row)
        when = pd.Timestamp(row["start"].iloc[0])
        if is_ranged(row).iloc[0]:
            when += (pd.Timestamp(row["end"].iloc[0]) + pd.Timedelta(days=1) - when) / 2
        lane = lane_y[str(row["category"].iloc[0])]
        fig.add_trace(_selected_ring(when, lane, _customdata(row, labels_row)))
    _timeline_frame(fig, order, *_time_span(df))
    fig.update_layout(margin={"t": 150}, height=190 + 56 * len(order))  # room for the subtitle
    return fig


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


def _timeline_frame(
    fig: go.Figure,
    order: list[str],
    lo: pd.Timestamp,
    hi: pd.Timestamp,
    cuts: list[Stretch] | None = None,
) -> None:
    """The statehood bands, the axes (one lane per category, the time axis without `cuts`)
    and the range slider."""
    cuts = cuts or []
    for row, ((label, first, last), shade) in enumerate(zip(PERIODS, _PERIOD_SHADES, strict=True)):
        x0 = max(pd.Timestamp(first), lo)
        x1 = min(pd.Timestamp(last), hi) if last else hi
        if x0 >= x1:
            continue
        # add_shape, not add_vrect: the same rectangle, without add_vrect's slow bookkeeping.
        fig.add_shape(
            type="rect",
            x0=x0,
            x1=x1,
            xref="x",
            y0=0,
            y1=1,
            yref="y domain",
            fillcolor=shade,
            line={"width": 0},
            layer="below",
            name=label,
        )
        # Each label inside the top of its band, from its first day that the axis shows.
        fig.add_annotation(
            x=_label_at(x0, x1, cuts),
            y=1,
            xref="x",
            yref="y domain",
            xanchor="left",
            yanchor="top",
            yshift=-16 * (row % 2),  # every other label a line lower: narrow bands stay legible
            text=label,
            showarrow=False,
            font={"size": 12, "weight": 600},
            name=f"band: {label}",
        )
    fig.update_layout(
        height=150 + 40 * len(order),
        showlegend=False,
        hovermode="closest",
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        uirevision="timeline",
        barmode="overlay",
    )
    fig.update_xaxes(
        type="date",
        range=[lo, hi],
        rangebreaks=[{"bounds": [first, last]} for first, last in cuts],
        rangeslider={"visible": True, "thickness": 0.08, "range": [lo, hi]},
        showgrid=True,
        side="top",  # the years above the lanes, in view with the title
    )
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(len(order) - 1, -1, -1)),
        ticktext=[schema.CATEGORIES[c] for c in order],
        range=[-0.6, len(order) - 0.4],
        fixedrange=True,
        showgrid=False,
        zeroline=False,
    )


def _geo_layout(fig: go.Figure) -> None:
    fig.update_geos(
        projection_type="natural earth",
        showcountries=True,
        countrycolor="#9a9a9a",
        showland=True,
        landcolor="#f3f3f3",
        showocean=True,
        oceancolor="#eaf2f8",
        showcoastlines=True,
        coastlinecolor="#9a9a9a",
        showframe=False,
        projection_rotation_lon=0,
        center_lon=0,
        resolution=110,
    )
    fig.update_layout(margin={"l": 0, "r": 0, "t": 50, "b": 0}, height=520, font=_FONT)


def _spread(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates with events at the same place moved apart on a small spiral."""
    k = df.groupby([df["lat"], df["lon"]]).cumcount().to_numpy()
    angle = k * 2.39996  # the golden angle: successive points do not line up
    radius = 0.6 * np.sqrt(k)
    return (
        (df["lat"].to_numpy() + radius * np.sin(angle)).clip(-90, 90),
        df["lon"].to_numpy() + radius * np.cos(angle),
    )


def _extent(
    lat: pd.Series, lon: pd.Series, pad: float = 8, min_lat: float = 24, aspect: float = 1.8
) -> tuple[list[float], list[float]]:
    """Latitude and longitude ranges that show every point with a margin, at least a region,
    about `aspect` times as wide as high (the map's shape: no empty bands above and below)."""
    south, north = float(lat.min()) - pad, float(lat.max()) + pad
    west, east = float(lon.min()) - pad, float(lon.max()) + pad
    height = max(north - south, min_lat, (east - west) / aspect)
    width = max(east - west, height * aspect)
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    lat_range = [max(mid_lat - height / 2, -90.0), min(mid_lat + height / 2, 90.0)]
    lon_range = [max(mid_lon - width / 2, -180.0), min(mid_lon + width / 2, 180.0)]
    return lat_range, lon_range


def place_groups(located: pd.DataFrame, max_places: int = PLACES_MAX) -> tuple[float, pd.DataFrame]:
    """Located events grouped on a grid of `cell` degrees, the finest of `_GRID_DEGREES` that
    gives at most `max_places` groups (0: the exact coordinates, when there are few enough).
    Returns the cell size and one row per group: mean lat, lon, `events`, and `category` (the
    most frequent one in the group)."""
    lat, lon = located["lat"].to_numpy(), located["lon"].to_numpy()
    names = np.array(list(schema.CATEGORIES), dtype=object)
    category = _category_codes(located, list(names))
    for cell in (0.0, *_GRID_DEGREES):
        step = cell or 1e-5  # exact places: the same point to about a metre
        keys = np.floor((lat + 90) / step).astype(np.int64) * 100_000_000 + np.floor(
            (lon + 360) / step
        ).astype(np.int64)
        codes, uniques = pd.factorize(keys)
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
    return cell, out.sort_values("events", ascending=False, kind="stable").reset_index(drop=True)


def _places_aggregated(fig: go.Figure, located: pd.DataFrame) -> go.Figure:
    """Many located events: one circle per place (or grid cell), its area by count."""
    cell, groups = place_groups(located)
    where = "place" if cell == 0 else f"{cell:g}° × {cell:g}° cell"
    fig.update_layout(
        title={
            "subtitle": {
                "text": f"{len(located):,} located events are too many to mark one by one: one "
                f"circle per {where}, its area by the number of events. Filter to "
                f"{PLACES_MAX:,} located events or fewer to see each event."
            }
        },
        margin={"t": 80},
    )
    size = 6 + 30 * np.sqrt(groups["events"].to_numpy() / max(int(groups["events"].max()), 1))
    colors = groups["category"].map(schema.CATEGORY_COLORS).to_numpy()
    names = groups["category"].map(schema.CATEGORIES).to_numpy(dtype=object)
    fig.add_trace(
        go.Scattergeo(
            name="Events",
            lat=groups["lat"].round(3).to_numpy(),
            lon=groups["lon"].round(3).to_numpy(),
            mode="markers",
            marker={
                "color": colors,
                "size": size.round(1),
                "opacity": 0.75,
                "line": {"color": "white", "width": 0.5},
            },
            text=names,
            customdata=groups["events"].to_numpy(),
            hovertemplate="%{customdata:,} events<br>most often: %{text}<extra></extra>",
            meta={"kind": "places"},
        )
    )
    _zoom_to(fig, located)
    return fig


def _zoom_to(fig: go.Figure, located: pd.DataFrame) -> None:
    """Show the part of the world where `located`'s events are, centred on them."""
    lat_range, lon_range = _extent(located["lat"], located["lon"])
    middle_lon = (lon_range[0] + lon_range[1]) / 2
    fig.update_geos(
        projection_type="equirectangular",
        lataxis_range=lat_range,
        lonaxis_range=lon_range,
        center_lon=middle_lon,
        projection_rotation_lon=middle_lon,
        center_lat=(lat_range[0] + lat_range[1]) / 2,
    )


def places_map(df: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """One marker per located event, coloured by category; above PLACES_MAX located events,
    one circle per place or grid cell (`place_groups`)."""
    has_place = (df["lat"].notna() & df["lon"].notna()).to_numpy()
    title = f"Places: {int(has_place.sum()):,} of {len(df):,} events have a location"
    fig = go.Figure(layout={"title": _title(title)})
    _geo_layout(fig)
    if has_place.sum() > PLACES_MAX:
        # Only the columns the groups need: selecting whole rows of a big table moves every
        # text column (a second at 1M rows).
        return _places_aggregated(fig, df.loc[has_place, ["lat", "lon", "category"]])
    located = df[has_place]
    if located.empty:
        return _empty(fig, "None of these events has a location" if len(df) else _NO_EVENTS)
    custom = _customdata(located, event_labels(located))
    lat, lon = _spread(located)
    category = located["category"].astype(str).to_numpy()
    hover = (
        "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}"
        "<br>%{customdata[5]}<extra></extra>"
    )
    for cat in lanes(located):
        rows = category == cat
        fig.add_trace(
            go.Scattergeo(
                name=schema.CATEGORIES[cat],
                lat=lat[rows],
                lon=lon[rows],
                mode="markers",
                marker={
                    "color": schema.CATEGORY_COLORS[cat],
                    "size": 10,
                    "opacity": 0.9,
                    "line": {"color": "white", "width": 1},
                },
                customdata=custom[rows],
                hovertemplate=hover,
                meta={"category": cat},
            )
        )
    if selected is not None and (located["id"] == selected).any():
        i = int(np.flatnonzero(located["id"].to_numpy() == selected)[0])
        fig.add_trace(
            go.Scattergeo(
                name="Selected event",
                lat=lat[i : i + 1],
                lon=lon[i : i + 1],
                mode="markers",
                marker={
                    "symbol": "circle-open",
                    "size": 22,
                    "color": "black",
                    "line": {"width": 3},
                },
                customdata=custom[i : i + 1],
                hoverinfo="skip",
                meta={"kind": "selected"},
            )
        )
    _zoom_to(fig, located)
    fig.update_layout(legend={"title": {"text": "Category"}})
    return fig


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


def countries_map(df: pd.DataFrame) -> go.Figure:
    """A choropleth of how many events involve each country, with a by-category hover."""
    fig = go.Figure(layout={"title": _title("Countries: number of events involving each")})
    _geo_layout(fig)
    counts = country_counts(df)
    if counts.empty:
        return _empty(fig, "None of these events names another country" if len(df) else _NO_EVENTS)
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
    fig.add_trace(
        go.Choropleth(
            locations=counts.index.to_list(),
            z=counts["total"].to_numpy(),
            locationmode="ISO-3",
            colorscale="Blues",
            zmin=0,
            marker={"line": {"color": "#666666", "width": 0.5}},
            colorbar={"title": {"text": "Events"}, "thickness": 12},
            customdata=custom,
            name="Events",
            hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[3]}<br>%{customdata[2]}"
            "<extra></extra>",
        )
    )
    fig.add_trace(
        go.Choropleth(
            locations=["AZE"],
            z=[1],
            locationmode="ISO-3",
            showscale=False,
            colorscale=[[0, "#E69F00"], [1, "#E69F00"]],
            name="Azerbaijan",
            customdata=[["AZE", "Azerbaijan", ""]],
            hovertemplate="<b>Azerbaijan</b><br>party to every event<extra></extra>",
        )
    )
    return fig


def events_per_year(df: pd.DataFrame) -> go.Figure:
    """Stacked bars: how many of the events start in each year, by category."""
    fig = go.Figure(
        layout={"title": _title("Events per year, by category (year each event starts)")}
    )
    fig.update_layout(height=400, font=_FONT, margin={"l": 10, "r": 10, "t": 60, "b": 10})
    if df.empty:
        return _empty(fig)
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
    for cat in [c for c in schema.CATEGORIES if c in counts.columns]:
        # Only the years that have such events: a zero-height bar is invisible, but the browser
        # still draws it (a century of years times the categories: most of the chart's work).
        some = counts[cat].to_numpy() > 0
        fig.add_trace(
            go.Bar(
                name=schema.CATEGORIES[cat],
                x=years[some],
                y=counts[cat].to_numpy()[some],
                marker={"color": schema.CATEGORY_COLORS[cat]},
                hovertemplate="%{x}: %{y} " + schema.CATEGORIES[cat] + "<extra></extra>",
                meta={"category": cat},
            )
        )
    fig.update_layout(
        barmode="stack",
        bargap=0.15,
        legend={"title": {"text": "Category"}, "traceorder": "normal"},
    )
    most = int(counts.sum(axis=1).max())
    pad = 0.5 + max(0, 12 - len(counts)) / 2  # a few years do not make one wide bar
    fig.update_xaxes(
        title_text="Year", tickformat="d", range=[counts.index[0] - pad, counts.index[-1] + pad]
    )
    fig.update_yaxes(title_text="Events", rangemode="tozero", dtick=max(1, -(-most // 6)))
    return fig
