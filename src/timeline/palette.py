"""The figures' colours, for a light and a dark page, declared once.

Every figure is drawn with `LIGHT`'s colours; `themed_spec(fig, dark)` gives the finished figure
its theme: the background, text, axes, hover labels, maps and buttons set from the palette and,
on a dark page, every colour of `LIGHT` swapped for the same role's colour in `DARK`. So a figure
function names a role (`palette.LIGHT.ring`), never a theme. tests/contrast.py holds every
colour to WCAG 2's minimum contrast on what it is drawn on, in both themes.

The backgrounds are Streamlit 1.67's own (`#FFFFFF`, `#171614`): a figure fills the page
around it without a visible box.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import plotly.graph_objects as go

BAR_OPACITY = 0.8  # the timeline's bars: overlapping ones show through each other
CLUSTER_ALPHA = 0.22  # the fill of a cluster of events, in its lane's colour, under its count


@dataclass(frozen=True)
class Palette:
    """One theme's colour for each role. Colours are `#RRGGBB`, or `rgba(...)` for fills that
    let what is under them show through."""

    background: str  # the page, the paper and the plot
    text: str  # titles, legends, annotations
    muted_text: str  # tick labels, axis titles, notes on the plot
    grid: str  # gridlines (a guide only: hover gives the values)
    axis_line: str
    hover_border: str
    marker_edge: str  # the thin outline that keeps neighbouring marks apart
    ring: str  # the selected event's ring
    ring_halo: str  # under the ring: it stands out on any mark
    category: Mapping[str, str]  # keyed by schema.CATEGORIES' codes
    era_fill: tuple[str, str, str]  # schema.PERIODS' bands, in order
    era_label: str
    cut: str  # the dotted line where the timeline's axis leaves out empty years
    soviet_fill: str  # the Soviet years on the relations chart
    year_marker: str  # the relations view's year, a line and its label
    cumulative: str  # the running total of organizations
    land: str
    ocean: str
    border: str  # country borders and coastlines
    standing: Mapping[str, str]  # keyed by relations.STANDINGS' codes
    azerbaijan: str  # Azerbaijan on the relations map
    azerbaijan_countries: str  # Azerbaijan on the countries map
    count_scale: tuple[str, str, str]  # events per country, few to many
    note_box: str  # the box behind a note written on a map
    button: str  # the map's Play and Pause buttons and its year slider
    button_text: str
    # Plotly paints the pressed button and the one under the mouse this colour, whatever the
    # figure says: the buttons' text must read on it too.
    button_pressed: str
    button_active: str  # the year slider's grip while it is dragged

    def colors(self) -> dict[str, str]:
        """Every colour by its role's name (`category.war`, `era_fill.0`, ...)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                out[f.name] = value
            elif isinstance(value, Mapping):
                out.update({f"{f.name}.{k}": v for k, v in value.items()})
            else:
                out.update({f"{f.name}.{i}": v for i, v in enumerate(value)})
        return out


def _palette(category: dict[str, str], **roles: Any) -> Palette:
    # Three standings are the categories that give them: one colour for one meaning.
    standing = {
        "relations": category["diplomatic_relations"],
        "recognised": category["recognition"],
        "conflict": category["war"],
        **roles.pop("standing"),
    }
    return Palette(category=category, standing=standing, **roles)


PLOTLY_PRESSED = "#F4FAFF"  # plotly.js updatemenus' activeColor and hoverColor, not settable

# Okabe-Ito (colour-blind safe) and Paul Tol's "muted" for the categories beyond its eight;
# on white the lighter ones (vermilion, orange, sky blue, pink) darkened to 3:1 (as the
# timeline's see-through bars too), on the dark page the darker ones (black, indigo, wine,
# green, blue) lightened to it.
LIGHT = _palette(
    category={
        "statehood": "#000000",
        "war": "#C45500",
        "clash": "#9E6E00",
        "ceasefire": "#008F68",
        "peace_process": "#2A7FB8",
        "recognition": "#00508F",
        "diplomatic_relations": "#B85C93",
        "membership": "#332288",
        "agreement": "#117733",
        "statement": "#767676",
        "scandal": "#882255",
    },
    background="#FFFFFF",
    text="#31333F",
    muted_text="#555867",
    grid="#E4E5E9",
    axis_line="#8A8C96",
    hover_border="#8A8C96",
    marker_edge="#FFFFFF",
    ring="#000000",
    ring_halo="#FFFFFF",
    era_fill=("rgba(0, 114, 178, 0.10)", "rgba(120, 120, 120, 0.07)", "rgba(0, 158, 115, 0.07)"),
    era_label="#3A3C47",
    cut="rgba(110, 110, 110, 0.8)",
    soviet_fill="rgba(120, 120, 120, 0.12)",
    year_marker="#B34700",
    cumulative="#6B6B6B",
    land="#F2F2F0",
    ocean="#E3EEF6",
    border="#7D7D7D",
    standing={"none": "#898989", "soviet": "#5E5E5E"},
    azerbaijan="#000000",
    azerbaijan_countries="#B35900",
    count_scale=("#D6E6F4", "#5A9BD0", "#08306B"),
    note_box="rgba(255, 255, 255, 0.85)",
    button="#F0F1F4",
    button_text="#262730",
    button_pressed=PLOTLY_PRESSED,
    button_active="#D5D8DF",
)
DARK = _palette(
    category={
        "statehood": "#F0F0F0",
        "war": "#E8702A",
        "clash": "#E69F00",
        "ceasefire": "#1DB88A",
        "peace_process": "#56B4E9",
        "recognition": "#4C9BE0",
        "diplomatic_relations": "#D98AB8",
        "membership": "#9D8CF0",
        "agreement": "#4CB06A",
        "statement": "#A0A0A0",
        "scandal": "#D65A8E",
    },
    background="#171614",
    text="#FAFAFA",
    muted_text="#BCBFC8",
    grid="#34332F",
    axis_line="#6E6C67",
    hover_border="#6E6C67",
    marker_edge="#171614",
    ring="#F0F0F0",
    ring_halo="#171614",
    era_fill=(
        "rgba(86, 180, 233, 0.13)",
        "rgba(200, 200, 200, 0.06)",
        "rgba(29, 184, 138, 0.10)",
    ),
    era_label="#DADCE2",
    cut="rgba(160, 160, 160, 0.8)",
    soviet_fill="rgba(200, 200, 200, 0.10)",
    year_marker="#FF8A3D",
    cumulative="#A8A8A8",
    land="#34322E",
    ocean="#1B232C",
    border="#8E8B84",
    standing={"none": "#8E8E8E", "soviet": "#B0B0B0"},
    azerbaijan="#F0F0F0",
    azerbaijan_countries="#FFB347",
    count_scale=("#24374D", "#3F7FBF", "#A9D4FF"),
    note_box="rgba(23, 22, 20, 0.85)",
    # Light buttons on the dark page: Plotly's pressed colour is near-white in any theme.
    button="#D0D3DA",
    button_text="#171614",
    button_pressed=PLOTLY_PRESSED,
    button_active="#B4B8C2",
)


# --- colour arithmetic ------------------------------------------------------------------------

RGBA = tuple[int, int, int, float]
_HEX = re.compile(r"#([0-9a-f]{6}|[0-9a-f]{3})")
_FUNC = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)")
_NAMED = {"white": (255, 255, 255, 1.0), "black": (0, 0, 0, 1.0)}


def parse(color: str) -> RGBA | None:
    """`#RGB`, `#RRGGBB`, `rgb(...)`, `rgba(...)`, `white` or `black` as (r, g, b, alpha);
    None for anything else (another name, a colour scale's name)."""
    text = color.strip().lower()
    if m := _HEX.fullmatch(text):
        digits = m.group(1) if len(m.group(1)) == 6 else "".join(2 * d for d in m.group(1))
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), 1.0
    if m := _FUNC.fullmatch(text):
        alpha = float(m.group(4)) if m.group(4) is not None else 1.0
        return int(m.group(1)), int(m.group(2)), int(m.group(3)), alpha
    return _NAMED.get(text)


def _format(rgba: RGBA) -> str:
    r, g, b, a = rgba
    return f"#{r:02X}{g:02X}{b:02X}" if a >= 1 else f"rgba({r}, {g}, {b}, {a:g})"


def with_alpha(color: str, alpha: float) -> str:
    """`color` (one `parse` reads) at `alpha` times its own opacity."""
    rgba = parse(color)
    if rgba is None:
        raise ValueError(f"not a colour: {color!r}")
    return _format((*rgba[:3], rgba[3] * alpha))


# --- the swap ---------------------------------------------------------------------------------


def _swap_table(light: Palette, dark: Palette) -> dict[RGBA, RGBA]:
    """Each colour of `light` -> the same role's in `dark`. Two roles may share a light colour
    only if they share the dark one too: otherwise a figure's colour could not say its role."""
    table: dict[RGBA, RGBA] = {}
    roles: dict[RGBA, str] = {}
    dark_colors = dark.colors()
    for role, value in light.colors().items():
        key, target = parse(value), parse(dark_colors[role])
        if key is None or target is None:
            raise ValueError(f"palette role {role}: not a colour")
        if key in table and table[key] != target:
            raise ValueError(
                f"palette roles {roles[key]} and {role} share the light colour {value} "
                "but not the dark one"
            )
        table[key], roles[key] = target, role
    return table


_TO_DARK = _swap_table(LIGHT, DARK)


def to_dark(color: str) -> str:
    """The dark theme's colour for a light one: the same role's; an `rgba()` of a role's colour
    with another alpha, the dark colour with that alpha; any other colour as it is."""
    rgba = parse(color)
    if rgba is None:
        return color
    target = _TO_DARK.get(rgba)
    if target is None and rgba[3] < 1:
        opaque = _TO_DARK.get((*rgba[:3], 1.0))
        target = (*opaque[:3], rgba[3]) if opaque else None
    return _format(target) if target is not None else color


def _swapped(value: Any) -> Any:
    """Colour values (a colour, an array of them, a colour scale) in their dark theme."""
    if isinstance(value, str):
        return to_dark(value)
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        return [_swapped(v) for v in (value.tolist() if hasattr(value, "tolist") else value)]
    return value  # a number: a colour scale's position


def _swap(node: Any) -> None:
    """Swap every colour in a figure's dict, in place: the values of keys that name a colour
    (`color`, `bgcolor`, `fillcolor`, ..., `colorscale`). Text (customdata, titles) is left
    alone, whatever it says."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("color") or key == "colorscale":
                node[key] = _swapped(value)
            elif key != "template":  # Plotly's or Streamlit's theme, not the figure's colours
                _swap(value)
    elif isinstance(node, list | tuple):
        for item in node:
            _swap(item)


def merge(into: dict[str, Any], values: Mapping[str, Any]) -> None:
    """Update the figure spec (or part of one) `into` with `values`, nested dicts key by key
    (as Plotly's `update_layout` does)."""
    for key, value in values.items():
        if isinstance(value, Mapping):
            node = into.get(key)
            if not isinstance(node, dict):
                node = into[key] = {}
            merge(node, value)
        else:
            into[key] = value


def _numbered(layout: Mapping[str, Any], prefix: str) -> list[str]:
    return [key for key in layout if re.fullmatch(prefix + r"\d*", key)]


def _containers(node: Any) -> Any:
    """`node` with new dicts, lists and tuples, and the same values in them."""
    if isinstance(node, dict):
        return {key: _containers(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return type(node)(_containers(item) for item in node)
    return node


def spec_of(fig: go.Figure) -> dict[str, Any]:
    """`fig` as a spec of its own dicts and lists, sharing the values (arrays, text) with it:
    change the spec's containers, never a value in place. Not `fig.to_dict()`: that copies
    every array and string (and writes arrays as Plotly's typed arrays)."""
    spec = {"data": _containers(fig._data), "layout": _containers(fig._layout)}
    if fig.frames:
        spec["frames"] = [_containers(frame._props) for frame in fig.frames]
    return spec


def themed_spec(fig: go.Figure, dark: bool) -> dict[str, Any]:
    """`fig` (drawn in `LIGHT`) as a spec for a light or a dark page: its background, text,
    axes, hover labels, maps, buttons and sliders take the theme's colours, and on a dark page
    every `LIGHT` colour its `DARK` counterpart (`to_dark`). `fig` is left as it was."""
    p = DARK if dark else LIGHT
    spec = spec_of(fig)
    if dark:
        _swap(spec)
    layout = spec.setdefault("layout", {})
    text = {"color": p.text}
    merge(
        layout,
        {
            "paper_bgcolor": p.background,
            "plot_bgcolor": p.background,
            "font": text,
            "title": {"font": text, "subtitle": {"font": text}},
            "legend": {"font": text, "title": {"font": text}},
            "hoverlabel": {"bgcolor": p.background, "bordercolor": p.hover_border, "font": text},
        },
    )
    geos = _numbered(layout, "geo")
    # A figure without a map has its x and y axes even when it leaves them at their defaults.
    axes = set(_numbered(layout, "xaxis") + _numbered(layout, "yaxis"))
    for name in axes | (set() if geos else {"xaxis", "yaxis"}):
        axis = layout.setdefault(name, {})
        merge(
            axis,
            {
                "gridcolor": p.grid,
                "linecolor": p.axis_line,
                "zerolinecolor": p.grid,
                "tickfont": {"color": p.muted_text},
                "title": {"font": {"color": p.muted_text}},
            },
        )
        if axis.get("rangeslider", {}).get("visible"):  # any of it would turn a slider on
            merge(axis["rangeslider"], {"bgcolor": p.background, "bordercolor": p.axis_line})
    for name in geos:
        merge(
            layout[name],
            {
                "bgcolor": p.background,
                "landcolor": p.land,
                "oceancolor": p.ocean,
                "lakecolor": p.ocean,
                "countrycolor": p.border,
                "coastlinecolor": p.border,
                "framecolor": p.border,
            },
        )
    for menu in layout.get("updatemenus", []):
        merge(
            menu,
            {"bgcolor": p.button, "bordercolor": p.axis_line, "font": {"color": p.button_text}},
        )
    for slider in layout.get("sliders", []):
        merge(
            slider,
            {
                "bgcolor": p.button,
                "activebgcolor": p.button_active,
                "bordercolor": p.axis_line,
                "tickcolor": p.muted_text,
                "font": {"color": p.muted_text},
                "currentvalue": {"font": text},
            },
        )
    for annotation in layout.get("annotations", []):
        annotation.setdefault("font", {}).setdefault("color", p.text)
    for trace in spec.get("data", []):
        if trace.get("type") == "choropleth":
            merge(
                trace,
                {"colorbar": {"tickfont": {"color": p.muted_text}, "title": {"font": text}}},
            )
    return spec
