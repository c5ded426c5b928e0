"""Issue 26.2: Plotly draws a subset of HTML (`<a href>`, `<span style>`, `<b>`, `<br>`) in every
text of a figure. Text from the table must come out of every figure as text: each figure built
from a hostile table is walked whole, so that a text field added later is covered too."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from helpers import event, table

from timeline import figures, maps, relations, timeline_chart, views

LINK = '<a href="https://evil.example/phish">Official source: click</a>'
HUGE = '<span style="font-size:90px;fill:red">HUGE</span>'
TOP = '<A HREF="/_stcore/health" target="_top">x</A> & <b>co</b>'
# Any opening or closing <a> or <span>, as Plotly reads them (it ignores case).
TAG = re.compile(r"<\s*/?\s*(a|span)\b", re.IGNORECASE)


def _rows() -> list[dict[str, str]]:
    def marked(i: int, title: str, category: str, start: str, end: str = "", countries="ARM",
               orgs="", location=HUGE, source=LINK) -> dict[str, str]:  # fmt: skip
        place = (location, 40.4, 49.9)
        return event(f"e{i}", category, start, end, countries, orgs, title=title, place=place,
                     source=source)  # fmt: skip

    return [
        marked(0, LINK, "war", "1994-05-12"),  # a point event: its title beside its diamond
        marked(1, HUGE, "agreement", "1992", "2001"),  # a bar, its title after it
        marked(2, TOP, "scandal", "2005-03-01", "2005-03-02"),  # a short period: a square
        marked(3, TOP, "clash", "1919", location=TOP),  # Armenia in conflict in 1919
        marked(4, LINK, "diplomatic_relations", "1992-01", countries="TUR", source=HUGE),
        marked(5, HUGE, "membership", "1992-03", countries="", orgs="UN"),
        marked(6, LINK, "recognition", "1991-11", countries="ROU", location=LINK),
    ]


@pytest.fixture(scope="module")
def hostile() -> pd.DataFrame:
    return table(*_rows(), name="hostile.csv")


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a figure's JSON (data, layout, frames), with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple, np.ndarray)):
        for i, item in enumerate(value):
            yield from strings(item, f"{path}[{i}]")


def every_figure(df: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> Iterator[go.Figure]:
    yield timeline_chart.timeline(df, selected="e0")
    yield maps.places_map(df, selected="e0")
    yield maps.countries_map(df)
    for view in views.TABS:  # the views' charts, a new one included
        yield from (chart.build(df) for chart in view.charts)
    for year in (1919, 1992, 1994):
        yield relations.relations_map(df, year)
        yield relations.relations_over_time(df, year)
    yield relations.relations_map_animated(df, range(1918, 1996), 1992)
    # The forms for many events: density on the timeline, grouped places on the map.
    monkeypatch.setattr(timeline_chart, "DETAIL_MAX", 1)
    monkeypatch.setattr(maps, "PLACES_MAX", 1)
    yield timeline_chart.timeline(df, selected="e0")
    yield maps.places_map(df, selected="e0")


def test_no_text_from_the_table_is_markup_in_any_figure(hostile, monkeypatch):
    texts = []
    for fig in every_figure(hostile, monkeypatch):
        found = list(strings(fig.to_plotly_json()))
        live = [(where, text) for where, text in found if TAG.search(text)]
        assert live == [], f"markup in {fig.layout.title.text!r}: {live[:3]}"
        texts += [text for _, text in found]
    # The payloads are there, as text that reads as typed once Plotly decodes the entities.
    shown = [html.unescape(t) for t in texts]
    for payload in (LINK, HUGE, TOP):
        assert any(payload in t for t in shown), payload


def test_the_timeline_writes_each_title_beside_its_mark_as_typed(hostile):
    fig = timeline_chart.timeline(hostile)
    drawn = [
        str(t)
        for trace in fig.data
        if (trace.meta or {}).get("kind") == "titles"
        for t in trace.text
    ]
    assert not [t for t in drawn if TAG.search(t)]
    labels = [html.unescape(t).strip("\u2002") for t in drawn]
    # Each as typed, or its start when cut to fit before the next mark ("…").
    titles = (LINK, HUGE, TOP)
    cut = [t.removesuffix("…") for t in labels if t not in ("", "Romania", "Turkey", "UN")]
    assert len(cut) >= 3 and all(any(t.startswith(c) for t in titles) for c in cut), cut
    assert TOP in labels


def test_one_escape_for_every_figure():
    assert figures.escape_text("a < b & <b>c</b>") == "a &lt; b &amp; &lt;b&gt;c&lt;/b&gt;"
    assert not hasattr(relations, "_escape")
