"""Write valid synthetic event tables in the schema of data/events.csv, for the benchmark.

    python bench/generate.py 100000 bench/out/events-100k.csv [--seed 1]

Seeded, so the same size and seed give the same bytes. The mix imitates the shipped table:
every category, ranges and points, one to three countries, organizations, topics, coordinates
for most rows, text of realistic length with some non-ASCII letters and quoted commas, and the
titles in Azerbaijani (Latin letters) and Russian (Cyrillic).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from timeline import schema

WORDS = (  # noqa: SIM905 (one string reads better than 33 quoted words)
    "treaty summit ceasefire talks border pipeline oil gas embassy minister delegation council "
    "assembly resolution report bribery mediation agreement protocol declaration Karabakh Baku "
    "Yerevan Tbilisi Ankara Tehran Moscow Strasbourg Brussels Volontè Gəncə Şuşa Muižnieks"
).split()
RU_WORDS = (  # noqa: SIM905 (as WORDS)
    "договор саммит перемирие переговоры граница нефтепровод газ посольство министр делегация "
    "совет резолюция доклад посредничество соглашение протокол декларация Карабах Баку Ереван"
).split()
COUNTRIES = ("ARM", "RUS", "TUR", "IRN", "GEO", "USA", "FRA", "DEU", "ITA", "ISR", "UKR", "KAZ",
             "GBR", "CHN", "PAK", "MNE", "BLR", "UZB", "TKM", "SAU")  # fmt: skip


def generate(n: int, seed: int = 1) -> pd.DataFrame:
    """`n` valid events as a text frame in schema column order."""
    rng = np.random.default_rng(seed)
    categories = np.array(list(schema.CATEGORIES))
    orgs = np.array(list(schema.ORGANIZATIONS))
    topics = np.array(list(schema.TOPICS))
    start = pd.to_datetime("1918-01-01") + pd.to_timedelta(rng.integers(0, 37_000, n), unit="D")
    precision = rng.choice(["day", "month", "year"], n, p=[0.7, 0.2, 0.1])
    is_range = rng.random(n) < 0.25
    end = start + pd.to_timedelta(rng.integers(1, 2_000, n), unit="D")
    end = end.where(end <= pd.Timestamp("2020-12-31"), pd.Timestamp("2020-12-31"))

    def write(dates: pd.DatetimeIndex) -> np.ndarray:
        out = np.where(precision == "day", dates.strftime("%Y-%m-%d"), dates.strftime("%Y-%m"))
        return np.where(precision == "year", dates.strftime("%Y"), out)

    start_date = write(pd.DatetimeIndex(start))
    end_date = np.where(is_range, write(pd.DatetimeIndex(end)), "")

    def pick_lists(pool: np.ndarray, max_items: int, p_empty: float) -> np.ndarray:
        # Draw from a few hundred distinct lists, as real tables repeat them; vectorised for 1M.
        combos = ["", *(";".join(rng.choice(pool, rng.integers(1, max_items + 1), replace=False))
                        for _ in range(400))]  # fmt: skip
        picks = rng.integers(1, len(combos), n) * (rng.random(n) >= p_empty)
        return np.array(combos, dtype=object)[picks]

    words = np.array(WORDS)

    def sentences(
        count: int, length: int, suffix: str = "", vocab: np.ndarray = words
    ) -> np.ndarray:
        pool = [" ".join(rng.choice(vocab, length)).capitalize() + suffix for _ in range(5_000)]
        return np.array(pool, dtype=object)[rng.integers(0, len(pool), count)]

    located = rng.random(n) < 0.8
    lat = np.round(rng.uniform(-60, 70, n), 4)
    lon = np.round(rng.uniform(-170, 170, n), 4)
    ids = [f"e{i:07d}" for i in range(n)]
    frame = pd.DataFrame({
        "id": ids,
        "title": sentences(n, 5),
        "category": rng.choice(categories, n),
        "start_date": start_date,
        "end_date": end_date,
        "countries": pick_lists(np.array(COUNTRIES), 3, 0.1),
        "organizations": pick_lists(orgs, 2, 0.5),
        "topics": pick_lists(topics, 3, 0.0),
        "location": np.where(located, rng.choice(words[19:29], n), ""),
        "lat": np.where(located, lat.astype(str), ""),
        "lon": np.where(located, lon.astype(str), ""),
        "description": sentences(n, 24, ", with a comma."),
        "source_title": "Synthetic source",
        "source_url": [f"https://example.org/events/{i}" for i in ids],
        "title_az": sentences(n, 5),
        "title_ru": sentences(n, 5, vocab=np.array(RU_WORDS)),
    })  # fmt: skip
    return frame[list(schema.COLUMNS)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.path.parent.mkdir(parents=True, exist_ok=True)
    generate(args.size, args.seed).to_csv(args.path, index=False)
    print(f"{args.path}: {args.size} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
