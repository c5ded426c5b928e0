"""The figures' colours for a light and a dark page, by role, declared once: a figure names a
role (`pal.ring`), never a colour. tests/theme.py holds each to WCAG 2's contrast in both themes.
The backgrounds are Streamlit's own: a figure fills the page around it without a visible box.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

BAR_OPACITY = 0.8  # the timeline's bars: overlapping ones show through each other
CLUSTER_ALPHA = 0.22  # the fill of a cluster of events, in its lane's colour, under its count
PALETTE_FILE = Path(__file__).with_name("palette.csv")  # a row per role: its light and dark colour


@dataclass(frozen=True)
class Palette:
    """One theme's colour for each role (what each is for: `palette.csv`): `#RRGGBB`, or
    `rgba(...)` for fills that show through."""

    background: str
    text: str
    muted_text: str
    grid: str
    axis_line: str
    hover_border: str
    marker_edge: str
    ring: str
    ring_halo: str
    category: Mapping[str, str]  # keyed by schema.CATEGORIES' codes
    era_fill: tuple[str, str, str]  # schema.PERIODS' bands, in order
    era_label: str
    cut: str
    soviet_fill: str
    year_marker: str
    cumulative: str
    land: str
    ocean: str
    border: str
    standing: Mapping[str, str]  # keyed by standing.STANDING_LABELS' codes
    azerbaijan: str
    azerbaijan_countries: str
    count_scale: tuple[str, str, str]
    note_box: str
    button: str
    button_text: str
    button_pressed: str
    button_active: str

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


def _palette(theme: str, path: Path = PALETTE_FILE) -> Palette:
    """The palette of the `theme` column of `path` (role,light,dark,meaning rows)."""
    roles: dict[str, Any] = {}
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            name, _, key = row["role"].partition(".")
            if key:
                roles.setdefault(name, {})[key] = row[theme]
            else:
                roles[name] = row[theme]
    for name in ("era_fill", "count_scale"):
        roles[name] = tuple(roles[name].values())
    # Three standings are the categories that give them: one colour for one meaning.
    category = roles["category"]
    roles["standing"] = {
        "relations": category["diplomatic_relations"],
        "recognised": category["recognition"],
        "conflict": category["war"],
        **roles["standing"],
    }
    return Palette(**roles)


LIGHT, DARK = _palette("light"), _palette("dark")


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


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2's relative luminance of an sRGB colour (channels 0 to 255)."""
    srgb = (c / 255 for c in rgb)
    r, g, b = (s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4 for s in srgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def with_alpha(color: str, alpha: float) -> str:
    """`color` (one `parse` reads) at `alpha` times its own opacity."""
    rgba = parse(color)
    if rgba is None:
        raise ValueError(f"not a colour: {color!r}")
    r, g, b, a = *rgba[:3], rgba[3] * alpha
    return f"#{r:02X}{g:02X}{b:02X}" if a >= 1 else f"rgba({r}, {g}, {b}, {a:g})"
