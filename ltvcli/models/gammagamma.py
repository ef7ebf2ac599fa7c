"""Gamma-Gamma (Fader, Hardie & Lee 2005; Fader & Hardie 2013): a customer's order values are
Gamma(p, ν) around their mean, with ν ~ Gamma(q, γ) across customers. Fitted on customers
with repeat purchases; independent of the purchase-count model."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

NAME = "gammagamma"
PARAMS = ("p", "q", "gamma")
START = np.array([1.0, 1.0, 1.0])


def log_likelihood(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    p, q, g = params
    px = p * x
    value: np.ndarray = (
        gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
        + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(g + m * x)
    )  # fmt: skip
    return value


def expected_spend(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Expected value of a customer's future order, shrunk from their mean towards the
    population's (the population mean p·γ/(q − 1) for customers without repeat purchases)."""
    p, q, g = params
    population = population_spend(params)
    with np.errstate(invalid="ignore", divide="ignore"):
        own = p * (g + m * x) / (p * x + q - 1)
    spend: np.ndarray = np.where(x > 0, own, population)
    return spend


def population_spend(params: np.ndarray) -> float:
    """The expected order value of a customer with no repeat purchase yet: p·γ/(q − 1)."""
    p, q, g = params
    return float(p * g / (q - 1))


def gradient(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """d log-likelihood / d (p, q, gamma), one column per customer."""
    p, q, g = params
    px = p * x
    shared = digamma(px + q)
    d_p = x * (shared - digamma(px) + np.log(m) + np.log(x) - np.log(g + m * x))
    d_q = shared - digamma(q) + np.log(g) - np.log(g + m * x)
    d_g = q / g - (px + q) / (g + m * x)
    return np.array([d_p, d_q, d_g])
