import io
from pathlib import Path

from timeline import docs, schema
from timeline.docs import with_vocabularies
from timeline.io import read_events

DOCS = Path(__file__).resolve().parents[1] / "docs" / "data.md"


def test_docs_list_the_schemas_vocabularies_as_they_are_now():
    text = DOCS.read_text(encoding="utf-8")
    assert with_vocabularies(text) == text, "run `make docs` to refresh docs/data.md"
    for code in [*schema.CATEGORIES, *schema.ORGANIZATIONS, *schema.TOPICS]:
        assert f"| `{code}` |" in text


def test_docs_name_every_column_in_order():
    text = DOCS.read_text(encoding="utf-8")
    positions = [text.index(f"| `{c}`") for c in schema.COLUMNS if c not in ("lat", "lon")]
    assert positions == sorted(positions)


SHIPPED = DOCS.parents[1] / "data" / "events.csv"
COVERAGE = DOCS.parent / "coverage.md"


def test_docs_count_the_shipped_record_as_it_is_now():
    df = read_events(SHIPPED)
    text = DOCS.read_text(encoding="utf-8")
    assert docs.with_record(text, df) == text, "run `make docs` after changing data/events.csv"
    assert f"| **all** | **{len(df):,}** |" in text
    worklist = COVERAGE.read_text(encoding="utf-8")
    assert docs.with_worklist(worklist, df) == worklist, "run `make docs` to refresh the worklist"


TABLE = (
    ",".join(schema.COLUMNS)
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
