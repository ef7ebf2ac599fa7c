"""Cohort cells and the trend against SQL over the same random file."""

from __future__ import annotations

import numpy as np
import pandas as pd
from helpers import oracle
from helpers.paths import SAMPLE
from hypothesis import HealthCheck, given, settings

from ltvcli import tables
from ltvcli.analysis import analyse
from ltvcli.cohorts import cohort_cells, cohort_matrix, trend
from ltvcli.load import load_orders
from ltvcli.models.predict import Forecast, forecast_customers
from ltvcli.periods import ordinal_labels, period_ordinals
from ltvcli.settings import Settings
from ltvcli.spend import load_spend


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=oracle.order_rows)
def test_cohort_cells_equal_sql(tmp_path, rows):
    path = oracle.write_orders(rows, tmp_path / "orders.csv")
    analysis = analyse(load_orders(str(path)))
    cells = cohort_cells(analysis, "month").set_index(["cohort", "age"])
    expected = {(r["cohort"], r["age"]): r for r in oracle.cohort_cells(path)}
    for key, row in cells.iterrows():
        sql = expected.get(key, {"active": 0, "orders": 0, "net": 0})
        assert (row["active"], row["orders"], row["net_revenue"]) == (
            sql["active"], sql["orders"], sql["net"],
        )  # fmt: skip
    assert set(expected) <= set(cells.index)
    sizes = cells.xs(0, level="age")["customers"]
    assert sizes.sum() == len(analysis.customers)
    # The last cumulative LTV of a cohort is its net revenue over its size, half-up.
    last = cells.groupby(level="cohort").tail(1)
    net = cells.groupby(level="cohort")["net_revenue"].sum()
    for (cohort, _), row in last.iterrows():
        assert abs(row["ltv_cumulative"] * row["customers"] - net[cohort]) <= row["customers"] / 2


def test_cells_not_yet_observable_are_empty(write):
    text = "customer,date,amount\na,2024-01-05,10\nb,2024-03-01,10\na,2024-03-02,5\n"
    matrix = cohort_matrix(
        cohort_cells(analyse(load_orders(str(write("o.csv", text)))), "month"), "retention"
    )
    matrix = matrix.set_index("cohort")
    assert list(matrix.loc["2024-01", ["0", "1", "2"]]) == [1.0, 0.0, 1.0]
    assert matrix.loc["2024-03", "0"] == 1.0 and pd.isna(matrix.loc["2024-03", "1"])


def test_cohort_cac_and_payback(write):
    orders = write(
        "o.csv", "customer,date,amount\na,2024-01-05,60\nb,2024-01-20,40\na,2024-02-05,100\n"
    )
    spend = write("s.csv", "month,spend\n2024-01,100\n")
    analysis = analyse(load_orders(str(orders)), spend=load_spend(str(spend)))
    cells = cohort_cells(analysis, "month")
    assert list(cells["cac"]) == [5000, 5000]
    assert list(cells["ltv_cumulative"]) == [5000, 10000]
    assert list(cells["payback_age"]) == [0, 0]


def test_trend_counts_new_and_returning(write):
    text = "customer,date,amount\na,2024-01-05,10\nb,2024-02-01,10\na,2024-02-02,5\n"
    t = trend(analyse(load_orders(str(write("o.csv", text)))), "month").set_index("period")
    assert list(t.loc["2024-02", ["active", "new", "returning", "orders", "net_revenue"]]) == [
        2,
        1,
        1,
        2,
        1500,
    ]


def test_predicted_cells_add_each_cohorts_expected_revenue_and_keep_the_observed():
    """cohorts --predict: a cohort's cells after the as-of date add up to its customers'
    expected orders over the horizon × their expected order value (ltv predict's numbers), and
    the observed cells are those of the plain table."""
    analysis = analyse(load_orders(str(SAMPLE / "orders.csv")), Settings())
    plan = Forecast(horizon="365d")
    plain = tables.cohorts(analysis, "quarter", "net_revenue", long=True).frame
    cells = tables.cohorts(analysis, "quarter", "net_revenue", long=True, forecast=plan).frame
    observed = cells[~cells["predicted"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(observed[plain.columns], plain, check_dtype=False)
    predictions, _ = forecast_customers(analysis, plan)
    c = analysis.customers.loc[predictions.index]
    cohort = ordinal_labels(period_ordinals(c["_first_day"].to_numpy(), "quarter"), "quarter")
    expected = (predictions["expected_orders"] * predictions["expected_aov"]).groupby(cohort).sum()
    got = cells[cells["predicted"]].groupby("cohort")["net_revenue"].sum()
    assert np.allclose(got.reindex(expected.index), expected, rtol=1e-6, atol=5)
    assert cells[cells["predicted"]]["active"].isna().all()  # not predicted: left empty
