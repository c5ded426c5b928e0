"""The vocabulary tables of docs/data.md, written from `timeline.schema` so they cannot drift."""

from __future__ import annotations

from pathlib import Path

from timeline import schema

START = "<!-- vocabularies:start -->"
END = "<!-- vocabularies:end -->"


def vocabulary_markdown() -> str:
    """Markdown tables of the categories, organizations and topics, in schema order."""
    lines = ["| category | label | for | colour |", "|---|---|---|---|"]
    for code, label in schema.CATEGORIES.items():
        help_text, colour = schema.CATEGORY_HELP[code], schema.CATEGORY_COLORS[code]
        lines.append(f"| `{code}` | {label} | {help_text} | `{colour}` |")
    lines += ["", "## Organizations", "", "| short name | organization |", "|---|---|"]
    lines += [f"| `{code}` | {name} |" for code, name in schema.ORGANIZATIONS.items()]
    lines += ["", "## Topics", "", "| topic | label |", "|---|---|"]
    lines += [f"| `{code}` | {label} |" for code, label in schema.TOPICS.items()]
    return "\n".join(lines)


def with_vocabularies(text: str) -> str:
    """`text` with the part between the vocabulary markers replaced by fresh tables."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{vocabulary_markdown()}\n{END}{tail}"


def update(path: Path) -> bool:
    """Rewrite the vocabulary tables in `path`; True if the file changed."""
    text = path.read_text(encoding="utf-8")
    new = with_vocabularies(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
