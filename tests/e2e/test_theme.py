"""The page in a light and in a dark browser: the charts and maps take the page's theme, and their
text and marks are readable on what they are drawn on, as measured in the rendered SVG.

Each run also leaves screenshots of the first screen, the Map tab and the Relations tab in
tests/e2e/screenshots/theme-*.png, to look at."""

from __future__ import annotations

import pytest
from appdriver import chart, open_app, open_tab, wait_charts, wait_idle
from conftest import SCREENSHOTS
from test_dashboard import assert_clean
from theme import GRAPHIC_MIN, TEXT_MIN, contrast

from timeline import palette, schema

EVENT = "1994-05-05-bishkek-protocol"  # a ceasefire with a place: ringed on the timeline and map
BAND_LABELS = [label for label, _, _ in schema.PERIODS]

# Colours as the browser paints them: [css colour, opacity].
_TIMELINE = """
(plot) => {
  const paint = (el, prop) => {
    const s = getComputedStyle(el);
    const alpha = parseFloat(prop === 'fill' ? s.fillOpacity : s.strokeOpacity);
    return [s[prop], alpha * parseFloat(s.opacity || '1')];
  };
  const main = plot.querySelector('.cartesianlayer .subplot.xy');
  const ring = [];
  for (const g of main.querySelectorAll('g.trace')) {
    const t = g.__data__ && g.__data__[0] && g.__data__[0].trace;
    if (!(t && t.meta && t.meta.kind === 'selected')) continue;
    for (const p of g.querySelectorAll('path.point'))
      ring.push([paint(p, 'stroke'), parseFloat(getComputedStyle(p).strokeWidth)]);
  }
  const bg = plot.querySelector('.bglayer rect.bg');
  return {
    paper: getComputedStyle(plot.querySelector('.main-svg')).backgroundColor,
    plot: bg ? paint(bg, 'fill') : null,
    ring,
    ticks: [...plot.querySelectorAll('.xtick text, .ytick text')].map(t => paint(t, 'fill')),
    bands: [...plot.querySelectorAll('.layer-below .shapelayer path')].map(p => paint(p, 'fill')),
    labels: [...plot.querySelectorAll('.annotation')].map(a => [
      a.textContent, paint(a.querySelector('.annotation-text'), 'fill')]),
  };
}
"""
_MAP = """
(plot) => {
  const fill = (sel) => {
    const el = plot.querySelector(sel);
    return el ? getComputedStyle(el).fill : null;
  };
  const stroke = (sel) => {
    const el = plot.querySelector(sel);
    return el ? getComputedStyle(el).stroke : null;
  };
  const ring = [];
  for (const g of plot.querySelectorAll('.geo .layer.frontplot g.trace')) {
    const t = g.__data__ && g.__data__[0] && g.__data__[0].trace;
    if (t && t.meta && t.meta.kind === 'selected')
      ring.push(...[...g.querySelectorAll('path.point')].map(p => getComputedStyle(p).stroke));
  }
  return {
    background: fill('.geo .layer.bg rect'),
    ocean: fill('.geo .layer.ocean path'),
    land: fill('.geo .layer.land path'),
    borders: stroke('.geo .layer.countries path'),
    ring,
  };
}
"""


# The first chart's paper and the page's background, as the browser paints them (the chart is
# drawn anew on a change of theme: between the two there may be no SVG at all).
_SVG = "document.querySelector('.js-plotly-plot .main-svg')"
PAPER = f"({_SVG} && getComputedStyle({_SVG}).backgroundColor)"
PAGE = "getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"


def settle(page) -> None:
    """Wait until the charts are drawn for the page's theme (a first guess that was wrong is
    drawn again) and the app is idle."""
    page.wait_for_function(f"() => {PAPER} === {PAGE}", timeout=30_000)
    wait_idle(page)
    wait_charts(page)


def rgba(painted: list) -> str:
    """A [css colour, opacity] pair as one colour with its alpha."""
    r, g, b, a = palette.parse(painted[0])
    return f"rgba({r}, {g}, {b}, {a * painted[1]:g})"


def css(color: str) -> str:
    """A palette colour as the browser's computed style writes it."""
    r, g, b, _ = palette.parse(color)
    return f"rgb({r}, {g}, {b})"


def not_white(color: str) -> float:
    return contrast(color, "#FFFFFF")


@pytest.mark.parametrize(
    ("scheme", "width", "height"),
    [("light", 1400, 900), ("dark", 1400, 900), ("dark", 390, 844)],
    ids=["light-1400x900", "dark-1400x900", "dark-390x844"],
)
def test_ring_ticks_labels_and_maps_are_readable_in_the_browsers_theme(page, scheme, width, height):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": height})
    open_app(page, f"?event={EVENT}")
    settle(page)
    shot = f"theme-{scheme}-{width}x{height}"
    page.screenshot(path=SCREENSHOTS / f"{shot}-timeline.png")
    app_background = page.evaluate(PAGE)
    dark_page = not_white(app_background) > 10
    assert dark_page == (scheme == "dark")  # Streamlit followed the browser

    seen = chart(page, "Timeline of events").evaluate(_TIMELINE)
    # The chart has the page's background: no white box on a dark page, nor the reverse.
    assert palette.parse(seen["paper"]) == palette.parse(app_background)
    plot = rgba(seen["plot"]) if seen["plot"] else seen["paper"]
    ticks = {contrast(rgba(t), seen["paper"]) for t in seen["ticks"]}
    assert ticks and min(ticks) >= TEXT_MIN, ticks
    # The ring: the thinner of the two marks (the other is its halo, in the background's colour).
    (_, halo_width), (ring, ring_width) = sorted(seen["ring"], key=lambda r: -r[1])
    assert ring_width < halo_width
    assert contrast(rgba(ring), plot) >= GRAPHIC_MIN
    labels = [rgba(fill) for text, fill in seen["labels"] if text in BAND_LABELS]
    assert labels
    bands = [rgba(b) for b in seen["bands"]]
    for label in labels:  # on whichever band it sits
        for band in bands:
            assert contrast(label, plot, band) >= TEXT_MIN

    open_tab(page, "Map", charts=2)
    places = chart(page, "Places")
    places.locator(".geo .layer.land path").wait_for(state="attached")
    places.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / f"{shot}-map.png")
    world = places.evaluate(_MAP)
    for part in ("background", "ocean", "land"):
        assert (not_white(world[part]) > 10) == dark_page, (part, world[part])
    assert contrast(world["borders"], world["land"]) >= GRAPHIC_MIN
    assert world["ring"]
    assert contrast(world["ring"][-1], world["land"]) >= GRAPHIC_MIN

    open_tab(page, "Relations", charts=3)
    relations = chart(page, "Azerbaijan's relations")
    relations.locator(".choroplethlocation").first.wait_for(state="attached")
    relations.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / f"{shot}-relations.png")
    world = relations.evaluate(_MAP)
    for part in ("background", "ocean", "land"):
        assert (not_white(world[part]) > 10) == dark_page, (part, world[part])
    assert_clean(page)


def test_the_charts_follow_a_change_of_the_browsers_theme_without_a_click(page):
    """Streamlit recolours its own page when the system's theme changes, but reruns nothing:
    the page reports the change itself, and the figures are drawn again in the new theme."""
    page.emulate_media(color_scheme="light")
    open_app(page)
    settle(page)
    assert not_white(page.evaluate(PAPER)) < 1.1
    page.emulate_media(color_scheme="dark")
    page.wait_for_function(f"() => {PAPER} === '{css(palette.DARK.background)}'", timeout=30_000)
    settle(page)
    seen = chart(page, "Timeline of events").evaluate(_TIMELINE)
    ticks = {contrast(rgba(t), seen["paper"]) for t in seen["ticks"]}
    assert min(ticks) >= TEXT_MIN
    page.emulate_media(color_scheme="light")
    page.wait_for_function(f"() => {PAPER} === '{css(palette.LIGHT.background)}'", timeout=30_000)
    assert_clean(page)
