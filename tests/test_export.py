"""The CSV export: exact bytes, round trips through the loader, file names."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from helpers import FULL_HEADER, SAMPLE, SHIPPED

from timeline import schema
from timeline.__main__ import main as cli
from timeline.export import export_filename, to_csv_bytes
from timeline.filters import FilterState, apply_filters, by_date, prepare
from timeline.io import read_events

SMALL = (
    FULL_HEADER
    + "\n"
    + 'b-later,"Treaty, signed",agreement,1994-05-12,,RUS;ARM,CIS;UN,borders;mediation,'
    'Moscow,55.7558,37.60,"Says ""hello""",Src,https://example.org/b,"Müqavilə, imzalanıb",'
    "Договор подписан\n"
    "a-earlier,Vol<b>ontè</b>,scandal,1990,1991-02,,,corruption,,,,Plain text.,Src,"
    "https://example.org/a,,\n"
)


def read(text: str, **options: bool):
    return read_events(io.BytesIO(text.encode("utf-8")), name="small.csv", **options)


def test_exact_bytes_of_a_small_table():
    got = to_csv_bytes(read(SMALL))
    assert got == (
        FULL_HEADER.encode()
        + b"\n"
        + b"a-earlier,Vol<b>ont\xc3\xa8</b>,scandal,1990,1991-02,,,corruption,,,,Plain text.,Src,"
        b"https://example.org/a,,\n"
        b'b-later,"Treaty, signed",agreement,1994-05-12,,RUS;ARM,CIS;UN,borders;mediation,'
        + 'Moscow,55.7558,37.6,"Says ""hello""",Src,https://example.org/b,"Müqavilə, imzalanıb",'
        "Договор подписан\n".encode()
    )


def test_export_of_a_filtered_frame_has_only_its_rows():
    df = prepare(read_events(SAMPLE))
    filtered = apply_filters(df, FilterState(categories=("ceasefire",)))
    lines = to_csv_bytes(filtered).decode().splitlines()
    assert lines[0] == FULL_HEADER.strip()
    assert [line.split(",")[0] for line in lines[1:]] == ["bishkek-protocol", "ceasefire-2020"]


def test_rows_are_sorted_by_date_whatever_the_input_order():
    df = read_events(SAMPLE)
    shuffled = df.sample(frac=1, random_state=3)
    assert to_csv_bytes(shuffled) == to_csv_bytes(df)
    again = read_events(io.BytesIO(to_csv_bytes(shuffled)))
    assert again["start"].is_monotonic_increasing


def test_prepared_columns_are_not_exported():
    assert to_csv_bytes(prepare(read_events(SAMPLE))) == to_csv_bytes(read_events(SAMPLE))


@pytest.mark.parametrize(
    "path",
    [
        SAMPLE,
        SHIPPED,
    ],
)
def test_unfiltered_export_round_trips(path: Path):
    df = read_events(path)
    data = to_csv_bytes(df)
    again = read_events(io.BytesIO(data), name="export.csv")
    # The download's order is the table's (filters.by_date): start, then end.
    pd.testing.assert_frame_equal(again, by_date(df).reset_index(drop=True))


def test_sample_round_trips_byte_identical():
    assert to_csv_bytes(read_events(SAMPLE)) == SAMPLE.read_bytes()


def test_coordinates_are_written_as_the_file_wrote_them():
    df = read(SMALL, coordinate_text=True)
    assert b",Moscow,55.7558,37.60," in to_csv_bytes(df)


def test_coordinate_text_that_no_longer_matches_is_not_used():
    df = read(SMALL, coordinate_text=True)
    df.loc[df["id"] == "b-later", "lon"] = 38.5
    assert b",Moscow,55.7558,38.5," in to_csv_bytes(df)


def test_shipped_table_round_trips_byte_identical():
    """data/events.csv is kept in date order, so its unfiltered export is the file itself
    (`;` lists without spaces, coordinates as written, `\\n` line ends)."""
    data = SHIPPED.read_bytes()
    df = read_events(io.BytesIO(data), coordinate_text=True)
    assert to_csv_bytes(df) == data


def test_exported_file_passes_validate(tmp_path: Path, capsys):
    df = prepare(read_events(SAMPLE))
    out = tmp_path / "export.csv"
    out.write_bytes(to_csv_bytes(apply_filters(df, FilterState(query="war"))))
    assert cli(["validate", str(out)]) == 0
    assert "OK: " in capsys.readouterr().out


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (FilterState(), "azerbaijan-relations.csv"),
        (
            FilterState(categories=("war", "ceasefire"), years=(1988, 1994)),
            "azerbaijan-relations_1988-1994_war-ceasefire.csv",
        ),
        (FilterState(years=(2020, 2020)), "azerbaijan-relations_2020.csv"),
        (FilterState(years=(1994, 1988)), "azerbaijan-relations_1988-1994.csv"),
        (FilterState(categories=("peace_process",)), "azerbaijan-relations_peace-process.csv"),
        (
            FilterState(
                topics=("caviar-diplomacy",), countries=("ARM", "TUR"), organizations=("CoE",)
            ),
            "azerbaijan-relations_caviar-diplomacy_arm-tur_coe.csv",
        ),
        (
            FilterState(countries=("ARM", "TUR", "RUS", "IRN")),
            "azerbaijan-relations_4-countries.csv",
        ),
        (FilterState(query="Volontè bribes!"), "azerbaijan-relations_search-volonte-bribes.csv"),
        (FilterState(query="../../etc/passwd"), "azerbaijan-relations_search-etc-passwd.csv"),
        (FilterState(query="!!!"), "azerbaijan-relations.csv"),
    ],
)
def test_export_filename(state: FilterState, name: str):
    assert export_filename(state) == name


def test_filename_stays_short():
    state = FilterState(
        categories=("war", "ceasefire", "peace_process"), topics=("a", "b", "c"), query="x" * 300
    )
    assert len(export_filename(state)) <= 150


# --- Spreadsheet safety (OWASP CSV injection) ------------------------------------------------

HOSTILE = (
    FULL_HEADER + "\n" + "-1-2,=1+1,war,1994,,,,borders,@SUM(A1),40.1800,-73.9680,"
    "+cmd|' /C calc'!A0,'=already quoted,https://example.org/x,-1 il,=Формула\n"
    "plain,'Quoted' title,war,1995,,,,borders,－1,1,2,"
    '"=HYPERLINK(""http://evil.example"",""x"")",＝x,https://example.org/y,,\n'
)


def test_formula_cells_get_a_quote_and_numbers_stay_numbers():
    df = read(HOSTILE, coordinate_text=True)
    assert to_csv_bytes(df) == (
        FULL_HEADER.encode()
        + b"\n'-1-2,'=1+1,war,1994,,,,borders,'@SUM(A1),40.1800,-73.9680,"
        + "'+cmd|' /C calc'!A0,'=already quoted,https://example.org/x,'-1 il,'=Формула\n".encode()
        + b"plain,'Quoted' title,war,1995,,,,borders,'\xef\xbc\x8d1,1,2,"
        b'"\'=HYPERLINK(""http://evil.example"",""x"")",\'\xef\xbc\x9dx,https://example.org/y,,\n'
    )


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_character_is_quoted(first: str):
    df = read(SMALL)
    df.loc[0, "title"] = first + "2+3"
    df.loc[0, "description"] = first + "cmd"
    rows = list(csv.reader(io.StringIO(to_csv_bytes(df).decode(), newline="")))
    by_id = {row[0]: dict(zip(schema.COLUMNS, row, strict=True)) for row in rows[1:]}
    row = by_id[df.loc[0, "id"]]
    assert row["title"] == "'" + first + "2+3"
    assert row["description"] == "'" + first + "cmd"
    assert not any(cell.startswith(tuple("=+-@\t\r")) for r in rows for cell in r if cell)


def test_quoted_cells_load_back_to_the_same_text():
    df = read(HOSTILE)
    assert df.set_index("id")["title"].to_dict() == {"-1-2": "=1+1", "plain": "'Quoted' title"}
    assert df.set_index("id")["source_title"].to_dict() == {
        "-1-2": "=already quoted",
        "plain": "＝x",
    }
    again = read(to_csv_bytes(df).decode())
    # The download's order is the table's (filters.by_date): start, then end.
    pd.testing.assert_frame_equal(again, by_date(df).reset_index(drop=True))
    assert to_csv_bytes(again) == to_csv_bytes(df)


def test_a_quoted_cell_at_the_length_limit_passes_validate(tmp_path: Path):
    df = read(SMALL)
    df.loc[0, "title"] = "=" + "x" * (schema.TITLE_MAX - 1)
    df.loc[0, "description"] = "-" * schema.DESCRIPTION_MAX
    out = tmp_path / "export.csv"
    out.write_bytes(to_csv_bytes(df))
    assert ("'=" + "x" * (schema.TITLE_MAX - 1)).encode() in out.read_bytes()
    assert cli(["validate", str(out)]) == 0
    assert read_events(out).set_index("id").loc[df.loc[0, "id"], "title"] == df.loc[0, "title"]


def test_a_carriage_return_inside_a_cell_is_quoted():
    """Python's csv writer (3.11) leaves a lone "\\r" unquoted with "\\n" line ends: a reader
    would end the record there."""
    df = read(SMALL)
    df.loc[0, "description"] = "first\rsecond"
    data = to_csv_bytes(df)
    assert b'"first\rsecond"' in data
    assert data.count(b"\n") == 3 and not data.endswith(b"\r\n")
    pd.testing.assert_frame_equal(
        read(data.decode()), df.sort_values("start", kind="stable").reset_index(drop=True)
    )
