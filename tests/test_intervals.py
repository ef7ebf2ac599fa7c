"""Intervals against SQL: gap percentiles, and Kaplan–Meier return shares from SQL's risk table."""

from __future__ import annotations

import pytest
from helpers import oracle
from hypothesis import HealthCheck, given, settings

from ltvcli.analysis import analyse
from ltvcli.intervals import RETURN_DAYS, interval_table
from ltvcli.load import load_orders
from ltvcli.segments import TOTAL


def _km_returned(risk: list[dict], days: int) -> float:
    survival = 1.0
    for r in risk:
        if r["dur"] <= days and r["events"]:
            survival *= 1 - r["events"] / r["at_risk"]
    return 1 - survival


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=oracle.order_rows)
def test_intervals_equal_sql(tmp_path, rows):
    path = oracle.write_orders(rows, tmp_path / "orders.csv")
    [got] = interval_table(analyse(load_orders(str(path))), None).to_dict("records")
    sql = oracle.gap_percentiles(path)
    assert got["gaps"] == sql["gaps"]
    if sql["gaps"]:
        assert got["gap_mean_days"] == pytest.approx(sql["mean"])
        quantiles = [got[f"gap_{p}_days"] for p in ("p25", "median", "p75", "p90")]
        assert quantiles == pytest.approx(sql["q"])
    risk = oracle.km_risk_table(path)
    for days in RETURN_DAYS:
        assert got[f"returned_{days}d"] == pytest.approx(_km_returned(risk, days), abs=1e-12)


def test_a_customer_who_joined_yesterday_is_censored_not_lost(write):
    # a returned after 10 days; b joined 5 days before the end and has not had 10 days yet.
    text = "customer,date,amount\na,2024-01-01,1\na,2024-01-11,1\nb,2024-01-26,1\nc,2024-01-31,1\n"
    [row] = interval_table(analyse(load_orders(str(write("o.csv", text)))), None).to_dict("records")
    assert row["returned_30d"] == 1.0  # the naive share would be 1/3
    assert row["second_order_median_days"] == 10 and row["second_order_km_median_days"] == 10


def test_intervals_by_segment_have_a_total_row(write):
    from helpers.paths import SAMPLE

    analysis = analyse(load_orders(str(SAMPLE / "orders.csv")))
    table = interval_table(analysis, ["channel"]).set_index("channel")
    assert table.loc[TOTAL, "customers"] == table["customers"].drop(TOTAL).sum()
    assert table.loc[TOTAL, "gaps"] == table["gaps"].drop(TOTAL).sum()
