"""The beta-geometric family shared by BG/NBD and MBG/NBD: Poisson purchases while alive with
Gamma(r, α) rates, and a Beta(a, b) chance of dropping out after each purchase.

The two models differ by one ``shift``: MBG/NBD (shift 1) also lets a customer drop out right
after the first purchase, which moves every Beta argument that counts purchases by one; in
BG/NBD (shift 0) a customer without repeat purchases cannot have dropped out.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from ltvcli.models.summary import Purchases, count_grid, pairs

PARAMS = ("r", "alpha", "a", "b")
START = np.array([1.0, 1.0, 1.0, 1.0])
# what covariates move (ltvcli.models.covariates): the purchase rate's scale α (down: more
# purchases), and a and b of the dropout chance (up: a is more dropout, b less)
COVARIATES = (("alpha", "purchase", -1), ("a", "dropout (a)", 1), ("b", "dropout (b)", 1))


def _parts(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, shift: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The log-likelihood's two terms (alive at T, dropped out after the last purchase) and the
    weight of the first (P(alive)); the Beta functions once per purchase count."""
    r, alpha, a, b = params
    k, at = count_grid(x)
    can_drop = (k + shift) > 0
    with np.errstate(invalid="ignore"):
        beta_still = betaln(a, b + k + shift)
        beta_dropped = np.where(
            can_drop, betaln(a + 1, np.where(can_drop, b + k + shift - 1, 1.0)), -np.inf
        )
    still = at(beta_still) - (r + x) * np.log(alpha + T)
    dropped = at(beta_dropped) - (r + x) * np.log(alpha + t_x)
    return still, dropped, expit(still - dropped)


def log_likelihood(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, shift: int
) -> np.ndarray:
    still, dropped, _ = _parts(params, x, t_x, T, shift)
    return _value(params, x, still, dropped)


def _value(params: np.ndarray, x: np.ndarray, still: np.ndarray, dropped: np.ndarray) -> np.ndarray:
    """The log-likelihood from its two terms (``_parts``)."""
    r, alpha, a, b = params
    k, at = count_grid(x)
    common = at(gammaln(r + k)) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    value: np.ndarray = common + np.logaddexp(still, dropped)
    return value


def p_alive(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, shift: int
) -> np.ndarray:
    """The share of the likelihood in which the customer is still alive."""
    return _parts(params, x, t_x, T, shift)[2]


def expected(
    params: np.ndarray,
    t: float | np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    shift: int,
) -> np.ndarray:
    """Expected purchases in the next ``t`` time units, given the history."""
    value: np.ndarray = expected_if_alive(params, t, x, T, shift) * p_alive(
        params, x, t_x, T, shift
    )
    return value


def expected_if_alive(
    params: np.ndarray, t: float | np.ndarray, x: np.ndarray, T: np.ndarray, shift: int
) -> np.ndarray:
    """Expected purchases in the next ``t`` time units of a customer alive at T; the
    hypergeometric term once per distinct (x, T) when ``t`` is one number."""
    r, alpha, a, b = params
    if np.ndim(t) == 0:
        x_at, T_at, spread = pairs(x, T)
    else:
        x_at, T_at, spread = x, T, np.arange(len(x))
    z = t / (alpha + T_at + t)
    scale = (alpha + T_at) / (alpha + T_at + t)
    n = a + b + x_at + shift - 1
    with np.errstate(over="ignore", invalid="ignore"):
        tail = 1 - scale ** (r + x_at) * hyp2f1(r + x_at, b + x_at + shift, n, z)
        value: np.ndarray = (n / (a - 1) * tail)[spread]
    return value


def log_likelihood_and_gradient(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, shift: int
) -> tuple[np.ndarray, np.ndarray]:
    """The log-likelihood of each customer and its derivatives by (r, alpha, a, b), one column
    per customer: the fit needs both at every step, and they share every term."""
    r, alpha, a, b = params
    still, dropped, w_still = _parts(params, x, t_x, T, shift)
    w_dropped = 1 - w_still
    k, at = count_grid(x)
    log_still, log_dropped = np.log(alpha + T), np.log(alpha + t_x)
    value = _value(params, x, still, dropped)
    d_r = (
        at(digamma(r + k)) - digamma(r) + np.log(alpha)
        - w_still * log_still - w_dropped * log_dropped
    )  # fmt: skip
    d_alpha = r / alpha - (r + x) * (w_still / (alpha + T) + w_dropped / (alpha + t_x))
    abx = at(digamma(a + b + k + shift))
    d_a = (
        digamma(a + b) - digamma(a) + w_still * (digamma(a) - abx)
        + w_dropped * (digamma(a + 1) - abx)
    )  # fmt: skip
    with np.errstate(invalid="ignore"):
        b_dropped = at(digamma(np.where(k + shift > 0, b + k + shift - 1, 1.0)))
    d_b = (
        digamma(a + b) - digamma(b)
        + w_still * (at(digamma(b + k + shift)) - abx) + w_dropped * (b_dropped - abx)
    )  # fmt: skip
    return value, np.array([d_r, d_alpha, d_a, d_b])


def future(
    params: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    lengths: np.ndarray,
    rng: np.random.Generator,
    shift: int,
) -> Purchases:
    """One simulated future of every customer: their purchases in each of the next periods
    (``lengths`` in time units).

    From the posterior: alive at T with P(alive); then a rate λ ~ Gamma(r + x, α + T) and a
    dropout chance p ~ Beta(a, b + x + shift) (the customer survived x + shift purchases). In a
    period, M ~ Poisson(λ·length) purchases could happen; the customer drops out after their
    G-th purchase from now, G ~ Geometric(p): min(M, G) purchases, alive after the period when
    G > M, with G − M to go (the geometric forgets, so this is the same as a fresh G each
    period). Only the customers alive are drawn for."""
    r, alpha, a, b = params
    who = np.flatnonzero(rng.random(len(x)) < p_alive(params, x, t_x, T, shift))
    x, T = x[who], T[who]
    rate = rng.gamma(r + x, 1.0 / (alpha + T))
    left = rng.geometric(np.clip(rng.beta(a, b + x + shift), 1e-12, 1.0))
    bought = []
    for period, length in enumerate(lengths):
        could = rng.poisson(rate * length)
        count = np.minimum(could, left)
        some = count > 0
        bought.append((np.full(int(some.sum()), period), who[some], count[some]))
        left = left - could
        stay = left > 0
        who, rate, left = who[stay], rate[stay], left[stay]
    return Purchases.joined(bought)
