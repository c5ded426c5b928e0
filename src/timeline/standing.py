"""Each country's standing with Azerbaijan per year from the rows of `RELATION_CATEGORIES` (of
the whole table: a fact of the record, whatever the filters), the list of a year's countries
and its CSV, and the counts by year: plain data for the figures of `relations`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from timeline import export, schema
from timeline.csvsafe import quote_formulas

# The standings, in the order of the map's legend: code -> label.
STANDING_LABELS: dict[str, str] = {
    "relations": "Diplomatic relations",
    "recognised": "Recognised, no relations yet",
    "conflict": "At war or in conflict",
    "none": "No relations",
    "soviet": "Soviet period: no foreign relations of its own",
}
RELATION_CATEGORIES: tuple[str, ...] = ("diplomatic_relations", "recognition", "war", "clash")


# First day without foreign relations of its own, first day of independence again.
SOVIET_PERIOD: tuple[pd.Timestamp, pd.Timestamp] = next(
    (pd.Timestamp(first), pd.Timestamp(last))
    for name, first, last in schema.PERIODS
    if name == "Soviet era"
)
# Years wholly inside the Soviet period, as range(first, stop): 1921-1990.
SOVIET_YEARS: range = range(SOVIET_PERIOD[0].year + 1, SOVIET_PERIOD[1].year)
FIRST_YEAR = 1918
PLAY_YEARS = 120  # Play's years from FIRST_YEAR: each is a frame of every country
# standing_by_year's columns: the country, its standing, the start_date of the row that gives
# it and of the relations in force, and that row's id, title and source.
_SOURCE = ("title", "source_title", "source_url")
COLUMNS: tuple[str, ...] = (
    "country",
    "name",
    "standing",
    "since",
    "relations_since",
    "event_id",
    *_SOURCE,
)
# The columns of the row cited, each with the table's column it is read from.
_CITED = {"since": "start_date", "event_id": "id"} | {column: column for column in _SOURCE}
_NEVER = pd.Timestamp.max.floor("D")
# The categories read, by code (their place in RELATION_CATEGORIES); wars and clashes last.
_RELATIONS, _RECOGNITION, _WAR, _CLASH = range(len(RELATION_CATEGORIES))


def is_soviet_year(year: int) -> bool:
    """True for a year wholly inside the Soviet period (no foreign relations of its own)."""
    return year in SOVIET_YEARS


def relation_intervals(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (row of `RELATION_CATEGORIES`, country it names): `row`, `country`, `kind`,
    `alone` (the only country named), and `lo`/`hi` the days it holds within its period of
    independence (`period` 0: 1918-1920, 1: from 1991). Sorted by `lo`, then `row`."""
    kind_all = df["category"].astype("category").cat.set_categories(RELATION_CATEGORIES)
    kind = kind_all.cat.codes.to_numpy().astype(np.int64)
    # Days and periods per row, then spread over its countries: a row may name every country.
    taken, back = np.datetime64(SOVIET_PERIOD[0], "us"), np.datetime64(SOVIET_PERIOD[1], "us")
    lo, hi = (df[column].to_numpy(dtype="datetime64[us]") for column in ("start", "end"))
    # Relations and recognitions hold until their end_date; wars and clashes for their period.
    no_end = (df["end_date"].astype(str) == "").to_numpy()
    hi = np.where(no_end & (kind <= _RECOGNITION), np.datetime64(_NEVER, "us"), hi)
    period = (lo >= taken).astype(np.int64)
    lo = np.where(period == 1, np.maximum(lo, back), lo)
    hi = np.where(period == 0, np.minimum(hi, taken - np.timedelta64(1, "D")), hi)
    rows = np.flatnonzero((kind >= 0) & (lo <= hi))
    rows = rows[np.argsort(lo[rows], kind="stable")]
    named = pd.Series(df["countries"].to_numpy()[rows]).explode().dropna()
    row = rows[named.index.to_numpy()]
    # The countries in the order they first appear, as a categorical of codes.
    country, countries = pd.factorize(named.to_numpy())
    return pd.DataFrame(
        {
            "row": row,
            "country": pd.Categorical.from_codes(country, pd.Index(countries, dtype=object)),
            "kind": pd.Categorical.from_codes(kind[row], categories=RELATION_CATEGORIES),
            "alone": (np.bincount(row, minlength=len(df)) == 1)[row],
            "lo": lo[row],
            "hi": hi[row],
            "period": period[row],
        }
    )


def standing_by_year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each country the relation rows name, its standing in `year` and the row that gives it
    (`COLUMNS`; sorted by country). The rules, in order (a year is any day of it):

    - Years wholly inside `SOVIET_PERIOD` (1921-1990): every country "soviet".
    - A row holds only in the period of independence it starts in (from the Soviet years: the next).
    - "conflict": a war or clash naming only that country touches the year, or one did in this
      period of independence and there are no diplomatic relations now.
    - "relations": a diplomatic_relations row from its start to its end_date (none: open).
    - "recognised": a recognition row (either direction); "none" otherwise.
    """
    return Rows(relation_intervals(df), df).standings([year])[year]


_PICKED = np.array(["conflict", "conflict", "relations", "conflict", "recognised"], dtype=object)
_NOT_PICKED = len(_PICKED)


class Rows:
    """`relation_intervals` as arrays, read once and asked about any number of years."""

    def __init__(self, long: pd.DataFrame, df: pd.DataFrame) -> None:
        # Codes: the countries sorted, the kinds in the order of RELATION_CATEGORIES.
        seen = np.asarray(long["country"].cat.categories, dtype=object)
        self.countries = np.sort(seen)
        code = np.searchsorted(self.countries, seen)[long["country"].cat.codes.to_numpy()]
        self.country = code.astype(np.int64)
        self.kind = long["kind"].cat.codes.to_numpy().astype(np.int64)
        self.lo = long["lo"].to_numpy(dtype="datetime64[D]")
        self.hi = long["hi"].to_numpy(dtype="datetime64[D]")
        self.period = long["period"].to_numpy(dtype=np.int64)
        self.alone = long["alone"].to_numpy(dtype=bool)
        self.row = long["row"].to_numpy(dtype=np.int64)
        self.df = df
        # An interval that starts no earlier and ends no later in years than an earlier one of
        # its country, kind, `alone` and period never changes a pick: dropped.
        kinds = len(RELATION_CATEGORIES)
        group = ((self.country * kinds + self.kind) * 2 + self.alone) * 2 + self.period
        kept = _widening(group, self.hi.astype("datetime64[Y]").astype(np.int64))
        for name in ("country", "kind", "lo", "hi", "period", "alone", "row"):
            setattr(self, name, getattr(self, name)[kept])
        fight = self.kind >= _WAR
        # The countries drawn: those on relations or recognition rows, or alone on a war's.
        self.shown = np.unique(self.country[~fight | self.alone])
        self.names = np.array(
            [schema.country_name(c) for c in self.countries[self.shown]], dtype=object
        )

    def standings(self, years: Sequence[int]) -> dict[int, pd.DataFrame]:
        """`standing_by_year` for each of `years`; the text of the rows cited is read once."""
        picks = {year: self._picks(year) for year in years}
        cited = [p[p >= 0] for picked in picks.values() if picked for p in picked[1:]]
        used = np.unique(np.concatenate(cited)) if cited else np.zeros(0, dtype=np.int64)
        texts = {
            column: self.df[column].iloc[self.row[used]].to_numpy(dtype=object, na_value="")
            for column in dict.fromkeys(_CITED.values())
        }
        return {year: self._table(picks[year], used, texts) for year in years}

    def _picks(self, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Per interval its preference in `year`; per shown country its pick and first relations."""
        if is_soviet_year(year):
            return None
        first, last = np.datetime64(f"{year:04d}-01-01"), np.datetime64(f"{year:04d}-12-31")
        period = int(pd.Timestamp(year, 1, 1) >= SOVIET_PERIOD[0])
        mine = (self.period == period) & (self.lo <= last)
        during = mine & (self.hi >= first)
        fight = self.kind >= _WAR
        relations = during & (self.kind == _RELATIONS)
        n = len(self.countries)
        with_relations = np.bincount(self.country[relations], minlength=n) > 0
        at_war = np.bincount(self.country[during & fight & self.alone], minlength=n) > 0
        # Conflict this year (its wars cited before its clashes), relations, conflict earlier
        # in the period without relations now, recognition.
        fighting = during & fight & at_war[self.country]
        order = np.select(
            [
                fighting & (self.kind == _WAR),
                fighting,
                relations,
                mine & fight & self.alone & ~with_relations[self.country],
                during & (self.kind == _RECOGNITION),
            ],
            np.arange(_NOT_PICKED),
            _NOT_PICKED,
        )
        rows = np.flatnonzero(order < _NOT_PICKED)
        # Within a country and an order, the earliest start first.
        rows = rows[np.lexsort((rows, order[rows], self.country[rows]))]
        return order, self._first(rows), self._first(np.flatnonzero(relations))

    def _first(self, rows: np.ndarray) -> np.ndarray:
        """Per shown country, the first of `rows` (interval positions) of it (-1: none)."""
        first = np.full(len(self.countries), -1, dtype=np.int64)
        _, at = np.unique(self.country[rows], return_index=True)
        first[self.country[rows[at]]] = rows[at]
        return first[self.shown]

    def _table(
        self,
        picked: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
        used: np.ndarray,
        texts: dict[str, np.ndarray],
    ) -> pd.DataFrame:
        """A year's `standing_by_year` from its `_picks`; `texts` the cited columns of `used`."""
        n = len(self.shown)
        out = {col: np.full(n, "", dtype=object) for col in COLUMNS}
        out["country"] = self.countries[self.shown]
        out["name"] = self.names.copy()
        out["standing"][:] = "soviet" if picked is None else "none"
        if picked is not None:
            order, pick, first_relations = picked
            has = pick >= 0
            out["standing"][has] = _PICKED[order[pick[has]]]
            at = np.searchsorted(used, pick[has])
            for col, source in _CITED.items():
                out[col][has] = texts[source][at]
            has = first_relations >= 0
            at = np.searchsorted(used, first_relations[has])
            out["relations_since"][has] = texts["start_date"][at]
        return pd.DataFrame(out, columns=list(COLUMNS))


def _widening(group: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Positions whose `end` is later than that of every earlier position of their `group`."""
    by_group = np.argsort(group, kind="stable")
    # Each group's ends above every earlier group's (years: under 2**20 apart): one running max.
    key = group[by_group] * (1 << 20) + (end[by_group] - end.min(initial=0))
    before = np.maximum.accumulate(key)
    wider = np.empty(len(key), dtype=bool)
    wider[:1] = True
    wider[1:] = key[1:] > before[:-1]
    return np.sort(by_group[wider])


def events_by_country(df: pd.DataFrame) -> pd.Series:
    """How many of the events of `df` name each country (by ISO3 code)."""
    return df["countries"].explode().value_counts()


def country_list(table: pd.DataFrame, shown: pd.Series) -> pd.DataFrame:
    """A year's `standing_by_year` as people read it, by name: the standing's label, since when,
    the event that set it, and "Events shown" from `shown` (`events_by_country`)."""
    out = pd.DataFrame(
        {
            "Country": table["name"],
            "Standing": table["standing"].map(STANDING_LABELS),
            "Since": table["since"],
            "Set by": table["title"],
            "Events shown": table["country"].map(shown).fillna(0).astype("int64"),
            "ISO3": table["country"],
            "Event id": table["event_id"],
            "Source": table["source_url"],
        }
    )
    return out.sort_values("Country", kind="stable", ignore_index=True)


def countries_csv(listing: pd.DataFrame) -> bytes:
    """`country_list` as UTF-8 CSV, a cell that a spreadsheet would run as a formula quoted."""
    return listing.apply(quote_formulas).to_csv(index=False, lineterminator="\n").encode("utf-8")


def countries_file_name(year: int) -> str:
    """The file name of the CSV of `year`'s `country_list`."""
    return f"{export.FILE_PREFIX}_countries-{year}.csv"


def last_year_of(df: pd.DataFrame, last_year: int | None) -> int:
    """`last_year` if given, else the table's last year; FIRST_YEAR at the least."""
    if last_year is None:
        last_year = FIRST_YEAR if df.empty else int(pd.Timestamp(df["end"].max()).year)
    return max(last_year, FIRST_YEAR)


def play_years(df: pd.DataFrame) -> range:
    """The years Play animates: FIRST_YEAR to the table's last year, at most PLAY_YEARS."""
    return range(FIRST_YEAR, min(last_year_of(df, None), FIRST_YEAR + PLAY_YEARS - 1) + 1)


def play_cut(df: pd.DataFrame) -> str:
    """What the page says when `play_years` stops before the table's last year, else ""."""
    last, played = last_year_of(df, None), play_years(df)
    if last < played.stop:
        return ""
    return (
        f"Play shows {played.start}–{played.stop - 1}, at most {PLAY_YEARS} years; the events "
        f"run to {last}: choose a later year with the slider to see its map."
    )


def relations_by_year(df: pd.DataFrame, last_year: int | None = None) -> pd.DataFrame:
    """Per year from FIRST_YEAR to `last_year` (default the table's last), the countries with
    diplomatic relations in force in it (`relations`, 0 in the Soviet years) and `soviet`."""
    years = np.arange(FIRST_YEAR, last_year_of(df, last_year) + 1)
    long = relation_intervals(df)
    long = long[long["kind"] == "diplomatic_relations"]
    ly = long["lo"].dt.year.to_numpy().clip(FIRST_YEAR, years[-1] + 1) - FIRST_YEAR
    hy = long["hi"].dt.year.to_numpy().clip(FIRST_YEAR - 1, years[-1]) - FIRST_YEAR
    country = long["country"].cat.codes.to_numpy()
    # Intervals under way per (year, country): a country counts once a year however many.
    under_way = np.zeros((len(years) + 1, len(long["country"].cat.categories)), dtype=np.int64)
    np.add.at(under_way, (ly, country), 1)
    np.add.at(under_way, (hy + 1, country), -1)
    counts = (under_way.cumsum(axis=0)[:-1] > 0).sum(axis=1)
    soviet = np.isin(years, SOVIET_YEARS)
    index = pd.Index(years, name="year")
    return pd.DataFrame({"relations": np.where(soviet, 0, counts), "soviet": soviet}, index=index)


def memberships_by_year(df: pd.DataFrame, last_year: int | None = None) -> pd.DataFrame:
    """Per year from FIRST_YEAR to `last_year`, the organizations first joined then (on
    `membership` rows): `joined`, `organizations` ("UN, UNGA") and `cumulative`."""
    years = pd.Index(np.arange(FIRST_YEAR, last_year_of(df, last_year) + 1), name="year")
    members = df.loc[df["category"].isin(["membership"]), ["organizations", "start"]]
    # Each organization's first year, by name: a year's organizations stay in that order.
    first = members.explode("organizations").groupby("organizations")["start"].min().dt.year
    by_year = first.index.to_series()[first.between(FIRST_YEAR, years[-1])].groupby(first)
    out = pd.DataFrame(index=years)
    out["joined"] = by_year.size().reindex(years, fill_value=0).astype("int64")
    out["organizations"] = by_year.agg(", ".join).reindex(years, fill_value="").astype(object)
    out["cumulative"] = out["joined"].cumsum()
    return out
