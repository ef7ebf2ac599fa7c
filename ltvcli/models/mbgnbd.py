"""MBG/NBD (Batislam, Denizel & Filiztekin 2007; Wagner & Hoppe 2008): BG/NBD where a customer
can also drop out right after the first purchase, so one-time buyers are not all alive."""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

NAME = "mbgnbd"
PARAMS = ("r", "alpha", "a", "b")
START = np.array([1.0, 1.0, 1.0, 1.0])


def log_likelihood(params, x, t_x, T) -> np.ndarray:
    r, alpha, a, b = params
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    still = betaln(a, b + x + 1) - (r + x) * np.log(alpha + T)
    dropped = betaln(a + 1, b + x) - (r + x) * np.log(alpha + t_x)
    return common + np.logaddexp(still, dropped)


def _log_odds_dead(params, x, t_x, T) -> np.ndarray:
    r, alpha, a, b = params
    return np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))


def p_alive(params, x, t_x, T) -> np.ndarray:
    return expit(-_log_odds_dead(params, x, t_x, T))


def expected(params, t, x, t_x, T) -> np.ndarray:
    r, alpha, a, b = params
    z = t / (alpha + T + t)
    scale = (alpha + T) / (alpha + T + t)
    with np.errstate(over="ignore", invalid="ignore"):
        tail = 1 - scale ** (r + x) * hyp2f1(r + x, b + x + 1, a + b + x, z)
        value = (a + b + x) / (a - 1) * tail * p_alive(params, x, t_x, T)
    return value


def gradient(params, x, t_x, T) -> np.ndarray:
    """d log-likelihood / d (r, alpha, a, b), one column per customer."""
    r, alpha, a, b = params
    still = betaln(a, b + x + 1) - (r + x) * np.log(alpha + T)
    dropped = betaln(a + 1, b + x) - (r + x) * np.log(alpha + t_x)
    w_still = expit(still - dropped)
    w_dropped = 1 - w_still
    d_r = (
        digamma(r + x)
        - digamma(r)
        + np.log(alpha)
        - w_still * np.log(alpha + T)
        - w_dropped * np.log(alpha + t_x)
    )
    d_alpha = r / alpha - (r + x) * (w_still / (alpha + T) + w_dropped / (alpha + t_x))
    abx = digamma(a + b + x + 1)
    d_a = (
        digamma(a + b)
        - digamma(a)
        + w_still * (digamma(a) - abx)
        + w_dropped * (digamma(a + 1) - abx)
    )
    d_b = (
        digamma(a + b)
        - digamma(b)
        + w_still * (digamma(b + x + 1) - abx)
        + w_dropped * (digamma(b + x) - abx)
    )
    return np.array([d_r, d_alpha, d_a, d_b])
