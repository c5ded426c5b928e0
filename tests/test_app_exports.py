"""The sidebar's exports through AppTest: the "Copy link" button beside the downloads holds the
link that restores the view (issue 25, point 8). tests/test_app.py has the rest of the page."""

from __future__ import annotations

import pytest
from helpers import APP, SAMPLE
from streamlit.testing.v1 import AppTest

from timeline import loading

BASE = "http://localhost:8613/"


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv(loading.DATA_ENV, str(SAMPLE))
    return AppTest.from_file(str(APP), default_timeout=60)


def summary(at: AppTest) -> list:
    """The elements of the sidebar's first container: the counter, the downloads, Copy link."""
    return list(next(iter(at.sidebar.children.values())).children.values())


def copy_link(at: AppTest) -> str | None:
    """The link in the sidebar's "Copy link" popover (its st.code), or None without one."""
    found = [
        block
        for block in summary(at)
        if getattr(block, "type", "") == "popover" and block.proto.popover.label == "Copy link"
    ]
    if not found:
        return None
    (popover,) = found
    (code,) = [e for e in popover.children.values() if getattr(e, "type", "") == "code"]
    return code.value


def test_copy_link_sits_under_the_downloads_and_holds_the_link_of_this_view(app):
    app.context["url"] = BASE
    app.query_params["category"] = ["war"]
    app.query_params["years"] = ["1988", "1994"]
    at = app.run()
    assert not at.exception
    assert copy_link(at) == f"{BASE}?category=war&years=1988&years=1994"
    kinds = [getattr(e, "type", "") for e in summary(at)]
    assert kinds[:4] == ["markdown", "download_button", "download_button", "popover"]
    # It follows the filters.
    at.sidebar.multiselect(key="category").set_value(["war", "ceasefire"]).run()
    assert copy_link(at) == f"{BASE}?category=war&category=ceasefire&years=1988&years=1994"


def test_without_a_known_address_there_is_no_link_to_copy_but_a_note(app):
    at = app.run()  # AppTest has no browser: st.context.url is None
    assert copy_link(at) is None
    assert any("copy it to share" in md.value for md in at.sidebar.markdown)
