"""The whole page through Streamlit's AppTest, on tests/data/sample.csv (15 events)."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest
from helpers import (
    APP,
    HEADER,
    ROOT,
    SAMPLE,
    SHIPPED,
    counter,
    csv_text,
    errors,
    event,
    notices,
    traces,
)
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from timeline import loading, palette, selection, ui, url_state
from timeline.io import read_events

ALL_IDS = read_events(SAMPLE)["id"].tolist()
TITLES = dict(zip(read_events(SAMPLE)["id"], read_events(SAMPLE)["title"], strict=True))


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv(loading.DATA_ENV, str(SAMPLE))
    return AppTest.from_file(str(APP), default_timeout=60)


def table_titles(at: AppTest) -> list[str]:
    (table,) = [df for df in at.main.dataframe if "Title" in df.value.columns]
    return table.value["Title"].tolist()


def figures(at: AppTest) -> dict[str, object]:
    """The page's Plotly figures by title."""
    out = {}
    for chart in at.get("plotly_chart"):
        fig = pio.from_json(chart.proto.spec)
        out[fig.layout.title.text.split(":")[0]] = fig
    return out


def drawn_ids(fig) -> set[str]:
    ids = set()
    for trace in fig.data:
        if (trace.meta or {}).get("kind") != "selected" and trace.customdata is not None:
            ids |= {str(c[0]) for c in trace.customdata}
    return ids


def placed(fig) -> tuple[int, set[str]]:
    """The places map's events: how many its marks count (printed on a mark, none for one
    event), and the ids a click on them selects."""
    marks = [t for t in fig.data if (t.meta or {}).get("kind") == "places"]
    return (
        sum(int(text or 1) for t in marks for text in t.text),
        {str(c[0]) for t in marks for c in t.customdata},
    )


def values(array) -> np.ndarray:
    """A figure's array, also when the JSON holds it base64-encoded (Plotly 7's typed arrays)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]))
    return np.asarray(array)


def per_year_total(fig) -> int:
    return int(sum(values(t.y).sum() for t in fig.data))


def details_card(at: AppTest) -> str:
    """The event details card's HTML."""
    (body,) = [h.proto.body for h in at.get("html") if 'class="event-details"' in h.proto.body]
    return body


def as_list(value: str | list[str]) -> list[str]:
    """AppTest gives a one-value query parameter as a string."""
    return [value] if isinstance(value, str) else list(value)


def download_label(at: AppTest) -> str:
    return at.get("download_button")[0].proto.label


def open_view(at: AppTest, view: str) -> AppTest:
    """Open a tab of the page, as a click on it does."""
    at.session_state[ui.K_VIEW] = url_state.VIEWS[view]
    return at.run()


def test_the_download_is_written_on_click_not_on_every_run(app: AppTest):
    # A file sent with the page is fetched by the browser after every run to check it, and is
    # gone after a few quick reruns: the check then fails with a 404 (tests/e2e).
    at = app.run()
    at = at.sidebar.multiselect(key="category").set_value(["war"]).run()
    button = at.get("download_button")[0]  # the CSV; the zip is always written on click
    assert button.proto.deferred_file_id and not button.proto.url


def assert_consistent(at: AppTest, ids: list[str]) -> None:
    """Counter, timeline, download button, and each tab (table, map, per-year chart) show
    `ids`; only the open tab is drawn. Leaves the table tab open."""
    assert not at.exception
    assert counter(at) == (len(ids), len(ALL_IDS))
    assert download_label(at) == f"Download {len(ids):,} event{'' if len(ids) == 1 else 's'} (CSV)"
    at = open_view(at, "table")
    assert sorted(table_titles(at)) == sorted(TITLES[i] for i in ids)
    figs = figures(at)
    assert set(figs) == {"Timeline of events by category"}  # the closed tabs draw nothing
    assert drawn_ids(figs["Timeline of events by category"]) == set(ids)
    located = set(read_events(SAMPLE).dropna(subset=["lat"])["id"])
    count, clickable = placed(figures(open_view(at, "map"))["Places"])
    assert count == len(set(ids) & located) and clickable <= set(ids) & located
    per_year = figures(open_view(at, "per-year"))
    assert per_year_total(per_year["Events per year, by category (year each event starts)"]) == len(
        ids
    )
    assert not at.exception
    open_view(at, "table")


def test_default_page_shows_every_event(app: AppTest):
    at = app.run()
    assert not at.exception
    assert not errors(at)
    assert_consistent(at, ALL_IDS)
    assert table_titles(at)[0] == TITLES["armenian-azerbaijani-war"]  # sorted by date
    assert at.title[0].value == "Azerbaijan's foreign relations, 1918–2020"
    assert dict(at.query_params) == {}


def test_every_widget_has_a_label(app: AppTest):
    at = open_view(app.run(), "map")  # the map's mode is a widget too
    widgets = [
        *at.multiselect,
        *at.slider,
        *at.number_input,
        *at.text_input,
        *at.radio,
        *at.button,
    ]
    assert {w.key: w.label for w in widgets} == {
        "category": "Category",
        "topic": "Topic",
        "country": "Country",
        "org": "Organization",
        "years": "Years",
        "years_from": "From",
        "years_to": "To",
        "q": "Search",
        "map_mode": "Show",
        "map_extent": "Extent",
        "reset": "Reset filters",
    }


# The sample table's events that overlap 1988-1994.
YEARS_1988_1994 = [
    "karabakh-war-1988",
    "restored-independence",
    "us-recognition",
    "minsk-group",
    "un-membership",
    "bishkek-protocol",
]


@pytest.mark.parametrize(
    ("key", "value", "ids", "param"),
    [
        ("category", ["ceasefire"], ["bishkek-protocol", "ceasefire-2020"], ["ceasefire"]),
        (
            "topic",
            ["caviar-diplomacy"],
            ["caviar-diplomacy-report", "volonte-bribery"],
            ["caviar-diplomacy"],
        ),
        ("country", ["TUR", "ITA"], ["war-2020", "volonte-bribery"], ["TUR", "ITA"]),
        ("org", ["OSCE"], ["minsk-group"], ["OSCE"]),
        (
            "years",
            (1988, 1994),
            YEARS_1988_1994,
            ["1988", "1994"],
        ),
    ],
)
def test_each_filter_narrows_every_view(app: AppTest, key, value, ids, param):
    at = app.run()
    widget = at.sidebar.slider(key=key) if key == "years" else at.sidebar.multiselect(key=key)
    at = widget.set_value(value).run()
    assert_consistent(at, ids)
    assert as_list(at.query_params[key]) == param


def test_search_narrows_every_view_accent_insensitively(app: AppTest):
    at = app.run()
    at = at.sidebar.text_input(key="q").input("volonte").run()
    assert_consistent(at, ["volonte-bribery"])
    assert at.query_params["q"] == "volonte"


def typed(at: AppTest) -> list[int]:
    """The typed start and end years beside the slider."""
    return [at.sidebar.number_input(key=k).value for k in (ui.K_YEAR_FROM, ui.K_YEAR_TO)]


def test_typed_years_set_the_filter_the_slider_and_the_url(app: AppTest):
    at = app.run()
    assert typed(at) == [1918, 2020]
    at.sidebar.number_input(key=ui.K_YEAR_FROM).set_value(1988)
    at = at.sidebar.number_input(key=ui.K_YEAR_TO).set_value(1994).run()
    assert_consistent(at, YEARS_1988_1994)
    assert at.sidebar.slider(key="years").value == (1988, 1994)
    assert at.query_params == {"years": ["1988", "1994"]}  # one parameter, the slider's
    assert not notices(at)


def test_the_slider_and_the_url_set_the_typed_years(app: AppTest):
    app.query_params["years"] = ["1988", "1994"]
    at = app.run()
    assert typed(at) == [1988, 1994]
    at = at.sidebar.slider(key="years").set_value((2000, 2010)).run()
    assert typed(at) == [2000, 2010]
    at = at.sidebar.button(key="reset").click().run()
    assert typed(at) == [1918, 2020]


@pytest.mark.parametrize(
    ("link", "key", "value", "years", "said"),
    [
        (None, ui.K_YEAR_FROM, 1800, None, "Years 1800 to 2020 were read as 1918–2020: the table"),
        (None, ui.K_YEAR_TO, 2100, None, "Years 1918 to 2100 were read as 1918–2020: the table"),
        ("2000", ui.K_YEAR_TO, 1990, (1990, 2000), "1990 were read as 1990–2000: the start was"),
        ("2000", ui.K_YEAR_FROM, 3000, (2000, 2020), "the start was after the end and the table"),
    ],
)
def test_typed_years_out_of_range_or_reversed_are_changed_with_a_notice(
    app: AppTest, link, key, value, years, said
):
    if link:
        app.query_params["years"] = link
    at = app.run()
    at = at.sidebar.number_input(key=key).set_value(value).run()
    assert not at.exception
    assert typed(at) == list(years or (1918, 2020))
    assert at.sidebar.slider(key="years").value == (years or (1918, 2020))
    assert as_list(at.query_params.get("years", [])) == [str(y) for y in years or ()]
    assert len(notices(at)) == 1 and said in notices(at)[0]
    assert not notices(at.run())  # said once, for the change it explains


def closes_the_sidebar(at: AppTest) -> bool:
    """Whether this run sends the script that closes a sidebar lying over the page."""
    return any("stSidebarCollapseButton" in h.proto.body for h in at.sidebar.get("html"))


def test_a_filter_choice_closes_the_sidebar_where_it_covers_the_page(app: AppTest):
    at = app.run()
    assert not closes_the_sidebar(at)  # a page just opened
    at = at.sidebar.multiselect(key="category").set_value(["war"]).run()
    assert closes_the_sidebar(at)
    assert not closes_the_sidebar(at.run())  # a run with no choice
    # Not after a typed year: the other year may come next.
    at = at.sidebar.number_input(key=ui.K_YEAR_FROM).set_value(1988).run()
    assert not closes_the_sidebar(at)
    at = at.sidebar.text_input(key="q").input("peace").run()
    assert closes_the_sidebar(at)


def test_filters_combine_and_reset_restores_everything(app: AppTest):
    at = app.run()
    at.sidebar.multiselect(key="category").set_value(["war", "ceasefire"])
    at.sidebar.slider(key="years").set_value((2020, 2020))
    at = at.run()
    assert_consistent(at, ["war-2020", "ceasefire-2020"])
    assert at.get("download_button")[0].proto.label == "Download 2 events (CSV)"
    at = at.sidebar.button(key="reset").click().run()
    assert_consistent(at, ALL_IDS)
    assert at.sidebar.multiselect(key="category").value == []
    assert at.sidebar.slider(key="years").value == (1918, 2020)
    assert dict(at.query_params) == {}


def test_query_params_restore_the_view(app: AppTest):
    app.query_params.update(
        {"category": ["war", "ceasefire"], "years": ["2020", "2020"], "event": "ceasefire-2020"}
    )
    at = app.run()
    assert_consistent(at, ["war-2020", "ceasefire-2020"])
    assert at.sidebar.multiselect(key="category").value == ["war", "ceasefire"]
    assert at.sidebar.slider(key="years").value == (2020, 2020)
    assert not notices(at)
    details = details_card(at)
    assert "2020 Nagorno-Karabakh ceasefire agreement" in details
    assert "10 November 2020" in details and "Armenia, Russia" in details


def test_country_query_param_uses_iso3_and_shows_names(app: AppTest):
    app.query_params["country"] = ["ARM"]
    at = app.run()
    widget = at.sidebar.multiselect(key="country")
    assert widget.value == ["ARM"]
    assert "Armenia" in widget.options and "ARM" not in widget.options
    assert counter(at)[0] == 7


def test_malformed_query_params_give_notices_not_exceptions(app: AppTest):
    app.query_params.update(
        {
            "category": ["war", "bogus"],
            "country": ["XXX"],
            "years": ["1994", "1988"],  # reversed: put in order, no notice
            "event": "no-such-event",
            "q": "",
        }
    )
    at = app.run()
    assert not at.exception
    assert counter(at)[0] == 1  # war, 1988-1994
    assert at.sidebar.slider(key="years").value == (1988, 1994)
    text = " ".join(notices(at))
    assert "'bogus'" in text and "'XXX'" in text and "'no-such-event'" in text
    assert len(notices(at)) == 3
    # The URL is cleaned up to what is in effect.
    assert at.query_params == {"category": "war", "years": ["1988", "1994"]}


@pytest.mark.parametrize(
    "params",
    [
        {"years": ["x", "y"]},
        {"years": "1800"},
        {"event": ["", ""]},
        {"category": ""},
        {"q": "<script>alert(1)</script>"},
        {"topic": ["a" * 5000]},
    ],
)
def test_odd_query_params_never_raise(app: AppTest, params):
    app.query_params.update(params)
    at = app.run()
    assert not at.exception
    assert not errors(at)


def test_the_url_follows_the_widgets_and_back_navigation(app: AppTest):
    at = app.run()
    at = at.sidebar.multiselect(key="org").set_value(["CoE"]).run()
    assert at.query_params == {"org": "CoE"}
    # The person goes Back: the browser's URL changes and the page reruns.
    at.query_params.clear()
    at.query_params["topic"] = "mediation"
    at = at.run()
    assert at.sidebar.multiselect(key="org").value == []
    assert at.sidebar.multiselect(key="topic").value == ["mediation"]
    assert counter(at)[0] == 3


def test_selected_event_shows_details_and_goes_in_the_url(app: AppTest):
    at = app.run()
    assert "Click an event" in " ".join(m.value for m in at.markdown)
    at.session_state[ui.S_EVENT] = "minsk-group"
    at = at.run()
    body = details_card(at)
    for text in (
        "OSCE Minsk Group starts mediation",
        "1992",
        "Peace process",
        "Armenia, France, Russia, United States",
        "OSCE (Organization for Security",
        "Mediation and peace talks",
        "Minsk",
        "aegis of the OSCE Minsk Group",
        'href="https://en.wikipedia.org/wiki/Foreign_relations_of_Azerbaijan"',
    ):
        assert text in body
    assert at.query_params["event"] == "minsk-group"
    ring = [
        t
        for t in figures(at)["Timeline of events by category"].data
        if (t.meta or {}).get("kind") == "selected"
    ]
    assert ring[0].customdata[0][0] == "minsk-group"
    # A filter change that leaves it out clears it: tests/test_url_state.py.
    at = at.button(key=ui.K_CLEAR_EVENT).click().run()
    assert not [h for h in at.get("html") if "event-details" in h.proto.body]
    assert "event" not in at.query_params


def test_no_events_match(app: AppTest):
    at = app.run()
    at = at.sidebar.text_input(key="q").input("zzzz nothing").run()
    assert not at.exception
    assert counter(at) == (0, 15)
    assert any("No events match" in i.value for i in at.info)
    assert not at.get("plotly_chart")
    assert at.get("download_button")[0].proto.disabled


def test_countries_map_mode(app: AppTest):
    at = open_view(app.run(), "map")
    at = at.radio(key=ui.K_MAP_MODE).set_value("countries").run()
    fig = figures(at)["Countries"]
    assert fig.data[0].type == "choropleth"
    assert dict(zip(fig.data[0].locations, values(fig.data[0].z), strict=True))["ARM"] == 7
    assert at.query_params["map"] == "countries"


def test_the_map_mode_and_extent_restore_from_the_url(app: AppTest):
    app.query_params.update({"view": "map", "map": "countries", "extent": "world"})
    at = app.run()
    assert not at.exception and not notices(at)
    assert at.radio(key=ui.K_MAP_MODE).value == "countries"
    assert at.radio(key=ui.K_MAP_EXTENT).value == "world"
    fig = figures(at)["Countries"]
    assert fig.layout.geo.lonaxis.range is None  # the whole world
    # Back to the region: it leaves the URL (the default), and the map is zoomed in.
    at = at.radio(key=ui.K_MAP_EXTENT).set_value("region").run()
    assert "extent" not in at.query_params and at.query_params["map"] == "countries"
    west, east = figures(at)["Countries"].layout.geo.lonaxis.range
    assert east - west < 180
    # Another tab keeps the choices (their radios are not drawn there) and the link.
    at = open_view(at, "table")
    assert at.query_params["map"] == "countries"
    at = open_view(at, "map")
    assert at.radio(key=ui.K_MAP_MODE).value == "countries"


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"map": "<b>heat</b>"},
         "Ignored map '<b>heat</b>' in the link: the maps are 'places', 'countries'."),
        ({"extent": "europe"},
         "Ignored extent 'europe' in the link: the extents are 'region', 'world'."),
    ],
)  # fmt: skip
def test_a_bad_map_or_extent_in_the_url_gives_a_notice_and_the_default(app: AppTest, query, notice):
    app.query_params.update({"view": "map", **query})
    at = app.run()
    assert notices(at) == [notice]
    assert at.radio(key=ui.K_MAP_MODE).value == "places"
    assert at.radio(key=ui.K_MAP_EXTENT).value == "region"
    assert "Places" in figures(at)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.get("file_uploader")[0].set_value((name, data, "text/csv")).run()


def test_bad_upload_lists_problems_and_keeps_the_shipped_table(app: AppTest):
    at = app.run()
    bad = (HEADER + "\nx1,T,war,1994-13,,ZZZ,,security,,,,D,S,https://e.org/\n").encode()
    at = upload(at, "mine.csv", bad)
    assert not at.exception
    assert "Your file was not loaded" in errors(at)[0]
    problems = at.main.dataframe[0].value
    assert list(problems.columns) == ["Line", "Column", "Value", "Problem"]
    assert set(problems["Column"]) == {"start_date", "countries"}
    assert set(problems["Line"]) == {"2"}
    assert counter(at) == (15, 15)


@pytest.mark.parametrize(
    "data", [b"", b"\x00\x01binary", b"not,a,header\n1,2,3\n", "caf\xe9".encode("latin-1")]
)
def test_unreadable_uploads_give_problems_not_exceptions(app: AppTest, data: bytes):
    at = upload(app.run(), "x.csv", data)
    assert not at.exception
    assert errors(at) and counter(at) == (15, 15)


def test_an_upload_over_the_row_limit_is_refused_with_the_limit(app: AppTest, monkeypatch):
    monkeypatch.setenv("TIMELINE_MAX_ROWS", "1")
    rows = "".join(f"r{i},T,war,1994,,,,security,,,,D,S,https://e.org/\n" for i in range(3))
    at = upload(app.run(), "three.csv", (HEADER + "\n" + rows).encode())
    assert not at.exception
    assert "Your file was not loaded" in errors(at)[0]
    assert at.main.dataframe[0].value["Problem"].tolist() == [
        "has more than 1 rows; the limit is 1"
    ]
    assert counter(at) == (15, 15)


def cli_lines(tmp_path: Path, data: bytes) -> tuple[list[str], str]:
    """What `python -m timeline validate` prints for `data` (as up.csv): stdout lines, stderr."""
    path = tmp_path / "up.csv"
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "validate", str(path)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    return [line.replace(str(path), "up.csv") for line in done.stdout.splitlines()], done.stderr


@pytest.mark.parametrize(
    ("rows", "count"),
    [
        (["x,y"] * 1000, "1,000 problems found"),  # every record has the wrong width
        # Every cell breaks a rule: checking stops after the first block of rows.
        ([",".join(["J"] * (HEADER.count(",") + 1))] * 5000, "at least "),
    ],
    ids=["counted", "floor"],
)
def test_an_upload_with_many_problems_says_how_many_as_the_cli_does(
    app: AppTest, tmp_path: Path, rows: list[str], count: str
):
    data = (HEADER + "\n" + "\n".join(rows) + "\n").encode()
    out, err = cli_lines(tmp_path, data)
    assert err.startswith(count) and err.endswith(" problems found\n"), err
    at = upload(app.run(), "up.csv", data)
    assert not at.exception
    assert errors(at)[0].endswith(f"up.csv: {err.strip()}.")
    problems = at.main.dataframe[0].value
    assert len(problems) == 100
    # The loader's own last line: "... and N more problems (...)", as the CLI prints it.
    notes = [h.proto.body for h in at.get("html") if "plain-note" in h.proto.body]
    assert any(html.escape(out[-1], quote=False) in body for body in notes)


def test_problem_values_are_cut_and_escaped_before_they_go_to_the_browser(app: AppTest):
    long_title = "T" * 3_000_000
    bad = (
        HEADER + "\n"
        f"a,{long_title},war,1994,,,,security,,,,D,S,https://e.org/\n"
        "b,Baku \u202eesrever,war,1994,,,,security,,,,D,S,https://e.org/\n"
    ).encode()
    at = upload(app.run(), "up.csv", bad)
    values = at.main.dataframe[0].value["Value"].tolist()
    assert values == ["T" * 57 + "...", "Baku \\u202eesrever"]


def test_good_upload_replaces_the_table_for_the_session(app: AppTest):
    at = app.run()
    good = (
        HEADER + "\n"
        "a,<img src=x onerror=alert(1)>,war,1990,1991,ARM,,security,,,,D,S,https://e.org/\n"
        "b,Second,clash,1995-03,,,,security,,,,D,S,https://e.org/\n"
    ).encode()
    at = upload(at, "mine.csv", good)
    assert not errors(at)
    assert counter(at) == (2, 2)
    assert at.title[0].value == "Azerbaijan's foreign relations, 1990–1995"
    at.session_state[ui.S_EVENT] = "a"
    at = at.run()
    body = details_card(at)
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and "<img" not in body


def test_missing_default_data_is_a_page_level_error(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(loading.DATA_ENV, str(tmp_path / "nope.csv"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "could not be loaded" in errors(at)[0]
    assert "nope.csv" in errors(at)[0]
    assert "cannot be read" in at.main.dataframe[0].value["Problem"][0]
    assert not at.get("plotly_chart")


def test_broken_default_data_lists_its_problems(monkeypatch, tmp_path: Path):
    path = tmp_path / "broken.csv"
    path.write_text(HEADER + "\nx,T,nope,1994,,,,security,,,,D,S,https://e.org/\n")
    monkeypatch.setenv(loading.DATA_ENV, str(path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    problems = at.main.dataframe[0].value
    assert problems.iloc[0].to_dict()["Column"] == "category"
    assert problems.iloc[0].to_dict()["Value"] == "nope"


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {}, loading.DEFAULT_DATA),
        ([], {"TIMELINE_DATA": "x/env.csv"}, Path("x/env.csv")),
        (["--data", "x/arg.csv"], {"TIMELINE_DATA": "x/env.csv"}, Path("x/arg.csv")),
        (["--data=x/arg.csv"], {}, Path("x/arg.csv")),
        (["-q", "tests", "--other"], {}, loading.DEFAULT_DATA),
    ],
)
def test_data_path(argv, env, expected):
    assert loading.data_path(argv, env) == expected


def test_shipped_table_and_the_2020_war_story(monkeypatch):
    """The default page on data/events.csv shows every event; a newcomer narrows it to the
    2020 war and its ceasefire, gets a link that restores that view, and the download."""
    monkeypatch.delenv(loading.DATA_ENV, raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception and not errors(at)
    total = len(read_events(SHIPPED))
    assert counter(at) == (total, total)
    assert len(table_titles(at)) == total
    at.sidebar.multiselect(key="category").set_value(["war", "ceasefire"])
    at = at.sidebar.slider(key="years").set_value((2020, 2020)).run()
    shown, _ = counter(at)
    assert 0 < shown < total
    assert any("ceasefire" in t.lower() for t in table_titles(at))
    assert download_label(at) == f"Download {shown:,} events (CSV)"
    link = dict(at.query_params)
    assert link == {"category": ["war", "ceasefire"], "years": ["2020", "2020"]}
    # The shared link, opened in a new session.
    again = AppTest.from_file(str(APP), default_timeout=60)
    again.query_params.update(link)
    again = again.run()
    assert counter(again) == (shown, total)
    assert table_titles(again) == table_titles(at)


def test_counts_are_written_with_thousands_separators(tmp_path, monkeypatch):
    header, *body = list(csv.reader(SAMPLE.open(encoding="utf-8", newline="")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for i in range(1200):
        writer.writerow([f"e{i}", *body[i % len(body)][1:]])
    path = tmp_path / "big.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    monkeypatch.setenv(loading.DATA_ENV, str(path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "Showing **1,200** of **1,200** events" in [md.value for md in at.sidebar.markdown]
    assert download_label(at) == "Download 1,200 events (CSV)"


# --- text from a URL or a file name is shown as typed, never as Markdown (hardening) -----------

HOSTILE_PARAMS = {
    "event": ":material/error: Session expired",
    "category": "www.evil-example.com",
    "topic": "http://127.0.0.1:8621/phish",
    "country": "user@evil-example.com",
}


def markdown_texts(at: AppTest) -> str:
    """Everything the page sent through Markdown (markdown, info, error, warning, captions)."""
    elements = [*at.markdown, *at.info, *at.error, *at.warning, *at.caption]
    return " ".join(e.value for e in elements)


def test_values_from_the_url_reach_no_markdown(app: AppTest):
    app.query_params.update(HOSTILE_PARAMS)
    at = app.run()
    assert not at.exception
    shown = " ".join(notices(at))
    for value in HOSTILE_PARAMS.values():
        assert value in shown  # named, as typed
        assert value not in markdown_texts(at).replace("\\", "")
    bodies = " ".join(h.proto.body for h in at.get("html") if "plain-info" in h.proto.body)
    assert "<a" not in bodies and "material" in bodies  # escaped text, not an icon or a link


def test_an_uploaded_file_name_reaches_no_markdown(app: AppTest):
    name = "www.evil-example.com user@evil-example.com.csv"
    good = (HEADER + "\nb,Second,clash,1995-03,,,,security,,,,D,S,https://e.org/\n").encode()
    at = upload(app.run(), name, good)
    assert counter(at) == (1, 1)
    assert f"Table: {name}" in " ".join(h.proto.body for h in at.get("html"))
    assert "evil-example" not in markdown_texts(at).replace("\\", "")


# --- filters when the table changes under them (hardening) ---------------------------------------

NINETIES = (
    HEADER + "\n"
    "a,First,war,1994,,ARM,,security,,,,D,S,https://e.org/\n"
    "b,Second,clash,1998-03,,,,security,,,,D,S,https://e.org/\n"
).encode()


def test_after_an_upload_is_replaced_the_years_follow_the_new_table(app: AppTest):
    at = upload(app.run(), "nineties.csv", NINETIES)
    assert counter(at) == (2, 2)
    assert at.sidebar.slider(key="years").value == (1994, 1998)
    at = upload(at, "broken.csv", b"not a table")  # refused: the shipped table is back
    assert counter(at) == (len(ALL_IDS), len(ALL_IDS))
    assert at.sidebar.slider(key="years").value == (1918, 2020)
    assert "years" not in at.query_params
    assert not notices(at)


def test_a_narrowed_years_filter_is_kept_for_the_new_table_and_said(app: AppTest):
    at = upload(app.run(), "nineties.csv", NINETIES)
    at = at.sidebar.slider(key="years").set_value((1994, 1995)).run()
    assert counter(at) == (1, 2)
    at = upload(at, "broken.csv", b"not a table")
    assert at.sidebar.slider(key="years").value == (1994, 1995)
    assert notices(at) == ["The years filter 1994–1995 was kept for this table."]


# --- one view at a time, and the open one in the URL ---------------------------------------------


def test_the_open_tab_is_in_the_url_and_restores_from_it(app: AppTest):
    at = app.run()
    assert "view" not in at.query_params  # the default tab is left out
    at = open_view(at, "map")
    assert at.query_params["view"] == "map"
    assert set(figures(at)) == {"Timeline of events by category", "Places"}
    again = AppTest.from_file(str(APP), default_timeout=60)
    again.query_params["view"] = "per-year"
    again = again.run()
    assert again.session_state[ui.K_VIEW] == "Per year"
    assert not at.exception and not notices(again)
    assert "Events per year, by category (year each event starts)" in figures(again)


def test_an_unknown_view_in_the_url_gives_a_notice_and_the_default_tab(app: AppTest):
    app.query_params["view"] = "<b>charts</b>"
    at = app.run()
    assert notices(at) == [
        "Ignored view '<b>charts</b>' in the link: the views are 'table', 'map', 'per-year', "
        "'relations', 'about'."
    ]
    assert at.session_state[ui.K_VIEW] == "Events" and table_titles(at)


def test_the_summary_line_says_what_is_shown(app: AppTest):
    app.query_params.update({"category": ["war", "ceasefire"], "years": ["1988", "1994"]})
    at = app.run()
    bodies = " ".join(h.proto.body for h in at.get("html"))
    assert "2 of 15 events · War, Ceasefire · 1988–1994" in bodies


# --- the relations view ---------------------------------------------------------------------------


def test_the_relations_tab_and_its_year_restore_from_the_url(app: AppTest):
    app.query_params.update({"view": "relations", "year": "1919"})
    at = app.run()
    assert not at.exception and not notices(at)
    assert at.slider(key=ui.K_YEAR).value == 1919
    figs = figures(at)
    assert any(title.startswith("Azerbaijan's relations in 1919") for title in figs)
    # The reader is told that a country without a row is not one without relations.
    assert any("is not one without relations" in m.value for m in at.markdown)
    at = at.slider(key=ui.K_YEAR).set_value(2020).run()
    assert "year" not in at.query_params  # the table's last year is the default
    at = at.slider(key=ui.K_YEAR).set_value(1992).run()
    assert at.query_params["year"] == "1992" and at.query_params["view"] == "relations"


@pytest.mark.parametrize(
    ("value", "notice"),
    [
        ("1800", "Ignored year 1800 in the link: the table covers 1918–2020."),
        ("soon", "Ignored year 'soon' in the link: expected a year."),
    ],
)
def test_a_bad_year_in_the_url_gives_a_notice(app: AppTest, value, notice):
    app.query_params.update({"view": "relations", "year": value})
    at = app.run()
    assert notices(at) == [notice]
    assert at.slider(key=ui.K_YEAR).value == 2020


def timeline_axis(at: AppTest):
    from timeline import timeline_chart

    return timeline_chart.axis_of(figures(at)["Timeline of events by category"])


def test_the_zoom_comes_back_from_the_url_and_zoom_out_clears_it(app: AppTest):
    app.query_params["zoom"] = "1991-06..1994-05"
    at = app.run()
    axis = timeline_axis(at)
    assert (axis.lo, axis.hi) == (pd.Timestamp("1991-06-01"), pd.Timestamp("1994-06-01"))
    assert at.query_params["zoom"] == "1991-06-01..1994-05-31"
    assert not notices(at)
    assert counter(at) == (len(ALL_IDS), len(ALL_IDS))  # a zoom is not a filter
    at = at.button(key=ui.K_ZOOM_OUT).click().run()
    assert "zoom" not in at.query_params
    assert timeline_axis(at).lo < pd.Timestamp("1918-06-01")


def test_a_bad_zoom_gives_a_notice_and_a_years_change_drops_the_zoom(app: AppTest):
    app.query_params["zoom"] = "later"
    at = app.run()
    assert any("Ignored zoom 'later'" in n for n in notices(at))
    at.query_params["zoom"] = "1991..1994"
    at = at.run()
    assert at.query_params["zoom"] == "1991-01-01..1994-12-31"
    at = at.sidebar.slider(key="years").set_value((2000, 2020)).run()
    assert "zoom" not in at.query_params
    assert timeline_axis(at).lo == pd.Timestamp("2000-01-01")  # the axis follows the years


def test_under_the_places_map_the_selected_events_place_lists_its_events(app: AppTest):
    app.query_params.update({"view": "map", "event": "soviet-takeover"})  # Baku: 2 events
    at = app.run()
    (pick,) = at.selectbox
    assert pick.label == "Events at this place"
    assert pick.options == [
        "18 October 1991 · Independence restored",
        "28 April 1920 · Red Army enters Baku; Azerbaijan SSR proclaimed",
    ]
    assert pick.value == "soviet-takeover"
    at = pick.set_value("restored-independence").run()
    assert at.session_state[ui.S_EVENT] == "restored-independence"
    assert at.query_params["event"] == "restored-independence"
    assert at.selectbox[0].value == "restored-independence"
    # An event alone at its place lists nothing.
    at.query_params["event"] = "ceasefire-2020"
    assert not at.run().selectbox


def test_without_a_theme_from_the_browser_the_figures_are_drawn_for_a_light_page(app):
    """AppTest sends no colour scheme (st.context.theme.type is None): light, as on first sight
    of a page whose browser says nothing."""
    app.run()
    (timeline,) = [f for title, f in figures(app).items() if title.startswith("Timeline")]
    assert timeline.layout.paper_bgcolor == palette.LIGHT.background
    assert timeline.layout.xaxis.tickfont.color == palette.LIGHT.muted_text


def test_one_event_is_counted_in_the_singular(monkeypatch, tmp_path):
    """A table of one event: every count on the page says "1 event"."""
    path = tmp_path / "one.csv"
    path.write_text("\n".join(SAMPLE.read_text(encoding="utf-8").splitlines()[:2]) + "\n")
    monkeypatch.setenv(loading.DATA_ENV, str(path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "Showing **1** of **1** event" in [md.value for md in at.sidebar.markdown]
    assert download_label(at) == "Download 1 event (CSV)"
    assert any(">All 1 event<" in h.proto.body for h in at.get("html"))  # the summary line


@pytest.mark.parametrize(
    ("value", "years", "said"),
    [
        (1e5, (2020, 2020), "Years 100000 to 2020 were read as 2020–2020: the start was after "
         "the end and the table covers 1918–2020."),
        (12345678901234567890, (2020, 2020), "Years 123456789012... to 2020 were read as "
         "2020–2020: the start was after the end and the table covers 1918–2020."),
        (-5, (1918, 2020), "Years -5 to 2020 were read as 1918–2020: the table covers 1918–2020."),
    ],
)  # fmt: skip
def test_a_typed_year_is_named_as_typed_and_applied(app: AppTest, value, years, said):
    at = app.run()
    box = at.sidebar.number_input(key=ui.K_YEAR_FROM)
    # The browser reads a float box with parseFloat ("1e5" is 100000, twenty digits a number),
    # an int box with parseInt ("1e5" is 1) and refuses more than 2**53.
    assert box.proto.data_type == box.proto.DataType.FLOAT
    at = box.set_value(value).run()
    assert not at.exception
    assert at.sidebar.slider(key="years").value == years
    assert notices(at) == [said]


def click_chart(at: AppTest, key: str, customdata: list) -> AppTest:
    """The page after a click on the point carrying `customdata` of the chart `key`, as the
    browser reports it (AppTest has no clicks on charts: their widget state, set by hand)."""
    (chart,) = [c for c in at.get("plotly_chart") if c.key == key]
    states = at._tree.get_widget_states()
    points = {"points": [{"customdata": customdata}], "point_indices": [0], "box": [], "lasso": []}
    picked = {"selection": points}
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps(picked)))
    return at._run(states)


def test_every_box_on_the_timeline_leads_to_its_events_and_a_list_reads_one(monkeypatch, tmp_path):
    """Issue 25.1: a click on a box shows a smaller window each time, until its events show or,
    where zooming cannot part them (one day), a list of them beside the timeline; picking one
    reads it. "1992" (a year, no bar) used to hold the box together all year."""
    countries = ("DEU", "FRA", "ITA", "ESP", "GRC")
    rows = [
        event(f"r{i}", "recognition", "1991-12-31", countries=c) for i, c in enumerate(countries)
    ]
    rows.append(event("r-1992", "recognition", "1992", countries="JPN"))
    path = tmp_path / "recognitions.csv"
    path.write_text(csv_text(*rows), encoding="utf-8")
    monkeypatch.setenv(loading.DATA_ENV, str(path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    windows = [(timeline_axis(at).lo, timeline_axis(at).hi)]
    for _ in range(3):
        (boxes,) = traces(figures(at)["Timeline of events by category"], kind="cluster")
        biggest = list(boxes.customdata[np.argmax([int(t[3:-4]) for t in boxes.text])])
        at = click_chart(at, ui.K_TIMELINE, biggest)
        if biggest[0].startswith(selection.LIST_PREFIX):
            break
        windows.append((timeline_axis(at).lo, timeline_axis(at).hi))
        assert windows[-1] not in windows[:-1], "the box zoomed to the window shown before"
    else:
        pytest.fail(f"no list after three clicks: {windows}")
    pick = at.selectbox(key=ui.K_LIST_PICK)
    assert pick.label == "5 events of 31 December 1991: pick one to read it"
    assert pick.value is None and pick.options == [f"T r{i} · 31 December 1991" for i in range(5)]
    at = pick.set_value("r3").run()
    assert "T r3" in details_card(at) and at.query_params["event"] == "r3"
    assert at.selectbox(key=ui.K_LIST_PICK).value == "r3"  # the list stays, to pick another
    at = at.button(key=ui.K_ZOOM_OUT).click().run()
    assert not at.selectbox  # the box it listed is not on the page any more
