"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987): Poisson purchases with Gamma(r, α) rates
and an exponential lifetime with Gamma(s, β) dropout rates. Formulas from Fader & Hardie's note
"Deriving the Conditional PMF of the Pareto/NBD Model" / "A Note on Deriving the Pareto/NBD
Model and Related Expressions" (2005), with the hypergeometric term A0 taken in logs."""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1

from ltvcli.models.summary import Purchases, pairs

NAME = "pareto"
PARAMS = ("r", "alpha", "s", "beta")
START = np.array([1.0, 1.0, 1.0, 1.0])
# what covariates move (ltvcli.models.covariates): the purchase rate's scale α and the dropout
# rate's scale β (down: more purchases, more dropout)
COVARIATES = (("alpha", "purchase", -1), ("beta", "dropout", -1))


def _log_a0(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, more_x: int = 0
) -> np.ndarray:
    """log A0 (eq. 19/20) at x + ``more_x``: the hypergeometric terms, always with a z in
    [0, 1). Each term depends on a row only through (x, t_x) or (x, T): it is evaluated once
    per distinct pair (a million customers have some tens of thousands)."""
    first = _log_term(params, x, t_x, more_x)
    later = _log_term(params, x, T, more_x)
    # log(e^first − e^later), first ≥ later because t_x ≤ T
    with np.errstate(divide="ignore", invalid="ignore"):
        log_a0: np.ndarray = first + np.log1p(-np.exp(np.minimum(later - first, 0.0)))
    return log_a0


def _log_term(params: np.ndarray, x: np.ndarray, tau: np.ndarray, more_x: int) -> np.ndarray:
    """log of 2F1(r+s+x, b; r+s+x+1; (big − small)/(big + τ)) / (big + τ)^(r+s+x)."""
    r, alpha, s, beta = params
    x_pairs, tau_pairs, spread = pairs(x, tau)
    x_pairs = x_pairs + more_x
    big, small = max(alpha, beta), min(alpha, beta)
    second = r + x_pairs if alpha < beta else s + 1
    rsx = r + s + x_pairs
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.log(hyp2f1(rsx, second, rsx + 1, (big - small) / (big + tau_pairs)))
    term: np.ndarray = (f - rsx * np.log(big + tau_pairs))[spread]
    return term


def log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    alive, died, _ = _terms(params, x, t_x, T)
    value: np.ndarray = _common(params, x) + np.logaddexp(alive, died)
    return value


def _common(params: np.ndarray, x: np.ndarray) -> np.ndarray:
    r, alpha, s, beta = params
    common: np.ndarray = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    return common


def _terms(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The log-likelihood's two terms but the common factor (alive at T; died between t_x and
    T, s·I) and log I."""
    r, alpha, s, beta = params
    log_i = _log_integral(params, x, t_x, T)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    return alive, np.log(s) + log_i, log_i


def log_likelihood_and_gradient(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The log-likelihood of each customer and its derivatives by (r, alpha, s, beta).

    The "died" term is s·I, I = ∫ from t_x to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ = A0/(r+s+x).
    Its derivatives by α and β are exact: −(r+x)·I(x+1)/I and −(s+1)·I(s+1)/I, the same
    integral with one more power (A0 at x+1, or at s+1). By r and s, I's parameters sit inside
    the hypergeometric function, whose derivatives by them have no closed form: central
    differences of log I (relative step 1e-5; error ~1e-10)."""
    r, alpha, s, beta = params
    alive, died, log_i = _terms(params, x, t_x, T)
    value = _common(params, x) + np.logaddexp(alive, died)
    w_alive = expit(alive - died)
    w_died = 1 - w_alive
    with np.errstate(invalid="ignore", over="ignore"):
        more_x = np.exp(_log_integral(params, x, t_x, T, more_x=1) - log_i)
        more_s = np.exp(_log_integral(params + np.array([0, 0, 1, 0]), x, t_x, T) - log_i)
        by_r, by_s = (
            (_log_integral(params + step, x, t_x, T) - _log_integral(params - step, x, t_x, T))
            / (2 * step.sum())
            for step in (np.array([1e-5 * r, 0, 0, 0]), np.array([0, 0, 1e-5 * s, 0]))
        )
    dies = w_died > 0  # t_x = T: the customer cannot have died since; I = 0
    d_r = (
        digamma(r + x) - digamma(r) + np.log(alpha) - w_alive * np.log(alpha + T)
        + np.where(dies, w_died * by_r, 0.0)
    )  # fmt: skip
    d_alpha = (
        r / alpha - w_alive * (r + x) / (alpha + T)
        - np.where(dies, w_died * (r + x) * more_x, 0.0)
    )  # fmt: skip
    d_s = (
        np.log(beta) - w_alive * np.log(beta + T)
        + np.where(dies, w_died * (1 / s + by_s), 0.0)
    )  # fmt: skip
    d_beta = (
        s / beta - w_alive * s / (beta + T)
        - np.where(dies, w_died * (s + 1) * more_s, 0.0)
    )  # fmt: skip
    return value, np.array([d_r, d_alpha, d_s, d_beta])


def _log_integral(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, more_x: int = 0
) -> np.ndarray:
    """log I = log A0 − log(r + s + x), at x + ``more_x``."""
    r, _, s, _ = params
    log_i: np.ndarray = _log_a0(params, x, t_x, T, more_x) - np.log(r + s + x + more_x)
    return log_i


def p_alive(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    alive, died, _ = _terms(params, x, t_x, T)
    share: np.ndarray = expit(alive - died)
    return share


def expected(
    params: np.ndarray, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    value: np.ndarray = expected_if_alive(params, t, x, T) * p_alive(params, x, t_x, T)
    return value


def expected_if_alive(
    params: np.ndarray, t: float | np.ndarray, x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Expected purchases in the next ``t`` time units of a customer alive at T."""
    r, alpha, s, beta = params
    rate = (r + x) * (beta + T) / (alpha + T) / (s - 1)
    value: np.ndarray = rate * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))
    return value


def future(
    params: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    lengths: np.ndarray,
    rng: np.random.Generator,
) -> Purchases:
    """One simulated future of every customer: their purchases in each of the next periods
    (``lengths`` in time units).

    From the posterior: alive at T with P(alive); a rate λ ~ Gamma(r + x, α + T) and a dropout
    rate μ ~ Gamma(s, β + T); the remaining lifetime is Exponential(μ) (it forgets); a period's
    purchases are Poisson(λ × the part of it the customer is alive). Only the customers alive
    are drawn for."""
    r, alpha, s, beta = params
    who = np.flatnonzero(rng.random(len(x)) < p_alive(params, x, t_x, T))
    x, T = x[who], T[who]
    rate = rng.gamma(r + x, 1.0 / (alpha + T))
    lifetime = rng.exponential(1.0, len(who)) / rng.gamma(s, 1.0 / (beta + T))
    starts = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
    active = np.clip(lifetime[None, :] - starts[:, None], 0.0, lengths[:, None])
    counts = rng.poisson(rate[None, :] * active)
    period, alive = np.nonzero(counts)
    return Purchases(period, who[alive], counts[period, alive])
