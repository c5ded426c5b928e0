"""Browser tests: the app under `streamlit run`, driven by Playwright in Debian's headless Chromium.

Every request to a host other than the app's own is blocked and recorded, so a test that
passes proves the page works offline. Each test leaves a screenshot in tests/e2e/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from timeline.serving import MANY_VISITORS_FROM_ONE_ADDRESS

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_ENABLE = (
    f"browser tests skipped: no Chromium at {CHROMIUM} "
    "(apt-get install chromium, or set CHROMIUM=/path/to/chromium)"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _have_chromium() -> bool:
    return shutil.which(CHROMIUM) is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests here `e2e`. Without Chromium, a developer's run leaves them out with one
    line saying how to enable them; in CI they stay in and fail (see `chromium_path`)."""
    here = Path(__file__).parent
    browser_tests = [item for item in items if here in Path(item.fspath).parents]
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
    if browser_tests and not _have_chromium() and not _in_ci():
        items[:] = [item for item in items if item not in browser_tests]
        config.hook.pytest_deselected(items=browser_tests)
        config.stash[_SKIPPED] = len(browser_tests)


_SKIPPED = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: object, config: pytest.Config) -> None:
    if config.stash.get(_SKIPPED, 0):
        terminalreporter.write_line(f"{config.stash[_SKIPPED]} {HOW_TO_ENABLE}", yellow=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    """A running `streamlit run app.py` on loopback."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def host(self) -> str:
        return self.url.split("//", 1)[1]


def start_app(log: Path, env: dict[str, str] | None = None, timeout: float = 60) -> AppServer:
    """Start the app on a free loopback port and wait until /_stcore/health answers ok."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
    ]  # fmt: skip
    handle = log.open("wb")
    process = subprocess.Popen(cmd, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                               env={**os.environ, **MANY_VISITORS_FROM_ONE_ADDRESS,
                                    **(env or {})})  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return AppServer(url, process, log)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"streamlit did not answer within {timeout} s:\n{log.read_text()}")


def stop_app(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not _have_chromium():
        if _in_ci():
            pytest.fail(f"CI needs the browser tests, but there is no Chromium at {CHROMIUM}")
        pytest.skip(HOW_TO_ENABLE)
    return CHROMIUM


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    server = start_app(tmp_path_factory.mktemp("app") / "streamlit.log")
    yield server
    stop_app(server)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Traffic:
    """What the page asked for, and what it logged as errors."""

    allowed_host: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    # "STATUS METHOD URL" of every response of 400 or more, and every request that failed:
    # a console error such as "Failed to load resource: ... 404" does not say which.
    failed: list[str] = field(default_factory=list)


DESKTOP = {"viewport": {"width": 1400, "height": 1000}}
# A phone as Chromium emulates one: a 390x844 screen that is touched, not clicked.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def open_context(browser: object, host: str, device: dict = DESKTOP) -> tuple[object, Traffic]:
    """A fresh browser context (`device`: its viewport and touch) that lets through only
    requests to `host`, and records all."""
    context = browser.new_context(accept_downloads=True, **device)
    traffic = Traffic(host)

    def route(route: object) -> None:
        url = route.request.url
        traffic.requests.append(url)
        if re.match(rf"^(https?|wss?)://{re.escape(host)}(/|$)", url) or url.startswith(
            ("data:", "blob:")
        ):
            route.continue_()
        else:
            traffic.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    return context, traffic


def watch(page: object, traffic: Traffic) -> None:
    """Record `page`'s console errors (with the URL they name), uncaught errors and failed
    requests in `traffic`; call it for every page a test opens."""

    def console(msg: object) -> None:
        if msg.type == "error":
            where = (msg.location or {}).get("url")
            traffic.console_errors.append(f"{msg.text} [{where}]" if where else msg.text)

    def response(response: object) -> None:
        if response.status >= 400:
            traffic.failed.append(f"{response.status} {response.request.method} {response.url}")

    page.on("console", console)
    page.on("pageerror", lambda exc: traffic.page_errors.append(str(exc)))
    page.on("response", response)
    page.on(
        "requestfailed",
        lambda request: traffic.failed.append(
            f"failed {request.method} {request.url}: {request.failure}"
        ),
    )


def _page(browser: object, app_server: AppServer, name: str, device: dict) -> Iterator[object]:
    context, traffic = open_context(browser, app_server.host, device)
    page = context.new_page()
    watch(page, traffic)
    page.traffic = traffic
    page.app_url = app_server.url
    yield page
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    finally:
        context.close()


@pytest.fixture
def page(
    browser: object, app_server: AppServer, request: pytest.FixtureRequest
) -> Iterator[object]:
    yield from _page(browser, app_server, request.node.name, DESKTOP)


@pytest.fixture
def phone(
    browser: object, app_server: AppServer, request: pytest.FixtureRequest
) -> Iterator[object]:
    """A page on a touch phone, 390x844 (see PHONE)."""
    yield from _page(browser, app_server, request.node.name, PHONE)
