"""The analytic gradients the fits use agree with differences of the log-likelihood, and the
special functions evaluated once per purchase count give the per-row values."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import simulate

from ltvcli.models import bgnbd, gammagamma, mbgnbd, pareto
from ltvcli.models.covariates import maps
from ltvcli.models.fit import Grouping, maximise
from ltvcli.models.summary import count_grid


def _histories(n: int = 5000, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    T = rng.uniform(1, 78, n)
    x = rng.poisson(2.0, n).astype(float)
    t_x = np.where(x > 0, rng.uniform(0, 1, n) * T, 0.0)
    last = np.flatnonzero(x > 0)[:50]  # bought on the last day: cannot have died since
    t_x[last] = T[last]
    return x, t_x, T


def _numeric(loglik, params: np.ndarray, data, h: float = 1e-6) -> np.ndarray:
    columns = []
    for i in range(len(params)):
        step = np.zeros(len(params))
        step[i] = h * params[i]
        columns.append(
            (loglik(params + step, *data) - loglik(params - step, *data)) / (2 * step[i])
        )
    return np.array(columns)


@pytest.mark.parametrize("module", [bgnbd, mbgnbd])
@pytest.mark.parametrize("params", [[0.24, 4.4, 0.79, 2.4], [2.0, 0.5, 3.0, 0.7]])
def test_the_beta_geometric_gradient_is_the_slope_of_the_likelihood(module, params):
    params, data = np.array(params), _histories()
    value, gradient = module.log_likelihood_and_gradient(params, *data)
    assert np.allclose(value, module.log_likelihood(params, *data))
    assert np.allclose(
        gradient, _numeric(module.log_likelihood, params, data), rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize(
    "params", [[0.55, 10.58, 0.61, 11.67], [2.0, 50.0, 0.3, 0.5], [0.3, 2.0, 0.5, 200.0]]
)
def test_the_pareto_gradient_is_the_slope_of_the_likelihood(params):
    """Exact in alpha and beta, central differences of the integral in r and s: both agree
    with differences of the whole likelihood, whichever of alpha and beta is larger."""
    params, data = np.array(params), _histories()
    value, gradient = pareto.log_likelihood_and_gradient(params, *data)
    assert np.allclose(value, pareto.log_likelihood(params, *data))
    assert np.allclose(
        gradient, _numeric(pareto.log_likelihood, params, data), rtol=1e-5, atol=1e-7
    )


def test_the_gamma_gamma_gradient_is_the_slope_of_the_likelihood():
    rng = np.random.default_rng(2)
    x = rng.integers(1, 30, 5000).astype(float)
    m = rng.gamma(3.0, 20.0, 5000)
    params = np.array([6.2, 3.4, 15.4])
    value, gradient = gammagamma.log_likelihood_and_gradient(params, x, m)
    assert np.allclose(value, gammagamma.log_likelihood(params, x, m))
    assert np.allclose(
        gradient, _numeric(gammagamma.log_likelihood, params, (x, m)), rtol=1e-5, atol=1e-6
    )


def test_functions_of_the_count_are_the_same_on_the_grid_as_per_row():
    x, t_x, T = _histories()
    grid, _ = count_grid(x)
    assert len(grid) == x.max() + 1  # evaluated once per count
    params = np.array([0.24, 4.4, 0.79, 2.4])
    on_grid = mbgnbd.log_likelihood(params, x, t_x, T)
    # fewer than 1,024 rows are evaluated row by row
    per_row = np.concatenate([
        mbgnbd.log_likelihood(params, x[i : i + 500], t_x[i : i + 500], T[i : i + 500])
        for i in range(0, len(x), 500)
    ])  # fmt: skip
    assert np.allclose(on_grid, per_row, rtol=1e-12)
    fractional = x + 0.5
    assert count_grid(fractional)[0] is fractional  # not whole numbers: as they are


@pytest.mark.parametrize("module", [bgnbd, pareto])
def test_a_fit_with_covariates_stops_where_the_likelihood_is_flat(module):
    """The chain rule from each group's parameters to φ (log-parameters, effects): at the
    optimum, differences of the total log-likelihood, computed group by group here, vanish."""
    group = np.random.default_rng(5).integers(0, 3, 4000)
    alpha = 4.0 * np.exp(0.3 * (group == 1) - 0.3 * (group == 2))
    if module is bgnbd:
        x, t_x, T = simulate.bgnbd(len(group), 0.5, alpha, 0.8, 2.5, seed=4)
    else:
        x, t_x, T = simulate.pareto(len(group), 0.6, alpha, 0.8, 10.0, seed=4)
    indicators = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    names = tuple(f"e{i}" for i in range(2 * len(module.COVARIATES)))
    grouping = Grouping(group, maps(module, indicators), names)
    fit = maximise(
        module.NAME, module.PARAMS, module.log_likelihood, (x, t_x, T), np.ones(len(x)),
        module.START, module.log_likelihood_and_gradient, grouping,
    )  # fmt: skip

    def total(phi: np.ndarray) -> float:
        return sum(
            float(module.log_likelihood(np.exp(grouping.maps[g] @ phi), x[group == g],
                                        t_x[group == g], T[group == g]).sum())
            for g in range(3)
        )  # fmt: skip

    phi = fit.phi()
    slopes = [(total(phi + step) - total(phi - step)) / 2e-5 for step in np.eye(len(phi)) * 1e-5]
    assert np.max(np.abs(slopes)) < 1e-2, slopes  # of a total over 4,000 customers
