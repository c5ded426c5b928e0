"""The download with sources: a zip of the filtered CSV and a Frictionless Data Package."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import frictionless
import pytest
from helpers import table

from timeline import package, schema
from timeline.export import to_csv_bytes
from timeline.filters import FilterState, apply_filters
from timeline.stories import Step, Story

WHEN = dt.datetime(2026, 11, 29, 12, 30, tzinfo=dt.UTC)
URL = "http://localhost:8501/?category=war&years=1988&years=1994"
WAR_8894 = FilterState(categories=("war",), years=(1988, 1994))
VERSION = "0123456789ab"


def unzip(data: bytes, where: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(where)
        return {name: zf.read(name) for name in zf.namelist()}


def test_the_zip_holds_the_plain_downloads_bytes_their_codes_a_readme_and_a_valid_descriptor(
    prepared, tmp_path
):
    rows = apply_filters(prepared, WAR_8894)
    files = unzip(package.to_zip_bytes(rows, WAR_8894, URL, WHEN, VERSION), tmp_path)
    csv_name = "azerbaijan-relations_1988-1994_war.csv"
    assert sorted(files) == ["README.md", csv_name, "codes.csv", "datapackage.json"]
    assert files[csv_name] == to_csv_bytes(rows)
    assert files["codes.csv"].decode() == (
        "column,code,name\n"
        "category,war,War\n"
        "countries,ARM,Armenia\n"
        "topics,nagorno-karabakh,Nagorno-Karabakh conflict\n"
        "topics,refugees,Refugees and displaced people\n"
    )
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    events, codes = report.tasks
    assert (events.name, events.stats["rows"]) == ("events", len(rows)) and len(rows) > 0
    assert (codes.name, codes.stats["rows"]) == ("codes", 4)


def test_the_codes_name_every_code_the_shipped_rows_use_and_no_other(events):
    shipped = events
    codes = package.codes(shipped)
    for column in package.CODED:
        used = set(shipped[column].explode().dropna())
        assert set(codes.loc[codes["column"] == column, "code"]) == used, column
    assert not codes.duplicated(["column", "code"]).any()
    countries = codes[codes["column"] == "countries"]
    assert list(countries["code"]) == sorted(countries["code"])
    assert (countries["name"] != countries["code"]).all()  # each one named, not echoed
    named = dict(zip(codes["code"], codes["name"], strict=True))
    assert named["ARM"] == "Armenia" and named["CoE"] == "Council of Europe"
    assert named["nagorno-karabakh"] == "Nagorno-Karabakh conflict"


def test_the_readme_explains_the_files_columns_codes_dates_guard_licence_and_citation(
    prepared, tmp_path
):
    rows = apply_filters(prepared, WAR_8894)
    files = unzip(package.to_zip_bytes(rows, WAR_8894, URL, WHEN, VERSION), tmp_path)
    text = files["README.md"].decode()
    meta = json.loads(files["datapackage.json"])
    assert text.startswith(
        f"# {package.TITLE}\n\n1 event of the Azerbaijan Relations Timeline's table, chosen by "
        f"the filters War · 1988–1994. The table's version is\n{VERSION} "
    )
    for name in files:
        assert f"`{name}`" in text
    for column in schema.COLUMNS:
        assert f"- `{column}`: {schema.COLUMN_HELP[column]}\n" in text
    assert "ISO 3166-1 alpha-3" in text and "`codes.csv` names each one" in text
    assert "`YYYY` (sometime in that year)" in text
    assert f"{package.GUARD_NOTE.strip()} Only `id`, `title`, `location`, " in text
    assert package.LICENSE["path"] in text
    assert f"version {VERSION}" in text and URL in text
    assert text.endswith(f"## How to cite\n\n{meta['citation']}\n")


@pytest.mark.parametrize(
    ("column", "bad"),
    [
        ("category", "battle"),
        ("topics", "nagorno-karabakh;gossip"),
        ("organizations", "UN;XYZ"),
        ("start_date", "1994-5-5"),
        ("lat", "95"),
    ],
)
def test_the_descriptor_catches_a_value_outside_the_vocabularies(prepared, tmp_path, column, bad):
    """The schema's constraints are real: the same CSV with one broken cell fails."""
    unzip(package.to_zip_bytes(prepared, FilterState(), None, WHEN, VERSION), tmp_path)
    path = tmp_path / "azerbaijan-relations.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1][rows[0].index(column)] = bad
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    assert not frictionless.validate(tmp_path / "datapackage.json").valid


@pytest.mark.parametrize(
    "bad", ["country,ARM,Armenia", "countries,ARM,", "category,war,War"]
)  # not one of the coded columns; no name; a code twice
def test_the_descriptor_catches_a_broken_row_of_the_codes(prepared, tmp_path, bad):
    unzip(package.to_zip_bytes(prepared, FilterState(), None, WHEN, VERSION), tmp_path)
    path = tmp_path / "codes.csv"
    path.write_text(path.read_text(encoding="utf-8") + bad + "\n", encoding="utf-8")
    assert not frictionless.validate(tmp_path / "datapackage.json").valid


def test_the_descriptor_says_what_was_filtered_what_is_cited_and_how_to_cite(prepared):
    rows = apply_filters(prepared, WAR_8894)
    assert len(rows) == 1
    meta = package.descriptor(rows, WAR_8894, URL, WHEN, "events.csv", VERSION)
    assert meta["description"].startswith(
        '1 event chosen by the filters {"category": ["war"], "years": [1988, 1994]}'
    )
    assert meta["licenses"] == [package.LICENSE]
    assert meta["created"] == "2026-11-29T12:30:00Z"
    assert meta["filters"] == {"category": ["war"], "years": [1988, 1994]}
    assert meta["share_url"] == URL
    assert meta["sources"] == [
        {"title": rows.source_title.iloc[0], "path": rows.source_url.iloc[0]}
    ]
    assert meta["version"] == VERSION
    assert meta["citation"] == (
        "Azerbaijan Relations Timeline (2026). The foreign relations of Azerbaijan, 1918-2020 "
        f"[data set; 1 event; version {VERSION}]. Accessed 2026-11-29, {URL}. Licence: CC BY 4.0."
    )
    fields = meta["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == list(schema.COLUMNS)
    category = next(f for f in fields if f["name"] == "category")
    assert category["constraints"]["enum"] == list(schema.CATEGORIES)


def test_each_source_is_listed_once_in_the_rows_order(prepared):
    meta = package.descriptor(prepared, FilterState(), None, WHEN, "events.csv", VERSION)
    cited = list(zip(prepared.source_title, prepared.source_url, strict=True))
    assert [(s["title"], s["path"]) for s in meta["sources"]] == list(dict.fromkeys(cited))
    assert len(meta["sources"]) < len(prepared)  # the prepared cites some pages twice


def test_the_same_rows_filters_url_and_time_give_the_same_bytes(prepared):
    one = package.to_zip_bytes(prepared, FilterState(), URL, WHEN, VERSION)
    assert one == package.to_zip_bytes(prepared, FilterState(), URL, WHEN, VERSION)
    assert one != package.to_zip_bytes(prepared, FilterState(), None, WHEN, VERSION)
    assert one != package.to_zip_bytes(prepared, FilterState(), URL, WHEN, "ba9876543210")


def test_an_unfiltered_package_says_all_events_and_has_no_url_when_none_is_known(prepared):
    meta = package.descriptor(prepared, FilterState(), None, WHEN, "events.csv", VERSION)
    assert meta["filters"] == {} and meta["share_url"] == ""
    assert meta["description"].startswith(f"All {len(prepared)} events of the table, downloaded")
    assert "Accessed 2026-11-29. Licence" in meta["citation"]
    assert json.loads(json.dumps(meta)) == meta


@pytest.mark.parametrize(
    ("base", "params", "url"),
    [
        (None, {"category": ["war"]}, None),
        ("http://h:1/", {}, "http://h:1/"),
        ("http://h:1", {"q": ["x"]}, "http://h:1/?q=x"),  # as st.context.url gives it
        ("https://h/app/", {"years": ["1988", "1994"]}, "https://h/app/?years=1988&years=1994"),
        ("http://h:1/", {"category": ["war", "clash"], "q": ["a b"]},
         "http://h:1/?category=war&category=clash&q=a+b"),
    ],
)  # fmt: skip
def test_share_url(base, params, url):
    assert package.share_url(base, params) == url


def test_zip_name():
    assert package.zip_name(WAR_8894) == "azerbaijan-relations_1988-1994_war-with-sources.zip"


def test_the_descriptor_validates_its_own_csv_when_the_formula_guard_adds_a_quote(tmp_path):
    """Cells at their longest that begin like a formula are written with a `'` in front
    (csvsafe): the descriptor's constraints still hold for exactly the bytes in the zip."""
    hostile = {
        "id": "-starts-with-a-hyphen",
        "title": "=" + "t" * (schema.MAX_LENGTHS["title"] - 1),
        "description": "+" + "d" * (schema.MAX_LENGTHS["description"] - 1),
        "location": "@" + "l" * (schema.MAX_LENGTHS["location"] - 1),
        "source_title": "@" + "s" * (schema.MAX_LENGTHS["source_title"] - 1),
        "title_az": "-" + "a" * (schema.MAX_LENGTHS["title_az"] - 1),
        "title_ru": "=" + "р" * (schema.MAX_LENGTHS["title_ru"] - 1),
    }
    other = {"id": "-", "title": "\uff1d" + "t" * 119, "description": "'=" + "d" * 498}
    rows = table(hostile, other, name="hostile.csv")
    assert rows["title"].str.len().max() == schema.MAX_LENGTHS["title"]  # at the limit
    files = unzip(package.to_zip_bytes(rows, FilterState(), None, WHEN, VERSION), tmp_path)
    assert b"\n'-starts-with-a-hyphen,'=ttt" in files["azerbaijan-relations.csv"]  # guarded
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    assert report.tasks[0].stats["rows"] == 2


def test_one_event_is_counted_in_the_singular(prepared):
    one = prepared.head(1)
    meta = package.descriptor(one, FilterState(), None, WHEN, "events.csv", VERSION)
    assert meta["description"].startswith("All 1 event of the table, downloaded")
    assert "[data set; 1 event; version" in meta["citation"]


def test_a_storys_package_holds_its_rows_and_names_the_story(prepared, tmp_path):
    story = Story("k", "Karabakh", "Intro.", (Step("war-2020", "A."), Step("un-membership", "B.")))
    state = FilterState(story=story)
    rows = apply_filters(prepared, state)
    files = unzip(package.to_zip_bytes(rows, state, None, WHEN, VERSION), tmp_path)
    assert package.zip_name(state) == "azerbaijan-relations_story-k-with-sources.zip"
    assert files["azerbaijan-relations_story-k.csv"] == to_csv_bytes(rows)
    meta = json.loads(files["datapackage.json"])
    assert meta["filters"] == {"story": {"id": "k", "title": "Karabakh"}}
    assert meta["description"].startswith('2 events chosen by the filters {"story": {"id": "k"')
    assert "Story: Karabakh" in files["README.md"].decode()
    assert frictionless.validate(tmp_path / "datapackage.json").valid
