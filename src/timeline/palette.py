"""The figures' colours for a light and a dark page, by role, declared once: a figure names a
role (`pal.ring`), never a colour. tests/theme.py holds each to WCAG 2's contrast in both themes.
The backgrounds are Streamlit's own: a figure fills the page around it without a visible box.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

BAR_OPACITY = 0.8  # the timeline's bars: overlapping ones show through each other
CLUSTER_ALPHA = 0.22  # the fill of a cluster of events, in its lane's colour, under its count


@dataclass(frozen=True)
class Palette:
    """One theme's colour for each role: `#RRGGBB`, or `rgba(...)` for fills that show through."""

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
    standing: Mapping[str, str]  # keyed by standing.STANDING_LABELS' codes
    azerbaijan: str  # Azerbaijan on the relations map
    azerbaijan_countries: str  # Azerbaijan on the countries map
    count_scale: tuple[str, str, str]  # events per country, few to many
    note_box: str  # the box behind a note written on a map
    button: str  # the map's Play and Pause buttons and its year slider
    button_text: str
    button_pressed: str  # Plotly's, not settable: the buttons' text must read on it too
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

# Okabe-Ito (colour-blind safe), then Paul Tol's "muted"; darkened (light page) or
# lightened (dark page) to 3:1 on the background where they fell short.
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
    era_fill=("rgba(86, 180, 233, 0.13)", "rgba(200, 200, 200, 0.06)", "rgba(29, 184, 138, 0.1)"),
    era_label="#DADCE2",
    cut="rgba(160, 160, 160, 0.8)",
    soviet_fill="rgba(200, 200, 200, 0.1)",
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


def for_page(dark: bool) -> Palette:
    """The palette of a dark or a light page."""
    return DARK if dark else LIGHT


RGBA = tuple[int, int, int, float]
_HEX = re.compile(r"#([0-9a-f]{6})")
_FUNC = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)")


def parse(color: str) -> RGBA | None:
    """`#RRGGBB`, `rgb(...)` or `rgba(...)` as (r, g, b, alpha); None for anything else."""
    text = color.strip().lower()
    if m := _HEX.fullmatch(text):
        digits = m.group(1)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), 1.0
    if m := _FUNC.fullmatch(text):
        alpha = float(m.group(4)) if m.group(4) is not None else 1.0
        return int(m.group(1)), int(m.group(2)), int(m.group(3)), alpha
    return None


def with_alpha(color: str, alpha: float) -> str:
    """`color` (one `parse` reads) at `alpha` times its own opacity."""
    rgba = parse(color)
    if rgba is None:
        raise ValueError(f"not a colour: {color!r}")
    r, g, b, a = *rgba[:3], rgba[3] * alpha
    return f"#{r:02X}{g:02X}{b:02X}" if a >= 1 else f"rgba({r}, {g}, {b}, {a:g})"
