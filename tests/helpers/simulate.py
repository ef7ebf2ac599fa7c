"""Purchase histories simulated from known parameters: the stories the models tell, run forward."""

from __future__ import annotations

import numpy as np


def bgnbd(
    n: int, r: float, alpha: float, a: float, b: float, seed: int = 1, modified: bool = False
):
    """(x, t_x, T) of ``n`` customers observed for 30–40 time units each."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(30, 40, n)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    alive = ~(modified & (rng.random(n) < p))  # MBG: may drop out right after the first purchase
    now = np.zeros(n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    for _ in range(2000):
        if not alive.any():
            break
        now = now + rng.exponential(1.0, n) / np.maximum(lam, 1e-12)
        buys = alive & (now <= T)
        x[buys] += 1
        t_x[buys] = now[buys]
        alive = buys & (rng.random(n) >= p)
    return x, t_x, T


def pareto(n: int, r: float, alpha: float, s: float, beta: float, seed: int = 2):
    rng = np.random.default_rng(seed)
    T = rng.uniform(30, 40, n)
    lam = rng.gamma(r, 1 / alpha, n)
    mu = rng.gamma(s, 1 / beta, n)
    end = np.minimum(rng.exponential(1.0, n) / mu, T)
    now = np.zeros(n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    active = np.ones(n, dtype=bool)
    for _ in range(2000):
        if not active.any():
            break
        now = now + rng.exponential(1.0, n) / np.maximum(lam, 1e-12)
        active &= now <= end
        x[active] += 1
        t_x[active] = now[active]
    return x, t_x, T


def gamma_gamma(n: int, p: float, q: float, gamma: float, seed: int = 3):
    """(x, m): repeat purchases and their mean value for ``n`` repeat customers."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 10, n).astype(float)
    nu = rng.gamma(q, 1 / gamma, n)
    m = np.array([rng.gamma(p, 1 / v, int(k)).mean() for v, k in zip(nu, x, strict=True)])
    return x, m


def bgnbd_and_future(n: int, r: float, alpha: float, a: float, b: float, horizon: float, seed: int):
    """(x, t_x, T) of ``n`` BG/NBD customers observed for 20–52 time units, and the purchases
    each actually makes in the ``horizon`` after: the truth a forecast is checked against."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(20, 52, n)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x, t_x, future, now = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    for _ in range(2000):
        if not alive.any():
            break
        now = now + rng.exponential(1.0, n) / lam
        buys = alive & (now <= T + horizon)
        before = buys & (now <= T)
        x[before] += 1
        t_x[before] = now[before]
        future[buys & ~before] += 1
        alive = buys & (rng.random(n) >= p)
    return x, t_x, T, future
