"""Maximum likelihood for every model: log-parameters, weights, a fallback optimiser, checks.

The optimiser works on the logarithms of the (positive) parameters and on the mean log-likelihood
per customer, so the scale is the same for 100 customers or a million. L-BFGS-B goes first;
Nelder-Mead polishes its answer (and replaces it when it failed). Standard errors come from a
numerical Hessian of the total log-likelihood in log-parameters, by the delta method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ltvcli.errors import LtvError

LogLik = Callable[..., np.ndarray]


@dataclass
class Fitted:
    """A fitted model: named parameters and how much to trust them."""

    model: str
    params: dict[str, float]
    log_likelihood: float
    customers: int
    converged: bool
    std_errors: dict[str, float | None] = field(default_factory=dict)
    tried: list[str] = field(default_factory=list)

    @property
    def aic(self) -> float:
        return 2 * len(self.params) - 2 * self.log_likelihood

    def vector(self) -> np.ndarray:
        return np.array(list(self.params.values()))


class FitError(LtvError):
    """The model could not be fitted; the message says why in words (a data error, exit 1)."""


def maximise(
    model: str,
    names: tuple[str, ...],
    loglik: LogLik,
    data: tuple[np.ndarray, ...],
    weights: np.ndarray,
    start: np.ndarray,
) -> Fitted:
    from scipy.optimize import minimize

    total = float(weights.sum())

    def negative(log_params: np.ndarray) -> float:
        params = np.exp(np.clip(log_params, -30, 30))
        with np.errstate(all="ignore"):
            ll = loglik(params, *data)
        value = -float(weights @ ll) / total
        return value if np.isfinite(value) else 1e10

    tried = []
    best = None
    x0 = np.log(start)
    for method, options in (
        ("L-BFGS-B", {"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9}),
        ("Nelder-Mead", {"maxiter": 20000, "xatol": 1e-9, "fatol": 1e-13, "adaptive": True}),
    ):
        result = minimize(negative, x0 if best is None else best.x, method=method, options=options)
        ok = bool(result.success) and np.isfinite(result.fun) and result.fun < 1e10
        tried.append(f"{method}: {'converged' if ok else result.message}")
        if np.isfinite(result.fun) and (best is None or result.fun <= best.fun):
            best = result
    if best is None or best.fun >= 1e10:
        raise FitError(
            f"the {model} fit found no parameters with a finite likelihood ({'; '.join(tried)})"
        )
    params = np.exp(best.x)
    ll = -best.fun * total
    converged = any("converged" in t for t in tried) and bool(np.all(np.isfinite(params)))
    errors = _std_errors(lambda lp: negative(lp) * total, best.x, params)
    return Fitted(
        model=model,
        params=dict(zip(names, map(float, params), strict=True)),
        log_likelihood=float(ll),
        customers=int(total),
        converged=converged,
        std_errors=dict(zip(names, errors, strict=True)),
        tried=tried,
    )


def _std_errors(
    f: Callable[[np.ndarray], float], at: np.ndarray, params: np.ndarray
) -> list[float | None]:
    """Delta-method standard errors from the Hessian of ``f`` (the negative log-likelihood)."""
    k = len(at)
    h = 1e-4
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            value = (f(at + ei + ej) - f(at + ei - ej) - f(at - ei + ej) + f(at - ei - ej)) / (
                4 * h * h
            )
            hess[i, j] = hess[j, i] = value
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return [None] * k
    variances = np.diag(cov)
    return [
        float(p * np.sqrt(v)) if v > 0 else None for p, v in zip(params, variances, strict=True)
    ]
