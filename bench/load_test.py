"""Browser load test: 10 visitors at once on one server, each with its own view, download and
upload. The correctness check of separate sessions; the server's capacity is measured without
a browser by bench/load_protocol.py (`make load-test`).

    make load-test-browser        # or: .venv/bin/python bench/load_test.py [--sessions 10]

Starts one `streamlit run app.py` on 127.0.0.1 (on a copy of data/events.csv, so the data file
can be changed and removed while it runs) and opens the sessions as contexts of one headless
Chromium (Playwright's async API, asyncio.gather). Nothing leaves loopback: every other request
is blocked and makes the run fail. The whole run is bounded (--timeout, default 600 s).

Each session opens a link with its own filters and checks the counter against
`timeline.filters.apply_filters` on the same table; then changes the search text through the
sidebar a few times (each change timed from the key press to the end of the run, with the
counter checked), and downloads the CSV: its rows must be exactly the expected events and as
many as the counter says. Three sessions upload their own tables and replace them mid-run; all
other sessions must keep seeing the shipped table. Three sessions close their browser context in
the middle of a filter change. Then the faults: the data file is changed (sessions see the new
table), removed (a clear error for sessions on it; sessions with an upload keep working) and
restored, with /_stcore/health answering throughout.

Prints the figures and writes them to bench/results.md between the `load-test` markers.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "e2e")]

from conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

from timeline.filters import FilterState, apply_filters, filter_options, prepare  # noqa: E402
from timeline.io import read_events  # noqa: E402
from timeline.url_state import parse_query_params, to_query_params  # noqa: E402

SHIPPED = ROOT / "data" / "events.csv"
RESULTS = ROOT / "bench" / "results.md"
START, END = "<!-- load-test:start -->", "<!-- load-test:end -->"
APP = '[data-testid="stApp"]'
IDLE = f'{APP}[data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
STATUS = '[data-testid="stStatusWidget"]'
SEARCH = '[data-testid="stSidebar"] input[aria-label="Search"]'
COUNTER_RE = re.compile(r"Showing ([\d,]+) of ([\d,]+) events")
QUERIES = ("war", "treaty", "oil", "armenia", "russia", "council", "gas", "visit", "un", "peace")
UPLOADERS = (0, 1, 2)  # sessions that upload a table of their own (and replace it)
CLOSING = 3  # the last sessions close their context during a filter change
TIMEOUT_MS = 180_000


class Failure(AssertionError):
    pass


def check(ok: bool, message: str) -> None:
    if not ok:
        raise Failure(message)


@dataclass
class Table:
    """A table as the app would hold it, for computing what a session must see."""

    df: object

    @classmethod
    def read(cls, source: object) -> Table:
        return cls(prepare(read_events(source)))

    def expected(self, state: FilterState) -> list[str]:
        """The ids the app shows for `state` (restricted to the table, as the app does)."""
        options = filter_options(self.df)
        parsed = parse_query_params(to_query_params(state), options).filters
        return apply_filters(self.df, parsed)["id"].tolist()

    def __len__(self) -> int:
        return len(self.df)


def states(table: Table, n: int) -> list[FilterState]:
    """`n` different filter states, most of them matching some events."""
    options = filter_options(table.df)
    cats, countries = list(options.categories), list(options.countries)
    out = []
    for i in range(n):
        if i in UPLOADERS:
            out.append(FilterState())
        elif i % 3 == 0:
            out.append(FilterState(categories=(cats[i % len(cats)], cats[(i + 3) % len(cats)])))
        elif i % 3 == 1:
            out.append(FilterState(years=(1988 + i, 2005 + i)))
        else:
            out.append(FilterState(countries=(countries[i % len(countries)],)))
    return out


def subset_csv(i: int, version: int) -> bytes:
    """An upload: every (7 + i + version)-th row of the shipped table."""
    lines = SHIPPED.read_bytes().splitlines(keepends=True)
    return lines[0] + b"".join(lines[1 :: 7 + i + version])


# --- Async page helpers (tests/e2e/appdriver.py is sync) ---------------------------------------


async def wait_idle(page) -> None:
    await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    await page.wait_for_selector(STATUS, state="detached", timeout=TIMEOUT_MS)


async def rerun(page, action, until) -> float:
    """Do `action` (which makes the app rerun), wait for `until` (a page change only that run
    makes) and for the app to be idle; seconds taken. Streamlit may batch a short run's start
    and end into one render, so "the script state was running" is not a reliable signal."""
    t0 = time.perf_counter()
    await action()
    try:
        await until()
        await wait_idle(page)
    except Exception as exc:
        shot = Path(tempfile.gettempdir()) / f"load-test-{id(page)}.png"
        await page.screenshot(path=shot)
        raise Failure(f"{page.url}: the run did not end ({exc!r}); see {shot}") from exc
    return time.perf_counter() - t0


async def counter(page) -> tuple[int, int]:
    text = await page.locator('[data-testid="stSidebar"]').get_by_text(COUNTER_RE).inner_text()
    shown, total = COUNTER_RE.search(text).groups()
    return int(shown.replace(",", "")), int(total.replace(",", ""))


async def search(page, text: str, until=None) -> float:
    """Type `text` into the search box and press Enter; by default, wait until the URL has it."""
    box = page.locator(SEARCH)

    async def act() -> None:
        await box.fill(text)
        await box.press("Enter")

    async def url_has_it() -> None:
        await page.wait_for_function(
            "q => (new URLSearchParams(location.search).get('q') || '') === q",
            arg=text,
            timeout=TIMEOUT_MS,
        )

    return await rerun(page, act, until or url_has_it)


RETRIED_DOWNLOADS: list[str] = []
CSV_BUTTON = re.compile(r"^Download [\d,]+ events \(CSV\)$")


def csv_button(page):
    """The CSV download (the sidebar also has "With sources (ZIP)")."""
    return page.get_by_role("button", name=CSV_BUTTON)


async def download_ids(page, tmp: Path, name: str) -> list[str]:
    """Click the download button and read the file. Under load Chromium sometimes reports the
    download as canceled (the page hands it a blob: URL that can be revoked before Chromium
    reads it); such a download is tried again, up to twice, and counted."""
    for attempt in range(3):
        async with page.expect_download(timeout=TIMEOUT_MS) as info:
            await csv_button(page).click()
        download = await info.value
        path = tmp / name
        try:
            await download.save_as(path)
        except Exception:
            if attempt == 2:
                raise
            RETRIED_DOWNLOADS.append(name)
            continue
        return read_events(path)["id"].tolist()
    raise AssertionError("unreachable")


async def upload(page, name: str, data: bytes) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    details = sidebar.locator("details").filter(has_text="Use your own table")
    if await details.get_attribute("open") is None:
        await details.locator("summary").click()
    field = sidebar.locator('[data-testid="stFileUploader"] input[type="file"]')
    file = {"name": name, "mimeType": "text/csv", "buffer": data}
    shown = page.get_by_text(f"Table: {name}", exact=True)
    await rerun(
        page,
        lambda: field.set_input_files(files=[file]),
        lambda: shown.wait_for(timeout=TIMEOUT_MS),
    )


# --- The run -----------------------------------------------------------------------------------


@dataclass
class Session:
    i: int
    state: FilterState
    context: object = None
    page: object = None
    table: Table | None = None  # the upload, when it has one
    latencies: list[float] = field(default_factory=list)
    first_load: float = 0.0
    closing: bool = False
    closed: bool = False
    dialogs: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


async def open_session(browser, url: str, s: Session) -> None:
    s.context = await browser.new_context(
        accept_downloads=True, viewport={"width": 1400, "height": 1000}
    )
    host = url.split("//", 1)[1]

    async def route(route) -> None:
        if re.match(rf"^(https?|wss?)://{re.escape(host)}(/|$)", route.request.url) or (
            route.request.url.startswith(("data:", "blob:"))
        ):
            await route.continue_()
        else:
            s.blocked.append(route.request.url)
            await route.abort()

    s.context.set_default_timeout(TIMEOUT_MS)  # many pages on a small machine: slow, not stuck
    await s.context.route("**/*", route)
    s.page = await s.context.new_page()
    s.page.on("dialog", lambda d: s.dialogs.append(d.message))


async def run_session(browser, url: str, shipped: Table, s: Session, tmp: Path) -> None:
    await open_session(browser, url, s)
    page = s.page
    query = urlencode(to_query_params(s.state), doseq=True)
    t0 = time.perf_counter()
    await page.goto(f"{url}/?{query}", timeout=TIMEOUT_MS)
    await wait_idle(page)
    s.first_load = time.perf_counter() - t0
    want = shipped.expected(s.state)
    check(await counter(page) == (len(want), len(shipped)), f"session {s.i}: first counter")

    if s.i in UPLOADERS:
        for version in (0, 1):  # the second upload replaces the first
            data = subset_csv(s.i, version)
            await upload(page, f"mine-{s.i}-{version}.csv", data)
            s.table = Table.read(io.BytesIO(data))
            check(
                await counter(page) == (len(s.table), len(s.table)),
                f"session {s.i}: counter after upload {version}",
            )
    table = s.table or shipped
    for step in range(3):
        q = QUERIES[(s.i + step) % len(QUERIES)]
        state = dataclasses.replace(s.state, query=q)
        if s.closing and step == 1:
            box = page.locator(SEARCH)
            await box.fill(q)
            await box.press("Enter")
            await s.context.close()  # mid-run: the server is still working for this session
            s.closed = True
            return
        s.latencies.append(await search(page, q))
        want = table.expected(state)
        got = await counter(page)
        check(got == (len(want), len(table)), f"session {s.i}: {got} for {state}, want {len(want)}")
    if want:
        ids = await download_ids(page, tmp, f"s{s.i}.csv")
        check(sorted(ids) == sorted(want), f"session {s.i}: the CSV holds other rows")
        check(len(ids) == (await counter(page))[0], f"session {s.i}: CSV rows != counter")
    else:
        check(
            await csv_button(page).is_disabled(),
            f"session {s.i}: download enabled for no events",
        )


def health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


async def faults(url: str, data: Path, shipped: Table, sessions: list[Session]) -> list[str]:
    """Change, remove and restore the data file under the surviving sessions."""
    done = []
    alive = [s for s in sessions if not s.closed]
    on_file = [s for s in alive if s.table is None]
    uploaders = [s for s in alive if s.table is not None]

    # Changed: the first 100 events only.
    lines = SHIPPED.read_bytes().splitlines(keepends=True)
    data.write_bytes(b"".join(lines[:101]))
    smaller = Table.read(data)

    async def sees_smaller(s: Session) -> None:
        await search(s.page, "")
        want = smaller.expected(s.state)
        check(await counter(s.page) == (len(want), 100), f"session {s.i}: changed file")

    async def keeps_upload(s: Session) -> None:
        await search(s.page, "")
        check(await counter(s.page) == (len(s.table), len(s.table)), f"session {s.i}: upload")

    await asyncio.gather(*map(sees_smaller, on_file), *map(keeps_upload, uploaders))
    check(health(url), "health after the file changed")
    done.append(f"data file changed: {len(on_file)} sessions saw the new table")

    # Removed: a clear error on the file's sessions; uploads keep working.
    data.unlink()

    async def sees_error(s: Session) -> None:
        page = s.page
        error = page.get_by_text("The event table could not be loaded")
        await search(page, "x", until=lambda: error.wait_for(timeout=TIMEOUT_MS))
        check(
            await page.get_by_text("The event table could not be loaded").count() == 1,
            f"session {s.i}: no error for a missing file",
        )
        check(
            await page.locator('[data-testid="stException"]').count() == 0,
            f"session {s.i}: traceback",
        )

    await asyncio.gather(*map(sees_error, on_file[:5]), *map(keeps_upload, uploaders))
    check(health(url), "health after the file was removed")
    done.append("data file removed: error page without traceback; uploads kept working")

    # Restored: a new visit sees the whole table again.
    shutil.copyfile(SHIPPED, data)

    async def sees_all(s: Session) -> None:
        await s.page.reload()
        # Right after a reload the page can read idle before its first run has started (and
        # still show the error page): wait for the counter, then check it.
        await (
            s.page.locator('[data-testid="stSidebar"]')
            .get_by_text(COUNTER_RE)
            .wait_for(timeout=TIMEOUT_MS)
        )
        await wait_idle(s.page)
        # The filters of the page's link (its search text may still be the "x" typed above).
        query = parse_qs(urlsplit(s.page.url).query)
        state = parse_query_params(query, filter_options(shipped.df)).filters
        want = len(apply_filters(shipped.df, state))
        got = await counter(s.page)
        check(got == (want, len(shipped)), f"session {s.i}: restored: {got}, want {want}")

    await asyncio.gather(*map(sees_all, on_file[:5]))
    check(health(url), "health after the file was restored")
    done.append("data file restored: sessions saw the whole table again")
    return done


class Memory(threading.Thread):
    """Samples the server's resident memory (VmRSS) every 0.2 s; VmHWM is the kernel's peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.status = Path(f"/proc/{pid}/status")
        self.samples: list[int] = []
        self.stop = threading.Event()

    def field(self, name: str) -> int:
        for line in self.status.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
        return 0

    def run(self) -> None:
        while not self.stop.wait(0.2):
            try:
                self.samples.append(self.field("VmRSS"))
            except OSError:
                return


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if values else 0.0


async def main_async(n: int) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="load-test-"))
    data = tmp / "events.csv"
    shutil.copyfile(SHIPPED, data)
    shipped = Table.read(data)
    t_start = time.perf_counter()
    load = os.getloadavg()[0]
    server = start_app(tmp / "streamlit.log", env={"TIMELINE_DATA": str(data)})
    memory = Memory(server.process.pid)
    memory.start()
    idle_rss = memory.field("VmRSS")
    sessions = [Session(i, s, closing=i >= n - CLOSING) for i, s in enumerate(states(shipped, n))]
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            results = await asyncio.gather(
                *(run_session(browser, server.url, shipped, s, tmp) for s in sessions),
                return_exceptions=True,
            )
            errors = [f"session {s.i}: {r!r}" for s, r in zip(sessions, results, strict=True) if r]
            check(not errors, "\n".join(errors))
            check(health(server.url), "health after the sessions")
            fault_notes = await faults(server.url, data, shipped, sessions)
            for s in sessions:
                check(not s.dialogs, f"session {s.i}: dialogs {s.dialogs}")
                check(not s.blocked, f"session {s.i}: outside requests {s.blocked}")
                if not s.closed:
                    await s.context.close()
            await browser.close()
        peak = memory.field("VmHWM")
    finally:
        memory.stop.set()
        stop_app(server)
    latencies = [x for s in sessions for x in s.latencies]
    loads = [s.first_load for s in sessions]
    return {
        "sessions": n,
        "closed mid-run": sum(s.closed for s in sessions),
        "uploads": len(UPLOADERS),
        "filter changes": len(latencies),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "max": max(latencies),
        "first load p50": percentile(loads, 50),
        "first load max": max(loads),
        "idle rss": idle_rss,
        "peak rss sampled": max(memory.samples, default=0),
        "peak rss": peak,
        "seconds": time.perf_counter() - t_start,
        "faults": fault_notes,
        "retried downloads": len(RETRIED_DOWNLOADS),
        "events": len(shipped),
        "load": load,
    }


def report(r: dict[str, object]) -> str:
    mb = 1024 * 1024
    faults = "".join(f"- {note}\n" for note in r["faults"])
    return (
        f"{START}\n## Browser load test (`make load-test-browser`)\n\n"
        f"{r['sessions']} concurrent browser sessions (contexts of one headless Chromium) on one "
        f"server, {r['events']} events, loopback only; "
        f"run on {time.strftime('%Y-%m-%d')} in {r['seconds']:.0f} s. Browser and server "
        f"share this machine ({os.cpu_count()} cores, load average {r['load']:.1f} at the "
        "start): the latencies are mostly the pages drawing their Plotly charts at once "
        "in software, not the server's script runs.\n\n"
        "| figure | value |\n|---|---|\n"
        f"| filter change (search typed, until the run ended), p50 | {r['p50']:.2f} s |\n"
        f"| filter change, p95 | {r['p95']:.2f} s |\n"
        f"| filter change, max | {r['max']:.2f} s |\n"
        f"| filter changes measured | {r['filter changes']} |\n"
        f"| first page load (all sessions at once), p50 / max | "
        f"{r['first load p50']:.1f} s / {r['first load max']:.1f} s |\n"
        f"| server memory at start (RSS) | {r['idle rss'] / mb:.0f} MB |\n"
        f"| server peak memory (VmHWM) | {r['peak rss'] / mb:.0f} MB |\n"
        f"| server peak memory, sampled every 0.2 s | {r['peak rss sampled'] / mb:.0f} MB |\n"
        f"| downloads Chromium canceled and the script retried | {r['retried downloads']} |\n\n"
        "Every session saw its own counts (checked against `apply_filters` on the same table) "
        f"and downloaded exactly its rows; {r['uploads']} sessions uploaded a table and "
        "replaced it mid-run without any other session seeing it; "
        f"{r['closed mid-run']} sessions closed their context during a filter change. Then:\n\n"
        f"{faults}\n{END}\n"
    )


def write_results(text: str) -> None:
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    if START in old and END in old:
        before, rest = old.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        new = before + text + ("\n" + after if after else "")
    else:
        new = old.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(new)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the whole run")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/results.md")
    args = parser.parse_args()
    check(
        args.sessions >= len(UPLOADERS) + CLOSING + 1,
        f"--sessions must be at least {len(UPLOADERS) + CLOSING + 1}",
    )
    if shutil.which(CHROMIUM) is None:
        print(f"no Chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    try:
        result = asyncio.run(asyncio.wait_for(main_async(args.sessions), args.timeout))
    except (Failure, TimeoutError) as exc:
        print(f"LOAD TEST FAILED: {exc or 'timed out'}", file=sys.stderr)
        return 1
    text = report(result)
    print(text)
    if not args.no_write:
        write_results(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
