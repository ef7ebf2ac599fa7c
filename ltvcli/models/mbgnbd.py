"""MBG/NBD (Batislam, Denizel & Filiztekin 2007; Wagner & Hoppe 2008): BG/NBD where a customer
can also drop out right after the first purchase, so one-time buyers are not all alive."""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, expit, gammaln, hyp2f1

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
