"""The published CDNOW results (Fader, Hardie & Lee 2005; Fader & Hardie 2013), reproduced from
the raw transaction file through the same loader and customer table the CLI uses."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from helpers import loads

from ltvcli.analysis import analyse
from ltvcli.models import bgnbd, gammagamma
from ltvcli.models.predict import fit_models
from ltvcli.models.summary import summarise
from ltvcli.settings import Settings


@pytest.fixture(scope="module")
def calibration():
    customers = analyse(loads.cdnow(), Settings(as_of=dt.date(1997, 9, 30))).customers
    return summarise(customers, "week")


def test_the_calibration_summary(calibration):
    assert len(calibration) == 2357 and int((calibration.x > 0).sum()) == 946
    assert calibration.T.max() == pytest.approx(38.857, abs=1e-3)


def test_bgnbd_estimates_and_log_likelihood(calibration):
    fit = fit_models(calibration, "bgnbd").count
    expected = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in expected.items():
        assert fit.params[name] == pytest.approx(value, abs=0.01)
    assert fit.log_likelihood == pytest.approx(-9582.43, abs=0.01)
    assert fit.converged and all(fit.std_errors[n] > 0 for n in expected)


def test_pareto_nbd_log_likelihood(calibration):
    fit = fit_models(calibration, "pareto").count
    assert fit.log_likelihood == pytest.approx(-9594.97, abs=0.01)


def test_gamma_gamma_estimates(calibration):
    spend = fit_models(calibration, "bgnbd").spend
    for name, value in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert spend.params[name] == pytest.approx(value, abs=0.01)
    assert spend.customers == 946


def test_published_conditional_expectation():
    # FHL 2005, section 5: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in the next 39 weeks.
    params = np.array([0.243, 4.414, 0.793, 2.426])
    value = bgnbd.expected(params, 39, np.array([2.0]), np.array([30.43]), np.array([38.86]))
    assert value[0] == pytest.approx(1.226, abs=0.001)


def test_p_alive_is_the_share_of_the_likelihood_where_the_customer_is_still_alive():
    # Independent check: P(alive) = L(alive part) / L, written out from the model's story.
    from scipy.special import beta, gamma

    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    x, t_x, T = 2, 30.43, 38.86
    common = gamma(r + x) * alpha**r / gamma(r)
    alive = beta(a, b + x) / beta(a, b) * common / (alpha + T) ** (r + x)
    dead = beta(a + 1, b + x - 1) / beta(a, b) * common / (alpha + t_x) ** (r + x)
    got = bgnbd.p_alive(np.array([r, alpha, a, b]), np.array([x]), np.array([t_x]), np.array([T]))
    assert got[0] == pytest.approx(alive / (alive + dead), rel=1e-12)


def test_gamma_gamma_population_mean():
    params = np.array([6.25, 3.74, 15.44])
    [mean] = gammagamma.expected_spend(params, np.array([0.0]), np.array([0.0]))
    assert mean == pytest.approx(6.25 * 15.44 / 2.74)
