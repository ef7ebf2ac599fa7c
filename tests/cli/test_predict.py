"""``ltv predict`` through the CLI: predictions, the summary, the holdout check, saved models."""

from __future__ import annotations

import json

import pytest
from helpers.paths import LTV, SAMPLE

ORDERS = str(SAMPLE / "orders.csv")


def test_predictions_have_the_units_in_their_names(run_cli):
    result = run_cli(
        "predict",
        ORDERS,
        "--horizon",
        "90d",
        "--sort",
        "predicted_ltv_90d",
        "--top",
        "10",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    rows = result.json
    assert len(rows) == 10
    assert {"customer", "p_alive", "expected_orders_90d", "expected_aov", "predicted_ltv_90d",
            "total_ltv", "expected_next_order"} <= set(rows[0])  # fmt: skip
    ltv = [r["predicted_ltv_90d"] for r in rows]
    assert ltv == sorted(ltv, reverse=True)
    for r in rows:
        assert 0 <= r["p_alive"] <= 1 and r["expected_orders_90d"] >= 0
        assert r["total_ltv"] > r["predicted_ltv_90d"]


def test_a_longer_horizon_predicts_more_and_discounting_less(run_cli):
    def total(*args):
        rows = run_cli("predict", ORDERS, "-f", "json", *args).json
        key = next(k for k in rows[0] if k.startswith("predicted_ltv_"))
        return sum(r[key] for r in rows)

    assert total("--horizon", "1y") > total("--horizon", "6m")
    assert total("--horizon", "1y", "--discount-rate", "0.2") < total("--horizon", "1y")


def test_summary_json_names_the_parameters(run_cli):
    summary = run_cli("predict", ORDERS, "--summary", "-f", "json").json
    assert summary["model"] == "bgnbd" and set(summary["params"]) == {"r", "alpha", "a", "b"}
    assert set(summary["spend"]["params"]) == {"p", "q", "gamma"}
    assert summary["time_unit"] == "week" and summary["customers"] == 3952
    assert summary["aic"] == pytest.approx(8 - 2 * summary["log_likelihood"])
    pareto = run_cli("predict", ORDERS, "--summary", "--model", "pareto", "-f", "json").json
    assert set(pareto["params"]) == {"r", "alpha", "s", "beta"}


def test_holdout_report_and_auto_model(run_cli):
    report = run_cli("predict", ORDERS, "--holdout", "180d", "-f", "json").json["holdout"]
    assert report["calibration_end"] == "2025-01-01" and report["holdout_end"] == "2025-06-30"
    assert report["verdict"] in ("trustworthy", "usable with care", "not reliable")
    assert abs(report["aggregate_error"]) < 0.1
    assert sum(b["customers"] for b in report["bins"]) == report["customers"]
    auto = run_cli("predict", ORDERS, "--holdout", "180d", "--model", "auto", "-f", "json").json
    assert auto["holdout"]["model"] == min(auto["models"], key=auto["models"].get)


def test_a_saved_model_scores_new_data_the_same(run_cli, tmp_path):
    model = tmp_path / "model.json"
    fitted = run_cli("predict", ORDERS, "--save-model", model, "-f", "json").json
    saved = json.loads(model.read_text())
    assert saved["model"] == "bgnbd" and saved["as_of"] == "2025-06-30"
    scored = run_cli("predict", ORDERS, "--model-file", model, "-f", "json").json
    assert scored == fitted
    assert run_cli("predict", ORDERS, "--model-file", tmp_path / "nope.json").exit_code == 2


def test_too_little_data_is_explained(run_cli, write):
    data = write(
        "o.csv", "customer,date,amount\na,2024-01-01,10\na,2024-02-01,10\nb,2024-01-05,5\n"
    )
    result = run_cli("predict", data)
    assert result.exit_code == 1
    assert "only 1 of 2 customers bought on two different days" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["predict", "--horizon", "soon"],
        ["predict", "--time-unit", "year"],
        ["predict", "--model", "magic"],
        ["compute", "--predict", "--model", "auto"],
        ["segments", "--predict", "--horizon", "soon"],
    ],
)
def test_bad_options_are_usage_errors(run_cli, args):
    result = run_cli(args[0], ORDERS, *args[1:])
    assert result.exit_code == 2 and "ltv: error" in result.stderr


def test_compute_customers_and_segments_with_predict(run_cli):
    kpis = run_cli(
        "compute", ORDERS, "--spend", str(SAMPLE / "spend.csv"), "--predict", "-f", "json"
    ).json
    assert kpis["predicted_ltv_cac_ratio"] == pytest.approx(
        kpis["total_ltv"] / kpis["cac"], rel=1e-5
    )
    customers = run_cli("customers", ORDERS, "--predict", "-f", "json").json
    assert sum(c["total_ltv"] for c in customers) / len(customers) == pytest.approx(
        kpis["total_ltv"], abs=0.01
    )
    for c in customers:
        if c["status"] in ("active", "at-risk"):
            assert (c["status"] == "at-risk") == (c["p_alive"] < 0.5)
    segments = run_cli("segments", ORDERS, "--by", "channel", "--predict", "-f", "json").json
    total = segments[-1]
    assert total["channel"] == "(total)" and total["predicted_ltv_12m"] == kpis["predicted_ltv_12m"]


def test_cdnow_from_the_command_line():
    import subprocess

    from helpers.paths import DATA

    ltv = LTV
    args = [str(ltv), "predict", str(DATA / "cdnow_sample.txt"), "--no-header", "--names",
            "master,customer,date,cds,amount", "--customer", "customer", "-q", "-f", "json"]  # fmt: skip
    summary = json.loads(
        subprocess.run(
            [*args, "--as-of", "1997-09-30", "--summary"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert summary["params"]["r"] == pytest.approx(0.243, abs=0.01)
    assert summary["log_likelihood"] == pytest.approx(-9582.43, abs=0.01)
    report = json.loads(
        subprocess.run(
            [*args, "--holdout", "1997-09-30"], capture_output=True, text=True, check=True
        ).stdout
    )["holdout"]
    assert (report["customers"], report["calibration_end"], report["holdout_end"]) == (
        2357,
        "1997-09-30",
        "1998-06-30",
    )
    assert abs(report["aggregate_error"]) < 0.25


def test_at_risk_is_one_definition_with_predict(run_cli, tmp_path):
    """With --predict, at-risk is P(alive) < 0.5 in customers, segments and the report."""
    customers = run_cli("customers", ORDERS, "--predict", "-q", "-f", "json").json
    at_risk = {c["customer"] for c in customers if c["status"] == "at-risk"}
    assert at_risk and all(
        c["p_alive"] < 0.5 for c in customers if c["customer"] in at_risk
    )  # and every one of them is below the threshold
    segments = run_cli("segments", ORDERS, "--by", "city", "--predict", "-q", "-f", "json").json
    total = next(s for s in segments if s["city"] == "(total)")
    assert total["at_risk_share"] == pytest.approx(len(at_risk) / len(customers), abs=1e-6)
    report = tmp_path / "r.json"
    run_cli("report", ORDERS, "--predict", "-q", "-o", str(report))
    calls = json.loads(report.read_text())["sections"]["call_list"]["call_list"]
    assert calls and all(row["p_alive"] < 0.5 for row in calls)


def test_covariates_show_each_effect_in_the_summary(run_cli):
    result = run_cli("predict", ORDERS, "--covariates", "Channel,city", "--summary", "-f", "json")
    assert result.exit_code == 0, result.stderr
    summary = result.json
    assert summary["covariates"]["columns"] == ["channel", "city"]  # header spelling resolved
    assert summary["covariates"]["references"] == ["organic", "Moscow"]  # the most common
    names = list(summary["effects"])
    assert "purchase: channel=yandex_direct" in names and "dropout (b): city=Kazan" in names
    assert all(summary["std_errors"][n] > 0 for n in names)
    spend = summary["spend"]["effects"]
    assert set(spend) == {n.replace("purchase", "spend") for n in names if n.startswith("purchase")}
    table = run_cli("predict", ORDERS, "--covariates", "channel", "--summary", "-f", "csv").stdout
    assert "purchase: channel=instagram" in table and "multiplier" in table.splitlines()[0]


def test_a_saved_model_with_covariates_scores_new_data_the_same(run_cli, tmp_path):
    model = tmp_path / "model.json"
    fitted = run_cli("predict", ORDERS, "--covariates", "channel", "--save-model", model, "-f",
                     "csv", "-q")  # fmt: skip
    reused = run_cli("predict", ORDERS, "--model-file", model, "-f", "csv", "-q")
    plain = run_cli("predict", ORDERS, "-f", "csv", "-q")
    assert fitted.exit_code == reused.exit_code == 0, reused.stderr
    assert reused.stdout == fitted.stdout != plain.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--covariates", "orders"], "not an attribute column of the first order"),
        (["--covariates", "channel", "--model-file", ORDERS], "a saved model has its own"),
    ],
)
def test_covariates_refuse_what_they_cannot_do(run_cli, args, words):
    result = run_cli("predict", ORDERS, *args)
    assert result.exit_code == 2
    assert words in result.stderr and "Traceback" not in result.stderr


def test_covariates_with_bounds_holdout_and_forecast(run_cli, tmp_path):
    """Everything a model without covariates does, a model with them does too."""
    bounded = run_cli("predict", ORDERS, "--covariates", "channel", "--interval", "0.9",
                      "-f", "json", "-q").json  # fmt: skip
    for row in bounded:
        assert (
            row["predicted_ltv_12m_low"]
            <= row["predicted_ltv_12m"]
            <= row["predicted_ltv_12m_high"]
        )
        assert row["p_alive_low"] <= row["p_alive"] <= row["p_alive_high"]
    boot = run_cli("predict", ORDERS, "--covariates", "channel", "--interval", "0.9",
                   "--bootstrap", "3", "--top", "5", "-f", "json", "-q")  # fmt: skip
    assert boot.exit_code == 0, boot.stderr
    check = run_cli("predict", ORDERS, "--covariates", "channel", "--holdout", "90d", "-f", "json")
    assert check.exit_code == 0, check.stderr
    plain_check = run_cli("predict", ORDERS, "--holdout", "90d", "-f", "json").json["holdout"]
    # the covariates' model, not the plain one, made the holdout's predictions
    assert 0 < check.json["holdout"]["predicted_orders"] != plain_check["predicted_orders"]
    forecast = run_cli("forecast", ORDERS, "--covariates", "channel", "--horizon", "6m",
                       "-f", "json", "-q")  # fmt: skip
    assert forecast.exit_code == 0, forecast.stderr
    total = forecast.json[-1]
    assert total["revenue_low"] <= total["revenue"] <= total["revenue_high"]
    plain = run_cli("forecast", ORDERS, "--horizon", "6m", "-f", "json", "-q").json[-1]
    assert total["revenue"] != plain["revenue"]
    plots = run_cli("predict", ORDERS, "--covariates", "channel", "--plot", tmp_path, "-q")
    assert plots.exit_code == 0, plots.stderr
    assert list(tmp_path.glob("*.svg"))
    report = run_cli("report", ORDERS, "--predict", "--covariates", "channel", "-o",
                     tmp_path / "r.html", "-q")  # fmt: skip
    assert report.exit_code == 0, report.stderr
    assert "purchase: channel=yandex_direct" in (tmp_path / "r.html").read_text()


def test_segments_predict_with_covariates_are_the_customers_means(run_cli):
    import pandas as pd

    customers = pd.DataFrame(
        run_cli("predict", ORDERS, "--covariates", "channel", "-f", "json", "-q").json
    )
    channels = pd.DataFrame(run_cli("customers", ORDERS, "-f", "json", "-q").json)
    merged = customers.merge(channels[["customer", "channel"]], on="customer")
    segments = run_cli("segments", ORDERS, "--by", "channel", "--predict", "--covariates",
                       "channel", "-f", "json", "-q").json  # fmt: skip
    means = merged.groupby("channel")["predicted_ltv_12m"].mean()
    rows = [row for row in segments if row["channel"] in means]
    assert len(rows) == len(means) == 5
    for row in rows:
        assert row["predicted_ltv_12m"] == pytest.approx(means[row["channel"]], abs=0.01)
