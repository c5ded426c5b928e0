"""The page's views (its tabs), each declared once: its URL value (`view=`), label and what it
shows; app.py draws the events table, the map and the relations, which have controls of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeline import figures

ABOUT = Path(__file__).with_name("about.md").read_text(encoding="utf-8")  # static Markdown


@dataclass(frozen=True)
class Chart:
    """A figure of the filtered events, built once per filter state (`viewcache.Views`)."""

    build: Callable[..., Any]  # the filtered events -> the figure
    key: str  # its widget key
    alt: str  # its alt text; "{events}" stands for the count of events shown ("12 events")
    notes: tuple[str, ...] = ()  # Markdown under it


@dataclass(frozen=True)
class View:
    """One tab: its URL value and label, and the charts or text it shows, if not drawn by app.py."""

    value: str
    label: str
    charts: tuple[Chart, ...] = ()
    text: str = ""  # Markdown, static
    needs_events: bool = True  # shown only when some event passes the filters


_PER_YEAR = Chart(
    figures.events_per_year, "per_year_chart", "Bar chart of events per year, {events}"
)
# In the order of the tabs; the first is the default, left out of links.
TABS: tuple[View, ...] = (
    View("table", "Events"),
    View("map", "Map"),
    View("per-year", "Per year", (_PER_YEAR,)),
    View("relations", "Relations", needs_events=False),
    View("about", "About this data", text=ABOUT, needs_events=False),
)
