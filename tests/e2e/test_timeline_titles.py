"""Issue 25.5 in Chromium: the timeline's titles on a phone (390x844) and a laptop (1400x900),
none over another, the names of the periods apart, and the dates of a drag of the box tool."""

from __future__ import annotations

import re

from appdriver import assert_clean, chart, open_app, query_of, rerun
from playwright.sync_api import expect

TIMELINE = "Timeline of events"

# The boxes of what the timeline's plot shows: the titles (the text of its text traces) and
# the names of the periods (annotations named "band: ..."), with the drawn text of each.
_BOXES = """p => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {text: e.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom}; };
  const shown = e => e.getBoundingClientRect().width > 0;
  const bands = p.layout.annotations.map((a, i) => [a, i])
    .filter(([a]) => (a.name || '').startsWith('band: ')).map(([, i]) => i);
  return {
    titles: Array.from(p.querySelectorAll('.cartesianlayer .subplot.xy .textpoint text'))
      .filter(shown).map(box),
    bands: Array.from(p.querySelectorAll('.infolayer .annotation'))
      .filter(a => bands.includes(Number(a.dataset.index)))
      .map(a => box(a.querySelector('text'))),
    drawn: p.data.filter(t => t.meta && t.meta.kind === 'titles')
      .map(t => ({on: t.meta.on, text: t.text.map(s => s.replace(/\\u2002/g, ''))})),
  };
}"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """The pairs of boxes that overlap by more than a pixel each way."""
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a["r"], b["r"]) - max(a["l"], b["l"]) > 1
        and min(a["b"], b["b"]) - max(a["t"], b["t"]) > 1
    ]


def shown(page) -> dict:
    return chart(page, TIMELINE).evaluate(_BOXES)


def drawn_on(boxes: dict, plot: str) -> list[str]:
    return [t for trace in boxes["drawn"] if trace["on"] in ("any", plot) for t in trace["text"]]


def test_on_a_phone_the_timeline_has_its_titles_and_nothing_runs_together(phone):
    open_app(phone)
    boxes = shown(phone)
    titles = [b["text"].replace("\u2002", "") for b in boxes["titles"]]
    assert sorted(titles) == sorted(drawn_on(boxes, "narrow"))  # a phone's own, and all
    assert len(titles) >= 20 and "First Nagorno-Karabakh War" in titles
    assert overlapping(boxes["titles"]) == []
    assert [b["text"] for b in boxes["bands"]] == ["Soviet", "Independence"]
    assert overlapping(boxes["bands"]) == []  # not "SovietIndependence"
    assert_clean(phone)


def test_on_a_laptop_the_wide_titles_show_none_over_another(page):
    page.set_viewport_size({"width": 1400, "height": 900})
    open_app(page, "?category=war&category=ceasefire&years=1988&years=1994")
    boxes = shown(page)
    titles = [b["text"].replace("\u2002", "") for b in boxes["titles"]]
    assert sorted(titles) == sorted(drawn_on(boxes, "wide"))
    assert "First Nagorno-Karabakh War" in titles  # inside its bar
    assert overlapping(boxes["titles"]) == [] and overlapping(boxes["bands"]) == []
    assert_clean(page)


def test_a_drag_of_the_box_tool_shows_the_dates_the_timeline_will_zoom_to(page):
    page.set_viewport_size({"width": 1400, "height": 900})
    open_app(page)
    plot = chart(page, TIMELINE)
    plot.hover()
    plot.locator('.modebar-btn[data-title="Box Select"]').click()
    box = plot.locator(".nsewdrag").first.bounding_box()
    # Whole pixels, as a mouse gives them.
    start, end = (round(box["x"] + box["width"] * f) for f in (0.3, 0.6))
    y = box["y"] + box["height"] / 2
    tip = page.locator("#timeline-drag-dates")
    said: list[str] = []

    def drag() -> None:
        page.mouse.move(start, y)
        page.mouse.down()
        page.mouse.move((start + end) // 2, y, steps=5)
        page.mouse.move(end, y, steps=5)
        expect(tip).to_be_visible()
        said.append(tip.inner_text())
        page.mouse.up()

    rerun(page, drag)
    expect(tip).to_have_count(0)  # gone with the drag
    assert re.fullmatch(r"\d{1,2} \w+ \d{4} – \d{1,2} \w+ \d{4}", said[0]), said
    assert "zoom" in query_of(page)
    # What the drag said is the stretch the timeline now shows.
    expect(page.get_by_text(f"The timeline shows {said[0]}.")).to_be_visible()
    assert_clean(page)
