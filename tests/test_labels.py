"""labels: the table's rows and the details card as the page sends them."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from timeline import labels


def test_table_view_is_the_table_frame_as_arrow_with_its_ids(sample: pd.DataFrame) -> None:
    for limit in (3, None):
        frame = labels.table_frame(sample, limit)
        view = labels.table_view(sample, limit)
        assert view.ids == tuple(frame["id"])
        made = pa.Table.from_pandas(frame.drop(columns="id"), preserve_index=False)
        assert view.rows.replace_schema_metadata(None).equals(made.replace_schema_metadata(None))
    frame = labels.table_frame(sample, 3)
    view = labels.table_view(sample, 3)
    assert len(view.ids) == 3
    shown = view.rows.to_pandas()
    assert list(shown.columns) == [c for c in frame.columns if c != "id"]
    assert shown["Title"].tolist() == frame["Title"].tolist()
    assert shown["Date"].tolist() == frame["Date"].astype(str).tolist()


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
