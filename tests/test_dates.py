import threading
import time

import pandas as pd
import pytest

from timeline import dates
from timeline.dates import format_date, format_period, parse_dates


@pytest.mark.parametrize(
    ("value", "first", "last", "precision"),
    [
        ("1994", "1994-01-01", "1994-12-31", "year"),
        ("1994-05", "1994-05-01", "1994-05-31", "month"),
        ("2020-02", "2020-02-01", "2020-02-29", "month"),  # leap year
        ("1994-12", "1994-12-01", "1994-12-31", "month"),
        ("1994-05-12", "1994-05-12", "1994-05-12", "day"),
        ("2000-02-29", "2000-02-29", "2000-02-29", "day"),
    ],
)
def test_parse_dates_gives_the_period(value, first, last, precision):
    row = parse_dates(pd.Series([value])).iloc[0]
    assert row["first"] == pd.Timestamp(first)
    assert row["last"] == pd.Timestamp(last)
    assert row["precision"] == precision


@pytest.mark.parametrize(
    "value",
    [
        "",
        "94",
        "1994-13",
        "1994-00",
        "1994-02-30",
        "1900-02-29",
        "0000",
        "1994/05/12",
        "1994-5",
        "1994-05-12T00:00",
        " 1994",
        "May 1994",
        "1994\n",
        "\u0661\u0669\u0669\u0664",  # 1994 in Arabic-Indic digits: "YYYY" means 0-9
        "１９９４",  # full-width digits
    ],
)
def test_parse_dates_rejects_what_is_not_a_real_partial_date(value):
    row = parse_dates(pd.Series([value])).iloc[0]
    assert pd.isna(row["first"]) and pd.isna(row["last"]) and pd.isna(row["precision"])


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("1994", "", "1994"),
        ("1994-05", "", "May 1994"),
        ("1994-05-05", None, "5 May 1994"),
        ("1988", "1994-05", "1988 – May 1994"),
        ("2020-09-27", "2020-11-10", "27 September 2020 – 10 November 2020"),
        ("1994", "1994", "1994"),
    ],
)
def test_format_period_writes_each_date_at_its_precision(start, end, expected):
    assert format_period(start, end) == expected


def test_format_date_leaves_unparseable_text_as_it_is():
    assert format_date("sometime") == "sometime"


def test_parse_dates_answers_a_column_parsed_before_without_parsing_it_again(monkeypatch):
    column = pd.Series(["1994", "1994-05", "2000-02-29"], dtype="str")
    first = parse_dates(column)
    calls = []
    monkeypatch.setattr(dates, "_parse_unique", lambda u: calls.append(u) or pytest.fail())
    again = parse_dates(column.set_axis([10, 11, 12]))  # the same cells, another index
    assert calls == []
    assert list(again.index) == [10, 11, 12]
    assert again.reset_index(drop=True).equals(first)


def test_parse_dates_of_equal_looking_columns_are_their_own():
    one = parse_dates(pd.Series(["1994"], dtype="str"))
    two = parse_dates(pd.Series(["1995-03"], dtype="str"))
    assert one.at[0, "last"] == pd.Timestamp("1994-12-31")
    assert two.at[0, "last"] == pd.Timestamp("1995-03-31")


def test_parse_dates_from_many_threads_at_once(monkeypatch):
    # Streamlit runs each session's script on its own thread, and they share this module's
    # cache of recent answers. A pause while the cache is being looked through lets the threads
    # interleave where they would race (two of them dropping the same oldest entry).
    class Slow(dict):
        def __iter__(self):
            keys = list(super().__iter__())
            time.sleep(0.002)
            return iter(keys)

    monkeypatch.setattr(dates, "_RECENT", Slow())
    columns = [pd.Series([f"19{n:02d}", f"19{n:02d}-0{1 + n % 9}"], dtype="str") for n in range(40)]
    errors: list[BaseException] = []
    results: dict[int, pd.DataFrame] = {}

    def work(start: int) -> None:
        try:
            for i in range(start, start + 10):
                results[i] = dates.parse_dates(columns[i])
        except BaseException as exc:  # any error fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(start,)) for start in range(0, 40, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for i in range(len(columns)):
        assert results[i]["first"].dt.year.tolist() == [1900 + i] * 2
    assert len(dates._RECENT) <= dates._KEEP_RECENT
