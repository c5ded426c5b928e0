"""The event table's columns, vocabularies and rules, declared once.

Everything else (the loader, the filters, the figures, the export, the docs' tables) reads them
from here. The column names are a public contract: users' own files rely on them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pycountry

from timeline import palette
from timeline.dates import parse_dates

# The columns of data/events.csv, in this order.
COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "category",
    "start_date",
    "end_date",
    "countries",
    "organizations",
    "topics",
    "location",
    "lat",
    "lon",
    "description",
    "source_title",
    "source_url",
)
# What each column holds, in a line (the data package's field descriptions; docs/data.md).
COLUMN_HELP: dict[str, str] = {
    "id": "Stable identifier: lowercase letters, digits and hyphens, unique",
    "title": "Short headline",
    "category": "What kind of event (one of the categories)",
    "start_date": "When it began: YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source",
    "end_date": "When it ended, in the same form; empty for an event of one day or less",
    "countries": "States involved besides Azerbaijan: ';'-separated ISO 3166-1 alpha-3 codes",
    "organizations": "International organizations involved: ';'-separated short names",
    "topics": "Themes: ';'-separated topic names, at least one",
    "location": "Where it happened, or empty",
    "lat": "Latitude of the location in decimal degrees (WGS 84)",
    "lon": "Longitude of the location in decimal degrees (WGS 84)",
    "description": "What happened and why it matters, in 1-3 sentences",
    "source_title": "Title of the cited source",
    "source_url": "Address of the cited source",
}
LIST_COLUMNS: tuple[str, ...] = ("countries", "organizations", "topics")
LIST_SEP = ";"
# Columns derived once per loaded table for fast filtering (`filters.prepare`); they start with
# "_" so that nothing mistakes them for the table's own (the export writes only COLUMNS).
KEY_COLUMNS: dict[str, str] = {col: f"_{col}_key" for col in LIST_COLUMNS}
TEXT_COLUMN = "_search_text"
PREPARED_COLUMNS: tuple[str, ...] = (*KEY_COLUMNS.values(), TEXT_COLUMN)
# Columns the loader adds to the frame it returns.
DERIVED_COLUMNS: tuple[str, ...] = ("start", "end", "precision")
# Columns the loader adds when asked (`read_events(..., coordinate_text=True)`): lat and lon as
# the file wrote them ("40.1800"), so that an export writes them back unchanged.
COORDINATE_TEXT: dict[str, str] = {"lat": "_lat_text", "lon": "_lon_text"}

ID_RE = re.compile(r"^[a-z0-9-]+$")
URL_RE = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+[^\s]*$", re.IGNORECASE)
# user:password@ before the host: `https://en.wikipedia.org:443@evil.example/` opens evil.example.
USERINFO_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#]*@", re.IGNORECASE)
# What browsers read otherwise than the address shows: a backslash (read as "/"), white space
# and control characters (dropped or kept, by browser).
URL_ODD_CHAR_RE = re.compile(r"[\\\x00-\x20\x7f-\x9f]")
# A host shown as it is opened: ASCII labels (an international name in its xn-- form), the last
# one starting with a letter (so no numeric forms such as 0x7f.1 or 2130706433), an optional
# port; no percent-encoding, brackets or other characters that browsers decode or rewrite.
URL_HOST_RE = re.compile(
    r"^https?://(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*(?::[0-9]{1,5})?(?:[/?#]|$)", re.IGNORECASE
)
# The host the events table shows for a source URL (in the browser, case-sensitive, so URLs
# are kept with their scheme and host in lower case: `normal_urls`).
URL_SHOWN_HOST = r"^https?://(?:www\.)?([^/?#:]+)"
# Bidirectional embeddings, overrides and isolates: invisible, they reorder the text shown.
BIDI_CONTROL_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
ID_MAX = 100
URL_MAX = 2000
TITLE_MAX = 120
DESCRIPTION_MAX = 500
# The longest each text column may be, in characters (the loader's rule; the data package's).
MAX_LENGTHS: dict[str, int] = {
    "id": ID_MAX,
    "title": TITLE_MAX,
    "location": 200,
    "description": DESCRIPTION_MAX,
    "source_title": 300,
    "source_url": URL_MAX,
}
# Periods of statehood, drawn behind the timeline and reading the Relations view:
# (label, first day, day it ended or None).
PERIODS: tuple[tuple[str, str, str | None], ...] = (
    ("Democratic Republic", "1918-05-28", "1920-04-28"),
    ("Soviet era", "1920-04-28", "1991-10-18"),
    ("Independence", "1991-10-18", None),
)

PRECISIONS: tuple[str, ...] = ("year", "month", "day")

# Category code -> label, in the order of the timeline's lanes (top to bottom).
CATEGORIES: dict[str, str] = {
    "statehood": "Statehood",
    "war": "War",
    "clash": "Clash",
    "ceasefire": "Ceasefire",
    "peace_process": "Peace process",
    "recognition": "Recognition",
    "diplomatic_relations": "Diplomatic relations",
    "membership": "Membership",
    "agreement": "Agreement",
    "statement": "Statement",
    "scandal": "Scandal",
}

# What each category is for (shown in the docs and as help in the app).
CATEGORY_HELP: dict[str, str] = {
    "statehood": "independence won or lost",
    "war": "wars",
    "clash": "skirmishes, short escalations",
    "ceasefire": "ceasefires, truces, armistices",
    "peace_process": "mediation, talks, UN resolutions on the conflict",
    "recognition": "recognition of a state's independence, by or of Azerbaijan",
    "diplomatic_relations": "relations established, suspended or broken; embassies",
    "membership": "joining an international organization",
    "agreement": "treaties, contracts and other agreements that are not ceasefires",
    "statement": "declarations, decrees and policy statements",
    "scandal": "corruption, bribery and lobbying scandals and the reports that exposed them",
}

# One colour per category, shared by every view: palette.LIGHT's (the dark page's are there too).
CATEGORY_COLORS: dict[str, str] = dict(palette.LIGHT.category)

# International organizations: short name -> full name.
ORGANIZATIONS: dict[str, str] = {
    "UN": "United Nations",
    "UNSC": "UN Security Council",
    "UNGA": "UN General Assembly",
    "OSCE": "Organization for Security and Co-operation in Europe (CSCE until 1995)",
    "ODIHR": "OSCE Office for Democratic Institutions and Human Rights",
    "CoE": "Council of Europe",
    "PACE": "Parliamentary Assembly of the Council of Europe",
    "NATO": "North Atlantic Treaty Organization",
    "EAPC": "Euro-Atlantic Partnership Council",
    "EU": "European Union",
    "EP": "European Parliament",
    "CIS": "Commonwealth of Independent States",
    "CST": "Collective Security Treaty (later CSTO)",
    "GUAM": "GUAM Organization for Democracy and Economic Development",
    "OIC": "Organisation of Islamic Cooperation",
    "NAM": "Non-Aligned Movement",
    "ECO": "Economic Cooperation Organization",
    "BSEC": "Organization of the Black Sea Economic Cooperation",
    "OTS": "Organization of Turkic States (Turkic Council until 2021)",
    "IMF": "International Monetary Fund",
    "WB": "World Bank",
    "EBRD": "European Bank for Reconstruction and Development",
    "WHO": "World Health Organization",
    "UNESCO": "UN Educational, Scientific and Cultural Organization",
    "WTO": "World Trade Organization",
    "OPEC": "Organization of the Petroleum Exporting Countries (and OPEC+)",
    "SCO": "Shanghai Cooperation Organisation",
    "CICA": "Conference on Interaction and Confidence-Building Measures in Asia",
    "ESI": "European Stability Initiative (think tank)",
    "ESISC": "European Strategic Intelligence and Security Center (think tank)",
    "LoN": "League of Nations",
    "OCCRP": "Organized Crime and Corruption Reporting Project (journalists' network)",
    # The rest of the memberships the source article lists (CIA World Factbook short names).
    "AsDB": "Asian Development Bank",
    "ECE": "UN Economic Commission for Europe",
    "ESCAP": "UN Economic and Social Commission for Asia and the Pacific",
    "FAO": "Food and Agriculture Organization of the UN",
    "IAEA": "International Atomic Energy Agency",
    "IBRD": "International Bank for Reconstruction and Development (World Bank Group)",
    "ICAO": "International Civil Aviation Organization",
    "ICRM": "International Red Cross and Red Crescent Movement",
    "IDA": "International Development Association (World Bank Group)",
    "IDB": "Islamic Development Bank",
    "IFAD": "International Fund for Agricultural Development",
    "IFC": "International Finance Corporation (World Bank Group)",
    "IFRCS": "International Federation of Red Cross and Red Crescent Societies",
    "ILO": "International Labour Organization",
    "IMO": "International Maritime Organization",
    "Interpol": "International Criminal Police Organization",
    "IOC": "International Olympic Committee",
    "IOM": "International Organization for Migration",
    "ISO": "International Organization for Standardization",
    "ITU": "International Telecommunication Union",
    "ITUC": "International Trade Union Confederation",
    "OAS": "Organization of American States",
    "OPCW": "Organisation for the Prohibition of Chemical Weapons",
    "PfP": "NATO Partnership for Peace",
    "NACC": "North Atlantic Cooperation Council (EAPC from 1997)",
    "UNCTAD": "UN Conference on Trade and Development",
    "UNIDO": "UN Industrial Development Organization",
    "UPU": "Universal Postal Union",
    "WCO": "World Customs Organization",
    "WFTU": "World Federation of Trade Unions",
    "WIPO": "World Intellectual Property Organization",
    "WMO": "World Meteorological Organization",
    "UNWTO": "World Tourism Organization",
    "UNHRC": "UN Human Rights Council",
    "ECOSOC": "UN Economic and Social Council",
}

# Topics: kebab-case name -> label. An event has at least one.
TOPICS: dict[str, str] = {
    "nagorno-karabakh": "Nagorno-Karabakh conflict",
    "independence": "Independence and statehood",
    "soviet-era": "Soviet era",
    "caviar-diplomacy": "Caviar diplomacy",
    "corruption": "Corruption and bribery",
    "lobbying": "Lobbying",
    "elections": "Elections",
    "human-rights": "Human rights",
    "energy": "Oil, gas and pipelines",
    "security": "Security and defence",
    "international-organizations": "International organizations",
    "mediation": "Mediation and peace talks",
    "un-resolutions": "UN resolutions",
    "european-integration": "European integration",
    "euro-atlantic": "Euro-Atlantic cooperation (NATO)",
    "post-soviet": "Post-Soviet cooperation",
    "islamic-world": "Islamic world",
    "turkic-world": "Turkic world",
    "neighbours": "Relations with neighbours",
    "great-powers": "Relations with great powers",
    "recognition": "Recognition of states",
    "borders": "Borders and territory",
    "trade": "Trade and economy",
    "refugees": "Refugees and displaced people",
    "nakhchivan": "Nakhchivan",
    "caspian-sea": "Caspian Sea",
    "transport": "Transport and transit corridors",
    "bilateral-relations": "Bilateral relations",
    "culture-sport": "Culture, sport and international events",
}

# Display names for codes where the ISO name is long or formal. Everything else comes from
# pycountry (its common name where it has one).
_COUNTRY_NAME_OVERRIDES: dict[str, str] = {
    "RUS": "Russia",
    "IRN": "Iran",
    "TUR": "Turkey",
    "SYR": "Syria",
    "MDA": "Moldova",
    "USA": "United States",
    "GBR": "United Kingdom",
    "VAT": "Holy See",
    "PSE": "Palestine",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "VEN": "Venezuela",
    "BOL": "Bolivia",
    "TZA": "Tanzania",
}


@cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-3 code -> short English name, for every code the table may use."""
    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names.update(_COUNTRY_NAME_OVERRIDES)
    return names


def country_name(code: str) -> str:
    """The display name of an ISO3 code; the code itself if it is unknown."""
    return country_names().get(code, code)


# ---------------------------------------------------------------------------------------------
# The rules on cells, as a pandera schema over the raw text frame (every cell a stripped string,
# "" when empty). Each check's `error` is the plain-words message a person sees; the loader adds
# the file, line, column and value. Rules that span rows (duplicate ids) live in the loader,
# because their message names a second line.


def _nonempty(s: pd.Series) -> pd.Series:
    return s != ""


def _optional(rule: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    """Apply `rule` to non-empty cells only; an empty cell passes."""
    return lambda s: (s == "") | rule(s)


def _matches(pattern: re.Pattern[str]) -> Callable[[pd.Series], pd.Series]:
    # With the pattern's flags: URL_RE ignores case (HTTPS:// is an address too).
    return lambda s: (
        s.str.fullmatch(pattern.pattern, flags=pattern.flags).fillna(False).astype(bool)
    )


def _lacks(pattern: re.Pattern[str]) -> Callable[[pd.Series], pd.Series]:
    return lambda s: (
        ~s.str.contains(pattern.pattern, flags=pattern.flags).fillna(False).astype(bool)
    )


def _real_date(s: pd.Series) -> pd.Series:
    return parse_dates(s)["first"].notna()


# The years a table may date events in. The views pad the time axis by a share of its span and
# label it in years on Python's calendar, which ends at years 1 and 9999: 0001 with 1994 or
# 9990 to 9999 could not be drawn. Within these bounds every view draws any table.
YEAR_MIN, YEAR_MAX = 1000, 2999
YEAR_ERROR = f"is outside the years {YEAR_MIN} to {YEAR_MAX}, which the dashboard can draw"


def _year_drawable(s: pd.Series) -> pd.Series:
    # Only real dates are judged: the others have their own message.
    parsed = parse_dates(s)
    first, last = parsed["first"].dt.year, parsed["last"].dt.year
    return (parsed["first"].isna() | (first >= YEAR_MIN) & (last <= YEAR_MAX)).astype(bool)


def _number_in(low: float, high: float) -> Callable[[pd.Series], pd.Series]:
    def check(s: pd.Series) -> pd.Series:
        x = pd.to_numeric(s, errors="coerce")
        return pd.Series(np.isfinite(x) & (x >= low) & (x <= high), index=s.index)

    return check


def bad_list_items(value: str, vocabulary: Iterable[str]) -> list[str]:
    """The items of a `;`-list that are not in `vocabulary` (an empty item shows as '')."""
    known = set(vocabulary)
    return [item.strip() for item in value.split(LIST_SEP) if item.strip() not in known]


def map_distinct(values: pd.Series, func: Callable[[Any], Any], dtype: Any = object) -> pd.Series:
    """`values.map(func)`, calling `func` once per distinct value (tuples included): tables
    repeat their lists, dates and places a lot."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(u) for u in uniques]  # element by element: tuples stay tuples
    return pd.Series(mapped[codes], index=values.index, dtype=dtype)


def _per_distinct(rule: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    """Evaluate `rule` once per distinct cell value: list cells repeat a lot in real tables."""

    def check(s: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(s, use_na_sentinel=False)
        verdict = rule(pd.Series(uniques, dtype=s.dtype)).to_numpy(dtype=bool)
        return pd.Series(verdict[codes], index=s.index)

    return check


def _list_in(vocabulary: Callable[[], Iterable[str]]) -> Callable[[pd.Series], pd.Series]:
    @_per_distinct
    def check(s: pd.Series) -> pd.Series:
        items = s.str.split(LIST_SEP).explode().str.strip()
        ok = items.isin(set(vocabulary()))
        return ok.groupby(level=0).all().reindex(s.index, fill_value=True)

    return check


@_per_distinct
def _no_repeats(s: pd.Series) -> pd.Series:
    items = s.str.split(LIST_SEP).explode().str.strip()
    pairs = pd.DataFrame({"row": items.index, "item": items.to_numpy()})
    repeated = pd.Series(pairs.duplicated().to_numpy(), index=items.index)
    return ~repeated.groupby(level=0).any().reindex(s.index, fill_value=False).astype(bool)


def _end_not_before_start(df: pd.DataFrame) -> pd.Series:
    start = parse_dates(df["start_date"])["first"]
    end = parse_dates(df["end_date"])["last"]
    # Only judge pairs where both dates are real; bad dates have their own message.
    return ~(start.notna() & end.notna() & (end < start))


def _coordinates_with_location(df: pd.DataFrame) -> pd.Series:
    has_place = df["location"] != ""
    return (has_place == (df["lat"] != "")) & (has_place == (df["lon"] != ""))


def _host_shown(s: pd.Series) -> pd.Series:
    ok = s.str.match(URL_HOST_RE.pattern, flags=URL_HOST_RE.flags).fillna(False).astype(bool)
    if ok.all():
        return ok
    # The others are judged only where the address is otherwise acceptable: each of those
    # faults has its own message.
    rest = s[~ok]
    judged = _matches(URL_RE)(rest) & _lacks(USERINFO_RE)(rest) & _lacks(URL_ODD_CHAR_RE)(rest)
    return ok | ~judged.reindex(s.index, fill_value=False)


def normal_urls(urls: pd.Series) -> pd.Series:
    """The URLs with their scheme and host in lower case (as browsers open them), the rest as
    written."""
    upper = urls.str.contains(r"^[A-Za-z]+://[^/?#]*[A-Z]|^[a-z]*[A-Z]")
    if not upper.any():
        return urls
    start = r"^[A-Za-z]+://[^/?#]*"
    lowered = urls[upper].str.replace(start, lambda m: m.group(0).lower(), regex=True)
    return urls.where(~upper, lowered)


def _shorter(max_len: int) -> pa.Check:
    return pa.Check(lambda s: s.str.len() <= max_len, error=f"is longer than {max_len} characters")


BIDI_ERROR = (
    "holds an invisible bidirectional control character (U+202A-U+202E or U+2066-U+2069), "
    "which reorders the text shown; remove it"
)
_NO_BIDI = pa.Check(_lacks(BIDI_CONTROL_RE), error=BIDI_ERROR)


def _text(max_len: int, required: bool = True) -> list[pa.Check]:
    checks = [_shorter(max_len), _NO_BIDI]
    if required:
        checks.insert(0, pa.Check(_nonempty, error="is empty"))
    return checks


DATE_ERROR = "is not a real date in the form YYYY, YYYY-MM or YYYY-MM-DD"

CELL_SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(
            str,
            [
                pa.Check(_nonempty, error="is empty"),
                pa.Check(
                    _optional(_matches(ID_RE)),
                    error="may hold only lowercase letters a-z, digits and hyphens",
                ),
                _shorter(ID_MAX),
            ],
        ),
        "title": pa.Column(str, _text(TITLE_MAX)),
        "category": pa.Column(
            str,
            [
                pa.Check(_nonempty, error="is empty"),
                pa.Check(
                    _optional(lambda s: s.isin(CATEGORIES)),
                    error="is not a known category (" + ", ".join(CATEGORIES) + ")",
                ),
            ],
        ),
        "start_date": pa.Column(
            str,
            [
                pa.Check(_nonempty, error="is empty"),
                pa.Check(_optional(_real_date), error=DATE_ERROR),
                pa.Check(_year_drawable, error=YEAR_ERROR),
            ],
        ),
        "end_date": pa.Column(
            str,
            [
                pa.Check(_optional(_real_date), error=DATE_ERROR),
                pa.Check(_year_drawable, error=YEAR_ERROR),
            ],
        ),
        "countries": pa.Column(
            str,
            [
                pa.Check(
                    _optional(_list_in(country_names)),
                    error="has an unknown ISO 3166-1 alpha-3 country code",
                ),
                pa.Check(_optional(_no_repeats), error="lists the same item twice"),
            ],
        ),
        "organizations": pa.Column(
            str,
            [
                pa.Check(
                    _optional(_list_in(lambda: ORGANIZATIONS)), error="has an unknown organization"
                ),
                pa.Check(_optional(_no_repeats), error="lists the same item twice"),
            ],
        ),
        "topics": pa.Column(
            str,
            [
                pa.Check(_nonempty, error="is empty (give at least one topic)"),
                pa.Check(_optional(_list_in(lambda: TOPICS)), error="has an unknown topic"),
                pa.Check(_optional(_no_repeats), error="lists the same item twice"),
            ],
        ),
        "location": pa.Column(str, _text(MAX_LENGTHS["location"], required=False)),
        "lat": pa.Column(
            str,
            [
                pa.Check(
                    _optional(_number_in(-90, 90)), error="is not a latitude between -90 and 90"
                )
            ],
        ),
        "lon": pa.Column(
            str,
            [
                pa.Check(
                    _optional(_number_in(-180, 180)),
                    error="is not a longitude between -180 and 180",
                )
            ],
        ),
        "description": pa.Column(str, _text(DESCRIPTION_MAX)),
        "source_title": pa.Column(str, _text(MAX_LENGTHS["source_title"])),
        "source_url": pa.Column(
            str,
            [
                pa.Check(_nonempty, error="is empty"),
                pa.Check(
                    _optional(_matches(URL_RE)), error="is not an http:// or https:// web address"
                ),
                pa.Check(
                    _lacks(USERINFO_RE),
                    error="has a user name before its host (user@host), so it would open a site "
                    "other than the one it seems to name; give the address without it",
                ),
                pa.Check(
                    _lacks(URL_ODD_CHAR_RE),
                    error="holds a backslash, a space or a control character, which browsers "
                    "read otherwise than the address shows; percent-encode it (%5C, %20)",
                ),
                pa.Check(
                    _host_shown,
                    error="names its host in a form that browsers rewrite, so the table could "
                    "not show where it leads: give the host in letters a-z, digits, hyphens "
                    "and dots, ending in a name such as .org (an international name in its "
                    "xn-- form), without percent-encoding",
                ),
                _shorter(URL_MAX),
                _NO_BIDI,
            ],
        ),
    },
    checks=[
        # `name` says which column the message is about.
        pa.Check(_end_not_before_start, name="end_date", error="is before start_date"),
        pa.Check(
            _coordinates_with_location,
            name="location",
            error="needs both lat and lon, and lat and lon need a location "
            "(give all three or none)",
        ),
    ],
    strict=True,
    ordered=False,
)
