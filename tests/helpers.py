"""What the tests share: the test tables, the header, a good row, and how to read a page that
AppTest ran (fixtures are in conftest.py)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from timeline import schema

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
DATA = ROOT / "tests" / "data"
SAMPLE = DATA / "sample.csv"
EDGE = DATA / "edge_cases.csv"
SHIPPED = ROOT / "data" / "events.csv"
HEADER = ",".join(schema.COLUMNS)
GOOD = (
    "1994-05-bishkek,Bishkek Protocol,ceasefire,1994-05-05,,ARM;RUS,CIS,nagorno-karabakh,"
    "Bishkek,42.87,74.57,A truce.,Bishkek Protocol,https://en.wikipedia.org/wiki/Bishkek_Protocol"
)
_COUNTER = re.compile(r"Showing \*\*([\d,]+)\*\* of \*\*([\d,]+)\*\* events?")


def counter(at) -> tuple[int, int] | None:
    """The sidebar's "Showing X of Y events" ("event" for one), or None when it has none."""
    for md in at.sidebar.markdown:
        m = _COUNTER.fullmatch(md.value)
        if m:
            return int(m[1].replace(",", "")), int(m[2].replace(",", ""))
    return None


def _plain(at, kind: str) -> list[str]:
    bodies = [h.proto.body for h in at.get("html")]
    return [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in bodies if f'"plain-{kind}"' in b]


def notices(at) -> list[str]:
    """The info boxes that show text as typed (ui.plain), unescaped."""
    return _plain(at, "info")


def errors(at) -> list[str]:
    """The error boxes that show text as typed (ui.plain), unescaped."""
    return _plain(at, "error")


def traces(fig, **meta) -> list:
    """A figure's traces whose `meta` has these values (e.g. kind="point")."""
    return [t for t in fig.data if all((t.meta or {}).get(k) == v for k, v in meta.items())]
