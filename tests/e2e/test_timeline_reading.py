"""Reading the timeline's boxes (issue 25.1): every box leads to its events, through smaller
windows or, where zooming cannot part them, a list of them in the event details."""

from __future__ import annotations

import re

from appdriver import assert_clean, chart, open_app, query_of, rerun
from playwright.sync_api import expect

TIMELINE = "Timeline of events"
PICK = re.compile(r"^\d+ events of .+: pick one to read it$")


def click_biggest_box(page) -> bool:
    """Click the timeline's box holding the most events and wait for the run; False if the
    timeline shows no box."""
    boxes = (
        chart(page, TIMELINE).locator(".barlayer .trace").filter(has=page.locator("g.point text"))
    )
    counts = [int(t) for t in boxes.locator("g.point text").all_text_contents()]
    if not counts:
        return False
    biggest = boxes.locator("g.point").nth(counts.index(max(counts))).locator("path")
    biggest.scroll_into_view_if_needed()
    box = biggest.bounding_box()
    rerun(page, lambda: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
    return True


def test_the_biggest_box_opens_to_its_events_or_lists_them_and_a_pick_reads_one(page):
    page.set_viewport_size({"width": 1400, "height": 900})
    open_app(page, "?category=recognition")
    windows: list[str] = []
    pick = page.get_by_role("combobox", name=PICK)
    for _ in range(6):
        if not click_biggest_box(page) or pick.count():
            break
        zoom = query_of(page)["zoom"][0]
        assert zoom not in windows, f"a box zoomed to {zoom} again, after {windows}"
        windows.append(zoom)
    else:
        raise AssertionError(f"six clicks and still a box: {windows}")
    assert windows, "the first box did not zoom"
    expect(pick).to_have_count(1)  # the recognitions of 31 December 1991 share their day
    # With the keyboard: open the list, the next option, Enter.
    rerun(page, lambda: (pick.focus(), pick.press("ArrowDown"), pick.press("Enter")))
    event = query_of(page)["event"][0]
    title = pick.input_value().rsplit(" · ", 1)[0]  # "title · date"
    expect(page.locator(".st-key-event_card .event-details h3")).to_have_text(title)
    assert event.startswith("1991-12-31-recognition-") and query_of(page)["zoom"] == windows[-1:]
    expect(pick).to_have_count(1)  # still there, to pick another
    assert_clean(page)
