from pathlib import Path

from timeline import schema
from timeline.docs import with_vocabularies

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
