"""--interval's two ways to the same bounds: parameter draws, and the delta method that stands in
for them when the distinct histories are many. The delta method is checked against the draws
and against an independent delta method (tiny-step gradients and the full covariance)."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from helpers.paths import SAMPLE
from scipy.special import expit, logit, ndtri

from ltvcli.analysis import analyse
from ltvcli.load import load_orders
from ltvcli.models import bgnbd, spread
from ltvcli.models.expected import expected_purchases
from ltvcli.models.predict import fit_models, score
from ltvcli.models.spread import DeltaValues, DrawnValues
from ltvcli.models.summary import summarise
from ltvcli.models.uncertainty import Interval

ORDERS = str(SAMPLE / "orders.csv")
KEYS = ("p_alive", "expected_orders", "predicted_ltv")


@pytest.fixture(scope="module")
def sample():
    analysis = analyse(load_orders(ORDERS))
    summary = summarise(analysis.customers, "week")
    return analysis, summary


def _both(analysis, models, **plan):
    """The bounds by draws and by the delta method, and each one's mean bounds."""
    out = {}
    for method in ("draws", "delta"):
        fitted = replace(models, notes=[])
        table = score(
            analysis.customers, fitted, analysis.as_of_date, 365,
            interval=Interval(0.9, method=method, **plan),
        )  # fmt: skip
        everyone = np.zeros(len(table), dtype=np.int64)
        out[method] = (table, fitted.drawn.mean_bounds(everyone), fitted.drawn)
    return out


def _shares(drawn: pd.DataFrame, delta: pd.DataFrame, key: str) -> pd.Series:
    """How far the delta method's bounds lie from the draws', as a share of the draws' width."""
    low, high = f"{key}_low", f"{key}_high"
    width = (drawn[high] - drawn[low]).astype(float)
    wide = width > 0
    moved = (delta[[low, high]] - drawn[[low, high]]).abs().max(axis=1)
    return (moved[wide] / width[wide]).astype(float)


@pytest.mark.parametrize("model", ["bgnbd", "pareto"])
def test_the_delta_method_gives_the_draws_bounds(sample, model):
    analysis, summary = sample
    out = _both(analysis, fit_models(summary, model))
    (drawn, drawn_mean, by_draws), (delta, delta_mean, by_delta) = out["draws"], out["delta"]
    assert isinstance(by_draws, DrawnValues) and isinstance(by_delta, DeltaValues)
    for key in KEYS:
        shares = _shares(drawn, delta, key)
        # 200 draws place a 5 % quantile within about 5 % of the width: sampling noise
        assert shares.median() < 0.08 and shares.quantile(0.95) < 0.2, key
        assert (delta[f"{key}_low"] <= delta[key] + 1e-9).all(), key
        assert (delta[key] <= delta[f"{key}_high"] + 1e-9).all(), key
    width = drawn_mean[1][0] - drawn_mean[0][0]
    assert abs(delta_mean[0][0] - drawn_mean[0][0]) < 0.1 * width
    assert abs(delta_mean[1][0] - drawn_mean[1][0]) < 0.1 * width


def test_the_delta_method_is_the_covariance_through_each_values_gradient(sample):
    """An independent delta method: gradients by central differences of 1e-6 in φ, and
    gᵀΣg with the full covariance, on the scale where each value is bounded."""
    analysis, summary = sample
    models = fit_models(summary, "bgnbd")
    table = score(
        analysis.customers, models, analysis.as_of_date, 365,
        interval=Interval(0.9, method="delta"),
    )  # fmt: skip
    z = ndtri(0.95)
    phi, covariance = models.count.phi(), models.count.covariance
    x, t_x, T = summary.x, summary.t_x, summary.T
    horizon = 365 / 7

    def gradient(f) -> np.ndarray:
        steps = np.eye(len(phi)) * 1e-6
        return np.array([(f(phi + s) - f(phi - s)) / 2e-6 for s in steps])

    def alive(p):
        return logit(np.clip(bgnbd.p_alive(np.exp(p), x, t_x, T), 1e-300, 1 - 1e-16))

    def orders(p):
        return np.log(expected_purchases(bgnbd, np.exp(p), horizon, x, t_x, T))

    for key, f, back in (("p_alive", alive, expit), ("expected_orders", orders, np.exp)):
        g = gradient(f)
        sd = np.sqrt(np.einsum("jr,jk,kr->r", g, covariance, g))
        repeat = x > 0  # one-time buyers are alive for sure under BG/NBD
        expected_low, expected_high = back(f(phi) - z * sd), back(f(phi) + z * sd)
        width = expected_high - expected_low
        low = table[f"{key}_low"].to_numpy()
        high = table[f"{key}_high"].to_numpy()
        assert np.abs(low - expected_low)[repeat].max() < 0.01 * width[repeat].max(), key
        assert np.abs(high - expected_high)[repeat].max() < 0.01 * width[repeat].max(), key


def test_without_the_spend_model_only_the_purchase_model_moves_the_ltv(sample):
    analysis, summary = sample
    models = replace(fit_models(summary, "bgnbd"), spend=None)
    out = _both(analysis, models)
    drawn, delta = out["draws"][0], out["delta"][0]
    assert _shares(drawn, delta, "predicted_ltv").median() < 0.08
    for table in (drawn, delta):  # each one-time buyer with their own average order value
        assert (table["predicted_ltv_low"] <= table["predicted_ltv"]).all()
        assert (table["predicted_ltv"] <= table["predicted_ltv_high"]).all()
    # a customer's own average order value: the LTV's bounds are the orders' bounds times it
    repeat = delta["expected_orders"] > 0
    ratio = delta["predicted_ltv_high"][repeat] / delta["predicted_ltv"][repeat].clip(lower=1)
    orders = delta["expected_orders_high"][repeat] / delta["expected_orders"][repeat]
    assert (ratio - orders)[delta["predicted_ltv"][repeat] > 10_000].abs().max() < 0.01


def test_a_customer_worth_nothing_is_bounded_at_nothing(sample):
    """On the plain scale where a value is not positive: no log of zero."""
    analysis, summary = sample
    models = replace(fit_models(summary, "bgnbd"), spend=None)
    customers = analysis.customers.copy()
    once = customers.index[customers["order_days"] == 1][:50]
    customers.loc[once, "net_revenue"] = 0  # their own average order value is 0
    table = score(
        customers, models, analysis.as_of_date, 365, interval=Interval(0.9, method="delta")
    )
    assert (table.loc[once, "expected_orders_high"] > 0).all()
    assert (table.loc[once, ["predicted_ltv_low", "predicted_ltv_high"]] == 0).all(axis=None)
    others = table.drop(once)
    assert (others["predicted_ltv_high"] > others["predicted_ltv_low"]).mean() > 0.9


def test_the_delta_method_with_covariates_and_a_discount_rate(sample, run_cli, monkeypatch):
    args = ["predict", ORDERS, "--covariates", "channel", "--discount-rate", "0.2"]
    args += ["--interval", "0.9", "-f", "csv"]
    drawn = run_cli(*args)
    assert drawn.exit_code == 0 and "delta method" not in drawn.stderr
    monkeypatch.setattr(spread, "SAMPLED_EVALUATIONS", 0)
    delta = run_cli(*args)
    assert delta.exit_code == 0, delta.stderr
    assert "bounds by the delta method (3,706 distinct customer histories" in delta.stderr
    drawn_table, delta_table = (pd.read_csv(io.StringIO(r.stdout)) for r in (drawn, delta))
    for key in ("p_alive", "expected_orders_12m", "predicted_ltv_12m"):
        assert _shares(drawn_table, delta_table, key).median() < 0.1, key


def test_the_bootstrap_always_draws(sample, monkeypatch):
    analysis, summary = sample
    monkeypatch.setattr(spread, "SAMPLED_EVALUATIONS", 0)
    models = fit_models(summary, "bgnbd")
    score(
        analysis.customers, models, analysis.as_of_date, 365,
        interval=Interval(0.9, bootstrap=3),
    )  # fmt: skip
    assert isinstance(models.drawn, DrawnValues)


@pytest.mark.parametrize("command", ["compute", "segments", "customers"])
def test_every_command_says_when_its_bounds_come_from_the_delta_method(
    run_cli, monkeypatch, command
):
    args = [command, ORDERS, "--predict", "--interval", "0.9", "-f", "markdown"]
    assert "delta method" not in run_cli(*args).stdout
    monkeypatch.setattr(spread, "SAMPLED_EVALUATIONS", 0)
    result = run_cli(*args)
    assert result.exit_code == 0 and "--interval: bounds by the delta method" in result.stdout


def test_without_a_covariance_the_bounds_are_the_estimate(sample):
    analysis, summary = sample
    models = fit_models(summary, "bgnbd")
    models = replace(models, count=replace(models.count, covariance=None))
    models = replace(models, spend=replace(models.spend, covariance=None))
    table = score(
        analysis.customers, models, analysis.as_of_date, 365,
        interval=Interval(0.9, method="delta"),
    )  # fmt: skip
    for key in KEYS:
        assert table[f"{key}_low"].equals(table[key]) and table[f"{key}_high"].equals(table[key])
    [low], [high] = models.drawn.mean_bounds(np.zeros(len(table), dtype=np.int64))
    assert low == high == round(table["predicted_ltv"].mean())


def test_bounds_too_wide_to_be_linear_are_drawn(sample, monkeypatch):
    """Small covariate levels leave their parameters loose: a bound far from its estimate on its
    scale is where the delta method stops being the draws' limit."""
    analysis, summary = sample
    attributes = analysis.customers.iloc[summary.rows]
    models = fit_models(summary, "bgnbd", attributes, ("channel", "city"))
    monkeypatch.setattr(spread, "SAMPLED_EVALUATIONS", 0)
    for method, kind in (("delta", DeltaValues), ("auto", DrawnValues)):
        score(
            analysis.customers, models, analysis.as_of_date, 365,
            interval=Interval(0.9, method=method), summary=summary,
        )  # fmt: skip
        assert isinstance(models.drawn, kind), method
        if method == "delta":
            assert models.drawn.reach > spread.LINEAR_REACH
            assert models.bounds_notes() and "delta method" in models.bounds_notes()[0]
    assert models.bounds_notes() == []
