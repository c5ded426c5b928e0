"""The generated parts of the docs, so they cannot drift: the column and vocabulary tables of
docs/data.md (from `timeline.schema`), the record's counts (from data/events.csv) and the
coverage worklist in docs/coverage.md (the states and organizations without a dated row)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from timeline import labels, maps, palette, schema, timeline_chart

START = "<!-- vocabularies:start -->"
END = "<!-- vocabularies:end -->"
RECORD = ("<!-- record:start -->", "<!-- record:end -->")
WORKLIST = ("<!-- worklist:start -->", "<!-- worklist:end -->")
COLUMNS = ("<!-- columns:start -->", "<!-- columns:end -->")
LARGE_TABLES = ("<!-- large-tables:start -->", "<!-- large-tables:end -->")  # in README.md

# The 193 UN member states (ISO 3166-1 alpha-3), plus the two observer states the source
# article counts among Azerbaijan's relations: Palestine and the Holy See.
UN_MEMBERS = tuple(
    """AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH
    BWA BRA BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG COD CRI CIV HRV CUB
    CYP CZE DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA
    GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN
    KIR PRK KOR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT
    MUS MEX FSM MDA MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK
    PLW PAN PNG PRY PER PHL POL PRT QAT ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC
    SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK TZA THA TLS TGO TON TTO
    TUN TUR TKM TUV UGA UKR ARE GBR USA URY UZB VUT VEN VNM YEM ZMB ZWE""".split()  # noqa: SIM905 (a list of codes reads best as words)
)
PARTNERS = tuple(c for c in (*UN_MEMBERS, "PSE", "VAT") if c != "AZE")
# The organizations the source article lists Azerbaijan as belonging to.
ARTICLE_ORGANIZATIONS = tuple(
    """AsDB BSEC CoE CIS EAPC EBRD ECE ECO ESCAP FAO GUAM IAEA IBRD ICAO ICRM IDA IDB IFAD IFC
    IFRCS ILO IMF IMO Interpol IOC IOM ISO ITU ITUC OAS OIC OPCW OSCE PfP UN UNCTAD UNESCO
    UNIDO UPU WCO WFTU WHO WIPO WMO UNWTO WTO""".split()  # noqa: SIM905 (a list of codes reads best as words)
)


def vocabulary_markdown() -> str:
    """Markdown tables of the categories, organizations and topics, in schema order."""
    lines = ["| category | label | for | colour (light / dark page) |", "|---|---|---|---|"]
    for code, label in schema.CATEGORIES.items():
        light, dark = palette.LIGHT.category[code], palette.DARK.category[code]
        lines.append(
            f"| `{code}` | {label} | {schema.CATEGORY_HELP[code]} | `{light}` / `{dark}` |"
        )
    lines += ["", "## Organizations", "", "| short name | organization |", "|---|---|"]
    lines += [f"| `{code}` | {name} |" for code, name in schema.ORGANIZATIONS.items()]
    lines += ["", "## Topics", "", "| topic | label |", "|---|---|"]
    lines += [f"| `{code}` | {label} |" for code, label in schema.TOPICS.items()]
    return "\n".join(lines)


def columns_markdown() -> str:
    """docs/data.md's table of the columns: each one's meaning and rule, with the lengths and
    years that `schema` enforces."""
    n = {column: f"{most:,}" for column, most in schema.MAX_LENGTHS.items()}
    years = f"in the years {schema.YEAR_MIN}–{schema.YEAR_MAX}"
    return "\n".join(
        [
            "| column | meaning | rule |",
            "|---|---|---|",
            "| `id` | stable identifier | unique; lowercase letters, digits and hyphens, at most "
            f"{n['id']} characters, e.g. `1994-05-05-bishkek-protocol` |",
            f"| `title` | short headline | 1–{n['title']} characters |",
            "| `category` | what kind of event | one of the categories below |",
            "| `start_date` | when it began | `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real date "
            f"{years} |",
            f"| `end_date` | when it ended | same form, {years}, not before `start_date`; empty "
            "for an event of one day or less |",
            "| `countries` | states involved besides Azerbaijan | `;`-separated ISO 3166-1 "
            "alpha-3 codes, e.g. `ARM;RUS`; may be empty |",
            "| `organizations` | international organizations involved | `;`-separated short "
            "names from the list below; may be empty |",
            "| `topics` | themes, for filtering | `;`-separated names from the list below; at "
            "least one |",
            f"| `location` | where it happened | a place name of at most {n['location']} "
            "characters, or empty |",
            "| `lat`, `lon` | coordinates of `location` | decimal degrees, −90…90 and −180…180; "
            "given exactly when `location` is |",
            "| `description` | what happened and why it matters | "
            f"1–{n['description']} characters, 1–3 sentences in your own words |",
            f"| `source_title` | the cited page's title | 1–{n['source_title']} characters |",
            "| `source_url` | the cited page | an `http://` or `https://` address (any case; kept "
            f"with the scheme and host in lower case) of at most {n['source_url']} characters, "
            "with no `user@` before the host, no backslash, space or control character, and a "
            "host of letters a-z, digits, hyphens and dots ending in a name (`xn--` for an "
            "international one; no IP address or percent-encoding) |",
        ]
    )


def with_vocabularies(text: str) -> str:
    """`text` with the part between the vocabulary markers replaced by fresh tables."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{vocabulary_markdown()}\n{END}{tail}"


def _replace(text: str, markers: tuple[str, str], body: str) -> str:
    head, rest = text.split(markers[0], 1)
    _, tail = rest.split(markers[1], 1)
    return f"{head}{markers[0]}\n{body}\n{markers[1]}{tail}"


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


def cites_wikipedia(df: pd.DataFrame) -> pd.Series:
    """Rows whose source is Wikipedia or a mirror, copy or translation of it."""
    where = df["source_url"].astype(str) + " " + df["source_title"].astype(str)
    return where.str.contains(r"wiki", case=False, regex=True)


def record_markdown(df: pd.DataFrame) -> str:
    """The record in figures: events by category, relations by precision, sources."""
    counts = df["category"].value_counts()
    lines = ["| category | events |", "|---|---:|"]
    lines += [f"| {schema.CATEGORIES[c]} | {counts.get(c, 0):,} |" for c in schema.CATEGORIES]
    lines.append(f"| **all** | **{len(df):,}** |")
    dates = relations_dates(df)
    by_precision = pd.Series([len(d) for d in dates.values()]).value_counts()
    orgs = member_organizations(df)
    wiki = cites_wikipedia(df).mean()
    lines += [
        "",
        f"- Diplomatic relations since independence are dated for **{len(dates)}** of the "
        f"{len(PARTNERS)} UN member and observer states ({by_precision.get(10, 0)} to the day, "
        f"{by_precision.get(7, 0)} to the month, {by_precision.get(4, 0)} to the year).",
        f"- Memberships: **{len(orgs)}** organizations have a membership row, "
        f"{len(orgs & set(ARTICLE_ORGANIZATIONS))} of the {len(ARTICLE_ORGANIZATIONS)} the source "
        "article lists.",
        f"- {wiki:.0%} of the rows cite Wikipedia or a copy of it; the others cite ministries, "
        "embassies, treaties, UN documents, the organizations themselves or news agencies.",
    ]
    return "\n".join(lines)


def worklist_markdown(df: pd.DataFrame) -> str:
    """The states with no dated relations row and the article's organizations with no
    membership row, by name."""
    dates = relations_dates(df)
    missing = sorted((c for c in PARTNERS if c not in dates), key=schema.country_name)
    orgs = member_organizations(df)
    no_row = [o for o in ARTICLE_ORGANIZATIONS if o not in orgs]
    lines = [f"### States without a dated relations row ({len(missing)})", ""]
    lines += [f"- {schema.country_name(c)} (`{c}`)" for c in missing]
    lines += ["", f"### Organizations of the source article without a row ({len(no_row)})", ""]
    lines += [f"- {schema.ORGANIZATIONS.get(o, o)} (`{o}`)" for o in no_row]
    return "\n".join(lines)


def with_record(text: str, df: pd.DataFrame) -> str:
    """docs/data.md's text with fresh counts of the record."""
    return _replace(text, RECORD, record_markdown(df))


def with_columns(text: str) -> str:
    """docs/data.md's text with a fresh table of the columns."""
    return _replace(text, COLUMNS, columns_markdown())


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


def with_large_tables(text: str) -> str:
    """README.md's text with a fresh sentence on large tables."""
    return _replace(text, LARGE_TABLES, large_tables_markdown())


def with_worklist(text: str, df: pd.DataFrame) -> str:
    """docs/coverage.md's text with a fresh worklist."""
    return _replace(text, WORKLIST, worklist_markdown(df))


def update_all(
    data_md: Path, coverage_md: Path, df: pd.DataFrame, readme: Path = Path("README.md")
) -> list[Path]:
    """Rewrite every generated part; the files that changed."""
    changed = []
    for path, fix in (
        (data_md, lambda t: with_columns(with_record(with_vocabularies(t), df))),
        (coverage_md, lambda t: with_worklist(t, df)),
        (readme, with_large_tables),
    ):
        text = path.read_text(encoding="utf-8")
        new = fix(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
