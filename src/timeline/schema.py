"""The event table's columns, vocabularies and rules, declared once; everything else reads them
here. The column names are a public contract; the words are data in `vocabularies.csv` (read
once at import), the rules are code."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pycountry

from timeline.dates import parse_dates

# `vocabulary,code,name,help` rows (more columns may follow); the columns in file order.
VOCABULARY_FILE = Path(__file__).with_name("vocabularies.csv")


def read_vocabularies(path: Path = VOCABULARY_FILE) -> dict[str, dict[str, tuple[str, str]]]:
    """Vocabulary -> code -> (name, help), in the file's order."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            found.setdefault(row["vocabulary"], {})[row["code"]] = (row["name"], row["help"])
    return found


VOCABULARIES: dict[str, dict[str, tuple[str, str]]] = read_vocabularies()


def _names(vocabulary: str, field: int = 0) -> dict[str, str]:
    return {code: texts[field] for code, texts in VOCABULARIES[vocabulary].items()}


COLUMN_HELP: dict[str, str] = _names("column", 1)
COLUMNS: tuple[str, ...] = tuple(COLUMN_HELP)
# The titles in the other languages: a table may leave them out (the reader adds them empty).
OPTIONAL: tuple[str, ...] = ("title_az", "title_ru")
LIST_COLUMNS: tuple[str, ...] = ("countries", "organizations", "topics")
LIST_SEP = ";"
# Derived for fast filtering (`filters.prepare`); "_" so none is mistaken for the table's own.
KEY_COLUMNS: dict[str, str] = {col: f"_{col}_key" for col in LIST_COLUMNS}
TEXT_COLUMN = "_search_text"
PREPARED_COLUMNS: tuple[str, ...] = (*KEY_COLUMNS.values(), TEXT_COLUMN)
DERIVED_COLUMNS: tuple[str, ...] = ("start", "end", "precision")
# lat and lon as written ("40.1800"), for an export to write them back unchanged.
COORDINATE_TEXT: dict[str, str] = {"lat": "_lat_text", "lon": "_lon_text"}

ID_RE = re.compile(r"^[a-z0-9-]+$")
URL_RE = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+[^\s]*$", re.IGNORECASE)
# user:password@ before the host: `https://en.wikipedia.org:443@evil.example/` opens evil.example.
USERINFO_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#]*@", re.IGNORECASE)
# What browsers read otherwise than the address shows: a backslash, white space, controls.
URL_ODD_CHAR_RE = re.compile(r"[\\\x00-\x20\x7f-\x9f]")
# A host shown as opened: ASCII labels, the last starting with a letter (no 0x7f.1), a port.
URL_HOST_RE = re.compile(
    r"^https?://(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*(?::[0-9]{1,5})?(?:[/?#]|$)", re.IGNORECASE
)
# The host the events table shows (case-sensitive: hence `normal_urls`).
URL_SHOWN_HOST = r"^https?://(?:www\.)?([^/?#:]+)"
# Bidirectional embeddings, overrides and isolates: invisible, they reorder the text shown.
BIDI_CONTROL_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
MAX_LENGTHS: dict[str, int] = {
    "id": 100,
    "title": 120,
    "location": 200,
    "description": 500,
    "source_title": 300,
    "source_url": 2000,
}
MAX_LENGTHS |= dict.fromkeys(OPTIONAL, MAX_LENGTHS["title"])  # a translation keeps its room
TITLE_MAX, DESCRIPTION_MAX = MAX_LENGTHS["title"], MAX_LENGTHS["description"]
COORDINATE_BOUNDS = {"lat": ("latitude", -90, 90), "lon": ("longitude", -180, 180)}
# The years every view can draw: the padded time axis must stay within Python's years 1-9999.
YEAR_MIN, YEAR_MAX = 1000, 2999

# Category code -> label, in the order of the timeline's lanes (top to bottom).
CATEGORIES: dict[str, str] = _names("category")
CATEGORY_HELP: dict[str, str] = _names("category", 1)
ORGANIZATIONS: dict[str, str] = _names("organization")  # short name -> full name
TOPICS: dict[str, str] = _names("topic")  # kebab-case name -> label; an event has at least one
PRECISIONS: tuple[str, ...] = tuple(VOCABULARIES["precision"])
# Periods of statehood: (label, first day, day it ended or None).
PERIODS: tuple[tuple[str, str, str | None], ...] = tuple(
    (name, code[:10], None if code.endswith("..") else code[11:])
    for code, name in _names("period").items()
)


@cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-3 code -> short English name (the vocabulary's, else pycountry's)."""
    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    return names | _names("country")


def country_name(code: str) -> str:
    """The display name of an ISO3 code; the code itself if it is unknown."""
    return country_names().get(code, code)


def list_vocabulary(column: str) -> Mapping[str, str]:
    """Code -> name of the items the list column `column` may hold."""
    if column == "countries":
        return country_names()
    return {"organizations": ORGANIZATIONS, "topics": TOPICS}[column]


def _distinct(values: pd.Series, on_uniques: Callable[[Any], np.ndarray], dtype: Any) -> pd.Series:
    """`on_uniques` of the distinct values of `values`, spread over its rows (tables repeat)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return pd.Series(on_uniques(uniques)[codes], index=values.index, dtype=dtype)


def map_distinct(values: pd.Series, func: Callable[[Any], Any], dtype: Any = object) -> pd.Series:
    """`values.map(func)`, calling `func` once per distinct value (tuples included)."""
    # np.fromiter with dtype=object keeps each answer whole: a tuple stays a tuple.
    return _distinct(values, lambda u: np.fromiter(map(func, u), object, len(u)), dtype)


def normal_urls(urls: pd.Series) -> pd.Series:
    """The URLs with their scheme and host in lower case, as browsers open them."""
    upper = urls.str.contains(r"^[A-Za-z]+://[^/?#]*[A-Z]|^[a-z]*[A-Z]")
    if not upper.any():
        return urls
    start = r"^[A-Za-z]+://[^/?#]*"
    lowered = urls[upper].str.replace(start, lambda m: m.group(0).lower(), regex=True)
    return urls.where(~upper, lowered)


# The rules on cells: a pandera schema over the stripped text frame. Each check's `error` is the
# message a person reads; only `_filled` judges empty cells; duplicate ids are the loader's.
Rule = Callable[[pd.Series], pd.Series]
DATE_ERROR = "is not a real date in the form YYYY, YYYY-MM or YYYY-MM-DD"
YEAR_ERROR = f"is outside the years {YEAR_MIN} to {YEAR_MAX}, which the dashboard can draw"


def _check(rule: Rule, error: str) -> pa.Check:
    """`rule` on the non-empty cells (an empty cell passes), failing with `error`."""
    return pa.Check(lambda s: (s == "") | rule(s), error=error)


def _filled(error: str = "is empty") -> pa.Check:
    return pa.Check(lambda s: s != "", error=error, name="filled")


def _found(pattern: re.Pattern[str], how: str = "contains") -> Rule:
    """Where `pattern` is found in a cell (`how`: contains, match or fullmatch), with its flags."""
    # re.UNICODE is implied for a str pattern; passed on, it makes pandas match cell by cell in
    # Python instead of in Arrow.
    flags = pattern.flags & ~re.UNICODE
    return lambda s: getattr(s.str, how)(pattern.pattern, flags=flags).fillna(False).astype(bool)


def _lacks(pattern: re.Pattern[str]) -> Rule:
    return lambda s: ~_found(pattern)(s)


def _per_distinct(rule: Rule) -> Rule:
    """`rule` judged once per distinct cell value: list cells repeat a lot in real tables."""
    return lambda s: _distinct(s, lambda u: rule(pd.Series(u, dtype=s.dtype)).to_numpy(bool), bool)


def _longest(column: str) -> pa.Check:
    most = MAX_LENGTHS[column]
    return _check(lambda s: s.str.len() <= most, f"is longer than {most} characters")


_NO_BIDI = _check(
    _lacks(BIDI_CONTROL_RE),
    "holds an invisible bidirectional control character (U+202A-U+202E or U+2066-U+2069), "
    "which reorders the text shown; remove it",
)


def _year_drawable(s: pd.Series) -> pd.Series:
    # Only real dates are judged: the others have their own message.
    parsed = parse_dates(s)
    first, last = parsed["first"].dt.year, parsed["last"].dt.year
    return (parsed["first"].isna() | (first >= YEAR_MIN) & (last <= YEAR_MAX)).astype(bool)


_DATE_CHECKS = [
    _check(lambda s: parse_dates(s)["first"].notna(), DATE_ERROR),
    _check(_year_drawable, YEAR_ERROR),
]


def _coordinate(column: str) -> pa.Check:
    word, low, high = COORDINATE_BOUNDS[column]
    return _check(
        lambda s: pd.to_numeric(s, errors="coerce").astype("float64").between(low, high),
        f"is not a {word} between {low} and {high}",
    )


def _items(s: pd.Series) -> pd.Series:
    """The items of `;`-list cells, stripped, indexed by their cell's label."""
    return s.str.split(LIST_SEP).explode().str.strip()


def _list_checks(column: str, unknown: str) -> list[pa.Check]:
    @_per_distinct
    def known(s: pd.Series) -> pd.Series:
        ok = _items(s).isin(set(list_vocabulary(column)))
        return ok.groupby(level=0).all().reindex(s.index, fill_value=True)

    @_per_distinct
    def no_repeats(s: pd.Series) -> pd.Series:
        items = _items(s)
        repeated = pd.Series(items.reset_index().duplicated().to_numpy(), index=items.index)
        return ~repeated.groupby(level=0).any().reindex(s.index, fill_value=False).astype(bool)

    return [_check(known, unknown), _check(no_repeats, "lists the same item twice")]


_IS_URL = _found(URL_RE, "fullmatch")
_NO_USERINFO = _lacks(USERINFO_RE)
_NO_ODD_CHAR = _lacks(URL_ODD_CHAR_RE)


def _host_shown(s: pd.Series) -> pd.Series:
    ok = _found(URL_HOST_RE, "match")(s)
    if ok.all():
        return ok
    # Judged only where the address is otherwise acceptable: those faults have their messages.
    rest = s[~ok]
    judged = _IS_URL(rest) & _NO_USERINFO(rest) & _NO_ODD_CHAR(rest)
    return ok | ~judged.reindex(s.index, fill_value=False)


def _end_not_before_start(df: pd.DataFrame) -> pd.Series:
    start = parse_dates(df["start_date"])["first"]
    end = parse_dates(df["end_date"])["last"]
    # Only judge pairs where both dates are real; bad dates have their own message.
    return ~(start.notna() & end.notna() & (end < start))


def _coordinates_with_location(df: pd.DataFrame) -> pd.Series:
    has_place = df["location"] != ""
    return (has_place == (df["lat"] != "")) & (has_place == (df["lon"] != ""))


_CHECKS: dict[str, list[pa.Check]] = {
    "id": [
        _filled(),
        _check(
            _found(ID_RE, "fullmatch"), "may hold only lowercase letters a-z, digits and hyphens"
        ),
        _longest("id"),
    ],
    "title": [_filled(), _longest("title"), _NO_BIDI],
    "category": [
        _filled(),
        _check(lambda s: s.isin(CATEGORIES), f"is not a known category ({', '.join(CATEGORIES)})"),
    ],
    "start_date": [_filled(), *_DATE_CHECKS],
    "end_date": _DATE_CHECKS,
    "countries": _list_checks("countries", "has an unknown ISO 3166-1 alpha-3 country code"),
    "organizations": _list_checks("organizations", "has an unknown organization"),
    "topics": [
        _filled("is empty (give at least one topic)"),
        *_list_checks("topics", "has an unknown topic"),
    ],
    "location": [_longest("location"), _NO_BIDI],
    "lat": [_coordinate("lat")],
    "lon": [_coordinate("lon")],
    "description": [_filled(), _longest("description"), _NO_BIDI],
    "source_title": [_filled(), _longest("source_title"), _NO_BIDI],
    "source_url": [
        _filled(),
        _check(_IS_URL, "is not an http:// or https:// web address"),
        _check(
            _NO_USERINFO,
            "has a user name before its host (user@host), so it would open a site other than "
            "the one it seems to name; give the address without it",
        ),
        _check(
            _NO_ODD_CHAR,
            "holds a backslash, a space or a control character, which browsers read otherwise "
            "than the address shows; percent-encode it (%5C, %20)",
        ),
        _check(
            _host_shown,
            "names its host in a form that browsers rewrite, so the table could not show where "
            "it leads: give the host in letters a-z, digits, hyphens and dots, ending in a name "
            "such as .org (an international name in its xn-- form), without percent-encoding",
        ),
        _longest("source_url"),
        _NO_BIDI,
    ],
    "title_az": [
        _check(
            _lacks(CYRILLIC_RE), "holds Cyrillic letters: write Azerbaijani in its Latin alphabet"
        ),
        _longest("title_az"),
        _NO_BIDI,
    ],
    "title_ru": [
        _check(_found(CYRILLIC_RE), "has no Cyrillic letter: write Russian in Cyrillic"),
        _longest("title_ru"),
        _NO_BIDI,
    ],
}
REQUIRED = tuple(col for col, checks in _CHECKS.items() if any(c.name == "filled" for c in checks))
CELL_SCHEMA = pa.DataFrameSchema(
    {column: pa.Column(str, checks) for column, checks in _CHECKS.items()},
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
