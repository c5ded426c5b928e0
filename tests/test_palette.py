"""palette: every colour readable on what it is drawn on, in both themes; figures drawn in
each theme's colours."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from helpers import SHIPPED
from theme import CHECKS, TEXT_MIN, check, contrast

from timeline import figures, maps, palette, relations, schema, timeline_chart, views
from timeline.io import read_events
from timeline.palette import DARK, LIGHT, Palette, for_page
from timeline.standing import STANDING_LABELS


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("pair", CHECKS, ids=[c.what for c in CHECKS])
def test_every_colour_meets_its_contrast_on_what_it_is_drawn_on(pair, theme):
    p = DARK if theme == "dark" else LIGHT
    ratio = check(p, pair)
    assert ratio >= pair.minimum, f"{pair.what} ({theme}): {ratio:.2f}:1 < {pair.minimum}:1"


def test_every_role_of_each_kind_is_checked():
    """A category or standing added to the palette is checked too (CHECKS are built from it)."""
    checked = {c.fg for c in CHECKS}
    for role in LIGHT.colors():
        if role.startswith(("category.", "standing.")):
            assert role in checked, role


def test_the_contrast_ratio_is_wcags():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    assert contrast("#777777", "#FFFFFF") < TEXT_MIN  # and the one just too light
    # Plotly's own tick grey on white, and Streamlit's light theme's (the 3.7:1).
    assert contrast("#808495", "#FFFFFF") == pytest.approx(3.72, abs=0.01)
    # A half-transparent black on white is seen as mid grey; on black as black.
    assert contrast("rgba(0, 0, 0, 0.5)", "#FFFFFF") == pytest.approx(
        contrast("#808080", "#FFFFFF"), abs=0.02
    )
    assert contrast("#FFFFFF", "#000000", "rgba(0, 0, 0, 0.5)") == pytest.approx(21)


def test_a_colour_that_breaks_contrast_fails_its_check():
    too_light = dataclasses.replace(LIGHT, category={**LIGHT.category, "clash": "#E69F00"})
    (mark,) = [c for c in CHECKS if c.what == "category.clash mark"]
    assert check(too_light, mark) < mark.minimum


def test_the_palettes_name_every_category_and_standing():
    for p in (LIGHT, DARK):
        assert list(p.category) == list(schema.CATEGORIES)
        assert list(p.standing) == list(STANDING_LABELS)
    assert LIGHT.colors().keys() == DARK.colors().keys()


def test_with_alpha_scales_a_colours_opacity():
    assert palette.with_alpha("#332288", 0.12) == "rgba(51, 34, 136, 0.12)"
    assert palette.with_alpha("rgba(0, 0, 0, 0.5)", 0.5) == "rgba(0, 0, 0, 0.25)"
    with pytest.raises(ValueError, match="not a colour: 'Blues'"):
        palette.with_alpha("Blues", 0.5)


# --- figures in either theme -----------------------------------------------------------------


def colours(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (path, colour) in a figure's dict: the values of keys that name a colour."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key.endswith("color") or key == "colorscale":
                yield from ((where, c) for c in flat_strings(value))
            else:
                yield from colours(value, where)
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from colours(item, f"{path}[{i}]")


def flat_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple) or hasattr(value, "tolist"):
        for v in value.tolist() if hasattr(value, "tolist") else value:
            yield from flat_strings(v)


def figure_builders(sample: pd.DataFrame) -> dict[str, Callable[[Palette], go.Figure]]:
    return {
        "timeline": lambda p: timeline_chart.timeline(sample, "ceasefire-2020", pal=p),
        # Bars, clusters with their counts and cuts in the axis.
        "timeline shipped": lambda p: timeline_chart.timeline(read_events(SHIPPED), pal=p),
        "density": lambda p: timeline_chart.timeline_density(sample, "ceasefire-2020", pal=p),
        "places": lambda p: maps.places_map(sample, "bishkek-protocol", pal=p),
        # Places with several events: their counts printed on the marks.
        "places shipped": lambda p: maps.places_map(read_events(SHIPPED), None, True, pal=p),
        "countries": lambda p: maps.countries_map(sample, pal=p),
        # The views' charts (`views.TABS`; "per_year_chart"), a new one included.
        **{
            chart.key: lambda p, build=chart.build: build(sample, pal=p)
            for view in views.TABS
            for chart in view.charts
        },
        "empty": lambda p: timeline_chart.timeline(sample.iloc[:0], pal=p),
        "relations 2000": lambda p: relations.relations_map(sample, 2000, pal=p),
        "relations 1950": lambda p: relations.relations_map(sample, 1950, pal=p),
        "relations played": lambda p: relations.relations_map_animated(
            sample, [1950, 2000], 2000, pal=p
        ),
        "relations by year": lambda p: relations.relations_over_time(sample, 2000, pal=p),
    }


BUILDERS = list(figure_builders(pd.DataFrame()))


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("dark", [False, True])
def test_every_colour_of_a_figure_is_its_pages(sample, name, dark):
    """No colour of the other theme, nor one from outside the palette: a colour a figure
    writes as a literal would stay the same on either page."""
    p = for_page(dark)
    allowed = {palette.parse(c)[:3] for c in p.colors().values()}
    spec = figure_builders(sample)[name](p).to_dict()
    spec["layout"].pop("template", None)  # Plotly's theme: Streamlit sends its own instead
    foreign = [(where, c) for where, c in colours(spec) if palette.parse(c)[:3] not in allowed]
    assert not foreign


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("dark", [False, True])
def test_a_figure_is_valid_and_takes_its_pages_background_and_text(sample, name, dark):
    p = for_page(dark)
    fig = figure_builders(sample)[name](p)
    go.Figure(fig.to_dict())  # Plotly's own check: every property set is one it knows
    layout = fig.layout
    assert (layout.paper_bgcolor, layout.plot_bgcolor, layout.font.color) == (
        p.background,
        p.background,
        p.text,
    )
    if layout.geo.landcolor is not None:
        geo = layout.geo
        assert (geo.bgcolor, geo.landcolor, geo.oceancolor, geo.lakecolor) == (
            p.background,
            p.land,
            p.ocean,
            p.ocean,
        )
        assert geo.countrycolor == geo.coastlinecolor == p.border
    else:
        # Tick labels: Streamlit's light theme would draw them in #808495 (3.7:1 on white).
        assert layout.xaxis.tickfont.color == layout.yaxis.tickfont.color == p.muted_text


def test_the_dark_timeline_draws_statehood_light_and_the_ring_light_over_a_dark_halo(sample):
    fig = timeline_chart.timeline(sample, "adr-independence", pal=DARK)
    ring = next(t for t in fig.data if (t.meta or {}).get("kind") == "selected")
    assert list(ring.marker.color) == [DARK.ring_halo, DARK.ring]
    point = next(t for t in fig.data if (t.meta or {}).get("kind") == "point")
    ids = {"adr-independence", "soviet-takeover", "restored-independence"}  # the statehood rows
    statehood = [
        c for c, d in zip(point.marker.color, point.customdata, strict=True) if d[0] in ids
    ]
    assert statehood == [DARK.category["statehood"]] * 3  # filled, not a hollow black outline
    assert point.marker.line.color == DARK.marker_edge
    labels = [a for a in fig.layout.annotations if (a.name or "").startswith("band:")]
    assert labels and {a.font.color for a in labels} == {DARK.era_label}
    bands = {palette.parse(s.fillcolor) for s in fig.layout.shapes if s.type == "rect"}
    assert bands and bands <= {palette.parse(c) for c in DARK.era_fill}


def test_the_dark_maps_are_dark(sample):
    for fig in (
        maps.places_map(sample, "bishkek-protocol", pal=DARK),
        relations.relations_map(sample, 1950, pal=DARK),
    ):
        geo = fig.layout.geo
        assert contrast(geo.bgcolor, "#FFFFFF") > 10  # nowhere near white
        assert contrast(geo.landcolor, "#FFFFFF") > 10
    played = relations.relations_map_animated(sample, [1950, 2000], 1950, pal=DARK)
    buttons = played.layout.updatemenus[0]
    assert (buttons.bgcolor, buttons.font.color) == (DARK.button, DARK.button_text)


def test_drawing_a_figure_leaves_the_spec_it_is_given_as_it_was(sample):
    """The view cache keeps the timeline of a filter state (`timeline_parts`) and rings it
    for each selected event: `figures.figure` shares the spec's arrays and text with the
    figure it makes, and must change neither in place."""
    parts = timeline_chart.timeline_parts(sample, None, DARK)
    before = pio.to_json(parts.spec)
    timeline_chart.ringed(parts, sample, "ceasefire-2020")
    timeline_chart.ringed(parts, sample, None)
    assert pio.to_json(parts.spec) == before
    spec = relations.relations_map_animated(sample, [1950, 2000], 1950).to_dict()
    before = pio.to_json(spec)
    figures.figure(spec, DARK)
    assert pio.to_json(spec) == before
