"""The maps of where events happen: a mark per place (or grid cell, for many events) and a
choropleth of the countries they involve, each opening on its events' region.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from timeline import figures, schema
from timeline.figures import NO_EVENTS, Spec
from timeline.labels import label_texts
from timeline.palette import LIGHT, Palette

PLACES_MAX = 2000  # above this many located events, one circle per place or grid cell
_GRID_DEGREES = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
REGION_SHARE = 0.85  # the share of events nearest their middle that a map opens on
# Lower for countries: some 120 states are named once or twice each, all over the world.
COUNTRY_REGION_SHARE = 0.6
REGION_PAD = 8.0  # degrees of margin around the region's events
REGION_MIN_LAT = 24.0  # degrees of latitude at least: one place shows the region around it
MAP_ASPECT = 1.8  # the map's width over its height, which the extent takes
HOVER_TITLES = 10  # a place's hover lists this many of its events, then counts the rest
HOVER_TITLE_MAX = 70  # characters of a title in that list
BASE_MAP = Path(__file__).resolve().parents[2] / "static" / "world_110m.json"
# A legend or colour bar under the map (beside it leaves a phone's map a third of the width).
_UNDER = {"orientation": "h", "yanchor": "top", "y": 0, "x": 0}


def geo_layout(title: Spec) -> Spec:
    """A map's layout: `title`, the world map's projection, what it shows, its size and margins."""
    return {
        "title": title,
        "geo": {
            "projection": {"type": "natural earth", "rotation": {"lon": 0}},
            **dict.fromkeys(("showcountries", "showland", "showocean", "showlakes"), True),
            "showcoastlines": True,
            "showframe": False,
            "center": {"lon": 0},
            "resolution": 110,
        },
        "margin": {"l": 0, "r": 0, "t": 50, "b": 0},
        "height": 520,
    }


def azerbaijan(color: str, hover: str, text: str = "", **more: Any) -> Spec:
    """A choropleth trace of Azerbaijan alone in `color`; `hover` its hover (HTML), `text` the
    third item of its customdata, as in the countries' [ISO3, name, text]."""
    return {
        "type": "choropleth",
        "name": "Azerbaijan",
        "locations": ["AZE"],
        "z": [1],
        "locationmode": "ISO-3",
        "showscale": False,
        "colorscale": [[0, color], [1, color]],
        "customdata": [["AZE", "Azerbaijan", text]],
        "hovertemplate": f"{hover}<extra></extra>",
        **more,
    }


def region_extent(
    lat: Any, lon: Any, weight: Any = None, share: float = REGION_SHARE
) -> tuple[list[float], list[float]]:
    """The maps' default extent: a box of the map's shape around the points (each counted
    `weight` times) nearest their median that make up `share` of them; far ones stay out."""
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
    p, p0, dlon = np.radians(lat), np.radians(lat0), np.radians(lon - lon0)
    h = np.sin((p - p0) / 2) ** 2 + np.cos(p) * np.cos(p0) * np.sin(dlon / 2) ** 2
    return np.degrees(2 * np.arcsin(np.sqrt(np.clip(h, 0, 1))))


def _box(lat: np.ndarray, lon: np.ndarray) -> tuple[list[float], list[float]]:
    """Latitude and longitude ranges around every point, padded, of the map's shape."""
    south, north = float(lat.min()) - REGION_PAD, float(lat.max()) + REGION_PAD
    west, east = float(lon.min()) - REGION_PAD, float(lon.max()) + REGION_PAD
    height = max(north - south, REGION_MIN_LAT, (east - west) / MAP_ASPECT)
    width = max(east - west, height * MAP_ASPECT)
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    lat_range = [max(mid_lat - height / 2, -90.0), min(mid_lat + height / 2, 90.0)]
    lon_range = [max(mid_lon - width / 2, -180.0), min(mid_lon + width / 2, 180.0)]
    return lat_range, lon_range


def _zoom_to(layout: Spec, lat_range: list[float], lon_range: list[float]) -> None:
    """Into a map's `layout` (of geo_layout): show this part of the world, centred on it."""
    middle_lon = (lon_range[0] + lon_range[1]) / 2
    layout["geo"].update(
        projection={"type": "equirectangular", "rotation": {"lon": middle_lon}},
        lataxis={"range": lat_range},
        lonaxis={"range": lon_range},
        center={"lon": middle_lon, "lat": (lat_range[0] + lat_range[1]) / 2},
    )


@functools.cache
def country_centroids() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lat, lon) of each country's label point on BASE_MAP (empty without the file)."""
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
    row = np.floor((lat + 90) / step).astype(np.int64)
    return row * 100_000_000 + np.floor((lon + 360) / step).astype(np.int64)


def place_groups(
    located: pd.DataFrame, max_places: int = PLACES_MAX
) -> tuple[float, pd.DataFrame, np.ndarray]:
    """Located events on the finest grid (0: exact places) of at most `max_places` groups: its
    cell; per group (most events first) mean lat, lon, `events`, top `category`; each's group."""
    lat, lon = located["lat"].to_numpy(), located["lon"].to_numpy()
    names = np.array(sorted(schema.CATEGORIES), dtype=object)  # a tie goes to the first
    category = figures.category_codes(located, list(names))
    for cell in (0.0, *_GRID_DEGREES):
        codes, uniques = pd.factorize(_place_keys(lat, lon, cell))
        if len(uniques) <= max_places or cell == _GRID_DEGREES[-1]:
            break
    frame = pd.DataFrame({"group": codes, "lat": lat, "lon": lon, "category": category})
    grouped = frame.groupby("group", sort=True)
    out = grouped[["lat", "lon"]].mean()
    out["events"] = grouped.size()
    out["category"] = names[_most_common(frame, "category").to_numpy()]
    out = out.sort_values("events", ascending=False, kind="stable")
    row_of = np.empty(len(out), dtype=np.int64)
    row_of[out.index.to_numpy()] = np.arange(len(out))
    return cell, out.reset_index(drop=True), row_of[codes]


def _most_common(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per `group` of `frame`, the value of `column` it holds most often (ties: the lowest)."""
    n = frame.groupby(["group", column]).size().reset_index(name="n")
    n = n.sort_values(["group", "n", column], ascending=[True, False, True])
    return n.drop_duplicates("group").set_index("group")[column]


def events_at_place(df: pd.DataFrame, event_id: str | None) -> pd.DataFrame:
    """The events of `df` at the place of event `event_id`, newest first (ties: by id); none
    when that event is not in `df` or has no place."""
    lat, lon = df["lat"].to_numpy(dtype=float), df["lon"].to_numpy(dtype=float)
    at = np.flatnonzero(df["id"].to_numpy() == event_id)
    if not len(at) or np.isnan(lat[at[0]]) or np.isnan(lon[at[0]]):
        return df.iloc[:0]
    keys = _place_keys(np.nan_to_num(lat), np.nan_to_num(lon), 0.0)
    here = df[(keys == keys[at[0]]) & ~np.isnan(lat) & ~np.isnan(lon)]
    return here.sort_values(["start", "id"], ascending=[False, True], kind="stable")


def _mark_sizes(events: np.ndarray) -> np.ndarray:
    """A place's mark in pixels across: 10 for one event, its area growing to 34."""
    most = max(int(events.max()), 2)
    return (10 + 24 * np.sqrt((events - 1) / (most - 1))).round(1)


def _place_events(located: pd.DataFrame, member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per place: its hover, escaped (of several events: the place, their number, titles newest
    first), and the position in `located` of its newest event, which a click selects."""
    labels = label_texts(located, ("date", "category"))
    title = located["title"].astype(str)
    cut = title.str.slice(0, HOVER_TITLE_MAX) + np.where(title.str.len() > HOVER_TITLE_MAX, "…", "")
    events = pd.DataFrame(
        {
            "group": member,
            "start": located["start"].to_numpy(),
            "id": located["id"].astype(str).to_numpy(),
            "title": figures.escaped(cut),
            "date": figures.escaped(labels["date"]),
            "category": figures.escaped(labels["category"]),
            "place": figures.escaped(located["location"]),
        }
    ).sort_values(["group", "start", "id"], ascending=[True, False, True], kind="stable")
    rank = events.groupby("group").cumcount().to_numpy()
    newest = events[rank == 0]  # one row per place, in group order
    count = events.groupby("group").size().to_numpy()
    lines = "<b>" + newest["title"] + "</b><br>" + newest["date"]
    hover = (lines + "<br>" + newest["category"] + "<br>" + newest["place"]).to_numpy(dtype=object)
    listed = events[rank < HOVER_TITLES]
    lists = (listed["date"] + " · " + listed["title"]).groupby(listed["group"]).agg("<br>".join)
    name = _most_common(events, "place").replace("", "This place").to_numpy()
    for group in np.flatnonzero(count > 1):
        n = int(count[group])
        more = f"<br>and {n - HOVER_TITLES:,} more" if n > HOVER_TITLES else ""
        hover[group] = f"<b>{name[group]}</b> · {n:,} events, newest first<br>{lists[group]}{more}"
    return hover, newest.index.to_numpy()


def _place_traces(
    groups: pd.DataFrame, size: np.ndarray, hover: np.ndarray, custom: np.ndarray, pal: Palette
) -> list[Spec]:
    """The places' marks, a trace per most frequent category, then their counts over them."""
    events = groups["events"].to_numpy()
    text = np.array([f"{n:,}" if n > 1 else "" for n in events], dtype=object)
    category = groups["category"].to_numpy()
    lat, lon = groups["lat"].to_numpy().round(4), groups["lon"].to_numpy().round(4)
    data: list[Spec] = []
    # The categories of the biggest marks first: small marks stay on top, clickable.
    for cat in pd.unique(category):
        rows = category == cat
        edge = {"color": pal.marker_edge, "width": 1}
        marker = {"color": pal.category[cat], "size": size[rows], "opacity": 0.9, "line": edge}
        data.append(
            {
                "type": "scattergeo",
                "name": schema.CATEGORIES[cat],
                "lat": lat[rows],
                "lon": lon[rows],
                "mode": "markers",
                "marker": marker,
                "text": text[rows],
                "hovertext": hover[rows],
                "hovertemplate": "%{hovertext}<extra></extra>",
                "hoverlabel": {"align": "left"},  # a list reads from the left
                "customdata": custom[rows],
                "meta": {"kind": "places", "category": cat},
            }
        )
    # Counts last, the biggest on top: a small neighbour's mark would hide a big place's number.
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
                # The marks' edge colour with a halo of the opposite: legible on every colour.
                "textfont": {"color": pal.marker_edge, "size": 11, "weight": 600, "shadow": "auto"},
                "hoverinfo": "skip",
                "showlegend": False,
                "meta": {"kind": "counts"},
            }
        )
    return data


def places_map(
    df: pd.DataFrame, selected: str | None = None, world: bool = False, pal: Palette = LIGHT
) -> go.Figure:
    """A mark per place (customdata `[id]` of its newest event), or above PLACES_MAX per grid cell
    with counts only, sized by events, coloured by top category; on their region or the world."""
    has_place = (df["lat"].notna() & df["lon"].notna()).to_numpy()
    located_n = int(has_place.sum())
    title = f"Places: {located_n:,} of {len(df):,} events have a location"
    layout = geo_layout(figures.heading(title))
    if located_n == 0:
        none = "None of these events has a location" if len(df) else NO_EVENTS
        return figures.empty(layout, pal, none)
    detail = located_n <= PLACES_MAX
    # Many events: only the columns the groups need, not every text column.
    located = df[has_place] if detail else df.loc[has_place, ["lat", "lon", "category"]]
    cell, groups, member = place_groups(located)
    events = groups["events"].to_numpy()
    size = _mark_sizes(events)
    if detail:
        hover, newest = _place_events(located, member)
        custom = located["id"].astype(str).to_numpy(dtype=object)[newest][:, None]
    else:
        where = "place" if cell == 0 else f"{cell:g}° × {cell:g}° cell"
        layout["title"]["subtitle"] = {
            "text": f"{located_n:,} located events are too many to mark one by one: one circle "
            f"per {where}, its area by the number of events. Filter to {PLACES_MAX:,} located "
            "events or fewer to list each place's events."
        }
        layout["margin"]["t"] = 80
        in_this = np.where(events != 1, " events in this ", " event in this ")
        text = groups["events"].map("{:,}".format) + in_this + where + "<br>most often: "
        hover = (text + groups["category"].map(schema.CATEGORIES)).to_numpy(dtype=object)
        custom = events
    data = _place_traces(groups, size, hover, custom, pal)
    if detail and selected is not None:
        at = np.flatnonzero(located["id"].to_numpy() == selected)
        if len(at):
            g = int(member[at[0]])
            ring = np.array([[str(selected)]], dtype=object)
            lat, lon = groups.loc[g, ["lat", "lon"]].round(4)
            where = {"type": "scattergeo", "lat": [float(lat)], "lon": [float(lon)]}
            data.append(figures.ring(where, float(size[g]) + 12, ring, pal))
    if not world:
        _zoom_to(layout, *region_extent(groups["lat"], groups["lon"], events))
    layout["legend"] = {"title": {"text": "Most frequent category at a place:"}, **_UNDER}
    return figures.figure({"data": data, "layout": layout}, pal)


def country_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Per country (ISO3, rows) the number of events by category (columns) and `total`, most
    first; counted per distinct list of countries, then per country of each."""
    codes, lists = pd.factorize(df["countries"], use_na_sentinel=False)
    per_list = figures.by_category(df, codes, len(lists))
    named = pd.Series([list(dict.fromkeys(items or ())) for items in lists], dtype=object)
    named = named.explode().dropna()
    country, names = pd.factorize(named.to_numpy(), sort=True)
    grid = np.zeros((len(names), per_list.shape[1]), dtype=np.int64)
    np.add.at(grid, country, per_list.to_numpy()[named.index.to_numpy()])
    index = pd.Index(list(names), name="countries")
    table = pd.DataFrame(grid, index=index, columns=per_list.columns)
    table = table.loc[:, table.sum(axis=0) > 0]
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False, kind="stable")


def countries_map(df: pd.DataFrame, world: bool = False, pal: Palette = LIGHT) -> go.Figure:
    """A choropleth of how many events involve each country, with a by-category hover, opening
    on the region of those countries or on the whole world."""
    layout = geo_layout(figures.heading("Countries: number of events involving each"))
    counts = country_counts(df)
    if counts.empty:
        none = "None of these events names another country" if len(df) else NO_EVENTS
        return figures.empty(layout, pal, none)
    cats = [c for c in counts.columns if c != "total"]
    lines = [
        "<br>".join(f"{schema.CATEGORIES[c]}: {n}" for c, n in zip(cats, row, strict=True) if n)
        for row in counts[cats].to_numpy()
    ]
    total = counts["total"].to_numpy()
    custom = np.column_stack(
        [
            counts.index.to_numpy(dtype=object),
            figures.escaped(counts.index.map(schema.country_name).to_numpy(dtype=object)),
            np.array(lines, dtype=object),
            np.array([f"{k:,} event{'s' if k != 1 else ''}" for k in total], dtype=object),
        ]
    )
    data: list[Spec] = [
        {
            "type": "choropleth",
            "locations": counts.index.to_list(),
            "z": counts["total"].to_numpy(),
            "locationmode": "ISO-3",
            "colorscale": [[i / 2, c] for i, c in enumerate(pal.count_scale)],
            "zmin": 0,
            "marker": {"line": {"color": pal.border, "width": 0.5}},
            "colorbar": {
                "title": {"text": "Events", "side": "top", "font": {"color": pal.text}},
                "tickfont": {"color": pal.muted_text},
                "thickness": 12,
                **_UNDER,
                "xanchor": "left",
                "len": 0.5,
            },
            "customdata": custom,
            "name": "Events",
            "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[3]}<br>%{customdata[2]}"
            "<extra></extra>",
        },
        azerbaijan(pal.azerbaijan_countries, "<b>Azerbaijan</b><br>party to every event"),
    ]
    centres = country_centroids()
    known = [c for c in counts.index if c in centres]
    if not world and known:
        lat, lon = np.array([centres[c] for c in known]).T
        weight = counts.loc[known, "total"].to_numpy()
        _zoom_to(layout, *region_extent(lat, lon, weight, COUNTRY_REGION_SHARE))
    return figures.figure({"data": data, "layout": layout}, pal)
