import hashlib
import io
from pathlib import Path

from timeline import docs, labels, schema
from timeline.__main__ import main
from timeline.filters import FilterState, apply_filters, prepare
from timeline.io import read_events

DOCS = Path(__file__).resolve().parents[1] / "docs" / "data.md"
SHIPPED = DOCS.parents[1] / "data" / "events.csv"
COVERAGE = DOCS.parent / "coverage.md"
README = DOCS.parents[1] / "README.md"


def test_docs_list_the_schemas_vocabularies_as_they_are_now():
    text = DOCS.read_text(encoding="utf-8")
    fresh = docs.refreshed(text, read_events(SHIPPED), ["vocabularies"])
    assert fresh == text, "run `make docs` to refresh docs/data.md"
    for code in [*schema.CATEGORIES, *schema.ORGANIZATIONS, *schema.TOPICS]:
        assert f"| `{code}` |" in text


def test_docs_name_every_column_in_order():
    text = DOCS.read_text(encoding="utf-8")
    positions = [text.index(f"| `{c}`") for c in schema.COLUMNS if c not in ("lat", "lon")]
    assert positions == sorted(positions)


def row_of(text: str, column: str) -> str:
    (row,) = [line for line in text.splitlines() if line.startswith(f"| `{column}`")]
    return row


def test_docs_state_the_schemas_lengths_and_years():
    text = DOCS.read_text(encoding="utf-8")
    fresh = docs.refreshed(text, read_events(SHIPPED), ["columns"])
    assert fresh == text, "run `make docs` to refresh docs/data.md"
    for column, most in schema.MAX_LENGTHS.items():
        assert f"{most:,} characters" in row_of(text, column), column
    for column in ("start_date", "end_date"):
        assert f"in the years {schema.YEAR_MIN}–{schema.YEAR_MAX}" in row_of(text, column)


def test_the_readme_states_the_limits_of_the_code(tmp_path):
    text = README.read_text(encoding="utf-8")
    fresh = docs.refreshed(text, read_events(SHIPPED), ["large-tables"])
    assert fresh == text, "run `make docs` to refresh README.md"
    assert f"the events\ntable lists the first {labels.TABLE_MAX:,} rows by date" in text
    # `make docs` rewrites a stale figure in the README.
    stale = tmp_path / "README.md"
    stale.write_text(
        text.replace(f"first {labels.TABLE_MAX:,} rows", "first 5,000 rows"), encoding="utf-8"
    )
    data_md, coverage = tmp_path / "data.md", tmp_path / "coverage.md"
    data_md.write_text(DOCS.read_text(encoding="utf-8"), encoding="utf-8")
    coverage.write_text(COVERAGE.read_text(encoding="utf-8"), encoding="utf-8")
    assert docs.update_all([data_md, coverage, stale], read_events(SHIPPED)) == [stale]
    assert stale.read_text(encoding="utf-8") == text


def test_docs_count_the_shipped_record_as_it_is_now():
    df = read_events(SHIPPED)
    text = DOCS.read_text(encoding="utf-8")
    fresh = docs.refreshed(text, df, ["record"])
    assert fresh == text, "run `make docs` after changing data/events.csv"
    assert f"| **all** | **{len(df):,}** |" in text
    worklist = COVERAGE.read_text(encoding="utf-8")
    fresh = docs.refreshed(worklist, df, ["worklist"])
    assert fresh == worklist, "run `make docs` to refresh the worklist"


def test_docs_cite_the_shipped_table_with_its_version_as_it_is_now():
    df = read_events(SHIPPED)
    text = DOCS.read_text(encoding="utf-8")
    assert docs.refreshed(text, df, ["citation"]) == text, "run `make docs`"
    version = hashlib.sha256(SHIPPED.read_bytes()).hexdigest()[:12]
    wars = (df["category"] == "war").sum()
    assert f"[data set; {wars} events; version {version}]. Accessed 2026-11-29, " in text


def test_the_council_of_europe_accession_is_not_filed_under_armenia():
    """Armenia joined the same day, in an act of its own: the row names no country, so neither
    the Country filter nor the countries map puts Azerbaijan's accession under Armenia."""
    df = prepare(read_events(SHIPPED))
    row = "2001-01-25-council-of-europe-membership"
    (countries,) = df.loc[df["id"] == row, "countries"]
    assert countries == ()
    assert row not in set(apply_filters(df, FilterState(countries=("ARM",)))["id"])
    assert row in set(apply_filters(df, FilterState(organizations=("CoE",)))["id"])


TABLE = (
    ",".join(c for c in schema.COLUMNS if c not in schema.OPTIONAL)  # they may be left out
    + """
a,A,diplomatic_relations,1992-05-11,,BRA,,bilateral-relations,,,,d,s,https://e.org/a
b,B,diplomatic_relations,1993,,BRA;TUV,,bilateral-relations,,,,d,s,https://e.org/b
c,C,diplomatic_relations,1918,1920,GEO,,bilateral-relations,,,,d,s,https://en.wikipedia.org/c
d,D,membership,1992-03-02,,,UN;UNGA,international-organizations,,,,d,Copy of Wikipedia,https://e.org/d
"""
)


def test_the_record_and_worklist_come_from_the_rows():
    df = read_events(io.BytesIO(TABLE.encode()), name="t.csv")
    assert docs.relations_dates(df) == {"BRA": "1992-05-11", "TUV": "1993"}  # 1918: not since 1991
    record = docs.record_markdown(df)
    assert "| Diplomatic relations | 3 |" in record and "| **all** | **4** |" in record
    assert (
        "dated for **2** of the 194" in record and "(1 to the day, 0 to the month, 1 to" in record
    )
    assert "**2** organizations have a membership row, 1 of the 46" in record
    assert "50% of the rows cite Wikipedia or a copy" in record
    worklist = docs.worklist_markdown(df)
    assert "- Brazil (`BRA`)" not in worklist and "- Georgia (`GEO`)" in worklist
    assert "- Tuvalu (`TUV`)" not in worklist and "- Holy See (`VAT`)" in worklist
    assert "### States without a dated relations row (192)" in worklist
    assert "(`UN`)" not in worklist and "- Universal Postal Union (`UPU`)" in worklist


def test_every_generated_part_has_its_place_and_is_written_afresh():
    df = read_events(SHIPPED)
    texts = {path: path.read_text(encoding="utf-8") for path in (DOCS, COVERAGE, README)}
    for name in docs.PARTS:
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        (path,) = [p for p, text in texts.items() if start in text and end in text]
        head, rest = texts[path].split(start, 1)
        stale = f"{head}{start}\nstale\n{end}{rest.split(end, 1)[1]}"
        assert docs.refreshed(stale, df) == texts[path], name


def test_the_docs_command_rewrites_what_is_stale_and_says_which(tmp_path, monkeypatch, capsys):
    for source, copy in ((SHIPPED, "data/events.csv"), (DOCS, "docs/data.md")):
        (tmp_path / copy).parent.mkdir(exist_ok=True)
        (tmp_path / copy).write_bytes(source.read_bytes())
    (tmp_path / "docs" / "coverage.md").write_bytes(COVERAGE.read_bytes())
    stale = README.read_text(encoding="utf-8").replace(f"{labels.TABLE_MAX:,} rows", "5 rows")
    (tmp_path / "README.md").write_text(stale, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["docs"]) == 0
    assert capsys.readouterr().out == "updated: README.md\n"
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == README.read_text("utf-8")
    assert main(["docs"]) == 0
    assert capsys.readouterr().out == "already up to date\n"
