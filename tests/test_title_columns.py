"""The titles in Azerbaijani and Russian (issue 24): `title_az` and `title_ru` may be left out of a
table (both readers then give them empty), `validate` names a title in the wrong alphabet, too
long or with a bidi control by its line and column, and a download carries them back."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from unittest.mock import patch

import pandas as pd
import pytest
from helpers import GOOD_CELLS, event, table

from timeline import io as io_module
from timeline import schema
from timeline.__main__ import main
from timeline.export import to_csv_bytes
from timeline.filters import by_date
from timeline.io import EventTableError, read_events

TITLES = {"title_az": "Bişkek protokolu", "title_ru": "Бишкекский протокол"}


def text_of(columns: list[str], *rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({**GOOD_CELLS, **row} for row in rows)
    return out.getvalue().encode()


def read(data: bytes, reader: str) -> pd.DataFrame:
    """`read_events` through the fast reader (checked to be the one that read it) or the strict."""
    if reader == "fast":
        assert io_module._fast_text_frame(data, None) is not None
        return read_events(data, "t.csv")
    with patch.object(io_module, "_fast_text_frame", lambda *args: None):
        return read_events(data, "t.csv")


@pytest.mark.parametrize("reader", ["fast", "strict"])
@pytest.mark.parametrize("left_out", [("title_az", "title_ru"), ("title_az",), ("title_ru",)])
def test_a_table_may_leave_the_titles_out_and_reads_them_as_empty(reader, left_out):
    columns = [c for c in schema.COLUMNS if c not in left_out]
    data = text_of(columns, TITLES, TITLES | {"id": "b"})
    df = read(data, reader)
    assert list(df.columns) == [*schema.COLUMNS, *schema.DERIVED_COLUMNS]
    for column in schema.OPTIONAL:
        expected = "" if column in left_out else TITLES[column]
        assert df[column].tolist() == [expected, expected]
        assert df[column].dtype == df["title"].dtype
    if reader == "fast":  # the two readers give the same frame
        pd.testing.assert_frame_equal(df, read(data, "strict"))


def test_the_other_columns_are_still_required():
    data = text_of([c for c in schema.COLUMNS if c not in ("title_az", "title")])
    with pytest.raises(EventTableError) as caught:
        read_events(data, "t.csv")
    assert caught.value.messages() == ["t.csv:1: title is a missing column"]


def problems(*rows: dict[str, str]) -> list[str]:
    with pytest.raises(EventTableError) as caught:
        table(*rows)
    return caught.value.messages()


def test_a_russian_title_without_cyrillic_is_named_by_its_line_and_column():
    assert problems(event("a"), event("b") | {"title_ru": "Bishkek Protocol"}) == [
        "t.csv:3: title_ru 'Bishkek Protocol' has no Cyrillic letter: write Russian in Cyrillic"
    ]


def test_an_azerbaijani_title_in_cyrillic_is_named_by_its_line_and_column():
    assert problems(event("a") | {"title_az": "Бишкек protokolu"}, event("b")) == [
        "t.csv:2: title_az 'Бишкек protokolu' holds Cyrillic letters: write Azerbaijani in its "
        "Latin alphabet"
    ]


def test_a_title_longer_than_the_english_limit_or_with_a_bidi_control_is_refused():
    most = schema.MAX_LENGTHS["title"]
    assert schema.MAX_LENGTHS["title_az"] == schema.MAX_LENGTHS["title_ru"] == most
    got = problems(
        event("a") | {"title_az": "a" * (most + 1)},
        event("b") | {"title_ru": "я" * (most + 1)},
        event("c") | {"title_ru": "Доклад \u202eESI"},
    )
    where = ["t.csv:2: title_az", "t.csv:3: title_ru", "t.csv:4: title_ru"]
    assert [p.split(" '")[0] for p in got] == where
    assert got[0].endswith(f"is longer than {most} characters")
    assert got[1].endswith(f"is longer than {most} characters")
    assert "bidirectional control character" in got[2]


def test_good_titles_pass_at_the_limit_in_mixed_scripts_or_empty():
    most = schema.MAX_LENGTHS["title"]
    df = table(
        event("a") | {"title_az": "ə" * most, "title_ru": "я" * most},
        event("b") | {"title_az": "ATƏT-in Minsk qrupu", "title_ru": "Доклад ESI о PACE"},
        event("c"),  # empty: the English title shows
    )
    assert df["title_ru"].tolist() == ["я" * most, "Доклад ESI о PACE", ""]


def test_validate_reports_the_titles_problems_with_their_lines(tmp_path: Path, capsys):
    path = tmp_path / "mine.csv"
    path.write_bytes(
        text_of(list(schema.COLUMNS), {"title_ru": "Bishkek"}, {"id": "b", "title_az": "Баку"})
    )
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        f"{path}:2: title_ru 'Bishkek' has no Cyrillic letter: write Russian in Cyrillic",
        f"{path}:3: title_az 'Баку' holds Cyrillic letters: write Azerbaijani in its Latin "
        "alphabet",
    ]


def test_a_download_carries_the_titles_and_loads_back_the_same():
    df = table(
        event("a", start="2001") | {"title_az": "Bakı, Gəncə", "title_ru": 'Баку, "Гянджа"'},
        event("b", start="1999") | {"title_ru": "=Формула"},
    )
    data = to_csv_bytes(df)
    rows = list(csv.DictReader(io.StringIO(data.decode(), newline="")))
    assert list(rows[0]) == list(schema.COLUMNS)
    assert [(r["title_az"], r["title_ru"]) for r in rows] == [
        ("", "'=Формула"),  # guarded against spreadsheets, unquoted again on load
        ("Bakı, Gəncə", 'Баку, "Гянджа"'),
    ]
    again = read_events(data, "export.csv")
    pd.testing.assert_frame_equal(again, by_date(df).reset_index(drop=True))
    assert to_csv_bytes(again) == data


def test_a_download_of_a_table_without_them_has_them_empty():
    data = text_of([c for c in schema.COLUMNS if c not in schema.OPTIONAL], {})
    exported = to_csv_bytes(read_events(data, "t.csv"))
    assert exported.decode().splitlines()[1].endswith(",,")
    pd.testing.assert_frame_equal(read_events(exported, "e.csv"), read_events(data, "t.csv"))


def test_every_shipped_event_has_its_title_in_azerbaijani_and_russian(events):
    for column in schema.OPTIONAL:
        missing = events.loc[events[column] == "", "id"].tolist()
        assert not missing, f"{column} is empty for {missing[:5]}"
