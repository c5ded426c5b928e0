"""Command line: `python -m timeline validate [PATH]` and `python -m timeline docs`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from timeline.docs import update_all
from timeline.io import EventTableError, problems_found, read_events

DEFAULT_DATA = "data/events.csv"
DOCS = ("docs/data.md", "docs/coverage.md", "README.md")  # the files with generated parts


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 valid, 1 problems found)."""
    parser = argparse.ArgumentParser(prog="python -m timeline")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check an event table against the schema")
    check.add_argument("path", nargs="?", default=DEFAULT_DATA, help=f"default: {DEFAULT_DATA}")
    commands.add_parser("docs", help="rewrite the generated parts of " + ", ".join(DOCS))
    args = parser.parse_args(argv)
    if args.command == "docs":
        changed = update_all(map(Path, DOCS), read_events(DEFAULT_DATA))
        print("updated: " + ", ".join(map(str, changed)) if changed else "already up to date")
        return 0

    # A value from a table may hold any character: never let printing it raise.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        df = read_events(args.path)
    except EventTableError as exc:
        for line in exc.messages():
            print(line)
        print(problems_found(exc.count, bool(exc.unchecked_from)), file=sys.stderr)
        return 1
    span = f"{df['start'].min().year}–{df['end'].max().year}"
    print(f"OK: {len(df)} event{'s' if len(df) != 1 else ''}, {span}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
