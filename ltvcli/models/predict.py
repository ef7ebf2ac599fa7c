"""Fit the models to a customer table and score every customer: P(alive), expected orders and
spend, predicted and total LTV, the expected next order.

Predicted LTV over a horizon = Σ over monthly steps of expected orders in the step × expected
order value × margin rate, discounted at the annual ``discount_rate`` to the as-of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ltvcli.cents import model_cents
from ltvcli.definition import Metric
from ltvcli.messages import Message
from ltvcli.models import bgnbd, gammagamma, mbgnbd, pareto
from ltvcli.models.covariates import Design, effect_names, maps
from ltvcli.models.covariates import design as covariate_design
from ltvcli.models.expected import expectations, expected_order_value
from ltvcli.models.fit import FitError, Fitted, Grouping, maximise, members
from ltvcli.models.spread import DeltaValues, DrawnValues, spread
from ltvcli.models.summary import UNIT_DAYS, Summary, summarise
from ltvcli.models.uncertainty import Interval

if TYPE_CHECKING:
    from ltvcli.analysis import Analysis

MODELS: dict[str, ModuleType] = {m.NAME: m for m in (bgnbd, mbgnbd, pareto)}
MIN_REPEAT_CUSTOMERS = 20
HORIZON_UNITS = {"d": 1.0, "w": 7.0, "m": 365.25 / 12, "y": 365.25}
# named with the horizon
HORIZON_COLUMNS = ("expected_orders", "predicted_ltv", "new_customer_value", "max_cac")
BOUNDS = ("_low", "_high")  # --interval's columns: the key and one of these

PREDICTION_COLUMNS = (
    Metric("p_alive", "P(alive)", "rate", "probability that the customer still buys (has not silently churned), from the purchase model"),
    Metric("p_alive_low", "P(alive), low", "rate", "--interval: lower bound of P(alive) over the parameters' uncertainty"),
    Metric("p_alive_high", "P(alive), high", "rate", "--interval: upper bound of P(alive) over the parameters' uncertainty"),
    Metric("expected_orders", "Expected orders", "number", "expected purchase days over the horizon (column expected_orders_<horizon>)"),
    Metric("expected_orders_low", "Expected orders, low", "number", "--interval: lower bound of the expected orders over the parameters' uncertainty (column expected_orders_<horizon>_low)"),
    Metric("expected_orders_high", "Expected orders, high", "number", "--interval: upper bound of the same (column expected_orders_<horizon>_high)"),
    Metric("expected_aov", "Expected order value", "money", "Gamma-Gamma expected value of the next orders (the customer's own average when the spend model is unavailable)"),
    Metric("predicted_ltv", "Predicted LTV", "money", "Σ monthly expected orders × expected order value × margin rate, discounted at --discount-rate a year (column predicted_ltv_<horizon>)"),
    Metric("predicted_ltv_low", "Predicted LTV, low", "money", "--interval: lower bound of the predicted LTV over both models' parameters' uncertainty (column predicted_ltv_<horizon>_low)"),
    Metric("predicted_ltv_high", "Predicted LTV, high", "money", "--interval: upper bound of the same (column predicted_ltv_<horizon>_high)"),
    Metric("total_ltv", "Total LTV", "money", "historical LTV (margin when the margin rate is known, else net revenue) + predicted LTV"),
    Metric("expected_next_order", "Expected next order", "date", "as-of date + 1 / posterior purchase rate, for customers with P(alive) ≥ 0.5"),
)  # fmt: skip

# --interval on compute and segments: the bounds of a mean predicted LTV (not means of bounds)
MEAN_BOUNDS = (
    Metric("predicted_ltv_low", "Predicted LTV (mean), low", "money", "--interval: lower bound of the mean predicted LTV per customer over the parameters' uncertainty (key predicted_ltv_<horizon>_low)"),
    Metric("predicted_ltv_high", "Predicted LTV (mean), high", "money", "--interval: upper bound of the same (key predicted_ltv_<horizon>_high)"),
)  # fmt: skip

PREDICTED_KPIS = (
    Metric("predicted_ltv", "Predicted LTV (mean)", "money", "mean predicted LTV per customer over the horizon (key predicted_ltv_<horizon>)"),
    Metric("total_ltv", "Total LTV (mean)", "money", "mean of historical + predicted LTV per customer"),
    Metric("predicted_ltv_cac_ratio", "Predicted LTV:CAC", "number", "total_ltv / cac"),
)  # fmt: skip


@dataclass
class Models:
    """A fitted purchase-count model and (when it could be fitted) the spend model."""

    count: Fitted
    spend: Fitted | None
    unit: str
    notes: list[str]
    # the customers' values under the parameters' uncertainty, from the last scoring with
    # --interval
    drawn: DrawnValues | DeltaValues | None = None
    design: Design | None = None  # --covariates: the levels the parameters depend on

    @property
    def module(self) -> ModuleType:
        return MODELS[self.count.model]

    def bounds_notes(self) -> list[str]:
        """What every command with --interval says of the last scoring's bounds: that they
        come from the delta method, when they do."""
        return [self.drawn.note] if isinstance(self.drawn, DeltaValues) else []

    def groups(self, customers: pd.DataFrame) -> list[Group]:
        """The groups of ``customers`` with the same parameters: all of them in one without
        covariates."""
        k = len(self.count.params)
        if self.design is None:
            count_maps = np.eye(k)[None]
            spend_maps = np.eye(3)[None] if self.spend is not None else None
            group = np.zeros(len(customers), dtype=np.intp)
        else:
            indicators, group = self.design.code(customers)
            count_maps = maps(self.module, indicators)
            spend_maps = maps(gammagamma, indicators) if self.spend is not None else None
        out = []
        for number, rows in enumerate(members(group, len(count_maps))):
            count_map = count_maps[number]
            spend_map = spend_maps[number] if spend_maps is not None else None
            spend = (
                np.exp(spend_map @ self.spend.phi())
                if self.spend is not None and spend_map is not None
                else None
            )
            out.append(
                Group(rows, count_map, spend_map, np.exp(count_map @ self.count.phi()), spend)
            )
        return out


@dataclass(frozen=True)
class Group:
    """Customers with the same parameters (all of them without covariates)."""

    rows: np.ndarray  # positions among the customers grouped
    count_map: np.ndarray  # log-parameters = map · φ of the purchase model
    spend_map: np.ndarray | None
    count: np.ndarray  # the purchase model's parameters at the estimate
    spend: np.ndarray | None

    def share(self, total: int) -> float:
        return len(self.rows) / total if total else 0.0


@dataclass(frozen=True)
class Forecast:
    """What to predict: the model, the horizon and how future money is valued."""

    model: str = "bgnbd"
    horizon: str = "12m"
    discount_rate: float = 0.0
    unit: str = "week"
    interval: Interval | None = None  # --interval: bounds, and how they are drawn
    target_ratio: float = 3.0  # --target-ratio: the LTV:CAC the most to pay per customer aims at
    covariates: tuple[str, ...] = ()  # --covariates: first-order attributes moving the parameters

    @property
    def label(self) -> str:
        return parse_horizon(self.horizon)[1]

    @property
    def days(self) -> int:
        return parse_horizon(self.horizon)[0]

    def columns(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Prediction columns named with the horizon (``expected_orders_12m``...)."""
        return frame.rename(columns={c: horizon_key(c, self.label) for c in frame.columns})


def horizon_key(key: str, label: str) -> str:
    """A prediction column's name at a horizon: ``predicted_ltv`` → ``predicted_ltv_12m``,
    ``predicted_ltv_low`` → ``predicted_ltv_12m_low``; other keys as they are."""
    bound = next((b for b in BOUNDS if key.endswith(b)), "")
    base = key.removesuffix(bound) if bound else key
    return f"{base}_{label}{bound}" if base in HORIZON_COLUMNS else key


def forecast_customers(
    analysis: Analysis, plan: Forecast, models: Models | None = None
) -> tuple[pd.DataFrame, Models]:
    """Fit (unless ``models`` are given) and score the customers of ``analysis``."""
    summary = summarise(analysis.customers, models.unit if models else plan.unit)
    if models is None:
        attributes = analysis.customers.iloc[summary.rows] if plan.covariates else None
        models = fit_models(summary, plan.model, attributes, plan.covariates)
    rate = margin_rate(analysis.customers, analysis.settings.margin, analysis.margin_known)
    days, _ = parse_horizon(plan.horizon)
    table = score(
        analysis.customers, models, analysis.as_of_date, days, plan.discount_rate, rate,
        plan.interval, summary,
    )  # fmt: skip
    return table, models


def fit_models(
    summary: Summary,
    model: str = "bgnbd",
    attributes: pd.DataFrame | None = None,
    covariates: tuple[str, ...] = (),
) -> Models:
    """Fit ``model`` to (x, t_x, T) and Gamma-Gamma to the repeat customers' spend; with
    ``covariates``, columns of ``attributes`` (the summarised customers' rows) move the
    parameters (``ltvcli.models.covariates``)."""
    if model not in MODELS:
        raise FitError(
            Message(
                "unknown model {model!r}; one of {models} or auto",
                model=model, models=", ".join(MODELS),
            )
        )  # fmt: skip
    repeaters = int((summary.x > 0).sum())
    if repeaters < MIN_REPEAT_CUSTOMERS:
        raise FitError(
            Message(
                "only {repeaters} of {customers} customers bought on two different days; the "
                "models need at least {minimum} repeat customers to learn from",
                repeaters=repeaters, customers=len(summary), minimum=MIN_REPEAT_CUSTOMERS,
            )
        )  # fmt: skip
    module = MODELS[model]
    design, grouping = None, None
    group = np.zeros(len(summary))
    if covariates and attributes is not None:
        design = covariate_design(attributes, covariates, summary.x > 0)
        indicators, codes = design.code(attributes)
        group = codes.astype(float)
    data, weights, _ = summary.histories(group)
    if design is not None:
        grouping = Grouping(
            data[3].astype(np.intp), maps(module, indicators), effect_names(module, design)
        )
    count = maximise(
        module.NAME, module.PARAMS, module.log_likelihood, data[:3], weights, module.START,
        module.log_likelihood_and_gradient, grouping,
    )  # fmt: skip
    notes: list[str] = []
    if design is not None:
        notes.append(
            Message(
                "covariates {columns}: {groups} groups of customers with their own parameters "
                "(--summary shows each level's effect)",
                columns=", ".join(design.columns), groups=len(indicators),
            )
        )  # fmt: skip
    if not count.converged:
        notes.append(
            Message(
                "the {model} fit did not converge cleanly ({tried})",
                model=model, tried="; ".join(count.tried),
            )
        )  # fmt: skip
    spend_groups = None
    if design is not None:
        spend_groups = Grouping(
            codes, maps(gammagamma, indicators), effect_names(gammagamma, design)
        )
    spend = fit_spend(summary, notes, spend_groups)
    return Models(count, spend, summary.unit, notes, design=design)


def fit_spend(
    summary: Summary, notes: list[str], grouping: Grouping | None = None
) -> Fitted | None:
    repeat = summary.x > 0
    usable = repeat & (summary.m > 0)
    if (excluded := int((repeat & ~usable).sum())) > 0:
        notes.append(
            Message(
                "{excluded} repeat customers with no positive spend (refunded repeat orders) are "
                "left out of the spend model",
                excluded=excluded,
            )
        )
    if usable.sum() < MIN_REPEAT_CUSTOMERS:
        notes.append(Message("too few repeat customers with positive spend for the spend model; "
                             "expected order value is each customer's own average"))  # fmt: skip
        return None
    means = summary.m[usable]
    if np.ptp(means) <= 1e-9 * np.abs(means).max():
        notes.append(Message("every repeat customer's orders have the same mean value (one price?): "
                             "the spend model has nothing to learn; expected order value is each "
                             "customer's own average"))  # fmt: skip
        return None
    # (x, m) pairs are nearly all distinct (m is a mean of money): no compression
    data, weights = (summary.x[usable], means), np.ones(int(usable.sum()))
    spend = maximise(
        gammagamma.NAME, gammagamma.PARAMS, gammagamma.log_likelihood, data, weights,
        gammagamma.START, gammagamma.log_likelihood_and_gradient,
        grouping.subset(np.flatnonzero(usable)) if grouping is not None else None,
    )  # fmt: skip
    if not spend.converged:
        notes.append(
            Message(
                "the spend model did not converge ({tried}); expected order value is each "
                "customer's own average",
                tried="; ".join(spend.tried),
            )
        )
        return None
    if spend.params["q"] <= 1:
        notes.append(Message("the spend model's q ≤ 1 has no finite mean; expected order value "
                             "is each customer's own average"))  # fmt: skip
        return None
    return spend


def score(
    customers: pd.DataFrame,
    models: Models,
    as_of: dt.date,
    horizon_days: int,
    discount_rate: float = 0.0,
    margin_rate: float | None = None,
    interval: Interval | None = None,
    summary: Summary | None = None,
) -> pd.DataFrame:
    """The predictions of every customer with an order, indexed like ``customers``; cents.
    With ``interval``: each customer's bounds of P(alive), expected orders and predicted LTV
    under the parameters' uncertainty (``ltvcli.models.spread``). ``summary``: the customers'
    own, when the caller has it (the fit's, whose distinct histories are then reused)."""
    summary = summarise(customers, models.unit) if summary is None else summary
    module = models.module
    unit = UNIT_DAYS[models.unit]
    x, t_x, T = summary.x, summary.t_x, summary.T
    base = customers.iloc[summary.rows]
    own_mean = base["net_revenue"].to_numpy() / 100 / base["orders"].to_numpy()
    kept = 1.0 if margin_rate is None else margin_rate
    alive, expected_orders, value, aov, rate = (np.empty(len(summary)) for _ in range(5))
    groups = models.groups(base)
    for group in groups:
        rows, params = group.rows, group.count
        alive[rows], expected_orders[rows], value[rows] = expectations(
            module, params, horizon_days, unit, discount_rate, x[rows], t_x[rows], T[rows]
        )
        aov[rows] = expected_order_value(group.spend, x[rows], summary.m[rows], own_mean[rows])
        # purchases per time unit of a customer who is alive: the posterior mean (r+x)/(α+T)
        rate[rows] = (params[0] + x[rows]) / (params[1] + T[rows])
    predicted = value * aov * kept
    with np.errstate(divide="ignore"):
        wait_days = np.where((alive >= 0.5) & (rate > 0), unit / rate, np.nan)
    next_order = np.datetime64(as_of, "D") + np.ceil(np.nan_to_num(wait_days)).astype(
        "timedelta64[D]"
    )
    next_order[np.isnan(wait_days)] = np.datetime64("NaT")
    on_margin = margin_rate is not None and base["margin"].notna().all()
    historical = base["margin"] if on_margin else base["net_revenue"]
    predicted_cents = model_cents(predicted)
    table = pd.DataFrame(
        {
            "p_alive": alive,
            "expected_orders": expected_orders,
            "expected_aov": pd.array(np.round(aov * 100), dtype="Int64"),
            "predicted_ltv": predicted_cents,
            "total_ltv": historical.to_numpy(dtype=np.int64) + predicted_cents,
            "expected_next_order": next_order,
        },
        index=base.index,
    )
    if interval is not None:
        models.drawn = spread(
            models, interval, summary, own_mean, groups, (horizon_days, unit, discount_rate), kept
        )
        for key, (low, high) in models.drawn.customer_bounds().items():
            at = list(table.columns).index(key)
            table.insert(at + 1, f"{key}_low", low)
            table.insert(at + 2, f"{key}_high", high)
    return table


def predicted_kpis(
    predictions: pd.DataFrame,
    cac: int | None,
    label: str,
    drawn: DrawnValues | DeltaValues | None = None,
) -> dict[str, object]:
    """The headline numbers a forecast adds to ``ltv compute`` (money in cents); with
    ``drawn`` (--interval), the bounds of the mean predicted LTV."""
    from ltvcli.cents import divide_cents

    n = len(predictions)
    total = divide_cents(int(predictions["total_ltv"].sum()), n)
    kpis: dict[str, object] = {
        f"predicted_ltv_{label}": divide_cents(int(predictions["predicted_ltv"].sum()), n)
    }
    if drawn is not None:
        [low], [high] = drawn.mean_bounds(np.zeros(n, dtype=np.int64))
        kpis |= {f"predicted_ltv_{label}_low": int(low), f"predicted_ltv_{label}_high": int(high)}
    return kpis | {
        "total_ltv": total,
        "predicted_ltv_cac_ratio": total / cac if cac and total is not None else None,
    }


def prediction_columns(
    label: str, metrics: tuple[Metric, ...] = PREDICTION_COLUMNS
) -> tuple[Metric, ...]:
    """Definitions under their column names for one horizon (``predicted_ltv_12m``...)."""
    return tuple(replace(m, key=horizon_key(m.key, label)) for m in metrics)


def parse_horizon(text: str) -> tuple[int, str]:
    """``90d``, ``26w``, ``12m``, ``1y`` → (days, the label used in column names)."""
    from ltvcli.errors import ConfigError

    text = text.strip().lower()
    number, unit = text[:-1], text[-1:]
    if unit not in HORIZON_UNITS or not number.isdigit() or int(number) == 0:
        raise ConfigError(
            Message("a horizon is a number and d, w, m or y (90d, 26w, 12m, 1y), not {text!r}", text=text)
        )  # fmt: skip
    return round(int(number) * HORIZON_UNITS[unit]), text


def margin_rate(
    customers: pd.DataFrame, settings_margin: float | None, margin_known: bool
) -> float | None:
    """The share of future revenue kept: --margin, else the data's own margin share, else None."""
    if settings_margin is not None:
        return settings_margin
    if margin_known:
        net = float(customers["net_revenue"].sum())
        return float(customers["margin"].sum()) / net if net else None
    return None
