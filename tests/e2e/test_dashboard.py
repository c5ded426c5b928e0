"""What a person sees in a real browser, offline."""

from __future__ import annotations

from pathlib import Path

from appdriver import counter, event_marks, exceptions, open_app

from timeline.io import read_events

SHIPPED = read_events(Path(__file__).resolve().parents[2] / "data" / "events.csv")


def test_default_page_shows_every_event_without_errors(page):
    open_app(page)
    assert exceptions(page) == []
    shown, total = counter(page)
    assert shown == total == len(SHIPPED)
    assert event_marks(page, "Timeline of events") == total
    assert page.traffic.page_errors == []
    assert page.traffic.console_errors == []
    assert page.traffic.blocked == []
