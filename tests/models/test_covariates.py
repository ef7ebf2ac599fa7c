"""Covariates: the levels' coding, and effects simulated from known values fitted back within
statistical error by BG/NBD, Pareto/NBD and Gamma-Gamma; predictions are the model's formulas
at each group's parameters."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from helpers import simulate

from ltvcli.models import bgnbd, gammagamma
from ltvcli.models.covariates import MIN_LEVEL, NONE, OTHER, design
from ltvcli.models.fit import FitError
from ltvcli.models.predict import fit_models, score
from ltvcli.models.summary import Summary

SIZES = {"organic": 4000, "ads": 3000, "vk": 2000}
CHANNEL = np.repeat(list(SIZES), list(SIZES.values()))
ADS, VK = (CHANNEL == "ads").astype(float), (CHANNEL == "vk").astype(float)


def _summary(x, t_x, T, m=None) -> Summary:
    m = np.full(len(x), np.nan) if m is None else m
    return Summary(x, t_x, T, m, np.arange(len(x)), "week")


def _within(fit, truth: dict[str, float], sigmas: float = 4.0) -> None:
    for name, value in truth.items():
        estimate = fit.effects[name] if ":" in name else fit.params[name]
        error = fit.std_errors[name]
        assert error is not None and error > 0, name
        assert abs(estimate - value) <= sigmas * error, (name, estimate, value, error)


def _attributes() -> pd.DataFrame:
    return pd.DataFrame({"channel": CHANNEL})


def _everyone_repeats(frame: pd.DataFrame) -> np.ndarray:
    return np.ones(len(frame), dtype=bool)


def test_levels_are_coded_against_the_most_common_and_small_ones_pooled():
    values = ["msk"] * 300 + ["spb"] * 200 + ["kzn"] * MIN_LEVEL + ["omsk"] * 30 + ["tver"] * 25
    values += [""] * 10 + [None] * 5
    frame = pd.DataFrame({"city": values})
    coded = design(frame, ("city",), _everyone_repeats(frame))
    assert coded.references == ("msk",)
    # omsk and tver (55 customers) are pooled; the 15 without a city go with them
    assert coded.names == ("city=spb", "city=kzn", f"city={OTHER}")
    indicators, group = coded.code(frame)
    assert indicators.shape == (4, 3)
    by_value = {v: tuple(indicators[g]) for v, g in zip(values, group, strict=True)}
    assert by_value["msk"] == (0, 0, 0)
    assert by_value["spb"] == (1, 0, 0)
    assert by_value["tver"] == by_value[None] == (0, 0, 1)
    # a city the fit never saw is "(other)" when scoring new customers, whatever the header
    new = coded.code(pd.DataFrame({"City": ["novosibirsk", "spb"]}))
    assert [tuple(new[0][g]) for g in new[1]] == [(0, 0, 1), (1, 0, 0)]


def test_too_few_to_pool_count_as_the_reference():
    frame = pd.DataFrame({"city": ["msk"] * 300 + ["spb"] * 200 + ["omsk"] * 10})
    coded = design(frame, ("city",), _everyone_repeats(frame))
    assert coded.names == ("city=spb",)
    indicators, group = coded.code(frame)
    assert not indicators[group[-1]].any()  # omsk: the reference's parameters
    assert NONE not in coded.names


def test_a_level_without_enough_repeat_customers_is_pooled():
    """A level none of whose customers came back has no estimable dropout or spend: it goes
    with the rest, and a column named twice (in any spelling) counts once."""
    frame = pd.DataFrame({"city": ["msk"] * 300 + ["spb"] * 200 + ["kzn"] * 100})
    repeat = np.array([True] * 300 + [True] * 200 + [False] * 90 + [True] * 10)
    coded = design(frame, ("city", "City"), repeat)
    assert coded.columns == ("city",) and coded.names == ("city=spb",)


def test_a_column_without_a_level_to_compare_is_an_error():
    frame = pd.DataFrame({"city": [f"c{i}" for i in range(600)]})
    with pytest.raises(FitError, match="nothing to compare"):
        design(frame, ("city",), _everyone_repeats(frame))


def test_bg_nbd_recovers_its_covariate_effects():
    truth = {"r": 0.5, "alpha": 4.0, "a": 0.8, "b": 2.5,
             "purchase: channel=ads": 0.5, "purchase: channel=vk": -0.4,
             "dropout (a): channel=ads": 0.6, "dropout (a): channel=vk": 0.0,
             "dropout (b): channel=ads": 0.0, "dropout (b): channel=vk": 0.5}  # fmt: skip
    alpha = 4.0 * np.exp(-(0.5 * ADS - 0.4 * VK))
    a = 0.8 * np.exp(0.6 * ADS)
    b = 2.5 * np.exp(0.5 * VK)
    x, t_x, T = simulate.bgnbd(len(CHANNEL), 0.5, alpha, a, b, seed=11)
    models = fit_models(_summary(x, t_x, T), "bgnbd", _attributes(), ("channel",))
    _within(models.count, truth)


def test_pareto_nbd_recovers_its_covariate_effects():
    truth = {"r": 0.6, "alpha": 5.0, "s": 0.8, "beta": 10.0,
             "purchase: channel=ads": 0.5, "purchase: channel=vk": -0.4,
             "dropout: channel=ads": 0.7, "dropout: channel=vk": -0.5}  # fmt: skip
    alpha = 5.0 * np.exp(-(0.5 * ADS - 0.4 * VK))
    beta = 10.0 * np.exp(-(0.7 * ADS - 0.5 * VK))
    x, t_x, T = simulate.pareto(len(CHANNEL), 0.6, alpha, 0.8, beta, seed=12)
    models = fit_models(_summary(x, t_x, T), "pareto", _attributes(), ("channel",))
    _within(models.count, truth)


def _spend(x: np.ndarray, p: float, q: float, gamma: np.ndarray, seed: int) -> np.ndarray:
    """The mean of x orders worth Gamma(p, ν) each, ν ~ Gamma(q, γ): Gamma(p·x, ν·x)."""
    rng = np.random.default_rng(seed)
    nu = rng.gamma(q, 1 / gamma)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            x > 0, rng.gamma(np.maximum(p * x, 1e-9), 1 / (nu * np.maximum(x, 1))), np.nan
        )


def test_gamma_gamma_recovers_its_covariate_effect():
    truth = {"p": 6.0, "q": 4.0, "gamma": 15.0,
             "spend: channel=ads": 0.4, "spend: channel=vk": -0.3}  # fmt: skip
    x, t_x, T = simulate.bgnbd(len(CHANNEL), 2.0, 4.0, 0.3, 2.5, seed=13)
    m = _spend(x, 6.0, 4.0, 15.0 * np.exp(0.4 * ADS - 0.3 * VK), seed=13)
    models = fit_models(_summary(x, t_x, T, m), "bgnbd", _attributes(), ("channel",))
    assert models.spend is not None
    _within(models.spend, truth)


def test_a_column_with_one_level_changes_nothing():
    x, t_x, T = simulate.bgnbd(3000, 0.5, 4.0, 0.8, 2.5, seed=14)
    summary = _summary(x, t_x, T)
    plain = fit_models(summary, "bgnbd")
    same = fit_models(summary, "bgnbd", pd.DataFrame({"channel": ["ads"] * 3000}), ("channel",))
    assert same.count.effects == {}
    for name in bgnbd.PARAMS:
        assert same.count.params[name] == pytest.approx(plain.count.params[name], rel=1e-6)


def test_each_group_is_scored_with_its_own_parameters():
    channel = np.random.default_rng(16).permutation(CHANNEL)  # groups not in blocks
    ads, vk = (channel == "ads").astype(float), (channel == "vk").astype(float)
    alpha = 4.0 * np.exp(-(0.5 * ads - 0.4 * vk))
    x, t_x, T = simulate.bgnbd(len(channel), 0.5, alpha, 0.8, 2.5, seed=15)
    n = len(x)
    m = _spend(x, 6.0, 4.0, 15.0 * np.exp(0.3 * ads), seed=15)
    customers = pd.DataFrame({
        "orders": x + 1, "order_days": x + 1, "tenure_days": t_x * 7, "age_days": T * 7,
        "net_revenue": np.round(np.nan_to_num(m) * x * 100 + 10_000), "margin": np.nan,
        "_sales_cents": np.round(np.nan_to_num(m) * x * 100 + 10_000),
        "_first_day_cents": np.full(n, 10_000), "channel": channel,
    })  # fmt: skip
    summary = _summary(x, t_x, T, m)
    models = fit_models(summary, "bgnbd", pd.DataFrame({"channel": channel}), ("channel",))
    assert models.spend is not None
    table = score(customers, models, dt.date(2025, 6, 30), 364)
    count, spend = models.count.effects, models.spend.effects
    for level in ("organic", "ads", "vk"):
        rows = channel == level
        shift = {k.split(": ")[0]: v for k, v in (count | spend).items() if k.endswith(f"={level}")}
        r, alpha, a, b = models.count.vector()
        params = np.array([
            r,
            alpha * np.exp(-shift.get("purchase", 0.0)),
            a * np.exp(shift.get("dropout (a)", 0.0)),
            b * np.exp(shift.get("dropout (b)", 0.0)),
        ])  # fmt: skip
        p, q, g = models.spend.vector()
        spend_params = np.array([p, q, g * np.exp(shift.get("spend", 0.0))])
        expected = bgnbd.expected(params, 52, x[rows], t_x[rows], T[rows])
        assert np.allclose(table["expected_orders"].to_numpy()[rows], expected)
        alive = bgnbd.p_alive(params, x[rows], t_x[rows], T[rows])
        assert np.allclose(table["p_alive"].to_numpy()[rows], alive)
        aov = gammagamma.expected_spend(spend_params, x[rows], np.nan_to_num(m[rows]))
        ltv = np.round(expected * aov * 100)
        assert np.abs(table["predicted_ltv"].to_numpy()[rows] - ltv).max() <= 1
