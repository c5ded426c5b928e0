"""The generated parts of the docs (`make docs`), so they cannot drift: each sits between
`<!-- name:start -->` and `<!-- name:end -->` of its name in `PARTS`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from timeline import labels, maps, package, palette, schema, timeline_chart
from timeline.loading import DEFAULT_DATA, version_of

# The 192 other UN members and the observers the source article counts (Palestine, Holy See).
PARTNERS = tuple(schema.VOCABULARIES["country"])
# The organizations the source article lists Azerbaijan as belonging to.
ARTICLE_ORGANIZATIONS = tuple(
    """AsDB BSEC CoE CIS EAPC EBRD ECE ECO ESCAP FAO GUAM IAEA IBRD ICAO ICRM IDA IDB IFAD IFC
    IFRCS ILO IMF IMO Interpol IOC IOM ISO ITU ITUC OAS OIC OPCW OSCE PfP UN UNCTAD UNESCO
    UNIDO UPU WCO WFTU WHO WIPO WMO UNWTO WTO""".split()  # noqa: SIM905 (a list of codes reads best as words)
)


def vocabulary_markdown() -> str:
    """Markdown tables of the categories, organizations and topics, in schema order."""
    light, dark = palette.LIGHT.category, palette.DARK.category
    lines = ["| category | label | for | colour (light / dark page) |", "|---|---|---|---|"]
    lines += [
        f"| `{c}` | {label} | {schema.CATEGORY_HELP[c]} | `{light[c]}` / `{dark[c]}` |"
        for c, label in schema.CATEGORIES.items()
    ]
    lines += ["", "## Organizations", "", "| short name | organization |", "|---|---|"]
    lines += [f"| `{code}` | {name} |" for code, name in schema.ORGANIZATIONS.items()]
    lines += ["", "## Topics", "", "| topic | label |", "|---|---|"]
    lines += [f"| `{code}` | {label} |" for code, label in schema.TOPICS.items()]
    return "\n".join(lines)


def columns_markdown() -> str:
    """docs/data.md's table of the columns: each one's label and rule, with `schema`'s bounds."""
    n = {column: f"{most:,}" for column, most in schema.MAX_LENGTHS.items()}
    years = f"in the years {schema.YEAR_MIN}–{schema.YEAR_MAX}"
    bounds = schema.COORDINATE_BOUNDS.items()
    ranges = {c: f"{low}…{high}".replace("-", "−") for c, (_, low, high) in bounds}  # minus signs
    rules = {
        "id": "unique; lowercase letters, digits and hyphens, at most "
        f"{n['id']} characters, e.g. `1994-05-05-bishkek-protocol`",
        "title": f"1–{n['title']} characters",
        "category": "one of the categories below",
        "start_date": f"`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real date {years}",
        "end_date": f"same form, {years}, not before `start_date`; empty for an event of one day "
        "or less",
        "countries": "`;`-separated ISO 3166-1 alpha-3 codes, e.g. `ARM;RUS`; may be empty",
        "organizations": "`;`-separated short names from the list below; may be empty",
        "topics": "`;`-separated names from the list below; at least one",
        "location": f"a place name of at most {n['location']} characters, or empty",
        **{c: f"decimal degrees, {r}; given exactly when `location` is" for c, r in ranges.items()},
        "description": f"1–{n['description']} characters, 1–3 sentences in your own words",
        "source_title": f"1–{n['source_title']} characters",
        "source_url": "an `http://` or `https://` address (any case; kept with the scheme and "
        f"host in lower case) of at most {n['source_url']} characters, with no `user@` before "
        "the host, no backslash, space or control character, and a host of letters a-z, "
        "digits, hyphens and dots ending in a name (`xn--` for an international one; no IP "
        "address or percent-encoding)",
        "title_az": f"at most {n['title_az']} characters, no Cyrillic letter; optional: empty "
        "or left out, the English title shows",
        "title_ru": f"at most {n['title_ru']} characters with at least one Cyrillic letter; "
        "optional like `title_az`",
    }
    lines = ["| column | meaning | rule |", "|---|---|---|"]
    for column, (label, _) in schema.VOCABULARIES["column"].items():
        lines.append(f"| `{column}` | {label} | {rules[column]} |")
    return "\n".join(lines)


def relations_dates(df: pd.DataFrame) -> dict[str, str]:
    """Country -> the most precise start_date of its diplomatic_relations rows since 1991."""
    rows = df[(df["category"] == "diplomatic_relations") & (df["start"].dt.year >= 1991)]
    best: dict[str, str] = {}
    for date, countries in zip(rows["start_date"], rows["countries"], strict=True):
        for code in countries:
            if len(date) > len(best.get(code, "")):
                best[code] = date
    return best


def member_organizations(df: pd.DataFrame) -> set[str]:
    """The organizations that have a membership row."""
    return {o for items in df.loc[df["category"] == "membership", "organizations"] for o in items}


def record_markdown(df: pd.DataFrame) -> str:
    """The record in figures: events by category, relations by precision, sources."""
    counts = df["category"].value_counts()
    lines = ["| category | events |", "|---|---:|"]
    lines += [f"| {schema.CATEGORIES[c]} | {counts.get(c, 0):,} |" for c in schema.CATEGORIES]
    lines.append(f"| **all** | **{len(df):,}** |")
    dates = relations_dates(df)
    by_length = pd.Series([len(d) for d in dates.values()]).value_counts()
    forms = reversed(schema.VOCABULARIES["precision"].values())  # (to the day, YYYY-MM-DD) first
    precise = ", ".join(f"{by_length.get(len(form), 0)} {name}" for name, form in forms)
    orgs = member_organizations(df)
    # Wikipedia, or a mirror, copy or translation of it.
    wiki = (df["source_url"] + " " + df["source_title"]).str.contains("wiki", case=False).mean()
    lines += [
        "",
        f"- Diplomatic relations since independence are dated for **{len(dates)}** of the "
        f"{len(PARTNERS)} UN member and observer states ({precise}).",
        f"- Memberships: **{len(orgs)}** organizations have a membership row, "
        f"{len(orgs & set(ARTICLE_ORGANIZATIONS))} of the {len(ARTICLE_ORGANIZATIONS)} the source "
        "article lists.",
        f"- {wiki:.0%} of the rows cite Wikipedia or a copy of it; the others cite ministries, "
        "embassies, treaties, UN documents, the organizations themselves or news agencies.",
    ]
    return "\n".join(lines)


def worklist_markdown(df: pd.DataFrame) -> str:
    """The states without a dated relations row and the article's organizations without one."""
    dates = relations_dates(df)
    missing = sorted((c for c in PARTNERS if c not in dates), key=schema.country_name)
    orgs = member_organizations(df)
    no_row = [o for o in ARTICLE_ORGANIZATIONS if o not in orgs]
    lines = [f"### States without a dated relations row ({len(missing)})", ""]
    lines += [f"- {schema.country_name(c)} (`{c}`)" for c in missing]
    lines += ["", f"### Organizations of the source article without a row ({len(no_row)})", ""]
    lines += [f"- {schema.ORGANIZATIONS.get(o, o)} (`{o}`)" for o in no_row]
    return "\n".join(lines)


def large_tables_markdown() -> str:
    """README.md's sentence on large tables, with the thresholds the figures and the table use."""
    detail, places, rows = (
        f"{n:,}" for n in (timeline_chart.DETAIL_MAX, maps.PLACES_MAX, labels.TABLE_MAX)
    )
    return (
        f"Tables of up to a million events work: above {detail} events the timeline shows, per "
        "category,\nhow many events are under way in each period (and the individual events "
        f"again once the\nfilters leave {detail} or fewer); above {places} located events the "
        "map's marks stop listing\ntheir events and, when there are more than "
        f"{places} places, stand for grid cells; the events\ntable lists the first {rows} rows "
        "by date (the download has them all)."
    )


def citation_markdown(df: pd.DataFrame) -> str:
    """docs/data.md's example citation: of the shipped table's wars, downloaded on a fixed day."""
    wars = int((df["category"] == "war").sum())
    url = "http://localhost:8501/?category=war"
    day = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    text = package.citation(wars, url, day, version_of(DEFAULT_DATA.read_bytes()))
    return "> " + text


PARTS: dict[str, Callable[[pd.DataFrame], str]] = {
    "vocabularies": lambda df: vocabulary_markdown(),  # docs/data.md
    "columns": lambda df: columns_markdown(),
    "citation": citation_markdown,
    "record": record_markdown,
    "worklist": worklist_markdown,  # docs/coverage.md
    "large-tables": lambda df: large_tables_markdown(),  # README.md
}


def refreshed(text: str, df: pd.DataFrame, parts: Iterable[str] = PARTS) -> str:
    """`text` with each of the generated `parts` it holds written afresh, for the table `df`."""
    for name in parts:
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if start in text:
            head, rest = text.split(start, 1)
            text = f"{head}{start}\n{PARTS[name](df)}\n{end}{rest.split(end, 1)[1]}"
    return text


def update_all(paths: Iterable[Path], df: pd.DataFrame) -> list[Path]:
    """Rewrite every generated part of the files at `paths`; the files that changed."""
    changed = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if (new := refreshed(text, df)) != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
