"""Gamma-Gamma (Fader, Hardie & Lee 2005; Fader & Hardie 2013): a customer's order values are
Gamma(p, ν) around their mean, with ν ~ Gamma(q, γ) across customers. Fitted on customers
with repeat purchases; independent of the purchase-count model."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from ltvcli.models.summary import count_grid

NAME = "gammagamma"
PARAMS = ("p", "q", "gamma")
START = np.array([1.0, 1.0, 1.0])
# what covariates move (ltvcli.models.covariates): γ, the scale of the mean order value
COVARIATES = (("gamma", "spend", 1),)


def log_likelihood(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    return log_likelihood_and_gradient(params, x, m)[0]


def expected_spend(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Expected value of a customer's future order, shrunk from their mean towards the
    population's (the population mean p·γ/(q − 1) for customers without repeat purchases).
    ``params`` may hold draws [3, draws, 1]: one row of values per draw."""
    p, q, g = params
    with np.errstate(invalid="ignore", divide="ignore"):
        own = p * (g + m * x) / (p * x + q - 1)
    spend: np.ndarray = np.where(x > 0, own, p * g / (q - 1))
    return spend


def population_spend(params: np.ndarray) -> float:
    """The expected order value of a customer with no repeat purchase yet: p·γ/(q − 1)."""
    p, q, g = params
    return float(p * g / (q - 1))


def log_likelihood_and_gradient(
    params: np.ndarray, x: np.ndarray, m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The log-likelihood of each customer and its derivatives by (p, q, gamma), one column per
    customer; the functions of x once per purchase count."""
    p, q, g = params
    k, at = count_grid(x)
    log_m, log_x, log_gmx = np.log(m), np.log(x), np.log(g + m * x)
    px = p * x
    with np.errstate(divide="ignore", invalid="ignore"):  # k = 0 is on the grid, never a row
        by_count = gammaln(p * k + q) - gammaln(p * k), digamma(p * k + q), digamma(p * k)
    value = (
        at(by_count[0]) - gammaln(q) + q * np.log(g)
        + (px - 1) * log_m + px * log_x - (px + q) * log_gmx
    )  # fmt: skip
    shared = at(by_count[1])
    d_p = x * (shared - at(by_count[2]) + log_m + log_x - log_gmx)
    d_q = shared - digamma(q) + np.log(g) - log_gmx
    d_g = q / g - (px + q) / (g + m * x)
    return value, np.array([d_p, d_q, d_g])
