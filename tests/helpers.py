"""What the tests share: the test tables, the header, a good row, builders of rows and tables,
and how to read a page that AppTest ran (fixtures are in conftest.py)."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pandas as pd

from timeline import schema
from timeline.io import read_events
from timeline.standing import standing_by_year

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
DATA = ROOT / "tests" / "data"
SAMPLE = DATA / "sample.csv"
EDGE = DATA / "edge_cases.csv"
SHIPPED = ROOT / "data" / "events.csv"
# The header and a good row of a table that leaves out the optional columns (schema.OPTIONAL),
# as a visitor's table may; FULL_HEADER names them too, as data/events.csv does.
HEADER = ",".join(c for c in schema.COLUMNS if c not in schema.OPTIONAL)
FULL_HEADER = ",".join(schema.COLUMNS)
GOOD = (
    "1994-05-bishkek,Bishkek Protocol,ceasefire,1994-05-05,,ARM;RUS,CIS,nagorno-karabakh,"
    "Bishkek,42.87,74.57,A truce.,Bishkek Protocol,https://en.wikipedia.org/wiki/Bishkek_Protocol"
)
GOOD_CELLS = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))
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


def event_ids(fig, kinds=("ranged", "point", "short-range")) -> list[str]:
    """Ids of the events drawn, from customdata (the selected-event ring excluded)."""
    ids: list[str] = []
    for trace in fig.data:
        meta = trace.meta or {}
        if meta.get("kind", "point") in kinds and trace.customdata is not None:
            ids += [str(c[0]) for c in trace.customdata]
    return ids


def clustered(fig) -> int:
    """How many events the timeline's clusters hold."""
    return sum(int(str(t).strip("</b>")) for c in traces(fig, kind="cluster") for t in c.text)


def good(**changes: str) -> str:
    """GOOD with some cells replaced, inserted as they are (quote them yourself)."""
    return ",".join({**GOOD_CELLS, **changes}[c] for c in GOOD_CELLS)


def event(
    id_: str,
    category: str = "war",
    start: str = "2000",
    end: str = "",
    countries: str = "",
    orgs: str = "",
    *,
    title: str | None = None,
    place: tuple[str, float, float] | None = None,
    source: str = "Src",
    topics: str = "security",
) -> dict[str, str]:
    """One event's cells (title "T {id_}", no place unless given), for csv_text and table."""
    where, lat, lon = place or ("", "", "")
    return {
        "id": id_, "title": f"T {id_}" if title is None else title, "category": category,
        "start_date": start, "end_date": end, "countries": countries, "organizations": orgs,
        "topics": topics, "location": where, "lat": str(lat), "lon": str(lon),
        "description": "Desc", "source_title": source, "source_url": f"https://example.org/{id_}",
    }  # fmt: skip


def csv_text(*rows: dict[str, str] | str) -> str:
    """A table's text: HEADER and the optional columns a dict row names, then each row: a line
    as typed, or cells quoted by the csv module (the cells a dict leaves out are GOOD's)."""
    named = {c for r in rows if isinstance(r, dict) for c in r}
    columns = [*GOOD_CELLS, *(c for c in schema.OPTIONAL if c in named)]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, restval="", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        if isinstance(r, str):
            out.write(r + "\n")
        else:
            writer.writerow({**GOOD_CELLS, **r})
    return out.getvalue()


def table(*rows: dict[str, str] | str, name: str = "t.csv") -> pd.DataFrame:
    """The loader's table of csv_text(*rows)."""
    return read_events(io.BytesIO(csv_text(*rows).encode()), name=name)


# A hand-made table with known dates for the standings (test_standing, test_relations).
STANDING_ROWS = (
    # The First Republic: a war with Armenia while relations existed; relations with the USA.
    event("war-1918", "war", "1918", "1920", "ARM", source="War source"),
    event("rel-arm-1918", "diplomatic_relations", "1918", "1921", "ARM"),
    event("rel-usa-1919", "diplomatic_relations", "1919-05-28", "", "USA"),
    event("rec-allies-1920", "recognition", "1920-01", "", "GBR;FRA"),
    # Independence again: the war that began in Soviet times, clashes, the 2020 war.
    event("war-1988", "war", "1988-02-20", "1994-05-12", "ARM"),
    event("clash-2016", "clash", "2016-04-01", "2016-04-05", "ARM"),
    event("clash-2020", "clash", "2020-07-12", "2020-07", "ARM"),
    event("war-2020", "war", "2020-09-27", "2020-11-10", "ARM;TUR;RUS"),
    event("strike-2020", "war", "2020-10-04", "", "ARM"),
    event("rec-fra", "recognition", "1991-12-31", "", "FRA"),
    event("rel-fra", "diplomatic_relations", "1995-06-10", "", "FRA", source="French MFA"),
    event("rec-deu", "recognition", "1992-01", "", "DEU"),
    event("rel-usa-1992", "diplomatic_relations", "1992-02-19", "", "USA", source="State Dept"),
    event("embassy-usa", "diplomatic_relations", "1992-03-16", "", "USA"),
    event("rel-tur", "diplomatic_relations", "1992-01-14", "", "TUR"),
    event("rel-rus", "diplomatic_relations", "1992-04-04", "", "RUS"),
    event("rel-lby", "diplomatic_relations", "1993", "2005-06", "LBY"),
    event("rel-blr", "diplomatic_relations", "1991-11", "", "BLR"),
    event("rel-ukr-1985", "diplomatic_relations", "1985", "", "UKR"),
    event("agreement-jpn", "agreement", "2000", "", "JPN"),
    event("un", "membership", "1992-03-02", "", "", "UN;UNGA"),
    event("osce", "membership", "1992-01-30", "", "", "OSCE"),
    event("coe", "membership", "2001-01-25", "", "ARM", "CoE;PACE"),
    event("un-again", "membership", "2006-05-09", "", "", "UN;UNHRC"),
)


def at(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each country's standing in `year`, indexed by country."""
    return standing_by_year(df, year).set_index("country")
