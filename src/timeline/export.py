"""The filtered events as CSV in data/events.csv's schema, and a file name that says what it is.

A cell that a spreadsheet would run as a formula gets a `'` in front (`timeline.csvsafe`, which
the loader undoes): a download loads back to the same events, and data/events.csv is written
byte for byte as it is.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from timeline import schema
from timeline.csvsafe import quote_formulas
from timeline.filters import FILE_NAME_ORDER, FilterState, by_date, chosen

FILE_PREFIX = "azerbaijan-relations"


def _coordinate(value: float) -> str:
    """A coordinate in shortest round-trip digits, no exponent or trailing zeros (-73.968)."""
    if pd.isna(value):
        return ""
    return np.format_float_positional(value, trim="-")


def to_csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The text cells of `df` in the schema's columns and order, in the table's date order."""
    df = by_date(df)
    out = pd.DataFrame(index=df.index)
    for col in schema.COLUMNS:
        values = df[col]
        if col in schema.LIST_COLUMNS:
            joined = pd.Series([schema.LIST_SEP.join(v) for v in values], index=df.index)
            out[col] = quote_formulas(joined).to_numpy(dtype=object)
        elif col in schema.COORDINATE_TEXT:
            written = pd.Series([_coordinate(v) for v in values], index=df.index, dtype=object)
            if schema.COORDINATE_TEXT[col] in df.columns:
                # The text as the file wrote it ("40.1800"), where it still says the frame's value.
                kept = df[schema.COORDINATE_TEXT[col]]
                number = pd.to_numeric(kept.replace("", None), errors="coerce")
                same = kept.notna() & ((number == values) | (number.isna() & values.isna()))
                written = kept.where(same, written)
            out[col] = written.to_numpy(dtype=object)
        else:
            out[col] = quote_formulas(values).to_numpy(dtype=object)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV of `df` (a table as read, filtered or not) as `data/events.csv` writes it:
    `\\n` line ends, quotes only where needed."""
    frame = to_csv_frame(df)
    if not any(frame[col].str.contains("\r", regex=False).any() for col in frame.columns):
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    # Python's csv writer quotes a field holding "\r" only when "\r" is in the line terminator;
    # unquoted, a reader would end the record there. Such tables take this slower path.
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in [list(frame.columns), *frame.itertuples(index=False)]:
        writer.writerow(row)
        out.seek(out.tell() - 2)  # "\r\n" -> "\n" at the end of each record only
        out.write("\n")
        out.truncate()
    return out.getvalue().encode("utf-8")


def export_filename(state: FilterState) -> str:
    """A file name that says what was filtered, e.g.
    `azerbaijan-relations_1988-1994_war-ceasefire.csv`; `azerbaijan-relations.csv` for all."""
    parts = [p for f, value in chosen(state, FILE_NAME_ORDER) if (p := f.file_part(value))]
    return "_".join([FILE_PREFIX, *parts]) + ".csv"
