"""Command line: `python -m timeline validate [PATH] [--stories STORIES]` and `python -m timeline
docs`. Without PATH, validate checks the shipped table and then its stories against it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from timeline.docs import update_all
from timeline.io import EventTableError, problems_found, read_events
from timeline.stories import read_stories

DEFAULT_DATA = "data/events.csv"
DEFAULT_STORIES = "data/stories.csv"  # checked with DEFAULT_DATA: their steps are its events
DOCS = ("docs/data.md", "docs/coverage.md", "README.md")  # the files with generated parts


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 valid, 1 problems found)."""
    parser = argparse.ArgumentParser(prog="python -m timeline")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "validate", help="check an event table (and stories) against the schema"
    )
    check.add_argument("path", nargs="?", help=f"default: {DEFAULT_DATA}")
    check.add_argument(
        "--stories", help=f"stories to check against the table (without PATH: {DEFAULT_STORIES})"
    )
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
    stories_path = args.stories or (None if args.path else DEFAULT_STORIES)
    try:
        df = read_events(args.path or DEFAULT_DATA)
        stories = read_stories(stories_path, df["id"]) if stories_path else None
    except EventTableError as exc:
        for line in exc.messages():
            print(line)
        print(problems_found(exc.count, bool(exc.unchecked_from)), file=sys.stderr)
        return 1
    span = f"{df['start'].min().year}–{df['end'].max().year}"
    told = ""
    if stories is not None:
        steps = sum(len(story.steps) for story in stories.values())
        told = f"; {_count(len(stories), 'story', 'stories')}, {_count(steps, 'step', 'steps')}"
    print(f"OK: {_count(len(df), 'event', 'events')}, {span}{told}")
    return 0


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


if __name__ == "__main__":
    sys.exit(main())
