"""Can the model be trusted on this data? Fit on the calibration part, predict the holdout part,
compare with what customers actually did.

Actual holdout purchases are the distinct order days after the cutoff (as the models count
them); the comparison is per customer (MAE, RMSE, bias), in total, and by calibration
frequency (customers with 0, 1, … 6, 7+ repeat purchase days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TypedDict

import numpy as np
import pandas as pd

from ltvcli.analysis import Analysis, analyse
from ltvcli.definition import Metric
from ltvcli.load import Loaded
from ltvcli.messages import Message
from ltvcli.models.expected import expected_purchases
from ltvcli.models.fit import FitError
from ltvcli.models.predict import MODELS, Models, fit_models
from ltvcli.models.summary import UNIT_DAYS, summarise
from ltvcli.settings import Settings

HOLDOUT_METRICS = (
    Metric("model", "Model", "text", "the purchase-count model checked"),
    Metric("calibration_end", "Calibration ends", "date", "the cutoff: the model sees orders up to this day"),
    Metric("holdout_end", "Holdout ends", "date", "the last day compared"),
    Metric("customers", "Customers", "count", "customers with an order in the calibration period"),
    Metric("actual_orders", "Actual purchases", "number", "their purchase days in the holdout period"),
    Metric("predicted_orders", "Predicted purchases", "number", "the model's expectation of the same"),
    Metric("aggregate_error", "Aggregate error", "rate", "(predicted − actual) / actual"),
    Metric("mae", "MAE per customer", "number", "mean |predicted − actual| purchases"),
    Metric("rmse", "RMSE per customer", "number", "root mean squared error"),
    Metric("bias", "Bias per customer", "number", "mean predicted − actual (positive: over-forecast)"),
    Metric("verdict", "Verdict", "text", "trustworthy / usable with care / not reliable (see below)"),
)  # fmt: skip

TRUSTED, CAREFUL, UNRELIABLE = "trustworthy", "usable with care", "not reliable"
VERDICT_WORDS = {
    TRUSTED: Message("the model predicted the holdout well: its forecasts can be used for this data"),
    CAREFUL: Message("the model is roughly right in total but misses some groups of customers: use its forecasts with care"),
    UNRELIABLE: Message("the model did not predict the holdout: do not rely on its forecasts for this data"),
}  # fmt: skip


class HoldoutReport(TypedDict):
    """The holdout check's numbers (``HOLDOUT_METRICS`` but the verdict)."""

    model: str
    calibration_end: str  # ISO dates
    holdout_end: str
    customers: int
    actual_orders: float
    predicted_orders: float
    aggregate_error: float | None  # None: no purchase in the holdout period
    mae: float
    rmse: float
    bias: float


@dataclass
class Holdout:
    report: HoldoutReport
    bins: pd.DataFrame
    models: Models
    tracking: pd.DataFrame  # week by week: actual and expected repeat purchases (``tracking``)


def holdout_cutoff(text: str, end: dt.date) -> dt.date:
    """``--holdout``: the last 90d / 26w / 3m / 1y before ``end``, or an ISO date (inclusive)."""
    from ltvcli.models.predict import HORIZON_UNITS, parse_horizon
    from ltvcli.settings import parse_day

    text = text.strip()
    if text[-1:].lower() in HORIZON_UNITS and text[:-1].isdigit():
        return end - dt.timedelta(days=parse_horizon(text)[0])
    return parse_day(text, "--holdout")


def holdout_check(
    loaded: Loaded,
    settings: Settings,
    cutoff: dt.date,
    end: dt.date,
    model: str,
    unit: str,
    covariates: tuple[str, ...] = (),
) -> Holdout:
    if cutoff >= end:
        raise FitError(
            Message("the holdout starts {cutoff}, after the end of the data {end}", cutoff=cutoff, end=end)
        )  # fmt: skip
    calibration = analyse(loaded, replace(settings, as_of=cutoff))
    full = analyse(loaded, replace(settings, as_of=end))
    summary = summarise(calibration.customers, unit)
    buyers = calibration.customers.iloc[summary.rows]
    models = fit_models(summary, model, buyers, covariates)
    horizon = (end - cutoff).days / UNIT_DAYS[unit]
    x, t_x, T = summary.x, summary.t_x, summary.T
    predicted = np.empty(len(summary))
    for group in models.groups(buyers):
        rows = group.rows
        predicted[rows] = expected_purchases(
            models.module, group.count, horizon, x[rows], t_x[rows], T[rows]
        )
    actual = _actual(buyers, full.customers)
    return Holdout(
        _report(models, cutoff, end, predicted, actual),
        _bins(summary.x, predicted, actual),
        models,
        tracking(buyers, full, models),
    )


def choose_model(
    loaded: Loaded,
    settings: Settings,
    cutoff: dt.date,
    end: dt.date,
    unit: str,
    covariates: tuple[str, ...] = (),
) -> tuple[str, dict[str, Holdout]]:
    """``--model auto``: the model with the smallest per-customer holdout error."""
    checks: dict[str, Holdout] = {}
    for name in MODELS:
        try:
            checks[name] = holdout_check(loaded, settings, cutoff, end, name, unit, covariates)
        except FitError:
            continue
    if not checks:
        raise FitError(Message("none of the models could be fitted on the calibration period"))
    best = min(checks, key=lambda n: checks[n].report["mae"])
    return best, checks


def tracking(calibration: pd.DataFrame, full: Analysis, models: Models) -> pd.DataFrame:
    """The tracking chart's numbers: week by week from the first calibration purchase to the
    end, the calibration customers' actual repeat purchase days (their order days but the
    first) and the model's expectation of them, each customer's E[X(t)] since their first
    purchase (a customer with no history at acquisition: x = t_x = T = 0), per week and
    cumulative."""
    ledger = full.reduced.ledger
    assert ledger is not None, "tracking needs the order rows (analyse keeps them)"
    positions = pd.Series(np.arange(len(full.customers)), index=_key(full.customers))
    owners = positions.reindex(_key(calibration)).to_numpy()
    first = calibration["_first_day"].to_numpy().astype(np.int64)
    start, end = int(first.min()), int(full.as_of)
    weeks = (end - start) // 7 + 1
    mine = np.isin(ledger.owner, owners) & ledger.is_order
    days = pd.DataFrame({"owner": ledger.owner[mine], "day": ledger.day[mine]}).drop_duplicates()
    first_of = pd.Series(first, index=owners)
    repeat = days[days["day"].to_numpy() != first_of.reindex(days["owner"]).to_numpy()]
    actual = np.bincount((repeat["day"].to_numpy() - start) // 7, minlength=weeks)[:weeks]
    ends = start + 7 * np.arange(1, weeks + 1)  # each week's end (exclusive)
    unit = UNIT_DAYS[models.unit]
    cumulative = np.zeros(weeks)
    for group in models.groups(calibration):
        firsts, counts = np.unique(first[group.rows], return_counts=True)
        ages = np.clip(ends[None, :] - firsts[:, None] - 1, 0, None).astype(
            float
        )  # [firsts, weeks]
        zero = np.zeros(ages.size)
        by_age = expected_purchases(
            models.module, group.count, ages.ravel() / unit, zero, zero, zero
        )
        cumulative += counts @ by_age.reshape(ages.shape)
    week_start = (start + 7 * np.arange(weeks)).astype("datetime64[D]")
    return pd.DataFrame({
        "week": [str(d) for d in week_start],
        "actual": actual.astype(float), "expected": np.diff(cumulative, prepend=0.0),
        "actual_cumulative": np.cumsum(actual).astype(float), "expected_cumulative": cumulative,
    })  # fmt: skip


def _key(c: pd.DataFrame) -> pd.Index:
    """Customers across two analyses of one input: currency and customer key."""
    currency = c["currency"].astype(object).fillna("").astype(str)
    return pd.Index(currency + "\x1f" + c["customer"].astype(str))


def _actual(calibration: pd.DataFrame, full: pd.DataFrame) -> np.ndarray:
    later = pd.Series(full["order_days"].to_numpy(), index=_key(full))
    actual: np.ndarray = (
        later.reindex(_key(calibration)).to_numpy() - calibration["order_days"].to_numpy()
    )
    return actual


def _report(
    models: Models, cutoff: dt.date, end: dt.date, predicted: np.ndarray, actual: np.ndarray
) -> HoldoutReport:
    error = predicted - actual
    total_actual, total_predicted = float(actual.sum()), float(predicted.sum())
    aggregate = (total_predicted - total_actual) / total_actual if total_actual else None
    return {
        "model": models.count.model,
        "calibration_end": cutoff.isoformat(),
        "holdout_end": end.isoformat(),
        "customers": len(actual),
        "actual_orders": total_actual,
        "predicted_orders": total_predicted,
        "aggregate_error": aggregate,
        "mae": float(np.abs(error).mean()),
        "rmse": float(np.sqrt((error**2).mean())),
        "bias": float(error.mean()),
    }


def _bins(x: np.ndarray, predicted: np.ndarray, actual: np.ndarray) -> pd.DataFrame:
    labels = np.where(x >= 7, "7+", x.astype(int).astype(str))
    frame = pd.DataFrame({"repeat_purchases": labels, "predicted": predicted, "actual": actual})
    table = frame.groupby("repeat_purchases", sort=False).agg(
        customers=("actual", "size"),
        actual_mean=("actual", "mean"),
        predicted_mean=("predicted", "mean"),
    )
    order = [str(i) for i in range(7)] + ["7+"]
    return table.reindex([o for o in order if o in table.index]).reset_index()


def verdict(report: HoldoutReport, bins: pd.DataFrame) -> str:
    """Trustworthy: total within 10 % and every bin of 30+ customers within 25 % (or 0.1
    orders); usable with care: within 25 % and 50 %; otherwise not reliable."""
    aggregate = report["aggregate_error"]
    if aggregate is None:
        return UNRELIABLE
    big = bins[bins["customers"] >= 30]
    gap = (big["predicted_mean"] - big["actual_mean"]).abs()
    relative = gap / big["actual_mean"].where(big["actual_mean"] > 0)
    worst = float(relative.where(gap > 0.1, 0).fillna(0).max()) if len(big) else 0.0
    if abs(aggregate) <= 0.10 and worst <= 0.25:
        return TRUSTED
    if abs(aggregate) <= 0.25 and worst <= 0.50:
        return CAREFUL
    return UNRELIABLE
