"""How sure a prediction is: parameter draws and simulated futures (``--interval``).

Two sources of uncertainty (docs/metrics.md, "Intervals"):

- **The parameters.** Draws from the maximum-likelihood estimate's asymptotic normal
  distribution in log-parameters (mean: the estimate; covariance: the inverse Hessian of the
  log-likelihood), or, with ``--bootstrap N``, the parameters refitted on N resamples of the
  customers (drawn with replacement; a resample is new weights on the distinct histories, so a
  refit costs what one fit does).
- **The future itself.** For each parameter draw, every customer's future is simulated from the
  model's posterior (``future`` of each model module: alive or not, their own purchase and
  dropout rates, their own mean spend), so the interval of a total is where the total will be,
  not only where its expectation is.

A customer's own bounds are bounds of their *expected* orders, P(alive) and predicted LTV over
the parameter draws: one customer's future is mostly 0 or 1 purchase, and a 90 % interval of
that says nothing. Everything is seeded (``--seed``), so a run repeats exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Literal

import numpy as np

from ltvcli.models import gammagamma
from ltvcli.models.fit import Fitted, Grouping, maximise, numbered
from ltvcli.models.summary import Purchases, Summary

if TYPE_CHECKING:
    from ltvcli.models.predict import Group

CHUNK = 20_000  # customers per block of draws × customers (memory: draws × CHUNK floats)


@dataclass(frozen=True)
class Interval:
    """What ``--interval`` asks for."""

    level: float = 0.9
    draws: int = 200
    bootstrap: int = 0  # refits on resamples of the customers instead of the covariance
    seed: int = 0
    method: Literal["auto", "draws", "delta"] = "auto"  # ``ltvcli.models.spread`` chooses

    @property
    def quantiles(self) -> tuple[float, float]:
        tail = (1 - self.level) / 2
        return tail, 1 - tail

    @property
    def z(self) -> float:
        """The normal quantile of the upper bound: the bounds are ± z standard deviations."""
        from scipy.special import ndtri

        return float(ndtri(self.quantiles[1]))


@dataclass
class Draws:
    """Parameter draws, one row each, of φ (log-parameters, then covariate effects): the
    purchase model's and (when fitted) the spend model's."""

    count: np.ndarray
    spend: np.ndarray | None
    source: str  # "covariance", "bootstrap" or "none" (the estimate could not be inverted)

    def at(
        self, count_map: np.ndarray, spend_map: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The parameter draws [draws, parameters] of customers whose log-parameters are
        map · φ (``Models.groups``; the identity without covariates)."""
        count: np.ndarray = np.exp(self.count @ count_map.T)
        if self.spend is None or spend_map is None:
            return count, None
        spend: np.ndarray = np.exp(self.spend @ spend_map.T)
        return count, spend


def parameter_draws(
    module: ModuleType,
    count: Fitted,
    spend: Fitted | None,
    summary: Summary,
    plan: Interval,
    rng: np.random.Generator,
    groups: list[Group],
) -> Draws:
    """``plan.draws`` draws of φ (``plan.bootstrap`` refits, of the customers in ``groups``,
    when asked)."""
    if plan.bootstrap:
        return _bootstrap(module, count, spend, summary, plan.bootstrap, rng, groups)
    counts = _normal(count, plan.draws, rng)
    spends = _normal(spend, plan.draws, rng) if spend is not None else None
    singular = count.covariance is None or (spend is not None and spend.covariance is None)
    return Draws(counts, spends, "none" if singular else "covariance")


def _normal(fit: Fitted, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of N(φ, covariance); φ itself ``n`` times when the covariance is unknown."""
    if fit.covariance is None:
        return np.tile(fit.phi(), (n, 1))
    draws: np.ndarray = rng.multivariate_normal(fit.phi(), fit.covariance, size=n, method="eigh")
    return draws


def _bootstrap(
    module: ModuleType,
    count: Fitted,
    spend: Fitted | None,
    summary: Summary,
    n: int,
    rng: np.random.Generator,
    groups: list[Group],
) -> Draws:
    """Refit on ``n`` resamples of the customers: multinomial weights on distinct histories
    (of each group, with its parameters' map)."""
    group = numbered([g.rows for g in groups], len(summary))
    data, weights, _ = summary.histories(group.astype(float))
    count_maps = np.stack([g.count_map for g in groups])
    grouping = Grouping(data[3].astype(np.intp), count_maps, tuple(count.effects))
    counts = np.array([
        _refit(count, module, data[:3], weights, grouping, rng) for _ in range(n)
    ])  # fmt: skip
    spends = None
    if spend is not None:
        usable = (summary.x > 0) & (summary.m > 0)
        spend_data = (summary.x[usable], summary.m[usable])
        spend_maps = np.stack([g.spend_map for g in groups if g.spend_map is not None])
        spend_grouping = Grouping(group[usable], spend_maps, tuple(spend.effects))
        spends = np.array([
            _refit(spend, gammagamma, spend_data, np.ones(int(usable.sum())), spend_grouping, rng)
            for _ in range(n)
        ])  # fmt: skip
    return Draws(counts, spends, "bootstrap")


def _refit(
    fit: Fitted,
    module: ModuleType,
    data: tuple[np.ndarray, ...],
    weights: np.ndarray,
    grouping: Grouping,
    rng: np.random.Generator,
) -> np.ndarray:
    total = int(weights.sum())
    resampled = rng.multinomial(total, weights / total).astype(float)
    keep = np.flatnonzero(resampled > 0)
    again = maximise(
        fit.model, tuple(fit.params), module.log_likelihood, tuple(d[keep] for d in data),
        resampled[keep], fit.vector(), module.log_likelihood_and_gradient,
        grouping.subset(keep),
    )  # fmt: skip
    return again.phi()


def bounds(samples: Iterator[np.ndarray], plan: Interval) -> tuple[np.ndarray, np.ndarray]:
    """Per-column lower and upper quantiles of blocks of [draws, columns] samples."""
    low, high = [np.empty(0)], [np.empty(0)]
    for block in samples:
        q = np.quantile(block, plan.quantiles, axis=0)
        low.append(q[0])
        high.append(q[1])
    return np.concatenate(low), np.concatenate(high)


def chunks(n: int) -> Iterator[slice]:
    for start in range(0, n, CHUNK):
        yield slice(start, min(start + CHUNK, n))


def simulate_spend(
    spend: np.ndarray | None,
    bought: Purchases,
    x: np.ndarray,
    m: np.ndarray,
    own_mean: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """What each entry of the simulated purchases brings, in currency.

    Gamma-Gamma: a customer's mean-spend parameter ν ~ Gamma(q + p·x, γ + m·x) (their posterior),
    and n purchases bring Gamma(p·n, ν), a sum of n Gamma(p, ν) order values. Without the spend
    model, each purchase brings the customer's own average order value. Only the customers with
    purchases are drawn for."""
    if spend is None:
        value: np.ndarray = bought.count * own_mean[bought.who]
        return value
    p, q, gamma = spend
    buyers, at = np.unique(bought.who, return_inverse=True)
    nu = rng.gamma(q + p * x[buyers], 1.0 / (gamma + np.nan_to_num(m[buyers]) * x[buyers]))
    revenue: np.ndarray = rng.gamma(p * bought.count, 1.0 / nu[at])
    return revenue


def futures(
    module: ModuleType,
    draws: Draws,
    summary: Summary,
    own_mean: np.ndarray,
    lengths: np.ndarray,
    rng: np.random.Generator,
    groups: list[Group],
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For each parameter draw, one simulated future of every customer, summed: the purchases
    and what they bring (currency) in each of the periods ``lengths`` (time units); each group
    of customers with its own parameters."""
    x, t_x, T, m = summary.x, summary.t_x, summary.T, summary.m
    drawn = [draws.at(g.count_map, g.spend_map) for g in groups]
    histories = [(x[g.rows], t_x[g.rows], T[g.rows], m[g.rows], own_mean[g.rows]) for g in groups]
    for n in range(len(draws.count)):
        orders, revenue = np.zeros(len(lengths)), np.zeros(len(lengths))
        for (count, spend), (xs, t_xs, Ts, ms, owns) in zip(drawn, histories, strict=True):
            bought = module.future(count[n], xs, t_xs, Ts, lengths, rng)
            money = simulate_spend(spend[n] if spend is not None else None, bought, xs, ms, owns,
                                   rng)  # fmt: skip
            orders += bought.per_period(len(lengths))
            revenue += bought.per_period(len(lengths), money)
        yield orders, revenue
