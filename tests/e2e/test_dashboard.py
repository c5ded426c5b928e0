"""What a person sees in a real browser, offline: the shipped table in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import frictionless
from appdriver import (
    assert_clean,
    chart,
    counter,
    event_marks,
    open_app,
    open_tab,
    query_of,
    rerun,
    table_rows,
    wait_charts,
    wait_counter,
    wait_idle,
)
from conftest import watch
from playwright.sync_api import expect

from timeline.filters import FilterState, apply_filters, prepare
from timeline.io import read_events

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = prepare(read_events(ROOT / "data" / "events.csv"))
TIMELINE = "Timeline of events"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def expected(**state: object) -> int:
    """How many shipped events the filter keeps, computed without the app."""
    return len(apply_filters(SHIPPED, FilterState(**state)))


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar multiselect labelled `label`, as a person types it."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    box.locator("input").fill(option)
    # Enter picks the highlighted option: wait until the list shows it, as a person does.
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    rerun(page, lambda: page.keyboard.press("Enter"))


def move_slider(page, thumb: int, to: int) -> None:
    """Move the years slider's start (0) or end (1) thumb to `to` with the keyboard, one key at
    a time (PageUp/PageDown step 10 years, arrows 1), waiting for the app after each."""
    handle = page.locator('[data-testid="stSidebar"] input[type="range"]').nth(thumb)
    for _ in range(300):
        now = int(handle.get_attribute("aria-valuetext"))
        if now == to:
            break
        step = "PageUp" if to - now >= 10 else "PageDown" if now - to >= 10 else None
        key = step or ("ArrowRight" if to > now else "ArrowLeft")
        # Once in about eight runs a keypress changed nothing (cause not found: the slider
        # may have been drawn again between focus and key): press again, at most twice more.
        for attempt in range(3):
            handle.focus()
            page.keyboard.press(key)
            try:
                expect(handle).not_to_have_attribute(
                    "aria-valuetext", str(now), timeout=20_000 if attempt == 2 else 5_000
                )
                break
            except AssertionError:
                if attempt == 2:
                    raise
        wait_idle(page)
    page.wait_for_url(re.compile(rf"years={to}\b"))
    wait_idle(page)


def search(page, text: str) -> None:
    box = page.locator('[data-testid="stSidebar"]').get_by_label("Search", exact=True)
    rerun(page, lambda: (box.fill(text), box.press("Enter")))


# --- 1. the default page ------------------------------------------------------------------------


def test_default_page_shows_every_event_without_errors(page):
    open_app(page)
    shown, total = counter(page)
    assert shown == total == len(SHIPPED)
    assert event_marks(page, TIMELINE) == total
    assert table_rows(page) == total
    assert_clean(page)


# --- 2. offline ----------------------------------------------------------------------------------


def test_map_draws_the_apps_own_base_map_in_both_modes_and_nothing_leaves(page):
    open_app(page, "?view=map", charts=2)
    located = SHIPPED.dropna(subset=["lat"])
    places = len(located.groupby(["lat", "lon"]))
    geo = chart(page, "Places")
    geo.locator(".geo .layer.coastlines path").first.wait_for()
    # One mark per place (those outside the region may be left out of the drawing).
    assert 20 <= geo.locator(".geo .scatterlayer path.point").count() <= places < len(located)
    page.get_by_test_id("stRadioGroup").get_by_text("Countries", exact=True).click()
    wait_idle(page)
    countries = chart(page, "Countries")
    countries.locator(".choroplethlocation").first.wait_for()
    # world_110m.json has 177 country shapes; the choropleth draws one path for each country
    # that has events plus the background layer; both come from the app's own file.
    assert countries.locator(".choroplethlocation").count() >= 20
    assert countries.locator(".geo .layer.coastlines path").count() == 1
    topojson = [u for u in page.traffic.requests if u.endswith("world_110m.json")]
    assert topojson and all(u.startswith(page.app_url + "/app/static/") for u in topojson)
    assert all(u.startswith((page.app_url, page.app_url.replace("http", "ws"))) or
               u.startswith(("data:", "blob:")) for u in page.traffic.requests)  # fmt: skip
    assert_clean(page)


# --- 3. filters, URL, and a fresh page ---------------------------------------------------------


def test_category_and_years_narrow_every_view_and_the_url_restores_them(page, browser):
    open_app(page)
    choose(page, "Category", "War")
    choose(page, "Category", "Ceasefire")
    move_slider(page, 0, to=1988)
    move_slider(page, 1, to=1994)
    params = query_of(page)
    assert params["category"] == ["war", "ceasefire"]
    assert params["years"] == ["1988", "1994"]
    want = expected(categories=("war", "ceasefire"), years=(1988, 1994))
    assert 0 < want < len(SHIPPED)
    wait_counter(page, want, len(SHIPPED))
    expect(page.locator('[data-testid="stDataFrame"] [role="grid"]')).to_have_attribute(
        "aria-rowcount", str(want + 1)
    )
    wait_charts(page)
    assert event_marks(page, TIMELINE) == want

    fresh = page.context.new_page()
    fresh.traffic, fresh.app_url = page.traffic, page.app_url
    watch(fresh, page.traffic)
    fresh.goto(page.url)
    wait_idle(fresh)
    wait_charts(fresh)
    assert counter(fresh) == (want, len(SHIPPED))
    assert event_marks(fresh, TIMELINE) == want
    category = fresh.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    assert category.locator("[data-tag] span[title]").all_inner_texts() == ["War", "Ceasefire"]
    fresh.close()
    assert_clean(page)


def test_a_burst_of_filter_changes_ends_clean_with_no_failed_request(page):
    # Each key press reruns the app and interrupts the run before it. A download file sent with
    # the page was fetched by the browser after each run to check it, and after quick reruns
    # Streamlit had already dropped it: a 404 (and a second copy of the CSV on every run).
    open_app(page)
    end = page.locator('[data-testid="stSidebar"] input[type="range"]').nth(1)
    for _ in range(4):
        end.focus()
        for _ in range(6):
            page.keyboard.press("ArrowLeft")
            page.wait_for_timeout(300)
        wait_idle(page)
    last = int(end.get_attribute("aria-valuetext"))
    wait_counter(page, expected(years=(int(SHIPPED["start"].dt.year.min()), last)), len(SHIPPED))
    page.wait_for_timeout(2000)  # a late check of a stale file would fail within this
    # The cause, every time (the 404 itself needs unlucky timing): no file before a click.
    assert [u for u in page.traffic.requests if u.startswith(page.app_url + "/media/")] == []
    assert page.traffic.failed == []
    assert_clean(page)


# --- 4. the download ---------------------------------------------------------------------------


def test_download_delivers_the_counted_rows_as_a_valid_table(page, tmp_path):
    open_app(page, "?category=war&category=ceasefire&years=1988&years=1994")
    shown, _ = counter(page)
    button = page.get_by_role("button", name=re.compile(r"^Download [\d,]+ events \(CSV\)$"))
    assert button.inner_text().strip().endswith(f"Download {shown:,} events (CSV)")
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == ("azerbaijan-relations_1988-1994_war-ceasefire.csv")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert len(read_events(path)) == shown
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "validate", str(path)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, env=ENV,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"OK: {shown} events")
    assert_clean(page)


def test_download_with_sources_is_the_same_csv_with_a_valid_data_package(page, tmp_path):
    query = "?category=war&category=ceasefire&years=1988&years=1994"
    open_app(page, query)
    shown, _ = counter(page)
    with page.expect_download() as plain:
        page.get_by_role("button", name=re.compile(r"^Download [\d,]+ events \(CSV\)$")).click()
    with page.expect_download() as zipped:
        page.get_by_role("button", name="With sources (ZIP)").click()
    name = "azerbaijan-relations_1988-1994_war-ceasefire-with-sources.zip"
    assert zipped.value.suggested_filename == name
    with zipfile.ZipFile(zipped.value.path()) as zf:
        zf.extractall(tmp_path)
        names = ["README.md", plain.value.suggested_filename, "codes.csv", "datapackage.json"]
        assert sorted(zf.namelist()) == names
    assert (tmp_path / plain.value.suggested_filename).read_bytes() == Path(
        plain.value.path()
    ).read_bytes()
    meta = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["share_url"] == page.url  # the link restores this view
    assert meta["filters"] == {"category": ["war", "ceasefire"], "years": [1988, 1994]}
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid and report.tasks[0].stats["rows"] == shown
    # The events table's own toolbar offers no second, different CSV.
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    expect(toolbar).to_be_attached()
    assert toolbar.get_by_role("button", name=re.compile("download", re.I)).count() == 0
    assert_clean(page)


# --- 5. clicks on the charts --------------------------------------------------------------------


def click_center(page, element) -> None:
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    rerun(page, lambda: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))


def test_clicking_a_timeline_event_shows_its_details(page):
    open_app(page, "?category=ceasefire")
    plot = chart(page, TIMELINE)
    marker = plot.locator(".cartesianlayer .subplot.xy .scatterlayer path.point").first
    click_center(page, marker)
    event_id = query_of(page)["event"][0]
    event = SHIPPED.set_index("id").loc[event_id]
    assert event["category"] == "ceasefire"
    details = page.locator('[data-testid="stHtml"]').filter(has_text=event["title"])
    assert details.count() == 1
    assert event["source_url"] in details.locator("a").first.get_attribute("href")
    assert_clean(page)


def test_after_a_click_at_1400x900_the_details_are_in_view_beside_the_timeline(page):
    page.set_viewport_size({"width": 1400, "height": 900})
    open_app(page, "?category=ceasefire")
    plot = chart(page, TIMELINE)
    click_center(page, plot.locator(".cartesianlayer .subplot.xy .scatterlayer path.point").first)
    card = page.locator(".event-details")
    expect(card).to_be_visible()
    box, chart_box = card.bounding_box(), plot.bounding_box()
    assert box["y"] >= 0 and box["y"] + min(box["height"], 200) <= 900  # its top part is in view
    assert box["x"] >= chart_box["x"] + chart_box["width"] - 1  # beside, not under, the timeline
    assert_clean(page)


def test_on_a_phone_the_page_does_not_scroll_sideways_and_the_timeline_is_wide_enough(page):
    page.set_viewport_size({"width": 390, "height": 844})
    open_app(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert chart(page, TIMELINE).bounding_box()["width"] >= 300
    assert_clean(page)


def test_the_open_view_comes_back_from_the_url(page):
    open_app(page, "?view=per-year", charts=2)
    expect(page.get_by_role("tab", name="Per year", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    expect(chart(page, "Events per year")).to_have_count(1)
    open_tab(page, "Map", charts=2)
    assert query_of(page)["view"] == ["map"]
    assert_clean(page)


def tick_labels(page) -> list[str]:
    return chart(page, TIMELINE).locator(".xaxislayer-above .xtick text").all_text_contents()


def test_a_cluster_opens_on_a_click_a_drag_zooms_and_the_zoom_comes_back_from_the_url(page):
    page.set_viewport_size({"width": 1400, "height": 900})
    open_app(page)
    plot = chart(page, TIMELINE)
    # The largest cluster: the relations of 1992.
    clusters = plot.locator(".barlayer .trace").filter(has=page.locator("g.point text"))
    counts = [int(t) for t in clusters.locator("g.point text").all_text_contents()]
    biggest = clusters.locator("g.point").nth(counts.index(max(counts)))
    click_center(page, biggest.locator("path"))
    zoom = query_of(page)["zoom"][0]
    first, last = zoom.split("..")
    assert first < "1993" and last >= "1992"
    assert "event" not in query_of(page)  # a cluster is not an event
    inside = (SHIPPED["end"] >= first) & (SHIPPED["start"] <= last)
    assert event_marks(page, TIMELINE) == inside.sum()  # each event in the window, once
    zoomed = tick_labels(page)
    assert all(not t.isdigit() or 1990 <= int(t) <= 2000 for t in zoomed), zoomed
    # With the box tool, dragging across the left half of the timeline zooms further in.
    plot.hover()
    plot.locator('.modebar-btn[data-title="Box Select"]').click()
    box = plot.locator(".nsewdrag").first.bounding_box()
    y = box["y"] + box["height"] / 2

    def drag() -> None:
        page.mouse.move(box["x"] + 5, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 4, y, steps=5)
        page.mouse.move(box["x"] + box["width"] / 2, y, steps=5)
        page.mouse.up()

    rerun(page, drag)
    narrower = query_of(page)["zoom"][0]
    assert narrower != zoom and first <= narrower.split("..")[0]
    # The link restores the same axis in a new session.
    fresh = page.context.new_page()
    fresh.traffic, fresh.app_url = page.traffic, page.app_url
    watch(fresh, page.traffic)
    fresh.set_viewport_size({"width": 1400, "height": 900})
    open_app(fresh, "?" + urlparse(page.url).query)
    assert tick_labels(fresh) == tick_labels(page)
    fresh.close()
    page.get_by_role("button", name="Zoom out").click()
    wait_idle(page)
    expect(page).not_to_have_url(re.compile("zoom="))
    assert_clean(page)


def test_clicking_a_country_on_the_map_narrows_the_view_to_it(page):
    open_app(page, "?view=map", charts=2)
    page.get_by_test_id("stRadioGroup").get_by_text("Countries", exact=True).click()
    wait_idle(page)
    countries = chart(page, "Countries")
    armenia = countries.locator(".choroplethlocation").nth(
        countries.evaluate(
            """(plot) => [...plot.querySelectorAll('.choroplethlocation')]
                  .findIndex(p => p.__data__ && p.__data__.loc === 'ARM')"""
        )
    )
    click_center(page, armenia)
    want = expected(countries=("ARM",))
    wait_counter(page, want, len(SHIPPED))
    assert query_of(page)["country"] == ["ARM"]
    assert_clean(page)


# --- 6. search -------------------------------------------------------------------------------


def test_search_finds_the_bishkek_protocol_and_nonsense_finds_a_friendly_nothing(page):
    open_app(page)
    search(page, "bishkek")
    want = expected(query="bishkek")
    assert want >= 1
    wait_counter(page, want, len(SHIPPED))
    cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]')
    expect(cells.filter(has_text="Bishkek Protocol").first).to_be_attached()

    search(page, "qwxzy nothing like this")
    wait_counter(page, 0, len(SHIPPED))
    assert page.get_by_text("No events match").count() == 1
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert page.get_by_role("button", name=re.compile("^Download 0 events")).is_disabled()
    assert_clean(page)


# --- 7. accessibility -------------------------------------------------------------------------


def test_widgets_have_labels_charts_have_titles_and_axe_finds_nothing_serious(page):
    from axe_playwright_python.sync_playwright import Axe

    open_app(page, "?view=map", charts=2)
    for control in page.locator("input, button, [role='combobox'], [role='slider']").all():
        if control.is_visible():
            name = control.evaluate(
                "e => e.getAttribute('aria-label') || e.labels?.[0]?.innerText || e.innerText"
                " || document.getElementById(e.getAttribute('aria-labelledby') || '')?.innerText"
            )
            assert name and name.strip(), control.evaluate("e => e.outerHTML.slice(0, 200)")
    titles = page.locator('[data-testid="stPlotlyChart"] .gtitle').evaluate_all(
        "titles => titles.map(t => t.textContent)"
    )
    assert len(titles) == page.locator('[data-testid="stPlotlyChart"]').count() == 2
    assert all(t.strip() for t in titles)

    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert_clean(page)


# --- 8. relations over time ---------------------------------------------------------------------


def test_the_relations_map_draws_offline_plays_and_a_click_filters_the_page(page):
    open_app(page, "?view=relations&year=1995", charts=3)
    world = chart(page, "Azerbaijan's relations in 1995")
    world.locator(".choroplethlocation").first.wait_for()
    assert world.locator(".choroplethlocation").count() >= 100
    topojson = [u for u in page.traffic.requests if u.endswith("world_110m.json")]
    assert topojson and all(u.startswith(page.app_url + "/app/static/") for u in topojson)

    # A click on Turkey filters the page to it.
    turkey = world.locator(".choroplethlocation").nth(
        world.evaluate(
            """(plot) => [...plot.querySelectorAll('.choroplethlocation')]
                  .findIndex(p => p.__data__ && p.__data__.loc === 'TUR')"""
        )
    )
    click_center(page, turkey)
    wait_counter(page, expected(countries=("TUR",)), len(SHIPPED))
    assert query_of(page)["country"] == ["TUR"]

    # Play steps through the years in the browser: the map's title changes without a rerun.
    rerun(page, lambda: page.get_by_text(re.compile(r"^Play \d{4}–\d{4} in the browser$")).click())
    wait_charts(page, 3)
    animated = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').nth(1)
    title = animated.locator(".gtitle")
    before = title.text_content()
    animated.locator(".updatemenu-button").filter(has_text="Play").first.click()
    page.wait_for_function(
        "([el, before]) => el.textContent !== before",
        arg=[title.element_handle(), before],
        timeout=20_000,
    )
    assert_clean(page)


# --- 9. the map opens on the region -------------------------------------------------------------

# The rendered map's extent and projection, as Plotly drew it.
_GEO = """plot => {
  const geo = plot._fullLayout.geo;
  return {lat: geo.lataxis.range, lon: geo.lonaxis.range, projection: geo.projection.type};
}"""
# The index of the place mark at [lon, lat] among the map's points.
_MARK_AT = """([plot, lon, lat]) => [...plot.querySelectorAll('.geo .scatterlayer path.point')]
    .findIndex(p => p.__data__ && p.__data__.lonlat
        && Math.abs(p.__data__.lonlat[0] - lon) < 1e-3
        && Math.abs(p.__data__.lonlat[1] - lat) < 1e-3
        && p.closest('g.trace').__data__[0].trace.meta.kind === 'places')"""


def test_the_places_map_opens_on_the_region_and_a_click_on_a_place_selects(page):
    page.set_viewport_size({"width": 1400, "height": 900})
    open_app(page, "?view=map", charts=2)
    places = chart(page, "Places")
    places.locator(".geo .layer.coastlines path").first.wait_for()
    geo = places.evaluate(_GEO)
    assert geo["projection"] == "equirectangular"
    (south, north), (west, east) = geo["lat"], geo["lon"]
    assert south < 40.4 and north > 55.8 and west < 7.7 and east > 49.9  # Strasbourg to Baku
    assert west > -73.9  # New York's UN is one place of many: not in the region
    # One mark per place: far fewer marks than located events, the biggest Baku's.
    located = SHIPPED.dropna(subset=["lat"])
    places_n = len(located.groupby(["lat", "lon"]))
    assert places.locator(".geo .scatterlayer path.point").count() <= places_n + 2  # + the ring
    baku = located[(located["lat"] == 40.4093) & (located["lon"] == 49.8671)]
    newest = baku.sort_values(["start", "id"], ascending=[False, True]).iloc[0]
    mark = places.locator(".geo .scatterlayer path.point").nth(
        places.evaluate(f"plot => ({_MARK_AT})([plot, 49.8671, 40.4093])")
    )
    # Inside Baku's mark, east of its centre: Plotly gives the pointer to the smallest mark
    # under it, and Sumgait's and Baku's venues are drawn over Baku's west and south.
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    x, y = box["x"] + box["width"] * 0.85, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    label = places.locator(".hoverlayer .hovertext").first
    expect(label).to_contain_text(f"Baku · {len(baku)} events, newest first")
    expect(label).to_contain_text(f"and {len(baku) - 10} more")

    rerun(page, lambda: page.mouse.click(x, y))
    page.wait_for_url(re.compile(r"event="))
    assert query_of(page)["event"] == [newest["id"]]
    expect(page.locator(".event-details")).to_contain_text(newest["title"])
    expect(page.get_by_text(f"{len(baku)} events at Baku, newest first")).to_be_visible()
    # The selected event's place is ringed.
    wait_charts(page, 2)
    ring = chart(page, "Places").evaluate(
        """plot => plot.data.filter(t => t.meta && t.meta.kind === 'selected')
                      .map(t => [t.lon[0], t.lat[0]])"""
    )
    assert ring == [[49.8671, 40.4093]]

    # The Countries map opens on the region too: Armenia is more than a few pixels wide.
    rerun(page, lambda: page.get_by_test_id("stRadioGroup").first.get_by_text("Countries").click())
    countries = chart(page, "Countries")
    countries.locator(".choroplethlocation").first.wait_for()
    armenia = countries.evaluate(
        """plot => [...plot.querySelectorAll('.choroplethlocation')]
              .find(p => p.__data__ && p.__data__.loc === 'ARM').getBoundingClientRect().width"""
    )
    assert armenia >= 15
    assert query_of(page)["map"] == ["countries"]
    # The world is one click away, and in the link.
    rerun(page, lambda: page.get_by_text("World", exact=True).click())
    page.wait_for_url(re.compile(r"extent=world"))
    wait_charts(page, 2)
    assert chart(page, "Countries").evaluate(_GEO)["projection"] == "natural earth"
    assert_clean(page)
