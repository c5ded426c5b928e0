"""The contrast checker of the page's two palettes. `CHECKS` lists what each palette colour is
drawn on; test_palette.py holds every pair to WCAG 2's minimum contrast: 4.5:1 for text, 3:1
for graphics (marks, rings, map borders)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from timeline import palette
from timeline.palette import BAR_OPACITY, CLUSTER_ALPHA, LIGHT, Palette, luminance

TEXT_MIN = 4.5  # WCAG 2 1.4.3: text
GRAPHIC_MIN = 3.0  # WCAG 2 1.4.11: graphics needed to read the chart


@dataclass(frozen=True)
class Check:
    """`fg` is drawn on `on`: roles composited bottom to top (the page first); at least
    `minimum`:1 in both themes. `role@alpha` is the role's colour at that opacity."""

    what: str
    fg: str
    on: tuple[str, ...]
    minimum: float


def _each(prefix: str, p: Palette) -> list[str]:
    return [role for role in p.colors() if role.startswith(prefix + ".")]


CHECKS: tuple[Check, ...] = (
    Check("titles and legends", "text", ("background",), TEXT_MIN),
    Check("tick labels", "muted_text", ("background",), TEXT_MIN),
    Check("hover text", "text", ("background",), TEXT_MIN),
    *(
        Check(f"era label on band {i}", "era_label", ("background", f"era_fill.{i}"), TEXT_MIN)
        for i in range(3)
    ),
    *(
        Check(
            f"lane names and titles on band {i}", "text", ("background", f"era_fill.{i}"), TEXT_MIN
        )
        for i in range(3)
    ),
    *(
        Check(f"count on a {c} cluster", "text", ("background", f"{c}@{CLUSTER_ALPHA}"), TEXT_MIN)
        for c in _each("category", LIGHT)
    ),
    Check("note in the Soviet years", "muted_text", ("background", "soviet_fill"), TEXT_MIN),
    Check("year label", "year_marker", ("background",), TEXT_MIN),
    Check("note on a map", "text", ("land", "note_box"), TEXT_MIN),
    Check("note on a map, over sea", "text", ("ocean", "note_box"), TEXT_MIN),
    Check("button text", "button_text", ("button",), TEXT_MIN),
    Check("pressed button text", "button_text", ("button_pressed",), TEXT_MIN),
    Check("outlines of buttons, slider and axes", "axis_line", ("background",), GRAPHIC_MIN),
    *(Check(f"{c} mark", c, ("background",), GRAPHIC_MIN) for c in _each("category", LIGHT)),
    *(Check(f"{c} mark on land", c, ("land",), GRAPHIC_MIN) for c in _each("category", LIGHT)),
    *(
        Check(f"{c} bar", f"{c}@{BAR_OPACITY}", ("background",), GRAPHIC_MIN)
        for c in _each("category", LIGHT)
    ),
    *(
        Check(f"{c} cluster outline", c, ("background", f"{c}@{CLUSTER_ALPHA}"), GRAPHIC_MIN)
        for c in _each("category", LIGHT)
    ),
    Check("cut in the time axis", "cut", ("background",), GRAPHIC_MIN),
    Check("selection ring", "ring", ("background",), GRAPHIC_MIN),
    Check("selection ring on land", "ring", ("land",), GRAPHIC_MIN),
    Check("selection ring on its halo", "ring", ("ring_halo",), GRAPHIC_MIN),
    Check("year line", "year_marker", ("background",), GRAPHIC_MIN),
    Check("running total line", "cumulative", ("background",), GRAPHIC_MIN),
    Check("country borders", "border", ("land",), GRAPHIC_MIN),
    Check("coastlines", "border", ("ocean",), GRAPHIC_MIN),
    *(Check(f"{s} on the map", s, ("land",), GRAPHIC_MIN) for s in _each("standing", LIGHT)),
    Check("Azerbaijan", "azerbaijan", ("land",), GRAPHIC_MIN),
    Check("Azerbaijan on the countries map", "azerbaijan_countries", ("land",), GRAPHIC_MIN),
    Check("most events per country", "count_scale.2", ("land",), GRAPHIC_MIN),
)


def composite(colors: Sequence[str]) -> tuple[int, int, int]:
    """The opaque colour seen where `colors` are painted one over the other, the first at the
    bottom (which must be opaque)."""
    r, g, b = 0.0, 0.0, 0.0
    for color in colors:
        rgba = palette.parse(color)
        if rgba is None:
            raise ValueError(f"not a colour: {color!r}")
        a = rgba[3]
        r, g, b = (a * new + (1 - a) * old for new, old in zip(rgba[:3], (r, g, b), strict=True))
    return round(r), round(g), round(b)


def contrast(fg: str, *on: str) -> float:
    """WCAG 2's contrast ratio (1 to 21) of `fg` painted over `on` (composited bottom to top)."""
    back = composite(on)
    front = composite([f"rgb{back}", fg])
    hi, lo = sorted((luminance(front), luminance(back)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def check(p: Palette, c: Check) -> float:
    """The contrast `c` asks about, in `p`."""
    colors = p.colors()

    def color(role: str) -> str:
        name, _, alpha = role.partition("@")
        return palette.with_alpha(colors[name], float(alpha)) if alpha else colors[name]

    return contrast(color(c.fg), *(color(role) for role in c.on))
