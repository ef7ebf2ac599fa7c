"""The table each command prints, shaped in one place.

Each function takes an ``Analysis`` (plus plain values: keys, a period, the ``--columns`` list,
a forecast) and returns the ``Result`` that ``ltv`` prints: which columns show, ``--columns``
checked, margin, CAC and NPS columns dropped when nothing fills them, predictions joined. The
CLI shows these, ``ltvcli.report`` composes them, and a library user gets what ``ltv`` prints.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from ltvcli.analysis import Analysis, CustomerStream
from ltvcli.cohorts import (
    COHORT_METRICS,
    PREDICTED_CELLS,
    TREND_METRICS,
    cohort_cells,
    cohort_matrix,
)
from ltvcli.cohorts import trend as trend_table
from ltvcli.customers import (
    CUSTOMER_COLUMNS,
    RFM_COLUMNS,
    rfm_scores,
    select_customers,
    visible_columns,
)
from ltvcli.definition import Metric, kinds, labels
from ltvcli.errors import ConfigError
from ltvcli.intervals import INTERVAL_METRICS, interval_table
from ltvcli.messages import Message, template
from ltvcli.metrics import METRICS, headline
from ltvcli.results import EVERY_COLUMN, Result
from ltvcli.segments import SEGMENT_METRICS, TOTAL, Bounds, default_keys, segment_table

if TYPE_CHECKING:  # the models (and SciPy) are imported only by the tables that predict
    from ltvcli.models.holdout import Holdout
    from ltvcli.models.predict import Forecast, Models
    from ltvcli.models.spread import DeltaValues, DrawnValues

SEGMENT_MARGIN_COLUMNS = ["margin", "ltv_historical_margin", "ltv_formula_margin"]
SEGMENT_PREDICTIONS = ("p_alive", "predicted_ltv", "total_ltv")

# What a narrow terminal shows first (after the key columns), most important first.
SEGMENT_PRIORITY = (
    "customers", "confidence", "customer_share", "net_revenue", "aov", "repeat_rate",
    "ltv_historical",
    "cac", "ltv_cac_ratio", "max_cac", "new_customer_value", "predicted_ltv", "p_alive",
)  # fmt: skip
# --predict asked for the future: it goes first, then what it says one may pay for a customer
SEGMENT_PREDICTED_PRIORITY = (
    "customers", "confidence", "predicted_ltv", "predicted_ltv_low", "predicted_ltv_high",
    "max_cac", "new_customer_value", "ltv_historical", "customer_share", "net_revenue", "aov",
    "repeat_rate", "p_alive", "cac", "ltv_cac_ratio",
)  # fmt: skip
CUSTOMER_PRIORITY = (
    "orders", "net_revenue", "last_order", "status", "p_alive", "predicted_ltv",
    "ltv_historical", "first_order", "recency_days", "r_score", "f_score", "m_score",
    "rfm_segment",
)  # fmt: skip
PREDICTION_PRIORITY = (
    "orders", "p_alive", "predicted_ltv", "predicted_ltv_low", "predicted_ltv_high",
    "expected_orders", "total_ltv", "expected_next_order", "net_revenue",
)  # fmt: skip
DUE_PRIORITY = ("due", "due_in_days", "last_bought")  # what --due-product asks for, first
FORECAST_PRIORITY = (
    "repeat_orders", "revenue", "revenue_low", "revenue_high", "total_revenue",
    "acquired_revenue", "expected_margin", "days",
)  # fmt: skip
INTERVAL_PRIORITY = (
    "customers", "gap_median_days", "second_order_median_days", "returned_90d",
    "gap_p25_days", "gap_p75_days", "second_order_customers",
)  # fmt: skip


def _result(
    frame: pd.DataFrame,
    definitions: tuple[Metric, ...],
    title: str,
    notes: list[str],
    record: bool = False,
    priority: tuple[str, ...] = (),
    choosable: bool = False,
) -> Result:
    """A table whose columns are defined by ``definitions`` (their kinds and labels)."""
    return Result(
        frame, kinds(definitions), labels(definitions), title, notes, record,
        priority=priority, choosable=choosable,
    )  # fmt: skip


def compute(
    analysis: Analysis, forecast: Forecast | None = None, columns: list[str] | None = None
) -> Result:
    """``ltv compute``: the headline KPIs (``columns``: these only), one record per currency,
    and the verdict lines."""
    records = analysis.kpis()
    notes: list[str] = [
        Message("{label}: {text}", label=r["currency"], text=headline(r))
        if len(records) > 1
        else headline(r)
        for r in records
    ]
    margin = analysis.margin_source or Message("unknown (give a cost column or --margin)")
    notes.append(Message("margin from: {source}", source=margin))
    definitions = METRICS
    if forecast is not None:
        if len(records) > 1:
            raise ConfigError(
                Message("--predict with several currencies: pass --currency to choose one")
            )
        from ltvcli.models.predict import (
            MEAN_BOUNDS,
            PREDICTED_KPIS,
            forecast_customers,
            predicted_kpis,
            prediction_columns,
        )

        predictions, models = forecast_customers(analysis, forecast)
        cac = cast("int | None", records[0]["cac"])  # cents, as metrics.kpis sets it
        records[0] |= predicted_kpis(predictions, cac, forecast.label, models.drawn)
        predicted: tuple[Metric, ...] = PREDICTED_KPIS
        if models.drawn is not None:
            predicted = PREDICTED_KPIS[:1] + MEAN_BOUNDS + PREDICTED_KPIS[1:]
        definitions = METRICS + prediction_columns(forecast.label, predicted)
        notes.append(
            Message(
                "predictions: {model}, horizon {horizon} (ltv predict --summary)",
                model=models.count.model, horizon=horizon_words(forecast.label),
            )
        )  # fmt: skip
        notes += models.bounds_notes()
    frame = pd.DataFrame(records, columns=[m.key for m in definitions])
    result = _result(frame, definitions, "Customer lifetime value", notes, record=True)
    return select_columns(result, columns)


def customers(
    analysis: Analysis,
    statuses: list[str] | None = None,
    sort: str | None = None,
    ascending: bool = False,
    top: int | None = None,
    rfm: bool = False,
    columns: list[str] | None = None,
    forecast: Forecast | None = None,
    due_product: str | None = None,
) -> Result:
    """``ltv customers``: filtered, sorted, with RFM scores and predictions when asked; with
    ``due_product``, only its buyers, with when they last bought it and are due again (the
    due day nearest the as-of day first, unless ``sort`` says otherwise)."""
    own = DUE_PRIORITY + CUSTOMER_PRIORITY if due_product is not None else CUSTOMER_PRIORITY
    columns, priority = _chosen(columns, _at_horizon(own, forecast))
    extra = RFM_COLUMNS if rfm else ()
    predictions = None
    notes: list[str] = []
    if forecast is not None:
        from ltvcli.models.predict import forecast_customers, prediction_columns

        predictions, models = forecast_customers(analysis, forecast)
        analysis = analysis.with_p_alive(predictions["p_alive"])
        extra += prediction_columns(forecast.label)
        notes += models.bounds_notes()
    table = analysis.customers
    if rfm:
        table = table.join(rfm_scores(table[table["orders"] > 0]))
    if forecast is not None and predictions is not None:
        table = table.join(forecast.columns(predictions))
    if due_product is not None:
        from ltvcli.products import DUE_COLUMNS, due_dates

        due = due_dates(analysis, due_product)
        table = table.loc[due.index].join(due)
        extra += DUE_COLUMNS
        if sort is None:
            nearest = table["due_in_days"].abs().astype("float").fillna(np.inf).to_numpy()
            table = table.iloc[np.argsort(nearest, kind="stable")]
    shown = columns or (
        visible_columns(analysis.customers, analysis.margin_known)
        + [m.key for m in extra if m.key in table.columns]
    )
    frame = select_customers(table, shown, statuses, sort, ascending, top)
    notes = [_customers_note(analysis.as_of_date, len(frame), len(table)), *notes]
    definitions = CUSTOMER_COLUMNS + extra
    return _result(frame, definitions, "Customers", notes, priority=priority, choosable=True)


def customer_slices(stream: CustomerStream, columns: list[str] | None = None) -> Result:
    """``ltv customers`` over more customers than memory holds: the first slice in ``frame``,
    the others in ``more``, read as they are written."""
    columns, _ = _chosen(columns, ())
    tables = stream.tables()
    first = next(tables)
    shown = columns or visible_columns(first, stream.margin_known, stream.files.has_currency)
    notes: list[str] = [_customers_note(stream.as_of_date, stream.count, stream.count)]
    result = _result(select_customers(first, shown), CUSTOMER_COLUMNS, "Customers", notes)
    result.more = (select_customers(t, shown) for t in tables)
    return result


def segments(
    analysis: Analysis,
    keys: list[str] | None = None,
    period: str = "month",
    min_customers: int = 0,
    columns: list[str] | None = None,
    forecast: Forecast | None = None,
) -> Result:
    """``ltv segments``: the KPIs per segment (by default the acquisition channel, the city or
    frequency bands), with the forecast's means per segment when asked (and by the acquisition
    channel, what a new customer is worth: ``newcomers``); ``columns``: as ``select_columns``."""
    definitions = SEGMENT_METRICS
    means, bounds, worth = None, None, None
    bounds_notes: list[str] = []
    keys = keys or default_keys(analysis)
    if forecast is not None:
        from ltvcli.models.predict import (
            MEAN_BOUNDS,
            PREDICTION_COLUMNS,
            forecast_customers,
            prediction_columns,
        )

        predictions, models = forecast_customers(analysis, forecast)
        analysis = analysis.with_p_alive(predictions["p_alive"])  # at_risk_share as customers'
        means = forecast.columns(predictions[list(SEGMENT_PREDICTIONS)])
        averaged = tuple(m for m in PREDICTION_COLUMNS if m.key in SEGMENT_PREDICTIONS)
        definitions = SEGMENT_METRICS + prediction_columns(forecast.label, averaged)
        if models.drawn is not None:
            bounds = _mean_bounds(models.drawn, predictions.index, forecast.label)
            definitions += prediction_columns(forecast.label, MEAN_BOUNDS)
            bounds_notes = models.bounds_notes()
        if analysis.channel is not None and keys == [analysis.channel]:
            worth = newcomers(analysis, forecast, models)
            definitions += tuple(m for m in worth_definitions(forecast) if m.key in worth.frame)
    table = segment_table(analysis, keys, period, min_customers, means, bounds)
    if worth is not None:
        values = worth.frame.set_index("segment").drop(columns="customers")
        names = table[keys[0]].astype(str)
        for key in values.columns:
            table[key] = names.map(values[key]).astype("Int64")  # (none), (other): no value
    if not analysis.margin_known:
        table = table.drop(columns=SEGMENT_MARGIN_COLUMNS)
    if "nps_score" not in analysis.customers:
        table = table.drop(columns="nps")
    notes: list[str] = [Message(_ATTRIBUTES_NOTES[analysis.settings.attr], day=analysis.as_of_date)]
    notes += worth.notes if worth is not None else []
    notes += bounds_notes
    own = SEGMENT_PREDICTED_PRIORITY if forecast is not None else SEGMENT_PRIORITY
    result = _result(table, definitions, "Segments", notes, priority=_at_horizon(own, forecast))
    result.total_row = True
    return select_columns(result, columns)


def select_columns(result: Result, columns: list[str] | None) -> Result:
    """``--columns`` on a table whose key columns lead (those no metric defines: the segment;
    a KPI record's currency): the keys, then the chosen columns in their order; ``all`` or
    none chosen: every column. The command applies it after its alerts have seen them all."""
    columns, priority = _chosen(columns, result.priority)
    chosen = replace(result, priority=priority, choosable=True)
    if not columns:
        return chosen
    _check_columns(columns, result.frame)
    keys = [
        c
        for c in result.frame.columns
        if c not in result.kinds or (result.record and c == "currency")
    ]
    return replace(chosen, frame=result.frame[keys + [c for c in columns if c not in keys]])


def _chosen(
    columns: list[str] | None, priority: tuple[str, ...]
) -> tuple[list[str] | None, tuple[str, ...]]:
    """``--columns`` as the columns to select (None: the default set) and the priority on a
    terminal: the command's own for the default set, every column for a choice or ``all``."""
    if columns == ["all"]:
        return None, EVERY_COLUMN
    return columns or None, EVERY_COLUMN if columns else priority


def _at_horizon(priority: tuple[str, ...], forecast: Forecast | None) -> tuple[str, ...]:
    """A priority's prediction columns under the names the forecast's horizon gives them
    (``predicted_ltv`` → ``predicted_ltv_12m``)."""
    if forecast is None:
        return priority
    from ltvcli.models.predict import horizon_key

    return tuple(horizon_key(k, forecast.label) for k in priority)


def _mean_bounds(drawn: DrawnValues | DeltaValues, scored: pd.Index, label: str) -> Bounds:
    """Each segment's bounds of the mean predicted LTV per customer under the parameters'
    uncertainty, and the total row's (``segment_table``'s ``bounds``)."""
    from ltvcli.models.predict import MEAN_BOUNDS, horizon_key

    keys = [horizon_key(m.key, label) for m in MEAN_BOUNDS]

    def of(groups: pd.Series) -> dict[int, dict[str, object]]:
        codes = groups.reindex(scored).fillna(-1).astype(int).to_numpy()
        low, high = drawn.mean_bounds(codes)
        [all_low], [all_high] = drawn.mean_bounds(np.where(codes >= 0, 0, -1))
        out: dict[int, dict[str, object]] = {
            g: dict(zip(keys, (int(low[g]), int(high[g])), strict=True)) for g in range(len(low))
        }
        out[-1] = dict(zip(keys, (int(all_low), int(all_high)), strict=True))
        return out

    return of


def _check_columns(wanted: list[str], table: pd.DataFrame) -> None:
    unknown = [c for c in wanted if c not in table.columns]
    if unknown:
        have = ", ".join(table.columns)
        raise ConfigError(
            Message("--columns: no column {name!r} (have: {have})", name=unknown[0], have=have)
        )


def intervals(analysis: Analysis, keys: list[str] | None = None, period: str = "month") -> Result:
    """``ltv intervals``: one record for everyone, or a row per segment with ``keys``."""
    table = interval_table(analysis, keys, period)
    notes: list[str] = [
        Message("as of {day}; gaps are between distinct order days", day=analysis.as_of_date)
    ]
    result = _result(
        table, INTERVAL_METRICS, "Repeat-purchase intervals", notes, record=not keys,
        priority=INTERVAL_PRIORITY,
    )  # fmt: skip
    result.total_row = bool(keys)
    return result


def cohorts(
    analysis: Analysis,
    period: str = "month",
    metric: str = "retention",
    long: bool = False,
    cells: pd.DataFrame | None = None,
    forecast: Forecast | None = None,
) -> Result:
    """``ltv cohorts``: a cohort × age matrix of ``metric``, or with ``long`` a row per (cohort,
    age) with every number; CAC columns only when there is a CAC. ``cells``: the
    ``cohort_cells`` of ``analysis`` when the caller has them already. ``forecast``: the money
    of the cells not observed yet predicted, up to its horizon, and marked."""
    if metric.endswith("margin") and not analysis.margin_known:
        raise ConfigError(
            Message("margin is unknown: the orders have no cost column; give --margin")
        )
    notes: list[str] = [Message(_LAST_PERIOD_NOTES[period], day=analysis.as_of_date)]
    if forecast is not None:
        if metric not in ("ltv_cumulative", "ltv_cumulative_margin", "net_revenue", "margin"):
            raise ConfigError(
                Message(
                    "--predict fills the money of the cohorts: --metric ltv_cumulative, "
                    "ltv_cumulative_margin, net_revenue or margin"
                )
            )
        from ltvcli.models.forecast import cohort_future

        cells = cohort_cells(analysis, period, cohort_future(analysis, forecast, period))
        notes.append(
            Message(
                "cells from predicted_from_age on are predicted by {model} up to {horizon} "
                "after the as-of date (ltv forecast)",
                model=forecast.model, horizon=horizon_words(forecast.label),
            )
        )  # fmt: skip
    if cells is None:
        cells = cohort_cells(analysis, period)
    cell_kinds = kinds(COHORT_METRICS + PREDICTED_CELLS)
    if long:
        table = cells
    else:
        table = cohort_matrix(cells, metric)
        ages = [c for c in table.columns if c.isdigit()]
        cell_kinds = cell_kinds | dict.fromkeys(ages, cell_kinds[metric])
        notes.append(Message(_CELLS_NOTES[period], metric=Message(_CELL_WORDS[metric])))
    if table["cac"].isna().all():
        table = table.drop(columns=["cac", "payback_age"])
    if not analysis.margin_known and long:
        table = table.drop(columns=["margin", "ltv_cumulative_margin"])
    return Result(
        table, cell_kinds, labels(COHORT_METRICS + PREDICTED_CELLS), f"Cohorts by {period}", notes
    )


def trend(analysis: Analysis, period: str = "month") -> Result:
    """``ltv cohorts --trend``: active, new and returning customers, orders, revenue by period."""
    table = trend_table(analysis, period)
    if not analysis.margin_known:
        table = table.drop(columns="margin")
    notes: list[str] = [Message(_LAST_PERIOD_NOTES[period], day=analysis.as_of_date)]
    return _result(table, TREND_METRICS, f"Trend by {period}", notes)


def predictions(
    analysis: Analysis,
    table: pd.DataFrame,
    models: Models,
    forecast: Forecast,
    sort: str | None = None,
    top: int | None = None,
) -> Result:
    """``ltv predict``: each customer's forecast (``forecast_customers``'s ``table``)."""
    from ltvcli.models.predict import margin_rate, prediction_columns

    base = analysis.customers.loc[table.index, ["currency", "customer", "orders", "net_revenue"]]
    frame = base.join(forecast.columns(table)).reset_index(drop=True)
    if frame["currency"].isna().all():
        frame = frame.drop(columns="currency")
    frame = select_customers(frame, list(frame.columns), sort=sort, top=top)
    rate = margin_rate(analysis.customers, analysis.settings.margin, analysis.margin_known)
    basis = (
        Message("margin rate {rate:.3g}", rate=rate)
        if rate is not None
        else Message("revenue (no margin known)")
    )
    values = {
        "model": models.count.model, "day": analysis.as_of_date,
        "horizon": horizon_words(forecast.label), "basis": basis,
    }  # fmt: skip
    notes: list[str] = [
        Message(
            "{model} + gamma-gamma; as of {day}; horizon {horizon}; predicted LTV on {basis}",
            **values,
        )
        if models.spend
        else Message(
            "{model} + own average spend; as of {day}; horizon {horizon}; predicted LTV on {basis}",
            **values,
        )
    ]
    definitions = CUSTOMER_COLUMNS + prediction_columns(forecast.label)
    priority = _at_horizon(PREDICTION_PRIORITY, forecast)
    return _result(frame, definitions, "Predictions", notes, priority=priority)


def forecast(
    analysis: Analysis,
    plan: Forecast,
    period: str = "month",
    new_customers: float | str | None = None,
    models: Models | None = None,
) -> tuple[Result, Models]:
    """``ltv forecast``: the coming periods' orders and revenue (a total row last); with
    ``models`` fitted already (the report's), without fitting again."""
    from ltvcli.models.forecast import FORECAST_METRICS, forecast_table

    table, models, notes = forecast_table(analysis, plan, period, new_customers, models)
    title = f"Forecast by {period}"
    result = _result(table, FORECAST_METRICS, title, notes, priority=FORECAST_PRIORITY)
    result.labels["period"] = "Period"  # the key column
    result.total_row = True
    return result, models


def worth_definitions(plan: Forecast) -> tuple[Metric, ...]:
    """The new-customer value columns at the forecast's horizon."""
    from ltvcli.models.newcomer import NEWCOMER_COLUMNS
    from ltvcli.models.predict import prediction_columns

    return prediction_columns(plan.label, NEWCOMER_COLUMNS)


def newcomers(analysis: Analysis, plan: Forecast, population: Models) -> Result:
    """What a new customer is worth per acquisition channel and the most to pay for one
    (``ltvcli.models.newcomer``), the whole population's last; notes say it in words."""
    from ltvcli.models.newcomer import newcomer_value
    from ltvcli.models.predict import horizon_key, margin_rate

    c = analysis.customers
    buyers = c[c["orders"] > 0]
    rate = margin_rate(c, analysis.settings.margin, analysis.margin_known)
    channel = analysis.channel
    groups = [] if channel is None else list(buyers.groupby(channel, sort=False))
    value_key = horizon_key("new_customer_value", plan.label)
    cac_key = horizon_key("max_cac", plan.label)
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    for name, group in [*groups, (TOTAL, buyers)]:
        worth = newcomer_value(group, plan, rate, population)
        cac = worth.value / plan.target_ratio
        rows.append({
            "segment": str(name), "customers": len(group),
            value_key: round(worth.value * 100), cac_key: round(cac * 100),
        })  # fmt: skip
        if name == TOTAL:
            continue
        values = {
            "channel": str(name), "value": worth.value, "horizon": horizon_words(plan.label),
            "cac": cac, "ratio": plan.target_ratio,
        }  # fmt: skip
        template = _NEWCOMER_NOTES[worth.own_models]
        notes.append(Message(template, **values))
    result = _result(pd.DataFrame(rows), worth_definitions(plan), "New customers' value", notes)
    result.labels |= {"segment": "Segment", "customers": "Customers"}
    result.kinds["customers"] = "count"
    result.total_row = True
    return result


def model_summary(models: Models, as_of: dt.date) -> tuple[dict[str, object], list[Result]]:
    """``ltv predict --summary``: the fitted model as a document (JSON) and as a table."""
    from ltvcli.models.store import describe

    rows = []
    for part in (models.count, models.spend):
        if part is None:
            continue
        for name, value in part.params.items():
            rows.append({"model": part.model, "parameter": name, "value": value,
                         "std_error": part.std_errors.get(name)})  # fmt: skip
        for name, value in part.effects.items():
            rows.append({"model": part.model, "parameter": name, "value": value,
                         "std_error": part.std_errors.get(name),
                         "multiplier": math.exp(value)})  # fmt: skip
    column_kinds = {
        "model": "text",
        "parameter": "text",
        "value": "precise",
        "std_error": "precise",
        "multiplier": "number",
    }
    notes: list[str] = [
        Message(
            "{model}: log-likelihood {log_likelihood:,.2f}, AIC {aic:,.2f}, {customers:,} "
            "customers, time unit {unit}",
            model=models.count.model, log_likelihood=models.count.log_likelihood,
            aic=models.count.aic, customers=models.count.customers, unit=models.unit,
        )
    ]  # fmt: skip
    if models.design is not None:
        references = ", ".join(
            f"{c}={r}" for c, r in zip(models.design.columns, models.design.references, strict=True)
        )
        notes.append(
            Message(
                "covariates: each effect's multiplier is exp(value), against customers with "
                "{references}: of the mean purchase rate (purchase), of the mean dropout "
                "(dropout; BG/NBD: of a and b of the dropout chance), of the mean order value "
                "(spend); an effect within 2 standard errors of 0 may be chance",
                references=references,
            )
        )
    frame = pd.DataFrame(rows)
    if "multiplier" not in frame:
        del column_kinds["multiplier"]
    table = Result(frame, column_kinds, title="Model", notes=notes)
    table.priority = ("model", "parameter", "value", "multiplier")  # a reader's effect first
    table.labels |= {"model": "Model", "parameter": "Parameter", "value": "Value",
                     "std_error": "Standard error", "multiplier": "Multiplier"}  # fmt: skip
    return describe(models, as_of), [table]


def holdout(checks: dict[str, Holdout], chosen: str) -> tuple[dict[str, object], list[Result]]:
    """``ltv predict --holdout``: the check of the ``chosen`` model (and, when several were
    compared, each one's error) as a document, and as the check and its bins."""
    from ltvcli.models.holdout import HOLDOUT_METRICS, VERDICT_WORDS, verdict

    check = checks[chosen]
    words = verdict(check.report, check.bins)
    report = check.report | {"verdict": words}
    document: dict[str, object] = {"holdout": report | {"bins": check.bins.to_dict("records")}}
    if len(checks) > 1:
        document["models"] = {n: c.report["mae"] for n, c in checks.items()}
    bins_kinds = {
        "repeat_purchases": "text", "customers": "count", "actual_mean": "number",
        "predicted_mean": "number",
    }  # fmt: skip
    bins_labels = {
        "repeat_purchases": "Repeat purchases in calibration", "customers": "Customers",
        "actual_mean": "Actual, mean", "predicted_mean": "Predicted, mean",
    }  # fmt: skip
    results = [
        _result(pd.DataFrame([report]), HOLDOUT_METRICS, "Holdout check", [VERDICT_WORDS[words]],
                record=True),
        Result(check.bins, bins_kinds, bins_labels, "Actual vs predicted purchases in the holdout"),
    ]  # fmt: skip
    return document, results


def _customers_note(day: dt.date, shown: int, total: int) -> Message:
    return Message(
        "as of {day}; {shown:,} of {total:,} customers", day=day, shown=shown, total=total
    )


_ATTRIBUTES_NOTES = {
    "first": template("attributes from each customer's first order; as of {day}"),
    "last": template("attributes from each customer's last order; as of {day}"),
    "mode": template("attributes from each customer's mode order; as of {day}"),
}
# The last period of a cohort table or trend is cut at the as-of date.
_LAST_PERIOD_NOTES = {
    "week": template("as of {day}; the last week is observed up to that day"),
    "month": template("as of {day}; the last month is observed up to that day"),
    "quarter": template("as of {day}; the last quarter is observed up to that day"),
    "year": template("as of {day}; the last year is observed up to that day"),
}
# What the cells of a cohort matrix hold.
_CELLS_NOTES = {
    "week": template("cells: {metric} by weeks since acquisition"),
    "month": template("cells: {metric} by months since acquisition"),
    "quarter": template("cells: {metric} by quarters since acquisition"),
    "year": template("cells: {metric} by years since acquisition"),
}
_NEWCOMER_NOTES = {
    True: template(
        "{channel}: a new customer brings {value:,.2f} in {horizon}; pay at most {cac:,.2f} "
        "to acquire one (LTV:CAC {ratio:g})"
    ),
    False: template(
        "{channel}: a new customer brings {value:,.2f} in {horizon} (the whole base's models: "
        "too few repeat customers of its own); pay at most {cac:,.2f} to acquire one "
        "(LTV:CAC {ratio:g})"
    ),
}
# What a cohort matrix's cells hold, as its note says it (the matrix metrics of ltv cohorts).
_CELL_WORDS = {
    "retention": template("retention"), "active": template("active customers"),
    "orders": template("orders"), "net_revenue": template("net revenue"),
    "margin": template("margin"), "ltv_cumulative": template("cumulative LTV"),
    "ltv_cumulative_margin": template("cumulative LTV on margin"),
}  # fmt: skip
_HORIZONS = {"d": template("{n}d"), "w": template("{n}w"), "m": template("{n}m"), "y": template("{n}y")}  # fmt: skip


def horizon_words(label: str) -> str:
    """A horizon label (``12m``) said in the language of the message it is in."""
    number, unit = label[:-1], label[-1:]
    return Message(_HORIZONS[unit], n=number) if number.isdigit() and unit in _HORIZONS else label


PRODUCT_PRIORITY = (
    "customers", "net_revenue", "repurchase_rate", "repurchase_median_days", "first_ltv_12m",
    "revenue_share", "first_confidence", "first_repeat_rate", "first_customers", "due_customers",
)  # fmt: skip
SLOT_LABELS = {"product": "Product", "sku": "SKU", "category": "Category"}


def products(analysis: Analysis, slot: str, top: int | None = None) -> Result:
    """``ltv products``: a row per product (SKU, category), largest revenue first; ``top``
    keeps the first rows (the total row stays)."""
    from ltvcli.products import PRODUCT_METRICS, VALUE_DAYS, product_table

    table = product_table(analysis, slot)
    shown = len(table) - 1
    notes: list[str] = [
        Message(
            "as of {day}; a product's revenue is its lines' share of their orders' net revenue; "
            "12-month LTV counts customers whose first order is {days}+ days old",
            day=analysis.as_of_date,
            days=VALUE_DAYS,
        )
    ]
    if top is not None and top < shown:
        table = pd.concat([table.head(top), table.tail(1)], ignore_index=True)
        notes.append(Message("the {top} of {n:,} largest by net revenue shown", top=top, n=shown))
    result = _result(table, PRODUCT_METRICS, "Products", notes, priority=PRODUCT_PRIORITY)
    result.labels[slot] = SLOT_LABELS[slot]
    result.total_row = True
    return result


def journey(
    analysis: Analysis, slot: str, top: int | None = None
) -> tuple[dict[str, object], list[Result]]:
    """``ltv products --journey``: what the 2nd order held given the 1st, and the commonest
    paths of the first three orders, as a document (JSON) and as two tables."""
    from ltvcli.products import PATH_METRICS, SLOT_WORDS, TRANSITION_METRICS, paths, transitions

    moves = transitions(analysis, slot)
    roads = paths(analysis, slot, top or 20)
    if top is not None:
        moves = moves.head(top)
    note = Message("as of {day}; by {slot}", day=analysis.as_of_date, slot=SLOT_WORDS[slot])
    tables = [
        _result(moves, TRANSITION_METRICS, "Second order, given the first", [note]),
        _result(roads, PATH_METRICS, "First three orders", []),
    ]
    tables[1].labels["path"] = "Path"
    tables[0].labels |= {"from": "1st order", "to": "2nd order"}
    document: dict[str, object] = {
        "as_of": analysis.as_of_date.isoformat(),
        "by": slot,
        "transitions": moves.to_dict("records"),
        "paths": roads.to_dict("records"),
    }
    return document, tables


DRIVER_PRIORITY = (
    "customers", "confidence", "ltv_12m_lift", "ltv_12m", "repeat_lift", "repeat_rate",
    "ltv_12m_low", "ltv_12m_high", "mature_customers",
)  # fmt: skip


def drivers(analysis: Analysis, min_customers: int, top: int | None = None) -> Result:
    """``ltv drivers``: every first-order attribute value by its lift in 12-month LTV."""
    from ltvcli.drivers import DRIVER_METRICS, driver_table
    from ltvcli.products import VALUE_DAYS

    table = driver_table(analysis, min_customers)
    notes: list[str] = [
        Message(
            "as of {day}; values of the first order with {n}+ customers (--min-customers); "
            "12-month LTV over customers whose first order is {days}+ days old; a lift whose "
            "interval holds everyone's value may be chance",
            day=analysis.as_of_date,
            n=min_customers,
            days=VALUE_DAYS,
        )
    ]
    shown = len(table) - 1
    if top is not None and top < shown:
        table = pd.concat([table.head(top), table.tail(1)], ignore_index=True)
        notes.append(Message("the {top} of {n:,} largest lifts shown", top=top, n=shown))
    result = _result(table, DRIVER_METRICS, "Drivers", notes, priority=DRIVER_PRIORITY)
    result.labels |= {"attribute": "Attribute", "value": "Value"}
    result.total_row = True
    return result
