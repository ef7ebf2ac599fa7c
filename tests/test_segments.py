"""Segments against SQL over the same random file, and the derived keys."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from helpers import oracle
from hypothesis import HealthCheck, given, settings

from ltvcli.analysis import analyse
from ltvcli.cents import divide_cents
from ltvcli.customer_file import join_customer_file
from ltvcli.customers import quintile_scores
from ltvcli.errors import ConfigError
from ltvcli.load import load_orders
from ltvcli.metrics import median_cents
from ltvcli.segments import (
    NONE,
    OTHER,
    TOTAL,
    Grouping,
    ltv_tiers,
    monthly_bands,
    order_bands,
    segment_table,
)
from ltvcli.settings import Settings
from ltvcli.spend import load_spend


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=oracle.order_rows)
def test_segments_by_first_city_equal_sql(tmp_path, rows):
    path = oracle.write_orders(rows, tmp_path / "orders.csv")
    table = segment_table(analyse(load_orders(str(path))), ["city"]).set_index("city")
    expected = oracle.segments_by_first_city(path)
    assert sorted(table.index.drop(TOTAL)) == [r["city"] for r in expected]
    for r in expected:
        got = table.loc[r["city"]]
        assert (got["customers"], got["orders"], got["net_revenue"]) == (
            r["customers"], r["orders"], r["net_revenue"],
        )  # fmt: skip
        assert got["repeat_rate"] == pytest.approx(r["repeat_rate"], abs=1e-12)
        assert got["ltv_historical"] == divide_cents(r["net_revenue"], r["customers"])
        assert abs(got["ltv_historical_median"] - r["median_net"]) <= 0.5
        median_gap = got["median_interval_days"]
        assert (
            (median_gap is None or pd.isna(median_gap))
            if r["median_gap"] is None
            else (median_gap == r["median_gap"])
        )
    total = table.loc[TOTAL]
    assert total["customers"] == sum(r["customers"] for r in expected)
    assert total["net_revenue"] == sum(r["net_revenue"] for r in expected)
    assert table["customer_share"].drop(TOTAL).sum() == pytest.approx(1)


@pytest.mark.parametrize("sort", [False, True])
def test_grouping_numbers_segments_as_pandas_groupby(sort):
    """Keys of two columns (one categorical with categories out of lexical order, one with a
    missing value): the same segment numbers, key values and rows as ``groupby``."""
    rng = np.random.default_rng(7)
    city = pd.Series(rng.choice(["Омск", "Kazan", "(none)", "Abakan"], 500))
    city = city.astype(pd.CategoricalDtype(["Омск", "Kazan", "(none)", "Abakan", "unused"]))
    channel = pd.Series(rng.choice(["seo", "ads", None], 500), dtype=object)
    keys = pd.DataFrame({"city": city, "channel": channel}, index=np.arange(500) * 3)
    frame = pd.DataFrame({"n": np.arange(500), "when": pd.date_range("2024-01-01", periods=500)})
    frame.index = keys.index

    grouping = Grouping.of(keys, sort)
    grouped = frame.groupby([keys["city"].astype(object), keys["channel"]], sort=sort)
    expected = grouped.ngroup().fillna(-1).astype(np.int64)
    assert grouping.ids.equals(expected)
    assert grouping.values == list(grouped.groups)
    for part, (_, group) in zip(grouping.split(frame), grouped, strict=True):
        pd.testing.assert_frame_equal(part, group)
    mixed = pd.DataFrame({"age": pd.Series([30, NONE, 25, 30], dtype="category")})
    expected = mixed.astype(object).groupby("age", sort=sort).ngroup()
    assert Grouping.of(mixed, sort).ids.tolist() == expected.tolist()


def test_small_segments_fold_into_other(write):
    rows = ["customer,date,amount,city"] + [f"c{i},2024-01-01,10,Moscow" for i in range(5)]
    rows += ["x,2024-01-01,10,Omsk", "y,2024-01-01,10,Tver"]
    analysis = analyse(load_orders(str(write("o.csv", "\n".join(rows) + "\n"))))
    table = segment_table(analysis, ["city"], min_customers=2)
    assert list(table["city"]) == ["Moscow", OTHER, TOTAL]
    assert list(table["customers"]) == [5, 2, 7]


def test_cac_per_channel_from_a_spend_file(write):
    orders = write(
        "o.csv",
        "customer,date,amount,channel\na,2024-01-05,100,ads\nb,2024-01-06,100,ads\n"
        "c,2024-01-07,100,organic\nd,2024-01-08,100,mail\n",
    )
    spend = write("s.csv", "month,channel,amount\n2024-01,ads,500\n2024-01,mail,40\n")
    analysis = analyse(load_orders(str(orders)), spend=load_spend(str(spend)))
    cac = segment_table(analysis, ["channel"]).set_index("channel")["cac"]
    assert cac["ads"] == 25000 and cac["mail"] == 4000
    assert pd.isna(cac["organic"])  # not in the spend file: unknown, not free
    assert cac[TOTAL] == 13500  # 540 / 4


def test_quintile_scores_share_ties():
    scores = quintile_scores(pd.Series([1, 1, 1, 1, 2, 3, 4, 5, 6, 7], dtype=float))
    assert list(scores) == [2, 2, 2, 2, 3, 3, 4, 4, 5, 5]


def test_frequency_bands_and_ltv_tiers():
    assert list(order_bands(pd.Series([1, 2, 3, 4, 5, 9, 10, 40]))) == [
        "1 order", "2 orders", "3-4 orders", "3-4 orders", "5-9 orders", "5-9 orders",
        "10+ orders", "10+ orders",
    ]  # fmt: skip
    tiers = ltv_tiers(pd.Series(range(10, 0, -1)))
    assert list(tiers) == ["top 20%"] * 2 + ["middle 30%"] * 3 + ["bottom 50%"] * 5


def test_rfm_names_every_customer(write):
    from helpers.paths import SAMPLE

    analysis = analyse(load_orders(str(SAMPLE / "orders.csv")))
    table = segment_table(analysis, ["rfm"])
    assert table.loc[table["rfm"] == TOTAL, "customers"].item() == len(analysis.customers)
    assert {"champions", "lost", "at risk"} <= set(table["rfm"])


def test_customers_file_adds_attributes_and_nps(write):
    orders = write(
        "o.csv",
        "email,date,amount\nA@x.ru,2024-01-01,10\nb@x.ru,2024-01-02,10\nc@x.ru,2024-01-03,10\n",
    )
    people = write(
        "p.csv", "Email,segment,NPS\na@x.ru,vip,10\nb@x.ru,vip,3\nc@x.ru,base,9\nz@x.ru,base,0\n"
    )
    analysis = analyse(load_orders(str(orders)))
    analysis.customers, matched = join_customer_file(analysis.customers, str(people))
    assert matched == 3
    table = segment_table(analysis, ["segment"]).set_index("segment")
    assert table.loc["vip", "nps"] == 0.0  # one promoter, one detractor
    assert table.loc["base", "nps"] == 100.0
    assert table.loc[TOTAL, "nps"] == pytest.approx(100 * (2 - 1) / 3)


def test_median_cents_rounds_the_middle_pair_half_up():
    import numpy as np

    assert median_cents(np.array([1, 2])) == 2 and median_cents(np.array([5, 1, 3])) == 3
    assert median_cents(np.array([])) is None


def test_a_source_column_is_the_channel_not_lost(write):
    text = "customer,date,amount,source,kind\na,2024-01-01,10,google,x\nb,2024-01-02,10,yandex,y\n"
    analysis = analyse(load_orders(str(write("o.csv", text))))
    assert analysis.channel == "source"
    table = segment_table(analysis, ["source"]).set_index("source")
    assert list(table.index) == ["google", "yandex", TOTAL]
    assert set(analysis.customers["kind_column"]) == {"x", "y"}


def test_frequency_is_purchases_a_month_of_age():
    # ages in days: a month is 365.25 / 12 days; under 90 days a customer is too new to band
    orders = pd.Series([1, 1, 2, 9, 30, 4])
    age = pd.Series([0, 400, 121, 90, 300, 29])
    assert list(monthly_bands(orders, age, (0.25, 0.5, 1.0, 3.0))) == [
        "under 3 months old",  # 1 order today
        "under 0.25 a month",  # 1 in 13.2 months
        "0.25-0.5 a month",  # 2 in 4.0 months = 0.497
        "3+ a month",  # 9 in 2.99 months = 3.01
        "3+ a month",  # 30 in 9.9 months
        "under 3 months old",  # 4 in the first month
    ]
    assert list(monthly_bands(orders, age, (3.0,))) == [
        "under 3 months old", "under 3 a month", "under 3 a month", "3+ a month", "3+ a month",
        "under 3 months old",
    ]  # fmt: skip


def test_frequency_bands_from_the_settings(write):
    rows = [f"a,2024-0{m}-01,1" for m in (1, 2, 3, 4)] + ["a,2024-04-10,1", "b,2024-01-01,1"]
    path = write("o.csv", "customer,date,amount\n" + "\n".join(rows) + "\n")
    settings = Settings(as_of=dt.date(2024, 4, 15), frequency_bands=[1])  # 105 days old
    analysis = analyse(load_orders(str(path)), settings)  # a: 5 in 3.5 months; b: 1
    table = segment_table(analysis, ["frequency"])
    assert list(table["frequency"]) == ["under 1 a month", "1+ a month", TOTAL]
    assert list(table["customers"]) == [1, 1, 2]
    with pytest.raises(ConfigError, match="frequency_bands"):
        Settings(frequency_bands=(3, 1))


def test_intervals_match_scipy_and_cover_the_truth():
    from scipy import stats

    from ltvcli.confidence import mean_interval, wilson_interval

    for k, n in [(0, 5), (5, 12), (12, 12), (560, 1400)]:
        ci = stats.binomtest(k, n).proportion_ci(method="wilson")
        assert wilson_interval(k, n) == pytest.approx((ci.low, ci.high), abs=1e-12)
    assert wilson_interval(0, 0) == (None, None)
    rng = np.random.default_rng(7)
    small = rng.lognormal(8, 1, 25).round()  # a skewed LTV, in cents
    low, high = mean_interval(small)
    ref = stats.bootstrap(
        (small,), np.mean, method="percentile", random_state=1
    ).confidence_interval
    assert abs(low - ref.low) < 0.1 * small.mean() and abs(high - ref.high) < 0.1 * small.mean()
    big = rng.lognormal(8, 1, 5000).round()
    low, high = mean_interval(big)
    half = 1.959964 * big.std(ddof=1) / np.sqrt(len(big))
    assert (low, high) == (round(big.mean() - half), round(big.mean() + half))
    # 95 % intervals of the mean of small skewed samples hold the true mean about 95 % of the time
    true_mean = np.exp(8 + 0.5)
    covered = sum(
        lo <= true_mean <= hi
        for lo, hi in (mean_interval(rng.lognormal(8, 1, 200)) for _ in range(200))
    )
    assert 0.88 <= covered / 200 <= 0.99


def test_small_segments_are_marked_with_their_intervals(write):
    rows = ["customer,date,amount,city"]
    rows += [f"m{i},2024-01-{1 + i % 28:02d},100,Moscow" for i in range(40)]
    rows += [f"m{i},2024-02-{1 + i % 28:02d},100,Moscow" for i in range(10)]  # 10 repeat
    rows += [f"k{i},2024-01-{1 + i % 28:02d},100,Kazan" for i in range(12)]
    rows += [f"k{i},2024-03-{1 + i:02d},50,Kazan" for i in range(5)]  # 5 of 12 repeat
    analysis = analyse(load_orders(str(write("o.csv", "\n".join(rows) + "\n"))))
    table = segment_table(analysis, ["city"]).set_index("city")
    assert table.loc["Kazan", "confidence"] == "low" and pd.isna(table.loc["Moscow", "confidence"])
    assert (table.loc["Kazan", "repeat_rate_low"], table.loc["Kazan", "repeat_rate_high"]) == (
        pytest.approx(0.19326, abs=1e-5),
        pytest.approx(0.68049, abs=1e-5),
    )
    assert table.loc["Kazan", "ltv_historical_low"] <= table.loc["Kazan", "ltv_historical"]
    assert table.loc["Kazan", "ltv_historical"] <= table.loc["Kazan", "ltv_historical_high"]
    wide = analyse(
        load_orders(str(write("o.csv", "\n".join(rows) + "\n"))), Settings(small_segment=5)
    )
    assert segment_table(wide, ["city"])["confidence"].isna().all()


def test_segments_too_young_for_churn_take_the_population_lifespan():
    from helpers.paths import SAMPLE

    analysis = analyse(load_orders(str(SAMPLE / "orders.csv")))
    table = segment_table(analysis, ["cohort"], "quarter").set_index("cohort")
    [everyone] = analysis.kpis()
    young = table.loc["2025-Q1"]
    assert young["lifespan_basis"] == "population" and pd.isna(young["churn_rate"])
    expected = round(young["aov"] * young["purchase_frequency"] * everyone["lifespan_years"])
    assert abs(young["ltv_formula"] - expected) <= 1  # cents
    assert table.loc["2023-Q1", "lifespan_basis"] == "churn"
