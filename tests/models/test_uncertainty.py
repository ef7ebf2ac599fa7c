"""Intervals: the simulated futures agree with the models' closed forms, the bounds of totals
cover what happens as often as they say, and every draw is seeded."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import simulate

from ltvcli.models import bgnbd, gammagamma, mbgnbd, pareto
from ltvcli.models.expected import expected_purchases
from ltvcli.models.fit import Fitted, maximise
from ltvcli.models.predict import Group
from ltvcli.models.summary import Summary, compress
from ltvcli.models.uncertainty import Interval, futures, parameter_draws

HISTORIES = (np.array([0.0, 1, 4, 10]), np.array([0.0, 5, 20, 30]), np.array([10.0, 30, 32, 40]))


@pytest.mark.parametrize(
    ("module", "params"),
    [
        (bgnbd, np.array([0.5, 4.0, 0.8, 2.5])),
        (mbgnbd, np.array([0.5, 4.0, 0.8, 2.5])),
        (pareto, np.array([0.6, 5.0, 0.9, 12.0])),
    ],
)
def test_simulated_futures_average_to_the_closed_form_expectation(module, params):
    """An independent check of both: the model's story run forward 40,000 times per history
    (alive or not, own rate, own dropout) against the hypergeometric formula."""
    x, t_x, T = (np.repeat(h, 40_000) for h in HISTORIES)
    lengths = np.array([10.0, 16.0])
    bought = module.future(params, x, t_x, T, lengths, np.random.default_rng(7))
    counts = np.zeros((len(lengths), len(x)))
    np.add.at(counts, (bought.period, bought.who), bought.count)
    one = slice(None, None, 40_000)  # each history once
    expected = expected_purchases(module, params, 26.0, x[one], t_x[one], T[one])
    per_history = counts.sum(axis=0).reshape(4, -1)
    error = per_history.std(axis=1) / np.sqrt(per_history.shape[1])
    assert np.all(np.abs(per_history.mean(axis=1) - expected) <= 4 * error + 1e-9)
    first = expected_purchases(module, params, 10.0, x[one], t_x[one], T[one])
    assert np.allclose(counts[0].reshape(4, -1).mean(axis=1), first, rtol=0.05, atol=0.01)


def test_simulated_spend_averages_to_gamma_gammas_expectation():
    spend = np.array([6.25, 3.74, 15.44])  # the published CDNOW estimates
    x, m = np.repeat([0.0, 2, 8], 50_000), np.repeat([np.nan, 20.0, 60.0], 50_000)
    from ltvcli.models.summary import Purchases
    from ltvcli.models.uncertainty import simulate_spend

    one_each = Purchases(np.zeros(len(x), dtype=np.intp), np.arange(len(x)), np.ones(len(x)))
    money = simulate_spend(spend, one_each, x, m, np.zeros(len(x)), np.random.default_rng(3))
    expected = gammagamma.expected_spend(spend, x[::50_000], np.nan_to_num(m[::50_000]))
    assert np.allclose(money.reshape(3, -1).mean(axis=1), expected, rtol=0.02)


def _fitted(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[Fitted, Summary]:
    """BG/NBD fitted to these histories, and their summary (no spend)."""
    data, weights, _ = compress(x, t_x, T)
    fit = maximise(
        "bgnbd", bgnbd.PARAMS, bgnbd.log_likelihood, data, weights, bgnbd.START,
        bgnbd.log_likelihood_and_gradient,
    )  # fmt: skip
    return fit, Summary(x, t_x, T, np.full(len(x), np.nan), np.arange(len(x)), "week")


def _total_interval(seed: int, bootstrap: int = 0) -> tuple[float, float, float]:
    x, t_x, T, future = simulate.bgnbd_and_future(600, 0.5, 4.0, 0.8, 2.5, 26.0, seed)
    fit, summary = _fitted(x, t_x, T)
    plan = Interval(0.9, draws=200, bootstrap=bootstrap, seed=seed)
    rng = np.random.default_rng(seed)
    everyone = [Group(np.arange(len(x)), np.eye(4), None, fit.vector(), None)]
    draws = parameter_draws(bgnbd, fit, None, summary, plan, rng, everyone)
    lengths = np.array([26.0])
    simulated = futures(bgnbd, draws, summary, np.ones(len(x)), lengths, rng, everyone)
    totals = [orders.sum() for orders, _ in simulated]
    low, high = np.quantile(totals, plan.quantiles)
    return low, high, future.sum()


@pytest.mark.slow
def test_nominal_90_percent_bounds_of_a_total_cover_the_simulated_truth_85_to_95_percent():
    """120 shops of 600 simulated BG/NBD customers: fit, bound the next 26 weeks' purchases,
    compare with what the simulated customers then bought."""
    covered = [low <= truth <= high for low, high, truth in map(_total_interval, range(120))]
    assert 0.85 <= np.mean(covered) <= 0.95, np.mean(covered)


def test_bootstrap_bounds_cover_the_truth_and_are_seeded():
    low, high, truth = _total_interval(5, bootstrap=30)
    assert low < high and low <= truth <= high
    assert _total_interval(5, bootstrap=30) == (low, high, truth)  # the same seed, the same bounds


def test_without_a_covariance_the_draws_are_the_estimate():
    x, t_x, T, _ = simulate.bgnbd_and_future(300, 0.5, 4.0, 0.8, 2.5, 1.0, 1)
    fit, summary = _fitted(x, t_x, T)
    fit.covariance = None
    everyone = [Group(np.arange(len(x)), np.eye(4), None, fit.vector(), None)]
    draws = parameter_draws(
        bgnbd, fit, None, summary, Interval(draws=5), np.random.default_rng(0), everyone
    )
    assert draws.source == "none" and np.allclose(np.exp(draws.count), fit.vector())
