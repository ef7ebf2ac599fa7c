"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987): Poisson purchases with Gamma(r, α) rates
and an exponential lifetime with Gamma(s, β) dropout rates. Formulas from Fader & Hardie's note
"Deriving the Conditional PMF of the Pareto/NBD Model" / "A Note on Deriving the Pareto/NBD
Model and Related Expressions" (2005), with the hypergeometric term A0 taken in logs."""

from __future__ import annotations

import numpy as np
from scipy.special import expit, gammaln, hyp2f1

NAME = "pareto"
PARAMS = ("r", "alpha", "s", "beta")
START = np.array([1.0, 1.0, 1.0, 1.0])


def _log_a0(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """log A0 (eq. 19/20): the hypergeometric terms, always with a z in [0, 1)."""
    r, alpha, s, beta = params
    big, small = max(alpha, beta), min(alpha, beta)
    second = r + x if alpha < beta else s + 1
    rsx = r + s + x
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.log(hyp2f1(rsx, second, rsx + 1, (big - small) / (big + t_x)))
        f2 = np.log(hyp2f1(rsx, second, rsx + 1, (big - small) / (big + T)))
    first = f1 - rsx * np.log(big + t_x)
    later = f2 - rsx * np.log(big + T)
    # log(e^first − e^later), first ≥ later because t_x ≤ T
    with np.errstate(divide="ignore", invalid="ignore"):
        log_a0: np.ndarray = first + np.log1p(-np.exp(np.minimum(later - first, 0.0)))
    return log_a0


def log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    r, alpha, s, beta = params
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    died = np.log(s) - np.log(r + s + x) + _log_a0(params, x, t_x, T)
    value: np.ndarray = common + np.logaddexp(alive, died)
    return value


def p_alive(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    r, alpha, s, beta = params
    log_odds = (
        np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
        + _log_a0(params, x, t_x, T)
    )  # fmt: skip
    alive: np.ndarray = expit(-log_odds)
    return alive


def expected(
    params: np.ndarray, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    r, alpha, s, beta = params
    rate = (r + x) * (beta + T) / (alpha + T) / (s - 1)
    value: np.ndarray = (
        rate * (1 - ((beta + T) / (beta + T + t)) ** (s - 1)) * p_alive(params, x, t_x, T)
    )
    return value


def future(
    params: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    lengths: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """One simulated future of every customer: purchases in each of the next periods
    (``lengths`` in time units), [periods, customers].

    From the posterior: alive at T with P(alive); a rate λ ~ Gamma(r + x, α + T) and a dropout
    rate μ ~ Gamma(s, β + T); the remaining lifetime is Exponential(μ) (it forgets); a period's
    purchases are Poisson(λ × the part of it the customer is alive). Only the customers alive
    are drawn for."""
    r, alpha, s, beta = params
    counts = np.zeros((len(lengths), len(x)))
    who = np.flatnonzero(rng.random(len(x)) < p_alive(params, x, t_x, T))
    x, T = x[who], T[who]
    rate = rng.gamma(r + x, 1.0 / (alpha + T))
    lifetime = rng.exponential(1.0, len(who)) / rng.gamma(s, 1.0 / (beta + T))
    starts = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    active = np.clip(lifetime[None, :] - starts[:, None], 0.0, lengths[:, None])
    counts[:, who] = rng.poisson(rate[None, :] * active)
    return counts
