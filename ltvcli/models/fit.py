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
from ltvcli.messages import Message

LogLik = Callable[..., np.ndarray]
WithGradient = Callable[..., tuple[np.ndarray, np.ndarray]]
# above this many distinct rows, a fit starts where a fit of a random 50,000 of them ended: the
# whole data then needs a few steps instead of tens
WARM_START_ROWS = 50_000


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
    # of the log-parameters: the inverse Hessian of the total log-likelihood (None: singular)
    covariance: np.ndarray | None = None

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
    with_gradient: WithGradient | None = None,
) -> Fitted:
    """Maximum likelihood; ``with_gradient`` (each row's log-likelihood and its derivatives by
    the parameters, in one pass) when the model has one."""
    from scipy.optimize import minimize

    total = float(weights.sum())

    def negative(log_params: np.ndarray) -> float:
        params = np.exp(np.clip(log_params, -30, 30))
        with np.errstate(all="ignore"):
            value = -float(weights @ loglik(params, *data)) / total
        return value if np.isfinite(value) else 1e10

    def negative_and_slope(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        assert with_gradient is not None, "used only with a gradient"
        params = np.exp(np.clip(log_params, -30, 30))
        with np.errstate(all="ignore"):
            rows, grad = with_gradient(params, *data)
            value = -float(weights @ rows) / total
            grad = -(grad @ weights) * params / total
        if not np.isfinite(value):
            return 1e10, np.zeros_like(grad)
        return value, np.where(np.isfinite(grad), grad, 0.0)

    def slope(log_params: np.ndarray) -> np.ndarray:
        return negative_and_slope(log_params)[1]

    # the optimiser's variables y: log-parameters = origin + basis @ y
    origin, basis = np.log(start), np.eye(len(start))
    if len(weights) > WARM_START_ROWS:
        pick = np.random.default_rng(0).choice(len(weights), WARM_START_ROWS, replace=False)
        rows = tuple(d[pick] for d in data)
        warm = maximise(model, names, loglik, rows, weights[pick], start, with_gradient)
        origin, basis = np.log(warm.vector()), _preconditioner(warm)

    def objective(y: np.ndarray) -> float:
        return negative(origin + basis @ y)

    def objective_and_slope(y: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = negative_and_slope(origin + basis @ y)
        return value, basis.T @ grad

    tried = []
    best = None
    attempts = [("L-BFGS-B", {"maxiter": 3000, "ftol": 1e-15, "gtol": 1e-10})]
    attempts.append(
        ("Nelder-Mead", {"maxiter": 20000, "xatol": 1e-9, "fatol": 1e-13, "adaptive": True})
    )
    for method, options in attempts:
        analytic = with_gradient is not None and method == "L-BFGS-B"
        result = minimize(
            objective_and_slope if analytic else objective,
            np.zeros(len(start)) if best is None else best.x,
            jac=True if analytic else ("3-point" if method == "L-BFGS-B" else None),
            method=method,
            options=options,
        )
        ok = bool(result.success) and np.isfinite(result.fun) and result.fun < 1e10
        tried.append(f"{method}: {'converged' if ok else result.message}")
        if np.isfinite(result.fun) and (best is None or result.fun <= best.fun):
            best = result
        if ok and method == "L-BFGS-B":
            break  # a converged gradient method needs no polishing
    if best is None or best.fun >= 1e10:
        raise FitError(
            Message(
                "the {model} fit found no parameters with a finite likelihood ({tried})",
                model=model, tried="; ".join(tried),
            )
        )  # fmt: skip
    optimum = origin + basis @ best.x
    params = np.exp(optimum)
    converged = any("converged" in t for t in tried) and bool(np.all(np.isfinite(params)))
    hessian = (
        _hessian(slope, optimum)
        if with_gradient is not None
        else _hessian_from_values(negative, optimum)
    )
    covariance = _covariance(hessian * total)
    return Fitted(
        model=model,
        params=dict(zip(names, map(float, params), strict=True)),
        log_likelihood=float(-best.fun * total),
        customers=int(total),
        converged=converged,
        std_errors=dict(zip(names, _std_errors(covariance, params), strict=True)),
        tried=tried,
        covariance=covariance,
    )


def _preconditioner(warm: Fitted) -> np.ndarray:
    """A basis in which the mean log-likelihood near the warm start is round (its Hessian the
    identity), so the optimiser's first steps are already Newton's: the Cholesky factor of the
    warm fit's covariance per customer."""
    if warm.covariance is None:
        return np.eye(len(warm.params))
    try:
        factor: np.ndarray = np.linalg.cholesky(warm.covariance * warm.customers)
    except np.linalg.LinAlgError:
        return np.eye(len(warm.params))
    return factor


def _hessian(
    slope: Callable[[np.ndarray], np.ndarray], at: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Hessian of the mean negative log-likelihood from central differences of its gradient."""
    k = len(at)
    columns = [
        (slope(at + h * np.eye(k)[i]) - slope(at - h * np.eye(k)[i])) / (2 * h) for i in range(k)
    ]
    hess = np.array(columns)
    symmetric: np.ndarray = (hess + hess.T) / 2
    return symmetric


def _hessian_from_values(
    f: Callable[[np.ndarray], float], at: np.ndarray, h: float = 1e-4
) -> np.ndarray:
    k = len(at)
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            value = (f(at + ei + ej) - f(at + ei - ej) - f(at - ei + ej) + f(at - ei - ej)) / (
                4 * h * h
            )
            hess[i, j] = hess[j, i] = value
    return hess


def _covariance(hessian: np.ndarray) -> np.ndarray | None:
    """The asymptotic covariance of the log-parameters, when the Hessian can be inverted."""
    try:
        covariance: np.ndarray = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return None
    return covariance if np.all(np.isfinite(covariance)) else None


def _std_errors(covariance: np.ndarray | None, params: np.ndarray) -> list[float | None]:
    """Delta method: the covariance in log-parameters, scaled back to the parameters."""
    if covariance is None:
        return [None] * len(params)
    variances = np.diag(covariance)
    return [
        float(p * np.sqrt(v)) if v > 0 else None for p, v in zip(params, variances, strict=True)
    ]
