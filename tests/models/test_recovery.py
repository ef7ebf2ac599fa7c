"""Parameters simulated from known values are fitted back within statistical error."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import simulate

from ltvcli.models import bgnbd, gammagamma, mbgnbd, pareto
from ltvcli.models.fit import maximise
from ltvcli.models.summary import compress


def _fit(module, *data):
    unique, weights, _ = compress(*data)
    return maximise(
        module.NAME, module.PARAMS, module.log_likelihood, unique, weights, module.START
    )


def _within(fit, truth: dict[str, float], sigmas: float = 4.0) -> None:
    for name, value in truth.items():
        error = fit.std_errors[name]
        assert error is not None and error > 0
        assert abs(fit.params[name] - value) <= sigmas * error, (
            name,
            fit.params[name],
            value,
            error,
        )


@pytest.mark.parametrize(("module", "modified"), [(bgnbd, False), (mbgnbd, True)])
def test_bg_family_recovers_its_parameters(module, modified):
    truth = {"r": 0.5, "alpha": 4.0, "a": 0.8, "b": 2.5}
    x, t_x, T = simulate.bgnbd(8000, *truth.values(), modified=modified)
    _within(_fit(module, x, t_x, T), truth)


def test_pareto_nbd_recovers_its_parameters():
    truth = {"r": 0.6, "alpha": 5.0, "s": 0.8, "beta": 10.0}
    x, t_x, T = simulate.pareto(8000, *truth.values())
    _within(_fit(pareto, x, t_x, T), truth)


def test_gamma_gamma_recovers_its_parameters():
    truth = {"p": 6.0, "q": 4.0, "gamma": 15.0}
    x, m = simulate.gamma_gamma(4000, *truth.values())
    _within(_fit(gammagamma, x, m), truth)


def test_compressing_identical_rows_changes_nothing():
    x, t_x, T = simulate.bgnbd(1500, 0.5, 4.0, 0.8, 2.5)
    T = np.round(T)  # many identical rows
    compressed = _fit(bgnbd, x, t_x, T)
    full = maximise(
        bgnbd.NAME, bgnbd.PARAMS, bgnbd.log_likelihood, (x, t_x, T), np.ones(len(x)), bgnbd.START
    )
    assert compressed.log_likelihood == pytest.approx(full.log_likelihood, abs=1e-6)
    for name in bgnbd.PARAMS:
        assert compressed.params[name] == pytest.approx(full.params[name], rel=1e-4)


def test_one_price_leaves_the_spend_model_out_with_a_note():
    """A service with one price: every repeat customer's mean order is the same, and the spend
    model has nothing to learn (its fit would run away to infinite parameters)."""
    from ltvcli.models.predict import fit_models
    from ltvcli.models.summary import Summary

    x, t_x, T = simulate.bgnbd(3000, 0.5, 4.0, 0.8, 2.5, seed=15)
    m = np.where(x > 0, 100.0, np.nan)
    models = fit_models(Summary(x, t_x, T, m, np.arange(len(x)), "week"), "bgnbd")
    assert models.spend is None
    assert any("same mean value" in note for note in models.notes)
