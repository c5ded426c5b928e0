"""Partial dates (`1994`, `1994-05`, `1994-05-12`): parsed to periods, written for people."""

from __future__ import annotations

import calendar
import re
import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# ASCII digits only (Python's `\d` would also take "١٩٩٤"); the same pattern serves Arrow.
DATE_RE = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?$")
_MONTHS = tuple(calendar.month_name)  # index 1..12, English regardless of the machine's locale
# id(Arrow array) -> (the array, its parsed dates); keeping the array keeps its id from reuse.
# Sessions are threads of one process: the lock guards look-ups and evictions, not parsing.
_RECENT: dict[int, tuple[object, pd.DataFrame]] = {}
_RECENT_LOCK = threading.Lock()
_KEEP_RECENT = 4


def parse_dates(values: pd.Series) -> pd.DataFrame:
    """Partial dates as their periods: columns `first` and `last` day, and `precision`; NaT and
    a missing precision for anything that is not a real date."""
    # The loader parses a date column several times: an immutable Arrow array's answer is kept.
    arrow = values.array.__arrow_array__() if hasattr(values.array, "__arrow_array__") else None
    with _RECENT_LOCK:
        kept = _RECENT.get(id(arrow)) if arrow is not None else None
    if kept is not None and kept[0] is arrow:
        return kept[1].set_axis(values.index)
    # Tables repeat dates a lot: parse each distinct value once and spread the result.
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=False)
    result = _parse_unique(uniques).iloc[codes].set_axis(values.index)
    if arrow is not None:
        with _RECENT_LOCK:
            _RECENT[id(arrow)] = (arrow, result)
            while len(_RECENT) > _KEEP_RECENT:
                del _RECENT[next(iter(_RECENT))]  # the oldest
    return result


def _parse_unique(uniques: object) -> pd.DataFrame:
    # Arrow's regex kernel: the Python one would be called once per distinct value.
    texts = pa.array(pd.Series(uniques, dtype="string").astype(object), type=pa.string())
    parts = pc.extract_regex(texts, DATE_RE.pattern)
    year, month, day = (
        pd.Series(parts.field(g).to_numpy(zero_copy_only=False), dtype=object)
        .replace("", None)
        .astype("float64")
        for g in ("year", "month", "day")
    )
    # Years below 1 are not dates; month 00 or 13 and day 30 February all give NaT here.
    ymd = {"year": year.where(year >= 1), "month": month.fillna(1), "day": day.fillna(1)}
    first = pd.to_datetime(ymd, errors="coerce").astype("datetime64[us]")
    last = first.where(day.notna(), first + pd.offsets.MonthEnd(0))
    last = last.where(month.notna(), first + pd.offsets.YearEnd(0))
    precision = np.select([day.notna(), month.notna()], ["day", "month"], "year")
    precision = pd.Series(precision, dtype="string").where(first.notna())
    return pd.DataFrame({"first": first, "last": last, "precision": precision})


def format_date(value: str) -> str:
    """Write a partial date at its precision: `1994`, `May 1994`, `12 May 1994`."""
    match = DATE_RE.match(value or "")
    if not match:
        return value or ""
    year, month, day = match.groups()
    if month is not None and 1 <= int(month) <= 12:
        month = _MONTHS[int(month)]
    return " ".join(p for p in (day and str(int(day)), month, year) if p)


def format_period(start_date: str, end_date: str | None) -> str:
    """Write an event's period: `12 May 1994`, or a range such as `1988 – May 1994`."""
    start = format_date(start_date)
    if not end_date or end_date == start_date:
        return start
    return f"{start} – {format_date(end_date)}"
