"""ltv forecast and --interval through the real entry point."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from helpers.paths import SAMPLE

ORDERS = str(SAMPLE / "orders.csv")


def _csv(result) -> pd.DataFrame:
    assert result.exit_code == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout))


def test_forecast_periods_add_up_to_the_total_row(run_cli):
    table = _csv(run_cli("forecast", ORDERS, "-f", "csv", "-q"))
    periods, total = table.iloc[:-1], table.iloc[-1]
    assert list(periods["period"]) == [f"2025-{m:02d}" for m in range(7, 13)] + [
        f"2026-{m:02d}" for m in range(1, 7)
    ]
    assert total["period"] == "(total)" and total["days"] == 365
    assert round(periods["revenue"].sum(), 2) == pytest.approx(total["revenue"], abs=0.01 * 12)
    assert periods["repeat_orders"].sum() == pytest.approx(total["repeat_orders"])
    assert (table["revenue_low"] <= table["revenue"]).all()
    assert (table["revenue"] <= table["revenue_high"]).all()
    assert (table["repeat_orders_low"] <= table["repeat_orders_high"]).all()


def test_customers_yet_to_come_add_their_revenue(run_cli):
    table = _csv(run_cli("forecast", ORDERS, "--new-customers", "300/month", "-f", "csv", "-q"))
    assert table["acquired"].iloc[0] == pytest.approx(300 / (365.25 / 12) * 31)
    assert (
        table["total_revenue"] - table["revenue"] - table["acquired_revenue"]
    ).abs().max() < 0.01
    observed = _csv(run_cli("forecast", ORDERS, "--new-customers", "observed", "-f", "csv", "-q"))
    assert observed["acquired"].iloc[-1] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["forecast", ORDERS, "--new-customers", "many"], "--new-customers"),
        (["predict", ORDERS, "--bootstrap", "5"], "--interval"),
        (["forecast", ORDERS, "--interval", "2"], "--interval"),
    ],
)
def test_bad_forecast_flags_are_usage_errors(run_cli, args, message):
    result = run_cli(*args)
    assert result.exit_code == 2 and message in result.stderr


def test_predict_bounds_hold_each_customer_and_repeat_with_the_seed(run_cli):
    args = ["predict", ORDERS, "--interval", "0.9", "-f", "csv", "-q"]
    table = _csv(run_cli(*args))
    for key in ("p_alive", "expected_orders_12m", "predicted_ltv_12m"):
        low, high = table[f"{key}_low"], table[f"{key}_high"]
        assert (low <= table[key] + 1e-9).all() and (table[key] <= high + 1e-9).all(), key
        assert (high > low).mean() > 0.5
    assert run_cli(*args).stdout == run_cli(*args).stdout
    assert run_cli(*args, "--seed", "1").stdout != run_cli(*args).stdout


def test_compute_and_segments_bound_the_mean_predicted_ltv(run_cli):
    result = run_cli("compute", ORDERS, "--predict", "--interval", "0.9", "-f", "json", "-q")
    [record] = (
        json.loads(result.stdout) if result.stdout.startswith("[") else [json.loads(result.stdout)]
    )
    assert (
        record["predicted_ltv_12m_low"]
        < record["predicted_ltv_12m"]
        < record["predicted_ltv_12m_high"]
    )
    segments = _csv(
        run_cli("segments", ORDERS, "--predict", "--interval", "0.9", "-f", "csv", "-q")
    )
    total = segments.iloc[-1]
    assert total["predicted_ltv_12m"] == pytest.approx(record["predicted_ltv_12m"], abs=0.01)
    assert total["predicted_ltv_12m_low"] == pytest.approx(
        record["predicted_ltv_12m_low"], abs=0.01
    )
    assert (segments["predicted_ltv_12m_low"] < segments["predicted_ltv_12m"]).all()
    assert (segments["predicted_ltv_12m"] < segments["predicted_ltv_12m_high"]).all()


def test_cohorts_predict_marks_its_cells_and_takes_money_metrics_only(run_cli):
    args = ["cohorts", ORDERS, "--metric", "ltv_cumulative", "--period", "quarter", "-f", "csv"]
    matrix = _csv(run_cli(*args, "--predict", "-q"))
    assert list(matrix["predicted_from_age"]) == list(range(10, 0, -1))
    plain = _csv(run_cli(*args, "-q"))
    last = matrix.iloc[-1]
    assert pd.isna(plain.iloc[-1]["1"]) and last["1"] > last["0"]  # filled, and growing
    refused = run_cli("cohorts", ORDERS, "--predict")  # retention is not predicted
    assert refused.exit_code == 2 and "--metric ltv_cumulative" in refused.stderr


def test_predict_plot_writes_the_diagnostic_charts(run_cli, tmp_path):
    folder = tmp_path / "charts"
    result = run_cli("predict", ORDERS, "--plot", str(folder))
    assert result.exit_code == 0 and "wrote 4 charts" in result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        f"{n}.{x}"
        for n in (
            "tracking-cumulative",
            "tracking-weekly",
            "holdout-by-purchases",
            "p-alive-matrix",
        )
        for x in ("svg", "png")
    )
    assert all(p.stat().st_size > 5_000 for p in folder.iterdir())
    assert (folder / "tracking-weekly.svg").read_text().startswith("<?xml")


def test_forecast_plot_writes_its_chart_quietly_with_q(run_cli, tmp_path):
    result = run_cli("forecast", ORDERS, "--plot", str(tmp_path), "-q", "-f", "csv")
    assert result.exit_code == 0 and result.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "forecast-chart.png",
        "forecast-chart.svg",
    ]
    assert _csv(result).iloc[-1]["period"] == "(total)"  # the table still comes out
