"""Maximum likelihood for every model: log-parameters, weights, groups, a fallback optimiser.

The optimiser works on φ: the logarithms of the (positive) parameters, then the covariates'
effects (``ltvcli.models.covariates``; none without covariates), and on the mean log-likelihood
per customer, so the scale is the same for 100 customers or a million. Customers in a group
share the parameters exp(M_g · φ). L-BFGS-B goes first (with the model's gradient, else central
differences); Nelder-Mead replaces its answer when it failed. Standard errors come from a
numerical Hessian of the total log-likelihood in φ, by the delta method for the parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

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
    """A fitted model: named parameters (at the reference levels when there are covariates),
    the covariates' effects, and how much to trust them."""

    model: str
    params: dict[str, float]
    log_likelihood: float
    customers: int
    converged: bool
    std_errors: dict[str, float | None] = field(default_factory=dict)  # of params and effects
    tried: list[str] = field(default_factory=list)
    # of φ = (log-parameters, effects): the inverse Hessian of the total log-likelihood
    # (None: singular)
    covariance: np.ndarray | None = None
    effects: dict[str, float] = field(default_factory=dict)

    @property
    def aic(self) -> float:
        return 2 * (len(self.params) + len(self.effects)) - 2 * self.log_likelihood

    def vector(self) -> np.ndarray:
        return np.array(list(self.params.values()))

    def phi(self) -> np.ndarray:
        """(log-parameters, effects): what the optimiser and the parameter draws work on."""
        return np.concatenate([np.log(self.vector()), list(self.effects.values())])


@dataclass(frozen=True)
class Grouping:
    """Groups of rows with their own parameters: exp(maps[g] · φ) for the rows of group g."""

    group: np.ndarray  # each row's group
    maps: np.ndarray  # [groups, parameters, len(φ)]
    effects: tuple[str, ...]  # the names of φ's entries after the log-parameters

    @classmethod
    def single(cls, rows: int, k: int) -> Grouping:
        """Every row in one group, φ = the log-parameters."""
        return cls(np.zeros(rows, dtype=np.intp), np.eye(k)[None], ())

    def subset(self, rows: np.ndarray) -> Grouping:
        return Grouping(self.group[rows], self.maps, self.effects)


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
    grouping: Grouping | None = None,
) -> Fitted:
    """Maximum likelihood; ``with_gradient`` (each row's log-likelihood and its derivatives by
    the parameters, in one pass) when the model has one; ``grouping`` when covariates move the
    parameters of groups of rows."""
    from scipy.optimize import minimize

    k = len(start)
    grouping = grouping or Grouping.single(len(weights), k)
    total = float(weights.sum())
    parts = _parts(data, weights, grouping)

    def thetas(phi: np.ndarray) -> np.ndarray:
        values: np.ndarray = np.exp(np.clip(grouping.maps @ phi, -30, 30))
        return values

    def negative(phi: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            value = sum(
                float(w @ loglik(theta, *rows))
                for (rows, w), theta in zip(parts, thetas(phi), strict=True)
            )
        value = -value / total
        return value if np.isfinite(value) else 1e10

    def negative_and_slope(phi: np.ndarray) -> tuple[float, np.ndarray]:
        assert with_gradient is not None, "used only with a gradient"
        value, grad = 0.0, np.zeros(len(phi))
        with np.errstate(all="ignore"):
            for (rows, w), theta, m in zip(parts, thetas(phi), grouping.maps, strict=True):
                values, slopes = with_gradient(theta, *rows)
                value += float(w @ values)
                grad += m.T @ ((slopes @ w) * theta)  # by log θ_g, then by φ
        if not np.isfinite(value):
            return 1e10, np.zeros(len(phi))
        return -value / total, np.where(np.isfinite(grad), -grad / total, 0.0)

    def slope(phi: np.ndarray) -> np.ndarray:
        return negative_and_slope(phi)[1]

    # the optimiser's variables y: φ = origin + basis @ y
    origin = np.concatenate([np.log(start), np.zeros(len(grouping.effects))])
    basis = np.eye(len(origin))
    if len(weights) > WARM_START_ROWS:
        pick = np.random.default_rng(0).choice(len(weights), WARM_START_ROWS, replace=False)
        rows = tuple(d[pick] for d in data)
        try:
            warm = maximise(
                model, names, loglik, rows, weights[pick], start, with_gradient,
                grouping.subset(pick),
            )  # fmt: skip
            origin, basis = warm.phi(), _preconditioner(warm)
        except FitError:
            pass  # a cold start on all the rows

    def objective(y: np.ndarray) -> float:
        return negative(origin + basis @ y)

    def objective_and_slope(y: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = negative_and_slope(origin + basis @ y)
        return value, basis.T @ grad

    tried = []
    best = None
    attempts = [("L-BFGS-B", {"maxiter": 3000, "ftol": 1e-13, "gtol": 1e-9})]
    attempts.append(
        ("Nelder-Mead", {"maxiter": 20000, "xatol": 1e-9, "fatol": 1e-13, "adaptive": True})
    )
    for method, options in attempts:
        analytic = with_gradient is not None and method == "L-BFGS-B"
        result = minimize(
            objective_and_slope if analytic else objective,
            np.zeros(len(origin)) if best is None else best.x,
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
    params = np.exp(optimum[:k])
    converged = any("converged" in t for t in tried) and bool(np.all(np.isfinite(params)))
    hessian = (
        _hessian(slope, optimum)
        if with_gradient is not None
        else _hessian_from_values(negative, optimum)
    )
    covariance = _covariance(hessian * total)
    errors = _std_errors(covariance, optimum, k)
    return Fitted(
        model=model,
        params=dict(zip(names, map(float, params), strict=True)),
        log_likelihood=float(-best.fun * total),
        customers=int(total),
        converged=converged,
        std_errors=dict(zip((*names, *grouping.effects), errors, strict=True)),
        tried=tried,
        covariance=covariance,
        effects=dict(zip(grouping.effects, map(float, optimum[k:]), strict=True)),
    )


def _parts(
    data: tuple[np.ndarray, ...], weights: np.ndarray, grouping: Grouping
) -> list[tuple[tuple[np.ndarray, ...], np.ndarray]]:
    """The rows and weights of each group (all of them, uncopied, when there is one group)."""
    if len(grouping.maps) == 1:
        return [(data, weights)]
    return [
        (tuple(d[i] for d in data), weights[i]) for i in members(grouping.group, len(grouping.maps))
    ]


def numbered(members: list[np.ndarray], rows: int) -> np.ndarray:
    """Each row's group from the groups' positions (the inverse of ``members``)."""
    group = np.zeros(rows, dtype=np.intp)
    for number, positions in enumerate(members):
        group[positions] = number
    return group


def members(group: np.ndarray, groups: int) -> list[np.ndarray]:
    """The positions of each group's rows, for groups numbered 0..groups − 1."""
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(groups + 1))
    return [order[a:b] for a, b in pairwise(bounds)]


def _preconditioner(warm: Fitted) -> np.ndarray:
    """A basis in which the mean log-likelihood near the warm start is round (its Hessian the
    identity), so the optimiser's first steps are already Newton's: the Cholesky factor of the
    warm fit's covariance per customer."""
    size = len(warm.params) + len(warm.effects)
    if warm.covariance is None:
        return np.eye(size)
    try:
        factor: np.ndarray = np.linalg.cholesky(warm.covariance * warm.customers)
    except np.linalg.LinAlgError:
        return np.eye(size)
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


def _std_errors(covariance: np.ndarray | None, optimum: np.ndarray, k: int) -> list[float | None]:
    """Of the parameters by the delta method (the covariance is of their logarithms), of the
    effects as they are."""
    if covariance is None:
        return [None] * len(optimum)
    variances = np.diag(covariance)
    scale = np.concatenate([np.exp(optimum[:k]), np.ones(len(optimum) - k)])
    return [float(c * np.sqrt(v)) if v > 0 else None for c, v in zip(scale, variances, strict=True)]
