"""Guided stories in Chromium: a story's link opens at its step, Next by a click and by the →
key, the browser's Back, a reload, a phone's screen, and Earlier and Later in the explorer."""

from __future__ import annotations

from urllib.parse import parse_qs

from appdriver import assert_clean, open_app, query_of, rerun, wait_idle
from playwright.sync_api import expect

from timeline.io import read_events
from timeline.loading import DEFAULT_DATA
from timeline.stories import read_stories

KARABAKH = read_stories(DEFAULT_DATA.with_name("stories.csv"), read_events(DEFAULT_DATA)["id"])[
    "karabakh"
]
N = len(KARABAKH.steps)
CARD = ".st-key-event_card"


def at_step(page, step: int) -> None:
    """The page shows the story's `step`: its counter and caption, in the address too."""
    expect(page.get_by_text(f"Step {step} of {N}", exact=True)).to_be_visible()
    expect(page.locator(f"{CARD} .story-caption")).to_have_text(KARABAKH.steps[step - 1].caption)
    address = page.evaluate("location.search")  # Playwright's page.url can miss a pushState
    assert parse_qs(address[1:]).get("step", ["1"]) == [str(step)]


def test_a_story_link_opens_at_its_step_next_by_click_and_key_back_and_reload(page):
    open_app(page, "?story=karabakh&step=3")
    at_step(page, 3)
    rerun(page, lambda: page.locator(".st-key-nav_next button").click())
    at_step(page, 4)
    page.evaluate("document.activeElement.blur()")  # no field has the focus
    rerun(page, lambda: page.keyboard.press("ArrowRight"))
    at_step(page, 5)
    rerun(page, page.go_back)
    at_step(page, 4)
    page.reload()  # a new document: the page is waited for, not a rerun
    wait_idle(page)
    at_step(page, 4)
    assert_clean(page)


def test_on_a_phone_the_caption_counter_and_buttons_fit_one_screen(phone):
    open_app(phone, "?story=karabakh&step=2")
    at_step(phone, 2)
    assert phone.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    for part in (
        phone.get_by_text(f"Step 2 of {N}", exact=True),
        phone.locator(f"{CARD} .story-caption"),
        phone.locator(".st-key-nav_prev button"),
        phone.locator(".st-key-nav_next button"),
        phone.locator(".st-key-leave_story button"),
    ):
        box = part.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 844, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert_clean(phone)


def test_earlier_and_later_in_the_explorer_by_click_and_key(page):
    open_app(page, "?category=ceasefire&event=1994-05-12-ceasefire-in-effect")
    rerun(page, lambda: page.locator(".st-key-nav_next button").click())
    later = query_of(page)["event"]
    assert later != ["1994-05-12-ceasefire-in-effect"]
    page.evaluate("document.activeElement.blur()")
    rerun(page, lambda: page.keyboard.press("ArrowLeft"))
    assert query_of(page)["event"] == ["1994-05-12-ceasefire-in-effect"]
    expect(page.locator(CARD).get_by_role("heading", level=3)).to_contain_text("ceasefire")
    assert_clean(page)
