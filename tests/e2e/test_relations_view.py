"""Issue 25.2 and 25.3 in the browser: the relations view lists the year's countries from the
whole table (a cell chosen reads its event, the CSV is the list), and its one player moves the
map and the counts together, with nothing of it over another part."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from appdriver import assert_clean, chart, open_app, rerun, wait_charts
from playwright.sync_api import expect

from timeline import standing
from timeline.io import read_events

SHIPPED = read_events(Path(__file__).resolve().parents[2] / "data" / "events.csv")
PLAYER = "Azerbaijan's relations in"

# The boxes of the player's parts that must not overlap, by name, as [x, y, width, height].
_PARTS = """plot => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
  const texts = [...plot.querySelectorAll('text')];
  const panels = [...plot.querySelectorAll('.annotation')].filter(a =>
      /^(Countries with|Organizations joined)/.test(a.textContent));
  return {
    title: box(plot.querySelector('.g-gtitle')),
    legend: box(plot.querySelector('.legend')),
    buttons: box(plot.querySelector('.updatemenu-container')),
    year: box(texts.find(t => t.textContent.startsWith('Year: '))),
    steps: box(plot.querySelector('.slider-labels')),
    rail: box(plot.querySelector('.slider-rail-rect')),
    ...Object.fromEntries(panels.map((a, i) => [`panel ${i + 1}`, box(a)])),
  };
}"""
# What the player shows now: the map's title, the year label, and the path of each year mark
# on the counts (the traces whose meta.kind is "year").
_SHOWN = """plot => ({
  title: plot.querySelector('.g-gtitle .gtitle').textContent,
  year: [...plot.querySelectorAll('text')].find(t => t.textContent.startsWith('Year: '))
      .textContent,
  marks: [...plot.querySelectorAll('.cartesianlayer g.trace')]
      .filter(g => g.__data__ && g.__data__[0].trace.meta.kind === 'year')
      .map(g => g.querySelector('path.js-line').getAttribute('d')),
})"""


def overlaps(parts: dict[str, list[float]]) -> list[tuple[str, str]]:
    """The pairs of `parts` whose boxes intersect."""
    names = sorted(parts)
    return [
        (a, b)
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if _intersect(parts[a], parts[b])
    ]


def _intersect(a: list[float], b: list[float]) -> bool:
    (ax, ay, aw, ah), (bx, by, bw, bh) = a, b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def press(page, locator) -> None:
    """A click, or a tap on a touch screen."""
    locator.tap() if page.viewport_size["width"] < 500 else locator.click()


def open_player(page):
    open_app(page, "?view=relations&year=1993", charts=3)
    toggle = page.get_by_text(re.compile(r"^Play \d{4}–\d{4} in the browser$"))
    rerun(page, lambda: press(page, toggle))
    wait_charts(page, 2)
    player = chart(page, PLAYER)
    player.locator(".updatemenu-button").first.wait_for()
    player.locator(".choroplethlocation").first.wait_for(state="attached")
    return player


@pytest.mark.parametrize("device", ["page", "phone"])
def test_play_moves_the_map_and_the_counts_together_and_nothing_overlaps(device, request):
    page = request.getfixturevalue(device)
    player = open_player(page)
    # One player: the page's year slider is gone while it plays.
    assert (
        page.locator('[data-testid="stSlider"]').filter(has_text=re.compile("^Year(?!s)")).count()
        == 0
    )
    assert player.count() == 1
    assert overlaps(player.evaluate(_PARTS)) == []
    before = player.evaluate(_SHOWN)
    assert before["title"] == f"{PLAYER} 1993" and before["year"] == "Year: 1993"
    press(page, player.locator(".updatemenu-button").filter(has_text="Play").first)
    # The map, its year label and the marks on both panels of counts move in one step.
    page.wait_for_function(
        f"""([plot, before]) => {{
          const now = ({_SHOWN})(plot);
          return now.title !== before.title && now.year === 'Year: ' + now.title.slice(
              {len(PLAYER) + 1}) && now.marks.every((d, i) => d !== before.marks[i]);
        }}""",
        arg=[player.element_handle(), before],
        timeout=20_000,
    )
    now = player.evaluate(_SHOWN)
    assert len(now["marks"]) == 2
    assert overlaps(player.evaluate(_PARTS)) == []  # mid-run
    # The Soviet years, one frame with a span's longer label.
    page.wait_for_function(
        "plot => plot.querySelector('.g-gtitle .gtitle').textContent.endsWith('1921–1990')",
        arg=player.element_handle(),
        timeout=20_000,
    )
    assert overlaps(player.evaluate(_PARTS)) == []
    assert_clean(page)


def test_the_list_of_a_years_countries_ignores_the_filters_selects_and_downloads(page, tmp_path):
    open_app(page, "?view=relations&year=1993&country=RUS", charts=3)
    listing = standing.country_list(
        standing.standing_by_year(SHIPPED, 1993),
        standing.events_by_country(SHIPPED[SHIPPED["countries"].map(lambda c: "RUS" in c)]),
    )
    grid = page.locator('[data-testid="stDataFrame"]').filter(has_text="Standing")
    grid.scroll_into_view_if_needed()
    # Every country with a standing, though only Russia's events are shown.
    expect(grid.locator('[role="grid"]')).to_have_attribute("aria-rowcount", str(len(listing) + 1))
    expect(page.get_by_text("the sidebar's filters do not change them")).to_be_visible()
    # A cell of the first row (Afghanistan) chosen: its event is read in the details.
    box = grid.bounding_box()
    header, row = 35, 35  # st.dataframe's default row height
    rerun(page, lambda: page.mouse.click(box["x"] + 150, box["y"] + header + row / 2))
    expect(page.locator(".event-details")).to_contain_text(listing["Set by"].iloc[0])
    address = urlparse(page.evaluate("location.href"))  # page.url misses a replaced state
    assert parse_qs(address.query)["event"] == [listing["Event id"].iloc[0]]
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the countries of 1993 (CSV)").click()
    assert download.value.suggested_filename == "azerbaijan-relations_countries-1993.csv"
    saved = tmp_path / "countries.csv"
    download.value.save_as(saved)
    assert saved.read_bytes() == standing.countries_csv(listing)
    assert_clean(page)
