"""Reading an event: after a choice on the map, in the table or on a phone, its card is in view
and nothing under it moves; the table's toolbar leaves the tabs uncovered; the ZIP's link holds
only what the page shows."""

from __future__ import annotations

import json
import re
import zipfile

from appdriver import (
    CHART,
    assert_clean,
    open_app,
    open_tab,
    open_timed,
    query_of,
    rerun,
    wait_charts,
)

# The card as the reader sees it: its box, clipped by the box it scrolls in, under the header.
_CARD_SEEN = """() => {
  const card = document.querySelector('.st-key-event_card');
  if (!card) return null;
  let {top, bottom} = card.getBoundingClientRect();
  for (let e = card.parentElement; e && e.dataset.testid !== 'stMain'; e = e.parentElement) {
    if (['auto', 'scroll'].includes(getComputedStyle(e).overflowY)) {
      const box = e.getBoundingClientRect();
      top = Math.max(top, box.top);
      bottom = Math.min(bottom, box.bottom);
    }
  }
  const header = document.querySelector('[data-testid="stHeader"]').getBoundingClientRect();
  const title = card.querySelector('.event-details h3').getBoundingClientRect();
  return {top, bottom, header: header.bottom, screen: innerHeight, title: title.top};
}"""
# Where the tabs begin on the page (not on the screen, which scrolls).
_TABS_TOP = """() => document.querySelector('[data-testid="stTabs"]').getBoundingClientRect().top
  + document.querySelector('[data-testid="stMain"]').scrollTop"""
_SCROLL_TO_TABS = """() => document.querySelector('[data-testid="stMain"]').scrollTo(0,
  document.querySelector('[data-testid="stTabs"]').getBoundingClientRect().top
  + document.querySelector('[data-testid="stMain"]').scrollTop - 80)"""
LAPTOP = {"width": 1400, "height": 900}


def open_settled(page, query: str = "", charts: int = 1) -> float:
    """Open the app and wait until `charts` have drawn and the page is still; where the tabs
    begin then."""
    drawn = (
        f"() => document.querySelectorAll('{CHART} .js-plotly-plot .main-svg').length >= {charts}"
    )
    open_timed(page, f"{page.app_url}/{query}", drawn)
    return page.evaluate(_TABS_TOP)


def assert_card_in_view(page) -> None:
    seen = page.evaluate(_CARD_SEEN)
    assert seen is not None, "no card"
    assert seen["header"] - 1 <= seen["top"] <= seen["title"], seen  # its title shows
    assert seen["bottom"] <= seen["screen"] + 1 and seen["bottom"] - seen["top"] >= 200, seen


def test_after_a_click_on_the_map_the_card_is_in_view_and_the_tabs_stay(page):
    page.set_viewport_size(LAPTOP)
    tabs = open_settled(page, "?view=map", charts=2)
    place = page.locator('[data-testid="stPlotlyChart"] .geo path.point').nth(3)
    place.scroll_into_view_if_needed()
    rerun(page, lambda: place.click(force=True))
    assert "event" in query_of(page)
    assert_card_in_view(page)
    assert page.evaluate(_TABS_TOP) == tabs
    assert_clean(page)


def test_after_a_click_in_the_table_the_card_is_in_view_and_the_tabs_stay(page):
    page.set_viewport_size(LAPTOP)
    tabs = open_settled(page)
    page.evaluate(_SCROLL_TO_TABS)
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    rerun(page, lambda: page.mouse.click(box["x"] + 200, box["y"] + 35 * 3 + 17))  # 3rd row
    assert "event" in query_of(page)
    assert_card_in_view(page)
    assert page.evaluate(_TABS_TOP) == tabs
    assert_clean(page)


def test_on_a_phone_a_tap_shows_the_card_in_view_and_nothing_under_it_moves(phone):
    tabs = open_settled(phone)
    plot = phone.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
    marker = plot.locator(".cartesianlayer .subplot.xy .scatterlayer path.point").nth(5)
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    center = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    rerun(phone, lambda: phone.touchscreen.tap(*center))
    assert "event" in query_of(phone)
    assert_card_in_view(phone)
    assert phone.evaluate(_TABS_TOP) == tabs
    # Clear selection, at the card's top, closes it.
    rerun(phone, lambda: phone.get_by_role("button", name="Clear selection").tap())
    assert phone.evaluate(_CARD_SEEN) is None and phone.evaluate(_TABS_TOP) == tabs
    assert_clean(phone)


def test_on_a_phone_the_tables_toolbar_leaves_the_tabs_uncovered(phone):
    open_app(phone)
    grid = phone.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    rerun(phone, lambda: phone.touchscreen.tap(box["x"] + 100, box["y"] + 35 + 17))
    toolbar = phone.locator(
        '.stElementContainer:has([data-testid="stDataFrame"]) [data-testid="stElementToolbar"]'
    ).first
    toolbar.wait_for(state="visible")
    bar = toolbar.bounding_box()
    for tab in phone.get_by_role("tab").all():
        t = tab.bounding_box()
        apart = (
            bar["y"] >= t["y"] + t["height"]
            or t["y"] >= bar["y"] + bar["height"]
            or bar["x"] >= t["x"] + t["width"]
            or t["x"] >= bar["x"] + bar["width"]
        )
        assert apart, (tab.inner_text(), bar, t)
    assert_clean(phone)


def test_the_zips_link_holds_no_closed_tabs_year_and_no_event_the_filters_left_out(page, tmp_path):
    open_app(page, "?view=relations&year=1993", charts=2)
    open_tab(page, "Events")
    assert "year" not in query_of(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    rerun(page, lambda: page.mouse.click(box["x"] + 200, box["y"] + 35 + 17))  # 1918: a war
    assert "event" in query_of(page)
    search = page.locator('[data-testid="stSidebar"]').get_by_label("Search", exact=True)
    rerun(page, lambda: (search.fill("ceasefire"), search.press("Enter")))
    page.wait_for_url(re.compile(r"q=ceasefire"))
    wait_charts(page)
    assert "event" not in query_of(page)
    assert page.get_by_text("The filters now leave out the selected event").is_visible()
    with page.expect_download() as zipped:
        page.get_by_role("button", name="With sources (ZIP)").click()
    with zipfile.ZipFile(zipped.value.path()) as zf:
        meta = json.loads(zf.read("datapackage.json"))
    assert meta["share_url"] == page.url
    for text in (meta["share_url"], meta["citation"]):
        assert "q=ceasefire" in text and "year=" not in text and "event=" not in text
    assert_clean(page)
