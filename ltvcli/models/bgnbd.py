"""BG/NBD (Fader, Hardie & Lee 2005): Poisson purchases while alive, Gamma(r, α) rates; after
each purchase a customer drops out with probability p ~ Beta(a, b)."""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

NAME = "bgnbd"
PARAMS = ("r", "alpha", "a", "b")
START = np.array([1.0, 1.0, 1.0, 1.0])


def log_likelihood(params, x, t_x, T) -> np.ndarray:
    r, alpha, a, b = params
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    still = betaln(a, b + x) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    dropped = np.where(
        repeat,
        betaln(a + 1, np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return common + np.logaddexp(still, dropped)


def _log_odds_dead(params, x, t_x, T) -> np.ndarray:
    r, alpha, a, b = params
    repeat = x > 0
    safe = np.where(repeat, b + x - 1, 1.0)
    odds = np.log(a) - np.log(safe) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(repeat, odds, -np.inf)


def p_alive(params, x, t_x, T) -> np.ndarray:
    return expit(-_log_odds_dead(params, x, t_x, T))


def expected(params, t, x, t_x, T) -> np.ndarray:
    """Expected purchases in the next ``t`` time units, given the history."""
    r, alpha, a, b = params
    z = t / (alpha + T + t)
    scale = (alpha + T) / (alpha + T + t)
    with np.errstate(over="ignore", invalid="ignore"):
        tail = 1 - scale ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
        value = (a + b + x - 1) / (a - 1) * tail * p_alive(params, x, t_x, T)
    return value


def gradient(params, x, t_x, T) -> np.ndarray:
    """d log-likelihood / d (r, alpha, a, b), one column per customer."""
    r, alpha, a, b = params
    repeat = x > 0
    safe = np.where(repeat, b + x - 1, 1.0)
    still = betaln(a, b + x) - (r + x) * np.log(alpha + T)
    dropped = np.where(repeat, betaln(a + 1, safe) - (r + x) * np.log(alpha + t_x), -np.inf)
    w_still = expit(still - dropped)  # share of the likelihood where the customer is alive
    w_dropped = 1 - w_still
    d_r = (
        digamma(r + x)
        - digamma(r)
        + np.log(alpha)
        - w_still * np.log(alpha + T)
        - w_dropped * np.log(alpha + t_x)
    )
    d_alpha = r / alpha - (r + x) * (w_still / (alpha + T) + w_dropped / (alpha + t_x))
    abx = digamma(a + b + x)
    d_a = (
        digamma(a + b)
        - digamma(a)
        + w_still * (digamma(a) - abx)
        + w_dropped * (digamma(a + 1) - abx)
    )
    d_b = (
        digamma(a + b)
        - digamma(b)
        + w_still * (digamma(b + x) - abx)
        + w_dropped * (digamma(safe) - abx)
    )
    return np.array([d_r, d_alpha, d_a, d_b])
