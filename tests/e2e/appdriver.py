"""How a test waits for and reads the running app, as a person would see it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

APP = '[data-testid="stApp"]'
IDLE = f'{APP}[data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
STATUS = '[data-testid="stStatusWidget"]'
CHART = '[data-testid="stPlotlyChart"]'
QUIET_MS = 750  # a run has ended when the page is idle and unchanged for this long
COUNTER_RE = re.compile(r"Showing ([\d,]+) of ([\d,]+) events")

# Counts the bars (g.point) and markers (path.point) that the timeline's main plot drew for
# events: one per event, in the traces whose meta.kind is "ranged" or "point". The range
# slider's copy, the markers on short bars and the selection ring do not count.
_COUNT_MARKS = """
(plot) => {
  let n = 0;
  for (const g of plot.querySelectorAll('.cartesianlayer .subplot.xy g.trace')) {
    const cd = g.__data__;
    const trace = cd && cd[0] && cd[0].trace;
    const kind = trace && trace.meta && trace.meta.kind;
    if (kind === 'cluster') {
      // A cluster is drawn once and holds as many events as its label says.
      for (const bar of g.querySelectorAll('g.point')) n += parseInt(bar.textContent, 10);
      continue;
    }
    if (kind !== 'ranged' && kind !== 'point' && kind !== 'short-range') continue;
    n += g.querySelectorAll('g.point, path.point').length;
  }
  return n;
}
"""


def wait_idle(page: Any, timeout: float = 60_000) -> None:
    """Wait until the script has finished its run and the status widget is gone."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_selector(STATUS, state="detached", timeout=timeout)


def open_app(page: Any, query: str = "", charts: int = 1) -> None:
    """Open the app (with `query`, e.g. "?category=war") and wait until `charts` have drawn."""
    page.goto(page.app_url + "/" + query)
    wait_idle(page)
    wait_charts(page, charts)


def wait_charts(page: Any, count: int = 1, timeout: float = 60_000) -> None:
    """Wait until at least `count` Plotly charts have drawn their SVG."""
    page.wait_for_function(
        f"document.querySelectorAll('{CHART} .js-plotly-plot .main-svg').length >= {count}",
        timeout=timeout,
    )


# Notes the time (performance.now(), from the navigation) of the page's last DOM change and of
# the first input event (key, pointer or file choice) since `window.__inputAt` was reset. Run
# once per document: as an init script it watches the page from its first node.
WATCH_JS = """() => {
  if (window.__watching) return;
  window.__watching = true;
  window.__changedAt = 0;
  window.__inputAt = 0;
  new MutationObserver(() => { window.__changedAt = performance.now(); })
    .observe(document, {attributes: true, childList: true, subtree: true, characterData: true});
  for (const type of ['keydown', 'pointerdown', 'change']) {
    addEventListener(type, e => { if (!window.__inputAt) window.__inputAt = e.timeStamp; }, true);
  }
}"""


def _wait_quiet(page: Any, ready: str, quiet_ms: int, timeout: float) -> None:
    page.wait_for_function(
        f"""() => ({ready})() && document.querySelector('{IDLE}')
               && !document.querySelector('{STATUS}')
               && performance.now() - window.__changedAt > {quiet_ms}""",
        timeout=timeout,
        polling=100,
    )


def rerun(
    page: Any, action: Callable[[], object], timeout: float = 60_000, quiet_ms: int = QUIET_MS
) -> float:
    """Do `action`, which makes the app rerun, and wait until that run has finished: the page
    has changed since the action and then stayed idle and unchanged for `quiet_ms`. Returns the
    seconds from the action's first input event (or from the call, without one) to the page's
    last change.

    A short run can start and end within one render, so "running" may never show; any run
    changes the page, though (its elements are sent again). A run that changes nothing within
    `timeout` fails here. Assert on what the run changes with waiting helpers (`wait_counter`,
    Playwright's `expect`), not on a single read."""
    page.evaluate(WATCH_JS)
    page.evaluate("() => { window.__changedAt = 0; window.__inputAt = 0; "
                  "window.__calledAt = performance.now(); }")  # fmt: skip
    action()
    page.wait_for_function("window.__changedAt > 0", timeout=timeout)
    _wait_quiet(page, "() => true", quiet_ms, timeout)
    return page.evaluate(
        "() => (window.__changedAt - (window.__inputAt || window.__calledAt)) / 1000"
    )


def open_timed(
    page: Any, url: str, ready: str, timeout: float = 60_000, quiet_ms: int = QUIET_MS
) -> float:
    """Open `url` in a fresh `page` and wait until the JS predicate `ready` holds, the app is
    idle and the page has not changed for `quiet_ms`. Returns the seconds from the navigation
    to the page's last change."""
    page.add_init_script(f"({WATCH_JS})()")
    page.goto(url)
    _wait_quiet(page, ready, quiet_ms, timeout)
    return page.evaluate("() => window.__changedAt / 1000")


def open_tab(page: Any, label: str, charts: int = 0) -> None:
    """Open a tab of the page (as a person clicks it) and wait for its run (and `charts`)."""
    rerun(page, lambda: page.get_by_role("tab", name=label, exact=True).click())
    if charts:
        wait_charts(page, charts)


def wait_counter(page: Any, shown: int, total: int, timeout: float = 30_000) -> None:
    """Wait until the sidebar says "Showing `shown` of `total` events"."""
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text(
        f"Showing {shown:,} of {total:,} events", timeout=timeout
    )


def counter(page: Any) -> tuple[int, int]:
    """The sidebar's "Showing X of Y events"."""
    text = page.locator('[data-testid="stSidebar"]').get_by_text(COUNTER_RE).inner_text()
    shown, total = COUNTER_RE.search(text).groups()
    return int(shown.replace(",", "")), int(total.replace(",", ""))


def chart(page: Any, title: str) -> Any:
    """The Plotly chart whose title starts with `title`."""
    return page.locator(f"{CHART} .js-plotly-plot").filter(
        has=page.locator(".gtitle", has_text=re.compile("^" + re.escape(title)))
    )


def event_marks(page: Any, title: str) -> int:
    """How many events the chart titled `title` drew: its bars and markers, and the events
    its clusters say they hold."""
    return chart(page, title).evaluate(_COUNT_MARKS)


def table_rows(page: Any) -> int:
    """How many rows the events table holds (its grid's aria-rowcount, less the header)."""
    grid = page.locator('[data-testid="stDataFrame"] [role="grid"]').first
    return int(grid.get_attribute("aria-rowcount")) - 1


def exceptions(page: Any) -> list[str]:
    return page.locator('[data-testid="stException"]').all_inner_texts()


def upload(page: Any, name: str, data: bytes, charts: int = 0) -> None:
    """Upload `data` as file `name` through the sidebar's "Use your own table", wait for the
    run (and for `charts` charts to draw)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    field = sidebar.locator('[data-testid="stFileUploader"] input[type="file"]')
    details = sidebar.locator("details").filter(has_text="Use your own table")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    file = {"name": name, "mimeType": "text/csv", "buffer": data}
    rerun(page, lambda: field.set_input_files(files=[file]))
    if charts:
        wait_charts(page, charts)


def table_cells(page: Any, has_column: str = "Title") -> list[str]:
    """The text of the cells st.dataframe exposes in its accessible table (the grid itself is a
    canvas), in the dataframe with a column named `has_column`."""
    grid = page.locator('[data-testid="stDataFrame"]').filter(
        has=page.locator("th", has_text=re.compile(f"^{re.escape(has_column)}$"))
    )
    return grid.first.evaluate(
        "e => Array.from(e.querySelectorAll('td, [role=gridcell]')).map(c => c.textContent)"
    )


def wait_cells(page: Any, wanted: set[str], has_column: str = "Title", timeout: float = 30_000):
    """Wait until the table with a column `has_column` has a cell for each text in `wanted`."""
    try:
        page.wait_for_function(
            """([column, wanted]) => {
              for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
                const heads = Array.from(grid.querySelectorAll('th')).map(h => h.textContent);
                if (!heads.includes(column)) continue;
                const cells = new Set(Array.from(grid.querySelectorAll('td, [role=gridcell]'))
                                      .map(c => c.textContent));
                return wanted.every(w => cells.has(w));
              }
              return false;
            }""",
            arg=[has_column, sorted(wanted)],
            timeout=timeout,
        )
    except PlaywrightTimeout:
        missing = wanted - set(table_cells(page, has_column))
        raise AssertionError(f"the table never showed {sorted(missing)!r}") from None


def hover_texts(page: Any, title: str) -> list[str]:
    """Hover each event marker of the chart titled `title` in turn; the hover label texts."""
    plot = chart(page, title)
    points = plot.locator(".cartesianlayer .subplot.xy path.point, .geo path.point")
    texts = []
    for i in range(points.count()):
        points.nth(i).hover(force=True)
        label = plot.locator(".hoverlayer .hovertext")
        label.first.wait_for(state="attached", timeout=5_000)
        texts.append(label.first.text_content())
        page.mouse.move(0, 0)
    return texts


def query_of(page: Any) -> dict[str, list[str]]:
    """The page address's query parameters."""
    return parse_qs(urlparse(page.url).query)


def assert_clean(page: Any) -> None:
    """No exception on the page, no page or console error, no failed or outside request."""
    assert exceptions(page) == []
    assert page.traffic.page_errors == []
    assert page.traffic.console_errors == []
    assert page.traffic.failed == []
    assert page.traffic.blocked == []
