"""labels: the table's rows and the details card as the page sends them."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from helpers import APP, SAMPLE
from streamlit.testing.v1 import AppTest

from timeline import labels, loading, ui
from timeline.filters import FilterState, by_date

COLUMNS = ["Date", "Title", "Category", "Countries", "Organizations", "Topics", "Source"]


def test_table_view_is_the_events_by_date_with_their_labels(sample: pd.DataFrame) -> None:
    for limit in (3, None):
        view = labels.table_view(sample, limit)
        first = by_date(sample, limit)
        want = labels.event_labels(first)
        shown = view.rows.to_pandas()
        assert view.rows.column_names == COLUMNS
        assert all(t == pa.large_string() for t in view.rows.schema.types)
        assert view.ids == tuple(first["id"]) and len(view.ids) == (limit or len(sample))
        assert shown["Title"].tolist() == first["title"].tolist()
        assert shown["Source"].tolist() == first["source_url"].tolist()
        for column in ("Date", "Category", "Countries", "Organizations", "Topics"):
            assert shown[column].tolist() == want[column.lower()].tolist(), column


def test_event_details_is_the_card_of_that_event(sample: pd.DataFrame) -> None:
    event = sample.iloc[1]
    card = labels.event_details(sample, event["id"])
    assert card == labels.details_html(event, labels.event_labels(sample.iloc[1:2]).iloc[0])
    assert labels.holds(sample, event["id"])
    assert not labels.holds(sample.iloc[2:], sample.iloc[0]["id"])


def test_label_texts_are_event_labels_columns_without_the_frame(sample: pd.DataFrame) -> None:
    frame = labels.event_labels(sample)
    texts = labels.label_texts(sample)
    assert list(texts) == list(frame.columns)
    for column, values in texts.items():
        assert values.tolist() == frame[column].tolist(), column
    assert list(labels.label_texts(sample.iloc[3:5], ("countries",))) == ["countries"]
    assert labels.label_texts(sample.iloc[3:5], ("date",))["date"].tolist() == (
        frame["date"].iloc[3:5].tolist()
    )


@pytest.mark.parametrize(
    ("n", "said"), [(0, "0 events"), (1, "1 event"), (2, "2 events"), (1000, "1,000 events")]
)
def test_a_count_of_events_is_singular_only_for_one(n, said):
    assert labels.event_count(n) == said
    assert labels.event_count(n, f"**{n:,}**") == said.replace(f"{n:,}", f"**{n:,}**", 1)


@pytest.mark.parametrize(
    ("n", "total", "said"),
    [(1, 1, "All 1 event"), (0, 1, "0 of 1 event"), (1, 2, "1 of 2 events"),
     (1000, 1000, "All 1,000 events")],
)  # fmt: skip
def test_the_filter_summary_counts_in_the_singular_for_one(n, total, said):
    assert labels.filter_summary(FilterState(), n, total) == said


def test_marked_puts_a_first_column_with_the_selected_events_mark(sample: pd.DataFrame) -> None:
    view = labels.table_view(sample)
    chosen = view.ids[4]
    rows = labels.marked(view, chosen)
    assert rows.column_names == [labels.MARK, *COLUMNS]
    assert rows.column(0).to_pylist() == ["▶" if i == chosen else "" for i in view.ids]
    assert rows.drop_columns([labels.MARK]).equals(view.rows)
    assert set(labels.marked(view, None).column(0).to_pylist()) == {""}


def test_cleared_names_the_event_let_go(sample: pd.DataFrame) -> None:
    assert labels.cleared(sample, "minsk-group") == (
        "The filters now leave out the selected event, “OSCE Minsk Group starts mediation”: it "
        "was cleared."
    )


# --- The events table on the page ------------------------------------------------------------


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv(loading.DATA_ENV, str(SAMPLE))
    return AppTest.from_file(str(APP), default_timeout=60)


def events_table(at: AppTest):
    (table,) = [df for df in at.main.dataframe if "Title" in df.value.columns]
    return table


def test_the_table_marks_the_selected_events_row(app: AppTest) -> None:
    at = app.run()
    assert set(events_table(at).value[labels.MARK]) == {""}
    at.session_state[ui.S_EVENT] = "minsk-group"
    shown = events_table(at.run()).value
    assert shown.loc[shown[labels.MARK] == "▶", "Title"].tolist() == [
        "OSCE Minsk Group starts mediation"
    ]


def test_a_new_filter_state_gives_a_new_table_scrolled_to_its_top(app: AppTest) -> None:
    at = app.run()
    first = events_table(at).key
    assert events_table(at.run()).key == first  # the same state: the same table, where it was
    at = at.sidebar.text_input(key="q").input("war").run()
    searched = events_table(at).key
    assert searched.startswith(ui.K_TABLE_PREFIX) and searched != first
    assert events_table(at.sidebar.text_input(key="q").input("").run()).key == first


def test_over_a_zoomed_timeline_the_table_says_zoom_is_only_a_view(app: AppTest) -> None:
    said = "Zoom is only a view of the timeline"
    assert not [m for m in app.run().markdown if said in m.value]
    zoomed = AppTest.from_file(str(APP), default_timeout=60)
    zoomed.query_params["zoom"] = "1992-01..1993-06"
    at = zoomed.run()
    assert [m for m in at.markdown if said in m.value]
    assert len(events_table(at).value) == 15  # every event the filters choose


def test_neighbours_are_the_events_just_before_and_after_in_date_order(sample):
    ids = by_date(sample)["id"].tolist()
    assert labels.neighbours(sample, ids[3]) == (ids[2], ids[4])
    assert labels.neighbours(sample, ids[0]) == (None, ids[1])
    assert labels.neighbours(sample, ids[-1]) == (ids[-2], None)
    assert labels.neighbours(sample.iloc[::-1], ids[3]) == (ids[2], ids[4])  # the frame's order
    assert labels.neighbours(sample, "not-there") == (None, None)
