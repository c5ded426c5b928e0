"""A table too large to draw event by event (6,000 events): density lanes, then the events."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from appdriver import chart, counter, event_marks, open_app, rerun, wait_idle
from conftest import AppServer, start_app, stop_app
from playwright.sync_api import expect

from timeline import schema
from timeline.filters import FilterState, apply_filters, prepare
from timeline.io import read_events
from timeline.timeline_chart import DETAIL_MAX

ROOT = Path(__file__).resolve().parents[2]
TIMELINE = "Timeline of events"
SIZE = 6_000


def _generate(path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(SIZE, seed=7).to_csv(path, index=False)


@pytest.fixture(scope="module")
def dense_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dense") / "events-6000.csv"
    _generate(path)
    return path


@pytest.fixture(scope="module")
def app_server(dense_table: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """This module's pages show the generated table (the `page` fixture uses this server)."""
    where = tmp_path_factory.mktemp("dense-app")
    env = {"TIMELINE_DATA": str(dense_table), "TIMELINE_CACHE_DIR": str(where / "cache")}
    server = start_app(where / "streamlit.log", env)
    yield server
    stop_app(server)


def test_many_events_show_as_density_and_come_back_one_by_one_when_filtered(page, dense_table):
    df = prepare(read_events(dense_table))
    # The smallest category: few enough events to be drawn one by one.
    sizes = df["category"].astype(str).value_counts()
    category = sizes.index[-1]
    kept = len(apply_filters(df, FilterState(categories=(category,))))
    assert kept <= DETAIL_MAX < SIZE

    open_app(page)
    assert counter(page) == (SIZE, SIZE)
    timeline = chart(page, TIMELINE)
    title = timeline.locator(".gtitle").text_content()
    assert "events under way per" in title
    # Density cells are heatmaps (drawn as images); no event is drawn on its own.
    assert timeline.locator(".heatmaplayer image, .hm image").count() >= 1
    assert event_marks(page, TIMELINE) == 0

    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    label = schema.CATEGORIES[category]
    rerun(page, lambda: (box.locator("input").fill(label), page.keyboard.press("Enter")))
    wait_idle(page)
    assert counter(page) == (kept, SIZE)
    expect(timeline.locator(".gtitle")).not_to_contain_text("under way")
    assert event_marks(page, TIMELINE) == kept
