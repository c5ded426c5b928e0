"""A hostile uploaded table: everything it says is shown as text, nothing in it runs.

Each payload, if it were ever rendered as HTML or Markdown, would set `window.__pwned` or open
an alert dialog; the test asserts neither happens and that the literal text is on the page: in
the table, the timeline's and the map's hover labels, the event details and the file name.
"""

from __future__ import annotations

import csv
import io

from appdriver import (
    chart,
    counter,
    exceptions,
    hover_texts,
    open_app,
    open_tab,
    rerun,
    table_cells,
    upload,
    wait_cells,
    wait_charts,
)
from playwright.sync_api import expect

from timeline import schema

SCRIPT = "<script>window.__pwned=1</script>"
IMG = "<img src=x onerror=window.__pwned=1;alert(1)>"
MD_LINK = "[click me](javascript:window.__pwned=1)"
ENTITY = "&lt;b&gt;not bold&lt;/b&gt; &amp; <b>not bold either</b>"
SVG = '<svg onload="alert(1)"></svg> **not strong** :red[not red]'
FILE_NAME = "[x](javascript:alert(1))<b>bold</b>.csv"


def _event(i: int, title: str, place: str, text: str, source: str) -> dict[str, str]:
    category, day, lat, lon = [
        ("war", "1994-05-12", "40.0", "45.0"),
        ("agreement", "2001-01-25", "48.8566", "2.3522"),
        ("scandal", "2008-03-14", "51.5", "-0.12"),
        ("membership", "2015-06-01", "55.75", "37.6"),
    ][i]
    return {
        "id": f"hostile-{i}",
        "title": title,
        "category": category,
        "start_date": day,
        "end_date": "",
        "countries": "ARM",
        "organizations": "",
        "topics": "borders",
        "location": place,
        "lat": lat,
        "lon": lon,
        "description": text,
        "source_title": source,
        "source_url": "https://example.org/" + str(i),
    }


EVENTS = [
    _event(0, SCRIPT, IMG, MD_LINK + " " + ENTITY, SVG),
    _event(1, IMG, SCRIPT, SVG, MD_LINK),
    _event(2, MD_LINK, ENTITY, SCRIPT, IMG),
    _event(3, ENTITY, SVG, IMG, SCRIPT),
]


def hostile_csv() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, schema.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(EVENTS)
    return out.getvalue().encode()


def cells_with(page, wanted: set[str], has_column: str = "Title") -> set[str]:
    """The table's accessible cells once they hold `wanted` (the grid fills them in after the
    run has ended); fails, naming what is missing, if they never do."""
    wait_cells(page, wanted, has_column)
    return set(table_cells(page, has_column))


def nothing_ran(page, dialogs: list[str]) -> None:
    assert dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # No element made from the payloads: no <img src=x>, <svg onload>, javascript: link, <b>.
    assert (
        page.evaluate(
            """() => document.querySelectorAll(
            'img[src="x"], svg[onload], a[href^="javascript"], [data-testid="stMain"] b,'
            + ' [data-testid="stSidebar"] b').length"""
        )
        == 0
    )


def test_hostile_table_is_shown_as_text_and_nothing_runs(page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_app(page)
    upload(page, FILE_NAME, hostile_csv(), charts=1)
    assert exceptions(page) == []
    assert counter(page) == (4, 4)
    # The file name, in the page's "Table: ..." line.
    assert page.get_by_text(f"Table: {FILE_NAME}", exact=True).count() == 1

    titles = {e["title"] for e in EVENTS}
    assert titles <= cells_with(page, titles)

    # Hover labels: the title (timeline), and the title and place (map), as text.
    timeline_labels = hover_texts(page, "Timeline of events")
    assert len(timeline_labels) == 4
    for e in EVENTS:
        assert sum(label.startswith(e["title"]) for label in timeline_labels) == 1
    open_tab(page, "Map", charts=2)
    map_labels = hover_texts(page, "Places")
    assert len(map_labels) == 4
    for e in EVENTS:
        assert any(lab.startswith(e["title"]) and lab.endswith(e["location"]) for lab in map_labels)
    nothing_ran(page, dialogs)

    # Details of each event, opened by clicking its marker on the timeline.
    plot = chart(page, "Timeline of events")
    for i in range(4):
        marker = plot.locator(".cartesianlayer .subplot.xy path.point").nth(i)
        rerun(page, lambda m=marker: m.click(force=True))
        wait_charts(page, 2)
        details = page.locator(".event-details")
        shown = details.locator("h3").inner_text()
        (event,) = [e for e in EVENTS if e["title"] == shown]
        text = details.inner_text()
        for column in ("location", "description", "source_title"):
            assert event[column] in text
        links = details.locator("a")
        assert links.count() == 1
        assert links.get_attribute("href") == event["source_url"]
        assert links.inner_text() == event["source_title"]
        nothing_ran(page, dialogs)
    assert page.traffic.blocked == []
    assert page.traffic.page_errors == []


def test_a_javascript_source_url_is_refused_and_shown_as_text(page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_app(page)
    total = counter(page)[1]
    bad = [dict(EVENTS[0], source_url="javascript:alert(1)")]
    out = io.StringIO()
    writer = csv.DictWriter(out, schema.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(bad)
    upload(page, "bad.csv", out.getvalue().encode())
    assert page.get_by_text("Your file was not loaded").count() == 1
    assert "javascript:alert(1)" in cells_with(page, {"javascript:alert(1)"}, "Problem")
    assert counter(page) == (total, total)  # the shipped table stays in use
    nothing_ran(page, dialogs)


HOSTILE_LINK = (
    "?event=%3Amaterial%2Ferror%3A%20Session%20expired&category=www.evil-example.com"
    "&topic=http://127.0.0.1:8621/phish&country=user@evil-example.com"
)


def test_values_in_the_link_are_named_as_text_not_links_or_icons(page):
    open_app(page, HOSTILE_LINK)
    main = page.locator('[data-testid="stMain"]')
    for shown in (
        ":material/error: Session expired",
        "'www.evil-example.com'",
        "'http://127.0.0.1:8621/phish'",
        "'user@evil-example.com'",
    ):
        expect(main).to_contain_text(shown)
    assert (
        page.locator('a[href*="evil-example"], a[href^="mailto:"], a[href*="phish"]').count() == 0
    )
    # No icon drawn from the URL: the only icons in the main area are the app's own.
    assert main.locator('[data-testid="stIconMaterial"]').filter(has_text="error").count() == 0
    assert exceptions(page) == []


def test_a_link_streamlit_drops_for_its_length_is_named_not_silently_ignored(page):
    query = "?" + "&".join(f"event=e{i}" for i in range(1001))
    open_app(page, query)
    alert = page.locator("#dropped-link")
    expect(alert).to_contain_text("This link has 1,001 parameters")
    expect(alert).to_contain_text("the page shows every event")
    open_app(page, "?event=e1")  # an ordinary link: no such message
    expect(page.locator("#dropped-link")).to_have_count(0)


def test_the_dropped_link_check_takes_no_room_on_an_ordinary_first_visit(page):
    open_app(page)  # no parameters: the check runs, finds nothing to say
    box = page.locator("#dropped-link")
    expect(box).to_be_attached()
    expect(box).to_be_hidden()
    # Its element takes no place in the page's column, not even the gap between elements.
    element = page.locator('[data-testid="stElementContainer"]').filter(has=box)
    assert element.evaluate("e => getComputedStyle(e).display") == "none"


# Plotly's own markup (issue 26.2): it draws these tags in any text of a chart.
PLOTLY_MARKUP = [
    '<a href="https://evil.example/phish">Official source: click</a>',
    '<span style="font-size:90px;fill:red">HUGE</span>',
    '<a href="/_stcore/health" target="_top">x</a> &amp; <b>co</b>',
]

# What the chart drew from them: links, text 90px high, and the titles beside the marks (those
# of the plot's width: a phone's are hidden on a laptop).
_DRAWN = """p => ({
  links: p.querySelectorAll('.main-svg a').length,
  huge: Array.from(p.querySelectorAll('.main-svg text, .main-svg tspan'))
    .filter(t => getComputedStyle(t).fontSize === '90px').length,
  labels: Array.from(p.querySelectorAll('.cartesianlayer .subplot.xy .textpoint text'))
    .filter(t => t.getBoundingClientRect().width > 0).map(t => t.textContent),  // those shown
})"""


def test_plotly_markup_in_titles_is_drawn_as_text(page):
    open_app(page)
    rows = [dict(EVENTS[i], title=t, location=t) for i, t in enumerate(PLOTLY_MARKUP)]
    rows.append(dict(EVENTS[3], title="Last", location="", lat="", lon=""))  # room before it
    out = io.StringIO()
    writer = csv.DictWriter(out, schema.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    upload(page, "markup.csv", out.getvalue().encode(), charts=1)
    assert counter(page) == (4, 4)
    drawn = chart(page, "Timeline of events").evaluate(_DRAWN)
    assert drawn["links"] == 0 and drawn["huge"] == 0
    # Each title beside its mark as typed (or its start, cut to fit, with "…").
    labels = [t.strip("\u2002").removesuffix("…") for t in drawn["labels"]]
    labels = [t for t in labels if t not in ("", "Last")]
    assert len(labels) == 3
    assert all(any(t.startswith(label) for t in PLOTLY_MARKUP) for label in labels), labels
    assert PLOTLY_MARKUP[0] in labels and PLOTLY_MARKUP[1] in labels
    hovers = hover_texts(page, "Timeline of events")
    assert sum(any(h.startswith(t) for t in PLOTLY_MARKUP) for h in hovers) == 3
    open_tab(page, "Map", charts=2)
    places = chart(page, "Places").evaluate(_DRAWN)
    assert places["links"] == 0 and places["huge"] == 0
    map_labels = hover_texts(page, "Places")
    assert len(map_labels) == 3
    for label in map_labels:
        assert any(label.startswith(t) and label.endswith(t) for t in PLOTLY_MARKUP), label
    assert page.url.startswith(page.app_url)  # no link followed, no page replaced
    assert exceptions(page) == []
