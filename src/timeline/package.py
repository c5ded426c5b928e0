"""A download people can cite: the filtered CSV in a zip with the names of the codes it uses
(`codes.csv`), a README for people and its Frictionless Data Package v1 descriptor
(`datapackage.json`): what the columns hold, the licence, the sources the rows cite, the filters
that chose them, the table's version and a citation.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd

from timeline import schema
from timeline.dates import DATE_RE
from timeline.export import export_filename, to_csv_bytes
from timeline.filters import FilterState, chosen
from timeline.labels import event_count

NAME = "azerbaijan-relations-timeline"
TITLE = "Azerbaijan Relations Timeline: the foreign relations of Azerbaijan, 1918-2020"
LICENSE: dict[str, str] = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
DESCRIPTOR, CODES, README = "datapackage.json", "codes.csv", "README.md"
# The columns that hold codes, each named in codes.csv.
CODED: tuple[str, ...] = ("category", *schema.LIST_COLUMNS)
# Table Schema patterns are XML Schema regexes: anchored, their groups plain.
_DATE = re.sub(r"\(\?(P<\w+>|:)", "(", DATE_RE.pattern).strip("^$")


# Columns whose cells may begin like a spreadsheet formula, so that the CSV writes them with a
# `'` in front (timeline.csvsafe): the others hold codes, dates, vocabularies and http URLs.
GUARDED = ("id", "title", "location", "description", "source_title", *schema.OPTIONAL)
GUARD_NOTE = (
    " A cell that would begin with =, +, -, @, a tab or a carriage return (or a full-width"
    " = + - @) is written with a ' in front, so that no spreadsheet runs it as a formula:"
    " remove that one ' to read the value (maxLength counts it)."
)


def _constraints(column: str) -> dict[str, Any]:
    """A column's Table Schema constraints, true of its cells as the CSV writes them."""
    rules: dict[str, Any] = {"required": True} if column in schema.REQUIRED else {}
    if column == "id":
        # schema.ID_RE; an id that begins with "-" is written "'-" (GUARD_NOTE).
        rules |= {"unique": True, "pattern": "('-[a-z0-9-]*|[a-z0-9][a-z0-9-]*)"}
    elif column == "category":
        rules["enum"] = list(schema.CATEGORIES)
    elif column in ("start_date", "end_date"):
        rules["pattern"] = _DATE
    elif column in schema.LIST_COLUMNS:
        codes = schema.list_vocabulary(column)
        item = "[A-Z]{3}" if column == "countries" else "|".join(map(re.escape, codes))
        rules["pattern"] = f"({item})({re.escape(schema.LIST_SEP)}({item}))*"
    elif column in schema.COORDINATE_BOUNDS:
        _, low, high = schema.COORDINATE_BOUNDS[column]
        rules |= {"minimum": low, "maximum": high}
    if column in schema.MAX_LENGTHS:
        rules["maxLength"] = schema.MAX_LENGTHS[column] + (column in GUARDED)
    return rules


def fields() -> list[dict[str, Any]]:
    """The Table Schema fields of the table's columns: types, descriptions, constraints."""
    out = []
    for column in schema.COLUMNS:
        field: dict[str, Any] = {
            "name": column,
            "type": "number" if column in schema.COORDINATE_BOUNDS else "string",
            "description": schema.COLUMN_HELP[column] + (GUARD_NOTE if column in GUARDED else ""),
        }
        if column == "source_url":
            field["format"] = "uri"
        if rules := _constraints(column):
            field["constraints"] = rules
        out.append(field)
    return out


def filters_applied(state: FilterState) -> dict[str, Any]:
    """The filters as the URL writes them (parameter -> values); empty when there are none."""
    return {f.param: f.applied(value) for f, value in chosen(state)}


def citation(n: int, share_url: str | None, created: dt.datetime, version: str) -> str:
    """A suggested citation of the download: the table's version, the date it was accessed."""
    where = f", {share_url}" if share_url else ""
    return (
        f"Azerbaijan Relations Timeline ({created.year}). The foreign relations of Azerbaijan, "
        f"1918-2020 [data set; {event_count(n)}; version {version}]. Accessed "
        f"{created.date().isoformat()}{where}. Licence: CC BY 4.0."
    )


def codes(df: pd.DataFrame) -> pd.DataFrame:
    """The codes the rows of `df` use, with their names (`column`, `code`, `name`): categories,
    organizations and topics in the vocabularies' order, countries by code."""
    names = {c: schema.list_vocabulary(c) for c in schema.LIST_COLUMNS}
    names |= {"category": schema.CATEGORIES, "countries": dict(sorted(names["countries"].items()))}
    # The distinct lists first: a large table repeats them (exploding a million rows takes 30 s).
    used = {column: set(df[column].unique()) for column in CODED}
    used |= {column: set().union(*used[column]) for column in schema.LIST_COLUMNS}
    rows = [(c, code, name) for c in CODED for code, name in names[c].items() if code in used[c]]
    return pd.DataFrame(rows, columns=["column", "code", "name"])


# codes.csv's Table Schema fields: every cell filled, the column one of CODED.
CODE_FIELDS: list[dict[str, Any]] = [
    {"name": name, "type": "string", "description": text, "constraints": {"required": True} | more}
    for name, text, more in (
        ("column", "The events' column that holds the code", {"enum": list(CODED)}),
        ("code", "The code as the events' CSV writes it", {}),
        ("name", "What the code stands for", {}),
    )
]
# What the two CSV files of the package have in common.
_CSV = {
    "profile": "tabular-data-resource",
    "format": "csv",
    "mediatype": "text/csv",
    "encoding": "utf-8",
}


def descriptor(
    df: pd.DataFrame,
    state: FilterState,
    share_url: str | None,
    created: dt.datetime,
    csv_name: str,
    version: str,
) -> dict[str, Any]:
    """The `datapackage.json` for the rows of `df` written to `csv_name` (and their codes to
    `CODES`), from the table of this `version`."""
    chosen = filters_applied(state)
    n = len(df)
    sources = df[["source_title", "source_url"]].astype(str).drop_duplicates()  # in rows' order
    what = (
        f"All {event_count(n)} of the table"
        if not chosen
        else f"{event_count(n)} chosen by the filters {json.dumps(chosen)}"
    )
    return {
        "name": NAME,
        "title": TITLE,
        "description": (
            f"{what}, downloaded from the Azerbaijan Relations Timeline. "
            "Dates are only as precise as their sources (YYYY, YYYY-MM or YYYY-MM-DD); "
            "events of the Soviet period are coded to Russia (RUS)."
        ),
        "version": version,
        "created": created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [LICENSE],
        "keywords": ["Azerbaijan", "foreign relations", "diplomacy", "Nagorno-Karabakh"],
        "sources": [{"title": t, "path": u} for t, u in sources.itertuples(index=False)],
        "resources": [
            {
                "name": "events",
                "path": csv_name,
                **_CSV,
                "licenses": [LICENSE],
                "schema": {"fields": fields(), "primaryKey": ["id"], "missingValues": [""]},
            },
            {
                "name": "codes",
                "path": CODES,
                "description": "The codes the events use, each with its name.",
                **_CSV,
                "schema": {"fields": CODE_FIELDS, "primaryKey": ["column", "code"]},
            },
        ],
        "filters": chosen,
        "share_url": share_url or "",
        "citation": citation(len(df), share_url, created, version),
    }


def zip_name(state: FilterState) -> str:
    """The zip's file name: the CSV's, ending in `-with-sources.zip`."""
    return export_filename(state).removesuffix(".csv") + "-with-sources.zip"


def readme(meta: Mapping[str, Any], state: FilterState, n: int) -> str:
    """The zip's README for people: what the `n` rows are, its files, the columns, the codes,
    the dates, the `'` guard, the licence and how to cite, as the descriptor `meta` says."""
    csv_name = meta["resources"][0]["path"]
    what = " · ".join(f.words(value) for f, value in chosen(state))
    what = f", chosen by the filters {what}" if what else " (all of them)"
    columns = "\n".join(f"- `{c}`: {text}" for c, text in schema.COLUMN_HELP.items())
    guarded = ", ".join(f"`{c}`" for c in GUARDED)
    link = f"\n\nThe page that shows these events: {meta['share_url']}" if meta["share_url"] else ""
    return f"""# {TITLE}

{event_count(n)} of the Azerbaijan Relations Timeline's table{what}. The table's version is
{meta["version"]} (the first 12 hex digits of the SHA-256 of its file); downloaded
{meta["created"]}.{link}

## Files

- `{csv_name}`: the events, one per row (UTF-8, comma-separated, a header row).
- `{CODES}`: every code the events use (column, code, name), e.g. `countries,ARM,Armenia`.
- `{DESCRIPTOR}`: the same as a Frictionless Data Package: each column's type and rules, the
  licence, every source the rows cite, the filters. `frictionless validate {DESCRIPTOR}` checks
  both CSV files against it.
- `{README}`: this file.

## Columns

{columns}

## Codes

`category`, `organizations` and `topics` hold short codes, `countries` ISO 3166-1 alpha-3 codes;
a list is separated by `{schema.LIST_SEP}`. `{CODES}` names each one. Azerbaijan itself is never
listed; historical states are written as their modern successor (the Soviet Union as RUS).

## Dates

A date is only as precise as its source: `YYYY` (sometime in that year), `YYYY-MM` (in that
month) or `YYYY-MM-DD` (that day). An empty `end_date` means an event of one day or less.

## The ' in front of some cells

{GUARD_NOTE.strip()} Only {guarded} can hold such cells.

## Licence

{LICENSE["title"]} ({LICENSE["path"]}): use, share and adapt the data,
also commercially, naming "Azerbaijan Relations Timeline" as the source.

## How to cite

{meta["citation"]}
"""


def to_zip_bytes(
    df: pd.DataFrame, state: FilterState, share_url: str | None, created: dt.datetime, version: str
) -> bytes:
    """A zip holding the rows of `df` as CSV (exactly the plain download's bytes), their codes,
    a README and their `datapackage.json`. The same rows, filters, URL, date and version give
    the same bytes."""
    csv_name = export_filename(state)
    meta = descriptor(df, state, share_url, created, csv_name, version)
    stamp = created.astimezone(dt.UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in (
            (README, readme(meta, state, len(df)).encode()),
            (csv_name, to_csv_bytes(df)),
            (CODES, codes(df).to_csv(index=False, lineterminator="\n").encode()),
            (DESCRIPTOR, (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode()),
        ):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()


def share_url(base: str | None, params: Mapping[str, list[str]]) -> str | None:
    """The page's address with the view's query parameters; None when the base is unknown."""
    if not base:
        return None
    parts = urlsplit(base)
    query = urlencode(params, doseq=True)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))
