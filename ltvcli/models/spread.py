"""How far each customer's expected values may lie, given the parameters' uncertainty
(``--interval``): quantiles over parameter draws, or, when the customers' distinct histories are
too many to evaluate under every draw, the delta method.

Both describe the same thing: the distribution of a value f(φ) when the log-parameters φ are
normal around the estimate φ̂ with the fitted covariance Σ (docs/metrics.md, "Intervals").

- **Draws** (``DrawnValues``): f under each of ``Interval.draws`` draws of φ, and its quantiles.
  Exact up to sampling noise, and always taken for ``--bootstrap`` (its draws are refits).
- **Delta method** (``DeltaValues``): f's half-differences over ± one standard error of each
  coordinate of φ, g, give its standard deviation √(g·C·gᵀ) (C: Σ as correlations), and the
  bounds are f̂ ± z·sd on a scale where f is unbounded (log for orders and money, logit for
  P(alive); the plain scale where f is not positive, or 0 or 1). That is the limit of the
  draws when f is linear on that scale over the draws' range, which the tight covariance of a
  large customer base makes it. It costs 2·k + 1 evaluations (k: the parameters) instead of
  ``draws``, and no quantiles per customer. Where a bound would lie farther than
  ``LINEAR_REACH`` from its estimate on that scale, linearity is not to be trusted, and the
  draws are taken after all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit, logit

from ltvcli.cents import model_cents
from ltvcli.messages import Message
from ltvcli.models.expected import expectations, expected_order_value
from ltvcli.models.fit import Fitted, numbered
from ltvcli.models.summary import Summary
from ltvcli.models.uncertainty import Draws, Interval, bounds, chunks, parameter_draws

if TYPE_CHECKING:
    from ltvcli.models.predict import Group, Models

# --interval draws when draws × distinct histories is at most this (about a second of work),
# else takes the delta method
SAMPLED_EVALUATIONS = 4_000_000
# ... unless a bound lies farther than this from its estimate on its scale (z·sd: a factor e
# for money and orders): the values are no longer linear over the draws' range, so it draws
LINEAR_REACH = 1.0


@dataclass(frozen=True)
class Histories:
    """The customers' distinct histories (x, t_x, T within a group of parameters)."""

    data: tuple[np.ndarray, np.ndarray, np.ndarray]  # x, t_x, T of each distinct history
    of_group: np.ndarray  # each history's group
    history: np.ndarray  # each customer's history
    group: np.ndarray  # each customer's group

    @classmethod
    def of(cls, summary: Summary, groups: list[Group]) -> Histories:
        group = numbered([g.rows for g in groups], len(summary))
        data, _, history = summary.histories(group.astype(float))
        return cls((data[0], data[1], data[2]), data[3].astype(np.intp), history, group)

    def __len__(self) -> int:
        return len(self.of_group)


def spread(
    models: Models,
    plan: Interval,
    summary: Summary,
    own_mean: np.ndarray,
    groups: list[Group],
    horizon: tuple[int, float, float],
    kept: float,
) -> DrawnValues | DeltaValues:
    """Every customer's values under the parameters' uncertainty; ``horizon``: its days, the
    time unit in days and the discount rate. Draws unless they would take long (the
    ``Interval.method``, "auto" by default, decides; see the module's docstring)."""
    if plan.method not in ("auto", "draws", "delta"):
        raise ValueError(f"unknown --interval method {plan.method!r}")
    distinct = Histories.of(summary, groups)
    automatic = plan.method == "auto"
    many = plan.draws * len(distinct) > SAMPLED_EVALUATIONS
    if not plan.bootstrap and (plan.method == "delta" or (automatic and many)):
        values = DeltaValues.evaluate(
            models, plan, horizon, kept, summary, own_mean, groups, distinct
        )
        if not automatic or values.reach <= LINEAR_REACH:
            return values
    rng = np.random.default_rng(plan.seed)
    draws = parameter_draws(models.module, models.count, models.spend, summary, plan, rng, groups)
    return DrawnValues.evaluate(
        models.module, draws, plan, *horizon, kept, summary, own_mean, groups, distinct
    )


@dataclass
class DrawnValues:
    """The customers' expected values under each parameter draw (--interval), evaluated once per
    distinct history (x, t_x, T, and the covariates' group) in blocks of histories: the bounds
    of P(alive) and expected orders right away, the orders that count for LTV kept (draws ×
    histories) for the predicted LTV, which is made in blocks of customers (memory: draws ×
    block)."""

    plan: Interval
    summary: Summary
    own_mean: np.ndarray
    kept: float  # the margin rate, or 1
    group: np.ndarray  # each customer's group (``Models.groups``)
    spends: list[np.ndarray | None]  # each group's spend-model draws
    history: np.ndarray  # each customer's distinct history
    alive: tuple[np.ndarray, np.ndarray]  # low and high per history
    orders: tuple[np.ndarray, np.ndarray]
    value: np.ndarray  # [draws, histories]

    @classmethod
    def evaluate(
        cls,
        module: ModuleType,
        draws: Draws,
        plan: Interval,
        horizon_days: int,
        unit: float,
        discount_rate: float,
        kept: float,
        summary: Summary,
        own_mean: np.ndarray,
        groups: list[Group],
        distinct: Histories,
    ) -> DrawnValues:
        drawn = [draws.at(g.count_map, g.spend_map) for g in groups]
        histories, of_group = distinct.data, distinct.of_group
        value = np.empty((len(draws.count), len(of_group)))
        alive, orders = np.empty((2, len(of_group))), np.empty((2, len(of_group)))
        for block in chunks(len(of_group)):
            part = tuple(d[block] for d in histories)
            a, o = np.empty((2, len(draws.count), len(part[0])))
            for number in np.unique(of_group[block]):
                # one group: the block's rows as they are (no copies, the pairs cache holds)
                inside = (
                    slice(None) if len(groups) == 1 else np.flatnonzero(of_group[block] == number)
                )
                rows = part if len(groups) == 1 else tuple(d[inside] for d in part)
                columns = block if len(groups) == 1 else block.start + inside
                for n, params in enumerate(drawn[number][0]):
                    a[n, inside], o[n, inside], value[n, columns] = expectations(
                        module, params, horizon_days, unit, discount_rate, *rows
                    )
            alive[:, block] = np.quantile(a, plan.quantiles, axis=0)
            orders[:, block] = np.quantile(o, plan.quantiles, axis=0)
        spends = [spend for _, spend in drawn]
        return cls(
            plan, summary, own_mean, kept, distinct.group, spends, distinct.history,
            (alive[0], alive[1]),
            (orders[0], orders[1]), value,
        )  # fmt: skip

    def predicted(self, rows: np.ndarray | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Blocks of the customers at ``rows`` (all of them by default) and their predicted
        LTV (currency) under each draw."""
        rows = np.arange(len(self.summary)) if rows is None else rows
        for block in chunks(len(rows)):
            at = rows[block]
            x, m, own = self.summary.x[at], self.summary.m[at], self.own_mean[at]
            group = self.group[at]
            aov = np.empty((len(self.value), len(x)))
            for number in np.unique(group):
                inside = group == number
                spends = self.spends[number]  # [draws, 3]: all draws at once, [3, draws, 1]
                params = spends.T[:, :, None] if spends is not None else None
                aov[:, inside] = expected_order_value(params, x[inside], m[inside], own[inside])
            yield at, self.value[:, self.history[at]] * aov * self.kept

    def customer_bounds(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Each customer's bounds of P(alive), expected orders and predicted LTV (cents).

        Under the spend model a customer without a repeat purchase has their group's order
        value, so their draws depend on their history alone: those one-time buyers (most
        customers of most shops) are bounded once per distinct history. Without it each has
        their own average, and is bounded on their own."""

        def per_customer(bounds: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
            return bounds[0][self.history], bounds[1][self.history]

        low, high = np.empty(len(self.summary)), np.empty(len(self.summary))
        modelled = np.array([spend is not None for spend in self.spends])[self.group]
        shared = (self.summary.x == 0) & modelled
        once, repeat = np.flatnonzero(shared), np.flatnonzero(~shared)
        _, first, back = np.unique(self.history[once], return_index=True, return_inverse=True)
        part_low, part_high = self._ltv_bounds(once[first])
        low[once], high[once] = part_low[back], part_high[back]
        low[repeat], high[repeat] = self._ltv_bounds(repeat)
        return {
            "p_alive": per_customer(self.alive),
            "expected_orders": per_customer(self.orders),
            "predicted_ltv": (model_cents(low), model_cents(high)),
        }

    def _ltv_bounds(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return bounds((values for _, values in self.predicted(rows)), self.plan)

    def mean_bounds(self, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Bounds of the mean predicted LTV per customer of each group (cents): ``groups``
        numbers each scored customer's group (0, 1, ...; −1 in none)."""
        from scipy.sparse import csr_matrix

        n = int(groups.max()) + 1 if len(groups) else 0
        sums = np.zeros((len(self.value), n))
        for block, values in self.predicted():
            codes = groups[block]
            inside = codes >= 0
            member = csr_matrix(
                (np.ones(int(inside.sum())), (np.flatnonzero(inside), codes[inside])),
                shape=(len(codes), n),
            )
            sums += np.asarray(member.T.dot(values.T).T)
        counts = np.bincount(groups[groups >= 0], minlength=n)
        low, high = np.quantile(sums / np.maximum(counts, 1), self.plan.quantiles, axis=0)
        return model_cents(low), model_cents(high)


@dataclass(frozen=True)
class Link:
    """A scale on which a value's bounds are symmetric, and where it is defined."""

    defined: Callable[[np.ndarray], np.ndarray]
    forward: Callable[[np.ndarray], np.ndarray]
    back: Callable[[np.ndarray], np.ndarray]


LOG = Link(lambda v: v > 0, np.log, np.exp)
LOGIT = Link(lambda v: (v > 0) & (v < 1), logit, expit)


@dataclass(frozen=True)
class Change:
    """Values at φ̂, and at φ̂ ± one standard error of each coordinate of φ in ``support``."""

    support: np.ndarray  # the coordinates that move the values
    centre: np.ndarray  # [rows]
    plus: np.ndarray  # [support, rows]
    minus: np.ndarray

    def half(self, link: Link) -> tuple[np.ndarray, np.ndarray]:
        """Where the link is defined at every point, and the half-differences (plus − minus) / 2
        on its scale there, on the plain scale elsewhere."""
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = (
                link.defined(self.centre)
                & link.defined(self.plus).all(axis=0)
                & link.defined(self.minus).all(axis=0)
            )
            change = link.forward(self.plus) - link.forward(self.minus)
        if not ok.all():
            change[:, ~ok] = self.plus[:, ~ok] - self.minus[:, ~ok]
        return ok, change / 2

    def bounds(self, correlation: np.ndarray, z: float, link: Link) -> tuple[np.ndarray, float]:
        """[low, high] of each row, centre ± z·sd on the link's scale, and the farthest reach
        (``_around``)."""
        ok, half = self.half(link)
        low, high, reach = _around(self.centre, _variance(half, correlation), ok, z, link)
        return np.array([low, high]), reach


@dataclass(frozen=True)
class Moves:
    """What one group's predicted LTV is made of, at φ̂ ± one standard error of each coordinate
    of φ: the purchase model's move the orders that count (per distinct history), the spend
    model's the expected order value (per repeat customer, and once for the one-time buyers,
    who all have the group's mean)."""

    rows: np.ndarray  # the group's customers
    at: np.ndarray  # each one's history among the group's
    orders: Change  # the orders that count for LTV, per history
    value_at: np.ndarray  # each one's order value among ``order_value``'s
    order_value: Change

    def ltv(self) -> np.ndarray:
        """Each customer's predicted LTV at φ̂ before the margin rate (currency)."""
        value: np.ndarray = self.orders.centre[self.at] * self.order_value.centre[self.value_at]
        return value


@dataclass
class DeltaValues:
    """The customers' bounds by the delta method (see the module's docstring), and what the
    bounds of a group's mean predicted LTV need."""

    plan: Interval
    customers: dict[str, tuple[np.ndarray, np.ndarray]]
    kept: float  # the margin rate, or 1
    moves: list[Moves]
    correlation: tuple[np.ndarray, np.ndarray]  # of φ: the purchase model's, the spend model's
    histories: int  # distinct customer histories
    reach: float  # the farthest z·sd of a customer's value on its scale (``_around``)

    @property
    def note(self) -> str:
        """How the bounds were made (``Models.bounds_notes``)."""
        return Message(
            "--interval: bounds by the delta method ({histories:,} distinct customer histories "
            "are too many to evaluate under {draws} parameter draws; docs/metrics.md, Intervals)",
            histories=self.histories, draws=self.plan.draws,
        )  # fmt: skip

    @classmethod
    def evaluate(
        cls,
        models: Models,
        plan: Interval,
        horizon: tuple[int, float, float],
        kept: float,
        summary: Summary,
        own_mean: np.ndarray,
        groups: list[Group],
        distinct: Histories,
    ) -> DeltaValues:
        z = plan.z
        count_sd, count_correlation = _errors(models.count)
        spend_sd, spend_correlation = _errors(models.spend)
        alive, orders = np.empty((2, len(distinct))), np.empty((2, len(distinct)))
        low, high = np.empty((2, len(summary)))
        moves, reach = [], 0.0
        local = np.empty(len(distinct), dtype=np.intp)
        for number, group in enumerate(groups):
            inside = np.flatnonzero(distinct.of_group == number)
            local[inside] = np.arange(len(inside))
            data = tuple(d[inside] for d in distinct.data)

            def expected(
                params: np.ndarray, data: tuple[np.ndarray, ...] = data
            ) -> tuple[np.ndarray, ...]:
                return expectations(models.module, params, *horizon, *data)

            count = _points(models.count, group.count_map, count_sd)
            centre = expected(group.count)
            plus, minus = count.evaluated(expected, 3, len(inside))
            within = count_correlation[np.ix_(count.support, count.support)]
            alive[:, inside], alive_reach = Change(
                count.support, centre[0], plus[0], minus[0]
            ).bounds(within, z, LOGIT)
            orders[:, inside], orders_reach = Change(
                count.support, centre[1], plus[1], minus[1]
            ).bounds(within, z, LOG)
            spend = _points(models.spend, group.spend_map, spend_sd)
            valued, value_at = _order_values(summary.x[group.rows], group.spend is not None)
            valued = group.rows[valued]
            held = (summary.x[valued], summary.m[valued], own_mean[valued])

            def aov(
                params: np.ndarray | None, held: tuple[np.ndarray, ...] = held
            ) -> tuple[np.ndarray]:
                return (expected_order_value(params, *held),)

            spend_plus, spend_minus = spend.evaluated(aov, 1, len(valued))
            part = Moves(
                group.rows,
                local[distinct.history[group.rows]],
                Change(count.support, centre[2], plus[2], minus[2]),
                value_at,
                Change(spend.support, aov(group.spend)[0], spend_plus[0], spend_minus[0]),
            )
            low[group.rows], high[group.rows], ltv_reach = _ltv_bounds(
                part, kept, count_correlation, spend_correlation, z
            )
            moves.append(part)
            reach = max(reach, alive_reach, orders_reach, ltv_reach)
        history = distinct.history
        customers = {
            "p_alive": (np.clip(alive[0], 0, 1)[history], np.clip(alive[1], 0, 1)[history]),
            "expected_orders": (orders[0][history], orders[1][history]),
            "predicted_ltv": (model_cents(low), model_cents(high)),
        }
        correlation = (count_correlation, spend_correlation)
        return cls(plan, customers, kept, moves, correlation, len(distinct), reach)

    def customer_bounds(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Each customer's bounds of P(alive), expected orders and predicted LTV (cents)."""
        return self.customers

    def mean_bounds(self, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Bounds of the mean predicted LTV per customer of each group (cents): ``groups``
        numbers each scored customer's group (0, 1, ...; −1 in none). The mean moves by the
        mean of its customers' moves."""
        n = int(groups.max()) + 1 if len(groups) else 0
        count_k, spend_k = (len(c) for c in self.correlation)
        total = np.zeros(n)
        up, down = np.zeros((2, n, count_k + spend_k))
        for part in self.moves:
            codes = groups[part.rows]
            keep = codes >= 0
            codes, at, value_at = codes[keep], part.at[keep], part.value_at[keep]
            orders, order_value = part.orders.centre[at], part.order_value.centre[value_at]
            total += np.bincount(codes, orders * order_value, minlength=n)
            for j, coordinate in enumerate(part.orders.support):
                for sums, moved in ((up, part.orders.plus), (down, part.orders.minus)):
                    change = (moved[j, at] - orders) * order_value
                    sums[:, coordinate] += np.bincount(codes, change, minlength=n)
            for j, coordinate in enumerate(part.order_value.support):
                for sums, moved in ((up, part.order_value.plus), (down, part.order_value.minus)):
                    change = orders * (moved[j, value_at] - order_value)
                    sums[:, count_k + coordinate] += np.bincount(codes, change, minlength=n)
        counts = np.maximum(np.bincount(groups[groups >= 0], minlength=n), 1)
        mean = total / counts * self.kept
        scale = self.kept / counts[:, None]
        support = np.arange(count_k + spend_k)
        change = Change(
            support, mean, (mean[:, None] + up * scale).T, (mean[:, None] + down * scale).T
        )
        correlation = np.zeros((count_k + spend_k,) * 2)
        correlation[:count_k, :count_k], correlation[count_k:, count_k:] = self.correlation
        (low, high), _ = change.bounds(correlation, self.plan.z, LOG)
        return model_cents(low), model_cents(high)


def _ltv_bounds(
    part: Moves,
    kept: float,
    count_correlation: np.ndarray,
    spend_correlation: np.ndarray,
    z: float,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Each customer's bounds of the predicted LTV = orders × order value × margin rate: on the
    log scale the two models' shares of the variance add up (their parameters are independent);
    on the plain scale (where any point is not positive) each move is scaled by the other
    factor."""
    count_ok, count_half = part.orders.half(LOG)
    spend_ok, spend_half = part.order_value.half(LOG)
    ltv = part.ltv() * kept
    count_within = count_correlation[np.ix_(part.orders.support, part.orders.support)]
    spend_within = spend_correlation[np.ix_(part.order_value.support, part.order_value.support)]
    variance = (
        _variance(count_half, count_within)[part.at]
        + _variance(spend_half, spend_within)[part.value_at]
    )
    ok = count_ok[part.at] & spend_ok[part.value_at] & (kept > 0)
    if not ok.all():
        bad = np.flatnonzero(~ok)
        at, value_at = part.at[bad], part.value_at[bad]
        orders, order_value = part.orders, part.order_value
        count_plain = (orders.plus[:, at] - orders.minus[:, at]) / 2 * order_value.centre[value_at]
        spend_plain = (
            (order_value.plus[:, value_at] - order_value.minus[:, value_at]) / 2 * orders.centre[at]
        )
        variance[bad] = kept**2 * (
            _variance(count_plain, count_within) + _variance(spend_plain, spend_within)
        )
    return _around(ltv, variance, ok, z, LOG)


def _order_values(x: np.ndarray, modelled: bool) -> tuple[np.ndarray, np.ndarray]:
    """The customers whose expected order value to evaluate, and each customer's among them:
    under the spend model a one-time buyer's is the group's mean (one of them stands for all),
    without it each customer's own average."""
    if not modelled:
        return np.arange(len(x)), np.arange(len(x))
    repeat = x > 0
    once = np.flatnonzero(~repeat)[:1]
    at = np.zeros(len(x), dtype=np.intp)
    at[repeat] = len(once) + np.arange(int(repeat.sum()))
    return np.concatenate([once, np.flatnonzero(repeat)]), at


def _variance(half: np.ndarray, correlation: np.ndarray) -> np.ndarray:
    """g·C·gᵀ of each column g of half-differences over ± one standard error ([support, rows])."""
    variance: np.ndarray = np.einsum("jr,jk,kr->r", half, correlation, half)
    return variance


def _around(
    centre: np.ndarray, variance: np.ndarray, ok: np.ndarray, z: float, link: Link
) -> tuple[np.ndarray, np.ndarray, float]:
    """centre ± z·sd on the link's scale where ``ok``, on the plain scale elsewhere (the
    centre itself where sd = 0), and the farthest z·sd on the link's scale: whether the value
    is still linear on it over the bounds' range."""
    sd = np.sqrt(np.maximum(variance, 0))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mid = np.where(ok, link.forward(centre), centre)
        low = np.where(ok, link.back(mid - z * sd), mid - z * sd)
        high = np.where(ok, link.back(mid + z * sd), mid + z * sd)
    still = sd == 0
    low[still] = high[still] = centre[still]
    reach = float(z * sd[ok].max()) if ok.any() else 0.0
    return low, high, reach


@dataclass(frozen=True)
class Points:
    """A model's parameters for one group at ± one standard error of each coordinate of φ that
    moves them (the support)."""

    support: np.ndarray
    plus: list[np.ndarray]
    minus: list[np.ndarray]

    def evaluated(
        self, f: Callable[[np.ndarray], tuple[np.ndarray, ...]], values: int, rows: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """f (``values`` arrays of ``rows``) at every point: [values, support, rows] each."""
        plus, minus = np.empty((2, values, len(self.support), rows))
        for out, points in ((plus, self.plus), (minus, self.minus)):
            for j, point in enumerate(points):
                for v, array in enumerate(f(point)):
                    out[v, j] = array
        return plus, minus


def _points(fit: Fitted | None, mapping: np.ndarray | None, sd: np.ndarray) -> Points:
    """A group's parameters exp(M·φ) at φ̂ ± one standard error of each coordinate of φ it
    depends on (none for a model not fitted)."""
    if fit is None or mapping is None:
        return Points(np.empty(0, dtype=np.intp), [], [])
    phi = fit.phi()
    support = np.flatnonzero((mapping != 0).any(axis=0) & (sd > 0))
    steps = np.eye(len(phi))[support] * sd[support, None]
    return Points(
        support,
        [np.exp(mapping @ (phi + s)) for s in steps],
        [np.exp(mapping @ (phi - s)) for s in steps],
    )


def _errors(fit: Fitted | None) -> tuple[np.ndarray, np.ndarray]:
    """The standard errors of φ and its correlations; zeros without a covariance (the bounds
    are then the estimate)."""
    if fit is None:
        return np.zeros(0), np.eye(0)
    k = len(fit.phi())
    if fit.covariance is None:
        return np.zeros(k), np.eye(k)
    sd = np.sqrt(np.clip(np.diag(fit.covariance), 0, None))
    scale = np.where(sd > 0, sd, 1.0)
    correlation: np.ndarray = fit.covariance / np.outer(scale, scale)
    return sd, correlation
