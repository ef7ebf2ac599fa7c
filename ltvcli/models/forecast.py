"""What customers will buy in each coming period: ``ltv forecast``.

The existing customers' expected purchases in a period are the differences of their
conditional expected purchases at its ends (the purchase model), their revenue those purchases
times each customer's expected order value (Gamma-Gamma). Customers yet to come
(``--new-customers``) are acquired at a steady rate through the horizon; each brings a first
order of the average first-order value and then the purchases the fitted population expects of
a new customer, at the population's mean order value. Bounds are quantiles of simulated
futures (``ltvcli.models.uncertainty``) and cover the existing customers; money is not
discounted (a forecast is for planning; predicted LTV discounts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ltvcli.definition import Metric
from ltvcli.errors import ConfigError
from ltvcli.messages import Message, template
from ltvcli.models.expected import expected_order_value, expected_purchases
from ltvcli.models.newcomer import order_value
from ltvcli.models.predict import Forecast, Models, fit_models, margin_rate
from ltvcli.models.summary import UNIT_DAYS, Summary, summarise
from ltvcli.models.uncertainty import futures, parameter_draws
from ltvcli.periods import ordinal_labels, period_ordinals

if TYPE_CHECKING:
    from ltvcli.analysis import Analysis

# After the key column, ``period``: a calendar period after the as-of date (the first and the
# last may be partial: see days), and the total row.
FORECAST_METRICS = (
    Metric("days", "Days", "count", "days of the period inside the horizon"),
    Metric("repeat_orders", "Repeat orders", "number", "existing customers' expected purchase days in the period: Σ E[X(end)] − E[X(start)] of the purchase model"),
    Metric("repeat_orders_low", "Repeat orders, low", "number", "lower bound of the --interval of what the existing customers will buy (simulated futures)"),
    Metric("repeat_orders_high", "Repeat orders, high", "number", "upper bound of the same"),
    Metric("revenue", "Revenue", "money", "existing customers' expected revenue: Σ expected purchases × expected order value (Gamma-Gamma), not discounted"),
    Metric("revenue_low", "Revenue, low", "money", "lower bound of the --interval of the existing customers' revenue (simulated futures)"),
    Metric("revenue_high", "Revenue, high", "money", "upper bound of the same"),
    Metric("expected_margin", "Margin", "money", "revenue × the margin rate (--margin, or the data's margin share)"),
    Metric("acquired", "Customers acquired", "number", "customers acquired in the period at the --new-customers rate"),
    Metric("acquired_orders", "New customers' orders", "number", "their first orders plus the repeat purchases the fitted model expects of a new customer"),
    Metric("acquired_revenue", "New customers' revenue", "money", "first orders × average first-order value + repeat purchases × the population's mean order value"),
    Metric("total_revenue", "Total revenue", "money", "revenue + new customers' revenue"),
)  # fmt: skip

_RATE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:/\s*(day|week|month|quarter|year))?\s*$")
_PER = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "quarter": 365.25 / 4, "year": 365.25}
RECENT_DAYS = 365  # the observed acquisition rate: new customers of the last year
_SOURCES = {"observed": template("observed"), "given": template("given")}


@dataclass(frozen=True)
class Acquisition:
    """Customers yet to come: a steady rate, and what their first order brings."""

    per_day: float
    first_order: float  # currency units
    source: str  # "given" or "observed"


def parse_new_customers(text: str | None) -> float | str | None:
    """``--new-customers``: ``observed``, or a number per month (``300``, ``300/month``,
    ``70/week``) as customers a day."""
    if text is None:
        return None
    if text.strip().lower() == "observed":
        return "observed"
    match = _RATE.match(text.lower())
    if not match:
        raise ConfigError(
            Message(
                "--new-customers is 'observed' or a number a period (300, 300/month, 70/week), "
                "not {text!r}",
                text=text,
            )
        )
    return float(match[1].replace(",", ".")) / _PER[match[2] or "month"]


def forecast_table(
    analysis: Analysis,
    plan: Forecast,
    period: str = "month",
    new_customers: float | str | None = None,
    models: Models | None = None,
) -> tuple[pd.DataFrame, Models, list[str]]:
    """The forecast per period (a total row last), the models and the notes."""
    if "currency" in analysis.customers and analysis.customers["currency"].nunique() > 1:
        raise ConfigError(Message("a forecast covers one currency: pass --currency"))
    customers = analysis.customers
    coming = expect(analysis, plan, period, models)
    models, summary, edges, per_period = coming.models, coming.summary, coming.edges, coming.orders
    own_mean, horizon_days, module = coming.own_mean, plan.days, models.module
    unit = UNIT_DAYS[models.unit]
    labels = coming.labels
    table = pd.DataFrame({
        "period": labels,
        "days": np.diff(edges).astype(int),
        "repeat_orders": per_period.sum(axis=1),
        "revenue": coming.revenue.sum(axis=1),
    })  # fmt: skip
    notes: list[str] = [
        Message(
            "{model}; as of {day}; the existing customers' purchases and revenue, not discounted",
            model=models.count.model, day=analysis.as_of_date,
        )
    ]  # fmt: skip
    totals: dict[str, object] = {"period": "(total)", "days": horizon_days}
    if plan.interval is not None:
        rng = np.random.default_rng(plan.interval.seed)
        groups = models.groups(customers.iloc[summary.rows])
        draws = parameter_draws(
            module, models.count, models.spend, summary, plan.interval, rng, groups
        )
        lengths = np.diff(edges) / unit
        orders, revenue = [], []
        for simulated, money in futures(module, draws, summary, own_mean, lengths, rng, groups):
            orders.append(simulated)
            revenue.append(money)
        for key, sims in (("repeat_orders", np.array(orders)), ("revenue", np.array(revenue))):
            low, high = np.quantile(sims, plan.interval.quantiles, axis=0)
            at = list(table.columns).index(key)
            table.insert(at + 1, f"{key}_low", low)
            table.insert(at + 2, f"{key}_high", high)
            total_low, total_high = np.quantile(sims.sum(axis=1), plan.interval.quantiles)
            totals |= {f"{key}_low": total_low, f"{key}_high": total_high}
        notes.append(
            Message(
                "bounds: {level:.0%} of {draws} simulated futures of the existing customers "
                "(--seed {seed})",
                level=plan.interval.level, draws=len(draws.count), seed=plan.interval.seed,
            )
        )  # fmt: skip
    rate = margin_rate(customers, analysis.settings.margin, analysis.margin_known)
    if rate is not None:
        table["expected_margin"] = table["revenue"] * rate
    if new_customers is not None:
        acquisition = _acquisition(analysis, new_customers)
        buyers = customers[customers["orders"] > 0]
        newcomers = _newcomers(models, acquisition, edges, unit, buyers)
        table = pd.concat([table, newcomers], axis=1)
        notes.append(
            Message(
                "new customers: {n:.1f} a day ({source}), first order {value:,.2f}",
                n=acquisition.per_day, source=Message(_SOURCES[acquisition.source]),
                value=acquisition.first_order,
            )
        )  # fmt: skip
    # money in cents before the totals, so each total is the sum of the cents shown above it
    for key in ("revenue", "revenue_low", "revenue_high", "expected_margin", "acquired_revenue"):
        if key in table:
            table[key] = np.round(table[key].astype(float) * 100).astype(np.int64)
    totals |= {k: round(float(totals[k]) * 100) for k in MONEY_BOUNDS if k in totals}  # type: ignore[arg-type]
    if "acquired_revenue" in table:
        table["total_revenue"] = table["revenue"] + table["acquired_revenue"]
    for key in table.columns:
        if key not in totals:
            totals[key] = table[key].sum()
    table = pd.concat([table, pd.DataFrame([totals])], ignore_index=True)
    return table, models, notes


MONEY_BOUNDS = ("revenue_low", "revenue_high")  # a total's bounds come from whole simulated futures


@dataclass
class Coming:
    """The existing customers' expected purchases and revenue (currency) in each coming
    calendar period, [periods, customers], with what they were computed from."""

    models: Models
    summary: Summary
    own_mean: np.ndarray  # each customer's average order value
    edges: np.ndarray  # days after the as-of date: 0, the end of each period
    labels: list[str]
    orders: np.ndarray
    revenue: np.ndarray


def expect(analysis: Analysis, plan: Forecast, period: str, models: Models | None = None) -> Coming:
    """Each customer's expected purchases in each period: the differences of the conditional
    expectation at the period's ends; times the expected order value for the revenue."""
    customers = analysis.customers
    summary = summarise(customers, plan.unit)
    base = customers.iloc[summary.rows]
    models = models or fit_models(summary, plan.model, base, plan.covariates)
    unit = UNIT_DAYS[models.unit]
    edges, labels = _periods(int(analysis.as_of), plan.days, period)
    x, t_x, T = summary.x, summary.t_x, summary.T
    own_mean = base["net_revenue"].to_numpy() / 100 / base["orders"].to_numpy()
    aov = np.empty(len(summary))
    cumulative = np.zeros((len(edges), len(summary)))
    for group in models.groups(base):
        rows = group.rows
        aov[rows] = expected_order_value(group.spend, x[rows], summary.m[rows], own_mean[rows])
        history = x[rows], t_x[rows], T[rows]  # the same arrays at every end: pairs once
        alive = models.module.p_alive(group.count, *history)
        for at, end in enumerate(edges):
            if end:
                cumulative[at, rows] = expected_purchases(
                    models.module, group.count, end / unit, *history, alive
                )
    orders = np.diff(cumulative, axis=0)
    return Coming(models, summary, own_mean, edges, labels, orders, orders * aov[None, :])


def cohort_future(
    analysis: Analysis, plan: Forecast, period: str, models: Models | None = None
) -> pd.DataFrame:
    """What ``ltv cohorts --predict`` fills the cells after the as-of date with: each existing
    cohort's expected net revenue (and margin at the margin rate) in each coming period of the
    horizon, by its age then (cents)."""
    coming = expect(analysis, plan, period, models)
    first_days = analysis.customers["_first_day"].to_numpy()[coming.summary.rows]
    cohorts = period_ordinals(first_days, period)
    starts = int(analysis.as_of) + 1 + coming.edges[:-1].astype(np.int64)
    frame = pd.DataFrame(coming.revenue.T, columns=period_ordinals(starts, period))
    frame["cohort"] = cohorts
    by_cohort = frame.groupby("cohort").sum().reset_index()
    long = by_cohort.melt(id_vars="cohort", var_name="ordinal", value_name="revenue")
    rate = margin_rate(analysis.customers, analysis.settings.margin, analysis.margin_known)
    net = np.round(long["revenue"].to_numpy() * 100).astype(np.int64)
    margin = (
        pd.array(np.round(net * rate).astype(np.int64), dtype="Int64")
        if rate is not None and analysis.margin_known
        else pd.array([None] * len(net), dtype="Int64")
    )
    return pd.DataFrame({
        "cohort": long["cohort"].astype(np.int64), "age": (long["ordinal"] - long["cohort"]).astype(np.int64),
        "net_revenue": net, "margin": margin,
    })  # fmt: skip


def _periods(as_of: int, horizon_days: int, period: str) -> tuple[np.ndarray, list[str]]:
    """Edges (days after the as-of date, 0 first) of the calendar periods that the horizon
    covers, and their labels."""
    days = np.arange(as_of + 1, as_of + horizon_days + 1)
    ordinals = period_ordinals(days, period)
    starts = np.flatnonzero(np.diff(ordinals, prepend=ordinals[0] - 1))
    edges = np.append(starts, horizon_days).astype(float)
    labels = list(ordinal_labels(ordinals[starts], period))
    return edges, labels


def _acquisition(analysis: Analysis, new_customers: float | str) -> Acquisition:
    """The rate given, or the last year's (the data's whole span when shorter)."""
    customers = analysis.customers[analysis.customers["orders"] > 0]
    span = min(RECENT_DAYS, int(customers["age_days"].max()) + 1)
    recent = customers[customers["age_days"] < span]
    first_orders = recent if len(recent) else customers
    first_order = float(first_orders["_first_day_cents"].mean()) / 100
    if new_customers == "observed":
        return Acquisition(len(recent) / span, first_order, "observed")
    return Acquisition(float(new_customers), first_order, "given")


def _newcomers(
    models: Models, acquisition: Acquisition, edges: np.ndarray, unit: float, buyers: pd.DataFrame
) -> pd.DataFrame:
    """New customers' orders and revenue per period: customers acquired each day of the horizon,
    each with a first order and then E[X(t)] repeat purchases (the conditional expectation of a
    customer with no history yet: x = t_x = T = 0)."""
    horizon = int(edges[-1])
    ages = np.arange(horizon + 1, dtype=float)  # days since acquisition
    zero = np.zeros(len(ages))
    recent = buyers[buyers["age_days"] < RECENT_DAYS]
    newest = recent if len(recent) else buyers  # with covariates, their mix of levels
    repeat_by_age = np.sum(
        [
            group.share(len(newest))
            * expected_purchases(models.module, group.count, ages / unit, zero, zero, zero)
            for group in models.groups(newest)
        ],
        axis=0,
    )
    acquired = np.arange(horizon) + 0.5  # mid-day acquisitions
    cumulative = np.array([
        acquisition.per_day * np.interp(end - acquired[acquired < end], ages, repeat_by_age).sum()
        for end in edges
    ])  # fmt: skip
    repeat = np.diff(cumulative)
    first = acquisition.per_day * np.diff(edges)
    mean_spend = order_value(models, newest)
    return pd.DataFrame({
        "acquired": first,
        "acquired_orders": first + repeat,
        "acquired_revenue": first * acquisition.first_order + repeat * mean_spend,
    })  # fmt: skip
