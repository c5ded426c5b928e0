"""How events are written for people: the labels every view shows, the table's rows and the
details card. Text from the table stays text: the card is escaped HTML.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from timeline import schema
from timeline.dates import format_period
from timeline.filters import BY_FIELD, FilterState, by_date, chosen

# Kept across calls (every filter state's views ask for the same texts), within a bound.
_KEEP = 1 << 16
TABLE_MAX = 1000  # rows the events table sends to the browser; the download has them all
MARK = "Selected"  # the table's first column: ▶ in the selected event's row
_period = functools.lru_cache(maxsize=_KEEP)(format_period)


@functools.lru_cache(maxsize=2 * _KEEP)  # countries and topics
def _names(field: str, codes: tuple[str, ...]) -> str:
    return ", ".join(map(BY_FIELD[field].name, codes))  # as the filter's widget names them


def _periods(df: pd.DataFrame) -> np.ndarray:
    """Each event's period (`format_period`), written once per distinct (start, end) pair."""
    starts, first = pd.factorize(df["start_date"], use_na_sentinel=False)
    ends, last = pd.factorize(df["end_date"], use_na_sentinel=False)
    first, last = np.asarray(first, dtype=object), np.asarray(last, dtype=object)
    width = max(len(last), 1)
    pairs, at = np.unique(starts.astype(np.int64) * width + ends, return_inverse=True)
    texts = np.empty(len(pairs), dtype=object)
    texts[:] = [_period(str(first[p // width]), str(last[p % width])) for p in pairs.tolist()]
    return texts[at.reshape(-1)]


# How each label but the date (`_periods`) writes a value of its column.
_WRITE = {
    "category": schema.CATEGORIES.get,
    "countries": functools.partial(_names, "countries"),
    "organizations": ", ".join,
    "topics": functools.partial(_names, "topics"),
}
LABELS = ("date", *_WRITE)


def label_texts(df: pd.DataFrame, columns: Sequence[str] = LABELS) -> dict[str, np.ndarray]:
    """`event_labels`' `columns` as object arrays, without the frame (None: unknown category)."""
    return {
        c: _periods(df) if c == "date" else schema.map_distinct(df[c], _WRITE[c]).to_numpy()
        for c in columns
    }


def event_labels(df: pd.DataFrame) -> pd.DataFrame:
    """Per event, the texts every view shows (unescaped): date at its precision, category
    label, countries by name, organizations, topics by label."""
    return pd.DataFrame(label_texts(df), index=df.index, dtype="string")


def details_html(event: pd.Series, labels: pd.Series) -> str:
    """The event details card as escaped HTML."""
    esc = html.escape

    def row(term: str, value: str, *, escaped: bool = False) -> str:
        shown = value if escaped else esc(value) if value else "—"
        return (
            f'<dt style="font-weight:600;font-size:0.85rem">{esc(term)}</dt>'
            f'<dd style="margin:0 0 0.45rem 0;overflow-wrap:anywhere">{shown}</dd>'
        )

    orgs = ", ".join(f"{o} ({schema.ORGANIZATIONS.get(o, o)})" for o in event["organizations"])
    url = str(event["source_url"])
    source = f'<a href="{esc(url, quote=True)}" target="_blank" rel="noopener noreferrer">'
    source += f"{esc(str(event['source_title']) or url)}</a>"
    return (
        '<section class="event-details" aria-label="Event details">'
        f"<h3>{esc(str(event['title']))}</h3>"
        '<dl style="margin:0">'
        + row("Date", str(labels["date"]))
        + row("Category", str(labels["category"]))
        + row("Countries", str(labels["countries"]))
        + row("Organizations", orgs)
        + row("Topics", str(labels["topics"]))
        + row("Place", str(event["location"]))
        + row("Description", str(event["description"]))
        + row("Source", source, escaped=True)
        + "</dl></section>"
    )


def event_details(df: pd.DataFrame, event_id: str) -> str:
    """The details card (`details_html`) of the event `event_id` of `df`, which must hold it."""
    row = df[df["id"] == event_id]
    return details_html(row.iloc[0], event_labels(row).iloc[0])


def holds(df: pd.DataFrame, event_id: str) -> bool:
    """Whether `df` has the event `event_id`."""
    return bool((df["id"] == event_id).any())


def cleared(df: pd.DataFrame, event_id: str) -> str:
    """What a reader is told when a change of the filters clears the event `event_id` of `df`."""
    title = df.loc[df["id"] == event_id, "title"].iloc[0]
    return f"The filters now leave out the selected event, “{title}”: it was cleared."


@dataclass(frozen=True)
class TableView:
    """The table as the page sends it: its rows as Arrow, made once per view, and their ids."""

    rows: pa.Table
    ids: tuple[str, ...]


def table_view(df: pd.DataFrame, limit: int | None = None) -> TableView:
    """The first `limit` events by date as the table shows them (Arrow straight from
    `label_texts`, without a frame of them), and their ids."""
    df = by_date(df, limit)
    texts = label_texts(df)
    columns = {
        "Date": texts["date"],
        "Title": df["title"],
        "Category": texts["category"],
        "Countries": texts["countries"],
        "Organizations": texts["organizations"],
        "Topics": texts["topics"],
        "Source": df["source_url"],
    }
    text = pa.large_string()
    rows = pa.table({k: pa.array(v, type=text, from_pandas=True) for k, v in columns.items()})
    return TableView(rows, tuple(df["id"].astype(str)))


def marked(table: TableView, event_id: str | None) -> pa.Table:
    """The table's rows with a first column (`MARK`) that holds ▶ in `event_id`'s row."""
    marks = pa.array(["▶" if i == event_id else "" for i in table.ids], type=pa.large_string())
    return table.rows.add_column(0, MARK, marks)


def period_label(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """A stretch of days as a person says it: "1 January 1992 – 30 June 1993"."""
    return format_period(first.date().isoformat(), last.date().isoformat())


def event_count(n: int, number: str | None = None) -> str:
    """A number of events in words: "1 event", "1,000 events" (`number`: the number as written)."""
    return f"{number or f'{n:,}'} {'event' if n == 1 else 'events'}"


def filter_summary(state: FilterState, n: int, total: int) -> str:
    """What the page shows, in a line: "20 of 134 events · War, Ceasefire · 1988–1994"."""
    shown = f"{n:,} of {event_count(total)}" if n != total else f"All {event_count(total)}"
    return " · ".join([shown, *(f.words(value) for f, value in chosen(state))])


def neighbours(df: pd.DataFrame, event_id: str) -> tuple[str | None, str | None]:
    """The events just before and just after `event_id` in `df`'s date order (`by_date`);
    None at either end, both when `df` does not hold it."""
    ids = by_date(df)["id"].to_numpy(dtype=object)
    at = np.flatnonzero(ids == event_id)
    if not len(at):
        return None, None
    i = int(at[0])
    return (ids[i - 1] if i else None), (ids[i + 1] if i + 1 < len(ids) else None)
