"""Fit the models to a customer table and score every customer: P(alive), expected orders and
spend, predicted and total LTV, the expected next order.

Predicted LTV over a horizon = Σ over monthly steps of expected orders in the step × expected
order value × margin rate, discounted at the annual ``discount_rate`` to the as-of date.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ltvcli.definition import Metric
from ltvcli.messages import Message
from ltvcli.models import bgnbd, gammagamma, mbgnbd, pareto
from ltvcli.models.fit import FitError, Fitted, maximise
from ltvcli.models.summary import UNIT_DAYS, Summary, compress, summarise

if TYPE_CHECKING:
    from ltvcli.analysis import Analysis

MODELS: dict[str, ModuleType] = {m.NAME: m for m in (bgnbd, mbgnbd, pareto)}
MIN_REPEAT_CUSTOMERS = 20
HORIZON_UNITS = {"d": 1.0, "w": 7.0, "m": 365.25 / 12, "y": 365.25}
HORIZON_COLUMNS = ("expected_orders", "predicted_ltv")

PREDICTION_COLUMNS = (
    Metric("p_alive", "P(alive)", "rate", "probability that the customer still buys (has not silently churned), from the purchase model"),
    Metric("expected_orders", "Expected orders", "number", "expected purchase days over the horizon (column expected_orders_<horizon>)"),
    Metric("expected_aov", "Expected order value", "money", "Gamma-Gamma expected value of the next orders (the customer's own average when the spend model is unavailable)"),
    Metric("predicted_ltv", "Predicted LTV", "money", "Σ monthly expected orders × expected order value × margin rate, discounted at --discount-rate a year (column predicted_ltv_<horizon>)"),
    Metric("total_ltv", "Total LTV", "money", "historical LTV (margin when the margin rate is known, else net revenue) + predicted LTV"),
    Metric("expected_next_order", "Expected next order", "date", "as-of date + 1 / posterior purchase rate, for customers with P(alive) ≥ 0.5"),
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

    @property
    def module(self) -> ModuleType:
        return MODELS[self.count.model]


@dataclass(frozen=True)
class Forecast:
    """What to predict: the model, the horizon and how future money is valued."""

    model: str = "bgnbd"
    horizon: str = "12m"
    discount_rate: float = 0.0
    unit: str = "week"

    @property
    def label(self) -> str:
        return parse_horizon(self.horizon)[1]

    def columns(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Prediction columns named with the horizon (``expected_orders_12m``...)."""
        return frame.rename(columns={c: f"{c}_{self.label}" for c in HORIZON_COLUMNS})


def forecast_customers(
    analysis: Analysis, plan: Forecast, models: Models | None = None
) -> tuple[pd.DataFrame, Models]:
    """Fit (unless ``models`` are given) and score the customers of ``analysis``."""
    models = models or fit_models(summarise(analysis.customers, plan.unit), plan.model)
    rate = margin_rate(analysis.customers, analysis.settings.margin, analysis.margin_known)
    days, _ = parse_horizon(plan.horizon)
    table = score(analysis.customers, models, analysis.as_of_date, days, plan.discount_rate, rate)
    return table, models


def fit_models(summary: Summary, model: str = "bgnbd") -> Models:
    """Fit ``model`` to (x, t_x, T) and Gamma-Gamma to the repeat customers' spend."""
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
    data, weights, _ = compress(summary.x, summary.t_x, summary.T)
    count = maximise(
        module.NAME, module.PARAMS, module.log_likelihood, data, weights, module.START,
        getattr(module, "gradient", None),
    )  # fmt: skip
    notes: list[str] = []
    if not count.converged:
        notes.append(
            Message(
                "the {model} fit did not converge cleanly ({tried})",
                model=model, tried="; ".join(count.tried),
            )
        )  # fmt: skip
    spend = fit_spend(summary, notes)
    return Models(count, spend, summary.unit, notes)


def fit_spend(summary: Summary, notes: list[str]) -> Fitted | None:
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
    data, weights, _ = compress(summary.x[usable], summary.m[usable])
    spend = maximise(
        gammagamma.NAME, gammagamma.PARAMS, gammagamma.log_likelihood, data, weights,
        gammagamma.START, gammagamma.gradient,
    )  # fmt: skip
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
) -> pd.DataFrame:
    """The predictions of every customer with an order, indexed like ``customers``; cents."""
    summary = summarise(customers, models.unit)
    module, params = models.module, models.count.vector()
    unit = UNIT_DAYS[models.unit]
    x, t_x, T = summary.x, summary.t_x, summary.T
    alive = module.p_alive(params, x, t_x, T)
    horizon = horizon_days / unit
    expected_orders = expected_purchases(module, params, horizon, x, t_x, T)
    own_mean = (
        customers["net_revenue"].to_numpy()[summary.rows]
        / 100
        / customers["orders"].to_numpy()[summary.rows]
    )
    if models.spend is not None:
        aov = gammagamma.expected_spend(models.spend.vector(), x, np.nan_to_num(summary.m))
    else:
        aov = np.where(x > 0, summary.m, own_mean)
    value = (
        _discounted_orders(module, params, horizon_days, unit, discount_rate, x, t_x, T)
        if discount_rate
        else expected_orders
    )
    predicted = value * aov * (1.0 if margin_rate is None else margin_rate)
    rate = _posterior_rate(models, x, T)
    with np.errstate(divide="ignore"):
        wait_days = np.where((alive >= 0.5) & (rate > 0), unit / rate, np.nan)
    next_order = np.datetime64(as_of, "D") + np.ceil(np.nan_to_num(wait_days)).astype(
        "timedelta64[D]"
    )
    next_order[np.isnan(wait_days)] = np.datetime64("NaT")
    base = customers.iloc[summary.rows]
    on_margin = margin_rate is not None and base["margin"].notna().all()
    historical = base["margin"] if on_margin else base["net_revenue"]
    predicted_cents = np.round(np.nan_to_num(predicted) * 100).astype(np.int64)
    return pd.DataFrame(
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


def predicted_kpis(predictions: pd.DataFrame, cac: int | None, label: str) -> dict[str, object]:
    """The headline numbers a forecast adds to ``ltv compute`` (money in cents)."""
    from ltvcli.cents import divide_cents

    n = len(predictions)
    total = divide_cents(int(predictions["total_ltv"].sum()), n)
    return {
        f"predicted_ltv_{label}": divide_cents(int(predictions["predicted_ltv"].sum()), n),
        "total_ltv": total,
        "predicted_ltv_cac_ratio": total / cac if cac and total is not None else None,
    }


def prediction_columns(
    label: str, metrics: tuple[Metric, ...] = PREDICTION_COLUMNS
) -> tuple[Metric, ...]:
    """Definitions under their column names for one horizon (``predicted_ltv_12m``...)."""
    return tuple(
        replace(m, key=f"{m.key}_{label}") if m.key in HORIZON_COLUMNS else m for m in metrics
    )


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


def expected_purchases(
    module: ModuleType,
    params: np.ndarray,
    t: float,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """Conditional expected purchases; where the hypergeometric series overflows (very heavy
    buyers far in the future) the posterior rate × P(alive) × t stands in."""
    value: np.ndarray = module.expected(params, t, x, t_x, T)
    bad = ~np.isfinite(value) | (value < 0)
    if bad.any():
        r, alpha = params[0], params[1]
        fallback = (r + x) / (alpha + T) * t * module.p_alive(params, x, t_x, T)
        value = np.where(bad, fallback, value)
    return value


def _discounted_orders(
    module: ModuleType,
    params: np.ndarray,
    horizon_days: int,
    unit: float,
    rate: float,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """Expected orders in each month of the horizon, discounted to the as-of date."""
    steps = max(1, math.ceil(horizon_days / 30.4375))
    edges = np.linspace(0, horizon_days, steps + 1)
    total = np.zeros(len(x))
    previous = np.zeros(len(x))
    for end in edges[1:]:
        cumulative = expected_purchases(module, params, end / unit, x, t_x, T)
        total += (cumulative - previous) / (1 + rate) ** (end / 365.25)
        previous = cumulative
    return total


def _posterior_rate(models: Models, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Purchases per time unit of a customer who is alive: the Gamma posterior mean (r+x)/(α+T)."""
    r, alpha = models.count.params["r"], models.count.params["alpha"]
    rate: np.ndarray = (r + x) / (alpha + T)
    return rate
