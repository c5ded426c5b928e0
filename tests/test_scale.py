"""Large tables: the figures switch to density and aggregates, and stay within a byte budget.

Sizes, never times: timings belong to the benchmark (bench/run.py), not to the tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import SAMPLE, SHIPPED, clustered, event_ids

from timeline import figures, maps, timeline_chart
from timeline.filters import prepare
from timeline.io import read_events

MB = 1_000_000


def big(n: int, seed: int = 0) -> pd.DataFrame:
    """`n` events: the sample table repeated, with new ids, shifted dates and places."""
    base = read_events(SAMPLE)
    rng = np.random.default_rng(seed)
    df = base.iloc[np.arange(n) % len(base)].reset_index(drop=True)
    shift = pd.to_timedelta(rng.integers(-3000, 3000, n), unit="D")
    df["start"] = (df["start"] + shift).clip(lower=pd.Timestamp("1918-01-01"))
    df["end"] = np.maximum(df["end"] + shift, df["start"])
    df["id"] = [f"e{i}" for i in range(n)]
    df["lat"] = np.where(df["lat"].notna(), rng.uniform(-60, 70, n), np.nan)
    df["lon"] = np.where(df["lon"].notna(), rng.uniform(-170, 170, n), np.nan)
    return df


def kinds(fig) -> set[str]:
    return {(t.meta or {}).get("kind") for t in fig.data}


@pytest.fixture(scope="module")
def hundred_k() -> pd.DataFrame:
    return big(100_000)


def test_timeline_draws_each_event_up_to_the_threshold_then_density():
    at_limit = timeline_chart.timeline(big(timeline_chart.DETAIL_MAX))
    assert "density" not in kinds(at_limit)
    assert len(event_ids(at_limit)) + clustered(at_limit) == timeline_chart.DETAIL_MAX  # each once
    over = timeline_chart.timeline(big(timeline_chart.DETAIL_MAX + 1))
    assert kinds(over) == {"density"}
    assert "too many to draw one by one" in over.layout.title.subtitle.text
    assert over.layout.title.text.startswith("Timeline of events by category")


def test_shipped_table_keeps_individual_events():
    shipped = read_events(SHIPPED)
    fig = timeline_chart.timeline(shipped)
    assert "density" not in kinds(fig)
    drawn = sum(
        len(t.customdata)
        for t in fig.data
        if (t.meta or {}).get("kind") in ("ranged", "point", "short-range")
    )
    clustered = sum(
        int(str(n).strip("</b>"))
        for t in fig.data
        if (t.meta or {}).get("kind") == "cluster"
        for n in t.text
    )
    assert drawn + clustered == len(shipped)
    assert maps.places_map(shipped).layout.title.subtitle.text is None  # no grouping


def test_density_counts_every_period_an_event_is_under_way():
    df = big(20)
    df["category"] = pd.Categorical(["war"] * 20, categories=df["category"].cat.categories)
    df["start"] = pd.Timestamp("2000-01-15")
    df["end"] = pd.Timestamp("2000-01-15")
    df.loc[0, "end"] = pd.Timestamp("2000-03-31")  # January to March
    word, counts = timeline_chart.lane_density(df, max_bins=10)
    assert word == "month"  # 77 days, 12 weeks: too many for 10 periods
    word, counts = timeline_chart.lane_density(df, max_bins=3)
    assert word == "month"
    assert counts.loc["war"].tolist() == [20, 1, 1]


def test_density_bins_never_exceed_the_budget():
    df = big(1000)
    for budget in (5, 50, 1000):
        _, s, e, edges, labels = timeline_chart.density_bins(df["start"], df["end"], budget)
        assert len(labels) <= budget
        assert len(edges) == len(labels) + 1
        assert s.min() == 0 and e.max() == len(labels) - 1


def test_page_figures_for_100k_events_stay_under_the_byte_budget(hundred_k):
    sizes = {
        "timeline": len(timeline_chart.timeline(hundred_k).to_json()),
        "places": len(maps.places_map(hundred_k).to_json()),
        "countries": len(maps.countries_map(hundred_k).to_json()),
        "per year": len(figures.events_per_year(hundred_k).to_json()),
    }
    assert sum(sizes.values()) < 1 * MB, sizes


def test_places_map_groups_places_above_the_threshold(hundred_k):
    fig = maps.places_map(hundred_k)
    marks = [t for t in fig.data if t.meta["kind"] == "places"]
    assert {t.meta["kind"] for t in fig.data} == {"places", "counts"}
    assert sum(len(t.lat) for t in marks) <= maps.PLACES_MAX
    located = hundred_k["lat"].notna().sum()
    assert sum(int(np.sum(t.customdata)) for t in marks) == located
    assert "too many to mark one by one" in fig.layout.title.subtitle.text


def test_place_groups_keep_exact_places_when_few():
    df = big(3000)
    df["lat"] = np.where(df["lat"].notna(), 40.4, np.nan)
    df["lon"] = np.where(df["lon"].notna(), 49.9, np.nan)
    located = df[df["lat"].notna()]
    cell, groups, member = maps.place_groups(located)
    assert cell == 0
    assert groups["events"].tolist() == [len(located)]
    assert set(member) == {0}


def test_country_counts_match_a_plain_count():
    sample = big(500)
    pairs = sample[["countries", "category"]].explode("countries").dropna(subset=["countries"])
    expected = pd.crosstab(pairs["countries"], pairs["category"].astype(str))
    got = maps.country_counts(sample)
    for country in expected.index:
        for cat in expected.columns:
            assert got.loc[country, cat] == expected.loc[country, cat]
    assert got["total"].sum() == len(pairs)


def test_prepared_frames_give_the_same_figures():
    df = big(6000)
    assert timeline_chart.timeline(prepare(df)).to_json() == timeline_chart.timeline(df).to_json()
