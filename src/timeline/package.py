"""A download people can cite: the filtered CSV in a zip with its Frictionless Data Package v1
descriptor (`datapackage.json`): what the columns hold, the licence, the sources the rows cite,
the filters that chose them and a citation.
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
DESCRIPTOR = "datapackage.json"
# Table Schema patterns are XML Schema regexes: anchored, their groups plain.
_DATE = re.sub(r"\(\?(P<\w+>|:)", "(", DATE_RE.pattern).strip("^$")


# Columns whose cells may begin like a spreadsheet formula, so that the CSV writes them with a
# `'` in front (timeline.csvsafe): the others hold codes, dates, vocabularies and http URLs.
GUARDED: tuple[str, ...] = ("id", "title", "location", "description", "source_title")
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


def citation(n: int, share_url: str | None, created: dt.datetime) -> str:
    """A suggested citation of the download."""
    where = f" {share_url}" if share_url else ""
    return (
        f"Azerbaijan Relations Timeline ({created.year}). The foreign relations of Azerbaijan, "
        f"1918-2020 [data set; {event_count(n)}]. Retrieved "
        f"{created.date().isoformat()}{',' if where else ''}{where}. Licence: CC BY 4.0."
    )


def descriptor(
    df: pd.DataFrame, state: FilterState, share_url: str | None, created: dt.datetime, csv_name: str
) -> dict[str, Any]:
    """The `datapackage.json` for the rows of `df` written to `csv_name`."""
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
        "created": created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [LICENSE],
        "keywords": ["Azerbaijan", "foreign relations", "diplomacy", "Nagorno-Karabakh"],
        "sources": [{"title": t, "path": u} for t, u in sources.itertuples(index=False)],
        "resources": [
            {
                "name": "events",
                "path": csv_name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "licenses": [LICENSE],
                "schema": {"fields": fields(), "primaryKey": ["id"], "missingValues": [""]},
            }
        ],
        "filters": chosen,
        "share_url": share_url or "",
        "citation": citation(len(df), share_url, created),
    }


def zip_name(state: FilterState) -> str:
    """The zip's file name: the CSV's, ending in `-with-sources.zip`."""
    return export_filename(state).removesuffix(".csv") + "-with-sources.zip"


def to_zip_bytes(
    df: pd.DataFrame, state: FilterState, share_url: str | None, created: dt.datetime
) -> bytes:
    """A zip holding the rows of `df` as CSV (exactly the plain download's bytes) and their
    `datapackage.json`. The same rows, filters, URL and date give the same bytes."""
    csv_name = export_filename(state)
    meta = descriptor(df, state, share_url, created, csv_name)
    stamp = created.astimezone(dt.UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in (
            (csv_name, to_csv_bytes(df)),
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
