"""A year typed in From as a number the browser reads its own way: the notice names it, and
it is applied (issue 27.6). Only the browser shows this: the page's box parses what was typed."""

from __future__ import annotations

import pytest
from appdriver import assert_clean, open_app, query_of, rerun
from playwright.sync_api import expect

SIDEBAR = '[data-testid="stSidebar"]'


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1e5", "Years 100000 to 2020 were read as 2020–2020"),  # an int box read it as 1
        ("12345678901234567890", "Years 123456789012... to 2020 were read as 2020–2020"),
    ],
)
def test_a_year_typed_in_from_is_named_and_applied(page, typed, said):
    open_app(page)
    start = page.locator(SIDEBAR).get_by_label("From", exact=True)
    rerun(page, lambda: (start.fill(typed), start.press("Enter")))
    expect(page.locator(f"{SIDEBAR} .plain-info")).to_contain_text(said)
    expect(start).to_have_value("2020")
    assert query_of(page)["years"] == ["2020", "2020"]
    assert_clean(page)
