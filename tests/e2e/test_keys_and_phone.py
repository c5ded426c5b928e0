"""The keyboard and a phone: typed years, Enter in a filter, the table's keys, and a 390x844
touch screen where the filters get out of the way and one tap selects an event."""

from __future__ import annotations

import re

from appdriver import assert_clean, chart, open_app, query_of, rerun, wait_idle
from playwright.sync_api import expect

from timeline.filters import FilterState, apply_filters, by_date, prepare, year_span
from timeline.io import read_events
from timeline.loading import DEFAULT_DATA

SHIPPED = prepare(read_events(DEFAULT_DATA))
TIMELINE = "Timeline of events"
SIDEBAR = '[data-testid="stSidebar"]'


def filter_box(page, label: str):
    return page.locator(f'{SIDEBAR} [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True)
    )


def chips(box) -> list[str]:
    return box.locator("[data-tag] span[title]").all_inner_texts()


# --- Typed years ----------------------------------------------------------------------------


def test_typed_years_set_the_slider_and_the_url_and_the_slider_sets_them(page):
    open_app(page)
    start = page.locator(SIDEBAR).get_by_label("From", exact=True)
    end = page.locator(SIDEBAR).get_by_label("To", exact=True)
    rerun(page, lambda: (start.fill("1988"), start.press("Enter")))
    rerun(page, lambda: (end.fill("1994"), end.press("Enter")))
    assert query_of(page)["years"] == ["1988", "1994"]
    thumbs = page.locator(f'{SIDEBAR} input[type="range"]')
    expect(thumbs.nth(0)).to_have_attribute("aria-valuetext", "1988")
    expect(thumbs.nth(1)).to_have_attribute("aria-valuetext", "1994")

    # The slider's thumb moves the typed year with it.
    thumbs.nth(1).focus()
    rerun(page, lambda: page.keyboard.press("ArrowRight"))
    expect(end).to_have_value("1995")
    assert query_of(page)["years"] == ["1988", "1995"]

    # A year out of the table's span is brought in, and said.
    rerun(page, lambda: (start.fill("1800"), start.press("Enter")))
    expect(start).to_have_value(str(year_span(SHIPPED)[0]))
    notice = page.locator(f"{SIDEBAR} .plain-info")
    expect(notice).to_contain_text("Years 1800 to 1995 were read as")
    assert_clean(page)


# --- Keyboard -------------------------------------------------------------------------------


def test_enter_after_typing_in_a_filter_picks_one_option_not_every_match(page):
    open_app(page)
    country = filter_box(page, "Country")
    field = country.locator("input")
    options = page.get_by_role("option")
    # The arrow keys move the highlight; Enter picks the highlighted option only.
    field.fill("Turk")
    expect(options).to_have_count(2)  # Turkey, Turkmenistan: no "Select 2 matches"
    second = options.all_inner_texts()[1]
    keys = ("ArrowDown", "ArrowDown", "Enter")
    rerun(page, lambda: [page.keyboard.press(key) for key in keys])
    assert chips(country) == [second]
    assert len(query_of(page)["country"]) == 1

    # With nothing highlighted, Enter picks the first match, not every match.
    field.fill("T")
    assert len(options.all_inner_texts()) > 2
    top = options.first.inner_text()
    rerun(page, lambda: page.keyboard.press("Enter"))
    assert chips(country) == [second, top]
    assert len(query_of(page)["country"]) == 2
    assert_clean(page)


def test_a_click_on_a_table_cell_or_the_arrow_keys_select_its_event(page):
    open_app(page, "?category=ceasefire")
    rows = by_date(SHIPPED[SHIPPED["category"] == "ceasefire"])["id"].tolist()
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    header, row = 35, 35  # st.dataframe's default row height
    # A click on a cell of the first row (not its checkbox: there is none).
    rerun(page, lambda: page.mouse.click(box["x"] + 150, box["y"] + header + row / 2))
    assert query_of(page)["event"] == [rows[0]]
    rerun(page, lambda: page.keyboard.press("ArrowDown"))
    assert query_of(page)["event"] == [rows[1]]
    rerun(page, lambda: page.keyboard.press("ArrowDown"))
    assert query_of(page)["event"] == [rows[2]]
    rerun(page, lambda: page.keyboard.press("ArrowUp"))
    assert query_of(page)["event"] == [rows[1]]
    title = SHIPPED.set_index("id").loc[rows[1], "title"]
    expect(page.locator(".event-details")).to_contain_text(title)
    assert_clean(page)


# --- Phone ----------------------------------------------------------------------------------


def open_sidebar(page) -> None:
    page.locator('[data-testid="stExpandSidebarButton"]').tap()
    expect(page.locator(SIDEBAR)).to_have_attribute("data-collapsed", "false")


def test_on_a_phone_the_filters_close_after_a_choice_and_one_tap_selects(phone):
    open_app(phone)
    sidebar = phone.locator(SIDEBAR)
    expect(sidebar).to_have_attribute("data-collapsed", "true")  # Streamlit's "auto"
    open_sidebar(phone)
    # The choice: a search, typed and sent with the keyboard's Enter. (A multiselect's list on
    # an emulated touch screen highlights no option and its options come and go while the
    # sidebar settles: Enter picked nothing in 5 of 6 tries, and taps timed out.)
    search = sidebar.get_by_label("Search", exact=True)
    rerun(phone, lambda: (search.fill("ceasefire"), search.press("Enter")))
    # The address follows the run's page updates: wait for it, do not read it at once.
    phone.wait_for_url(re.compile(r"q=ceasefire"))
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    plot = chart(phone, TIMELINE)
    sidebar_right = sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"]
    assert sidebar_right <= plot.bounding_box()["x"]  # the timeline is not covered
    assert plot.bounding_box()["width"] >= 300
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")

    # While a year is typed the filters stay open: the other year box comes next.
    open_sidebar(phone)
    start = sidebar.get_by_label("From", exact=True)
    rerun(phone, lambda: (start.fill("1994"), start.press("Tab")))
    phone.wait_for_url(re.compile(r"years=1994"))
    assert query_of(phone)["years"][0] == "1994"
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    # A tap beside them closes them (Streamlit's own behaviour).
    phone.touchscreen.tap(380, 400)
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    wait_idle(phone)

    marker = plot.locator(".cartesianlayer .subplot.xy .scatterlayer path.point").first
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    rerun(phone, lambda: phone.touchscreen.tap(box["x"] + 6, box["y"] + 6))  # one tap
    event = query_of(phone)["event"][0]
    found = apply_filters(SHIPPED, FilterState(query="ceasefire", years=(1994, 2020)))
    assert event in set(found["id"])
    expect(phone.locator(".event-details")).to_be_visible()
    assert_clean(phone)
