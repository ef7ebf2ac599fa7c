"""What a report contains: the numbers of every analysis, gathered once, ready to render.

Pure assembly: the sections reuse the commands' own functions (KPIs, segments, cohorts,
intervals, predictions), so a report never shows a number that a command would show
differently. ``ltvcli.render.report`` turns a ``Report`` into HTML, Markdown, XLSX or JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from ltvcli import tables
from ltvcli.analysis import Analysis
from ltvcli.cohorts import cohort_cells
from ltvcli.customers import AT_RISK, CUSTOMER_COLUMNS, attribute_columns
from ltvcli.definition import kinds, labels
from ltvcli.intervals import return_curve
from ltvcli.load import Loaded
from ltvcli.messages import Message
from ltvcli.metrics import METRICS
from ltvcli.results import Chart, Report, Result, Section
from ltvcli.segments import SEGMENT_METRICS, default_keys
from ltvcli.settings import Settings
from ltvcli.survival import share_at

if TYPE_CHECKING:  # the models (and SciPy) are imported only with --predict
    from ltvcli.models.holdout import Holdout
    from ltvcli.models.predict import Forecast, Models

CALL_LIST_SIZE = 25
PRODUCTS_SHOWN = 15
PRODUCT_COLUMNS = ("customers", "net_revenue", "revenue_share", "repurchase_rate",
                   "repurchase_median_days", "due_customers", "first_customers",
                   "first_repeat_rate", "first_ltv_12m", "first_confidence")  # fmt: skip
SEGMENT_COLUMNS = ("customers", "customer_share", "net_revenue", "aov", "repeat_rate",
                   "ltv_historical", "ltv_formula", "cac", "ltv_cac_ratio", "at_risk_share")  # fmt: skip


@dataclass
class Predictions:
    """What ``--predict`` adds: the per-customer forecast, the models, the holdout check."""

    table: pd.DataFrame
    models: Models
    holdout: Holdout | None
    plan: Forecast


def report_predictions(
    analysis: Analysis, loaded: Loaded, settings: Settings, plan: Forecast, holdout: str
) -> Predictions:
    """The forecast of every customer and, when the data allows, the model's holdout check."""
    from ltvcli.models.fit import FitError
    from ltvcli.models.holdout import holdout_check, holdout_cutoff
    from ltvcli.models.predict import forecast_customers

    # --interval bounds the forecast's totals; the report shows no customer's own bounds
    table, models = forecast_customers(analysis, replace(plan, interval=None))
    end = analysis.as_of_date
    try:
        cutoff = holdout_cutoff(holdout, end)
        check = holdout_check(loaded, settings, cutoff, end, plan.model, plan.unit, plan.covariates)
    except FitError:
        check = None
    return Predictions(table, models, check, plan)


def build_report(
    analysis: Analysis,
    loaded: Loaded,
    by: list[str] | None = None,
    period: str = "month",
    predictions: Predictions | None = None,
) -> Report:
    """Every section of the report, in reading order."""
    [record] = analysis.kpis()
    sections = [
        _headline(analysis),
        _distribution(analysis),
        *[_segments(analysis, [key]) for key in (by or default_keys(analysis, 2))],
        _cohorts(analysis, period),
        _intervals(analysis),
        _trend(analysis),
        *_products(analysis),
        _call_list(analysis, predictions),
    ]
    if predictions is not None:
        sections.append(_predictions(analysis, predictions))
    sections += [_data_quality(analysis, loaded), _definitions()]
    currency = record.get("currency")
    previous, previous_as_of = _previous(analysis, loaded)
    return Report(
        analysis.as_of_date,
        None if currency is None else str(currency),
        record,
        sections,
        previous,
        previous_as_of,
    )


def _previous(
    analysis: Analysis, loaded: Loaded
) -> tuple[dict[str, object] | None, dt.date | None]:
    """The KPIs as of one churn window before the as-of date (the previous period of the same
    length as the one frequency and churn are measured over), or (None, None) when the orders
    do not reach back that far."""
    from ltvcli.analysis import analyse
    from ltvcli.errors import LtvError

    settings = analysis.settings
    before = analysis.as_of_date - dt.timedelta(days=settings.churn_window)
    first = analysis.customers["first_order"].min()
    if pd.isna(first) or pd.Timestamp(first).date() > before or (settings.since or before) > before:
        return None, None
    try:
        earlier = analyse(loaded, replace(settings, as_of=before), analysis.spend)
        records = earlier.kpis()
    except LtvError:
        return None, None
    return (records[0], before) if len(records) == 1 else (None, None)


def _titled(result: Result, title: str) -> Result:
    """A command's table in a report: titled by its words key (``ltvcli.render.i18n``);
    the command's notes are the report's own sections."""
    return replace(result, title=title, notes=[])


def _headline(analysis: Analysis) -> Section:
    table = _titled(tables.compute(analysis), "headline")
    return Section("headline", "headline", [table], text=["verdict"])


def _distribution(analysis: Analysis) -> Section:
    ltv = analysis.customers.loc[analysis.customers["orders"] > 0, "ltv_historical"] / 100
    quantiles = np.percentile(ltv, [10, 25, 50, 75, 90, 99]) if len(ltv) else []
    frame = pd.DataFrame(
        [
            {
                f"p{q}": round(v * 100)
                for q, v in zip((10, 25, 50, 75, 90, 99), quantiles, strict=True)
            }
        ]
    )
    table = Result(
        frame, dict.fromkeys(frame.columns, "money"), title="ltv_percentiles", record=True
    )
    chart = Chart("histogram", "ltv_distribution", {"values": ltv.to_numpy()})
    return Section("distribution", "ltv_distribution", [table], [chart])


def _segments(analysis: Analysis, by: list[str]) -> Section:
    segments = tables.segments(analysis, by, min_customers=max(1, len(analysis.customers) // 200))
    table = segments.frame
    keys = [c for c in table.columns if c not in {m.key for m in SEGMENT_METRICS}]
    shown = [c for c in SEGMENT_COLUMNS if table[c].notna().any()]
    result = replace(_titled(segments, "segments"), frame=table[keys + shown])
    body = table[table[keys[0]] != "(total)"]
    names = [" / ".join(map(str, row)) for row in body[keys].itertuples(index=False, name=None)]
    charts = [
        Chart("bars", "ltv_by_segment", {"labels": names, "values": body["ltv_historical"].to_numpy() / 100, "money": True}),
        Chart("bars", "repeat_by_segment", {"labels": names, "values": body["repeat_rate"].to_numpy(), "rate": True}),
    ]  # fmt: skip
    if body["ltv_cac_ratio"].notna().any():
        ratio = body["ltv_cac_ratio"].astype(float).to_numpy()
        charts.append(
            Chart("bars", "ratio_by_segment", {"labels": names, "values": ratio, "line": 3.0})
        )
    return Section(
        f"segments_{'_'.join(keys)}", "segments", [result], charts, text=[", ".join(keys)]
    )


def _cohorts(analysis: Analysis, period: str) -> Section:
    cells = cohort_cells(analysis, period)
    retention = _titled(tables.cohorts(analysis, period, "retention", cells=cells), "retention")
    matrix = retention.frame
    ages = [c for c in matrix.columns if c.isdigit()]
    basis = "ltv_cumulative_margin" if analysis.margin_known else "ltv_cumulative"
    curves = {
        cohort: group[basis].astype(float).to_numpy() / 100
        for cohort, group in cells.groupby("cohort", sort=True)
    }
    cac = cells["cac"].dropna()
    charts = [
        Chart("heatmap", "retention_heatmap", {"rows": list(matrix["cohort"]), "values": matrix[ages].astype(float).to_numpy()}),
        Chart("curves", "ltv_curves", {"curves": curves, "line": float(cac.mean()) / 100 if len(cac) else None}),
    ]  # fmt: skip
    return Section("cohorts", "cohorts", [retention], charts, text=[period])


def _intervals(analysis: Analysis) -> Section:
    result = _titled(tables.intervals(analysis), "intervals")
    buyers = analysis.customers[analysis.customers["orders"] > 0]
    curve = return_curve(buyers)
    days = np.arange(0, 366)
    share = 1 - share_at(curve, days) if curve is not None else np.zeros(len(days))
    chart = Chart("steps", "return_curve", {"x": days, "y": share})
    return Section("intervals", "intervals", [result], [chart])


def _products(analysis: Analysis) -> list[Section]:
    """By category (else product, else SKU) when the orders have lines that name one: the
    largest by revenue with their first-order value, how soon the top five are bought again,
    and what the second order holds given the first."""
    from ltvcli.products import repurchase_curves
    from ltvcli.schema.lines import SLOTS

    lines = analysis.reduced.lines
    named = [] if lines is None else [s for s in SLOTS if lines.frame[s].notna().any()]
    if not named:
        return []
    slot = "category" if "category" in named else named[0]
    table = _titled(tables.products(analysis, slot, top=PRODUCTS_SHOWN), "products")
    table = replace(table, frame=table.frame[[slot, *PRODUCT_COLUMNS]])
    top = [str(key) for key in table.frame[slot].iloc[:-1].head(5)]
    curves = repurchase_curves(analysis, slot, top, 365)
    chart = Chart("shares", "repurchase_curves", {"x": np.arange(366), "curves": curves})
    _, (moves, _paths) = tables.journey(analysis, slot, top=PRODUCTS_SHOWN)
    shown = [table, _titled(moves, "journey")] if len(moves.frame) else [table]
    return [Section("products", "products", shown, [chart])]


def _trend(analysis: Analysis) -> Section:
    result = _titled(tables.trend(analysis, "month"), "trend")
    table = result.frame
    chart = Chart("trend", "monthly_trend", {
        "periods": list(table["period"]), "revenue": table["net_revenue"].to_numpy() / 100,
        "customers": table["active"].to_numpy(), "new": table["new"].to_numpy(),
    })  # fmt: skip
    return Section("trend", "trend", [result], [chart])


def _call_list(analysis: Analysis, predictions: Predictions | None) -> Section:
    c = analysis.customers
    contacts = attribute_columns(c)
    columns = [
        "customer",
        "orders",
        "ltv_historical",
        "last_order",
        "recency_days",
        "median_interval_days",
    ]
    frame = c
    sort = "ltv_historical"
    definitions = CUSTOMER_COLUMNS
    if predictions is not None:
        from ltvcli.models.predict import PREDICTION_COLUMNS

        frame = c.join(predictions.table[["p_alive"]])
        columns.append("p_alive")
        definitions += PREDICTION_COLUMNS
    at_risk = frame[frame["status"] == AT_RISK]
    top = at_risk.sort_values(sort, ascending=False, kind="stable").head(CALL_LIST_SIZE)
    table = top[columns + contacts].reset_index(drop=True)
    result = Result(table, kinds(definitions), labels(definitions), "call_list")
    return Section("call_list", "call_list", [result], text=[str(len(at_risk))])


def _predictions(analysis: Analysis, predictions: Predictions) -> Section:
    from ltvcli.models.holdout import HOLDOUT_METRICS, verdict
    from ltvcli.models.predict import PREDICTED_KPIS, predicted_kpis, prediction_columns

    [record] = analysis.kpis()
    models, holdout, label = predictions.models, predictions.holdout, predictions.plan.label
    definitions = prediction_columns(label, PREDICTED_KPIS)
    cac = cast("int | None", record.get("cac"))  # cents, as metrics.kpis sets it
    summary = pd.DataFrame([predicted_kpis(predictions.table, cac, label)])
    params = pd.DataFrame([{"model": models.count.model, **models.count.params,
                            "log_likelihood": models.count.log_likelihood}])  # fmt: skip
    param_kinds = dict.fromkeys(params.columns, "precise") | {"model": "text"}
    model = Result(params, param_kinds, title="model")
    if models.design is not None:  # the covariates' effects: the --summary table, one per row
        [model] = tables.model_summary(models, analysis.as_of_date)[1]
        model = replace(model, title="model", notes=model.notes[1:])
    results = [
        Result(summary, kinds(definitions), labels(definitions), "predicted", record=True),
        model,
    ]
    text = []
    if holdout is not None:
        words = verdict(holdout.report, holdout.bins)
        check = pd.DataFrame([holdout.report | {"verdict": words}])
        results.append(
            Result(check, kinds(HOLDOUT_METRICS), labels(HOLDOUT_METRICS), "holdout", record=True)
        )
        text.append(words)
    forecast, chart = _forecast(analysis, predictions)
    results.append(forecast)
    charts = [chart, *diagnostic_charts(analysis, models, holdout)]
    if analysis.channel is not None:
        worth = tables.newcomers(analysis, predictions.plan, predictions.models)
        results.append(_titled(worth, "newcomers"))
    return Section("predictions", "predictions", results, charts, text=text)


def diagnostic_charts(analysis: Analysis, models: Models, holdout: Holdout | None) -> list[Chart]:
    """The charts that show whether to believe the model: with a holdout check, actual vs
    expected repeat purchases week by week and so far (a line at the calibration's end), and
    per customer by calibration purchases; always, P(alive) over every history."""
    from ltvcli.models.diagnostics import p_alive_grid
    from ltvcli.models.summary import UNIT_DAYS, summarise

    charts = []
    if holdout is not None:
        track, bins = holdout.tracking, holdout.bins
        cutoff = int((track["week"] <= holdout.report["calibration_end"]).sum()) - 0.5
        weeks = list(track["week"])
        for key, columns in (("tracking_cumulative", ("actual_cumulative", "expected_cumulative")),
                             ("tracking_weekly", ("actual", "expected"))):  # fmt: skip
            actual, expected = (track[c].to_numpy() for c in columns)
            data = {"weeks": weeks, "actual": actual, "expected": expected, "cutoff": cutoff}
            charts.append(Chart("tracking", key, data))
        charts.append(Chart("pairs", "holdout_by_purchases", {
            "labels": list(bins["repeat_purchases"]), "actual": bins["actual_mean"].to_numpy(),
            "predicted": bins["predicted_mean"].to_numpy(),
        }))  # fmt: skip
    summary = summarise(analysis.customers, models.unit)
    purchases, recency, alive = p_alive_grid(models, summary, analysis.customers.iloc[summary.rows])
    days = np.round(recency * UNIT_DAYS[models.unit])
    charts.append(Chart("matrix", "p_alive_matrix", {"rows": purchases, "recency": days,
                                                     "values": alive}))  # fmt: skip
    return charts


def _forecast(analysis: Analysis, predictions: Predictions) -> tuple[Result, Chart]:
    """The coming months' revenue of the existing customers, with bounds (90 % unless the
    report's --interval says otherwise)."""
    from ltvcli.models.uncertainty import Interval

    plan = predictions.plan
    plan = plan if plan.interval is not None else replace(plan, interval=Interval())
    result, _ = tables.forecast(analysis, plan, "month", None, predictions.models)
    return _titled(result, "forecast"), forecast_chart(result)


def forecast_chart(forecast: Result) -> Chart:
    """The existing customers' expected revenue per period, with its bounds (``ltv forecast``'s
    table)."""
    table = forecast.frame.iloc[:-1]  # the periods, not the total row
    return Chart("forecast", "forecast_chart", {
        "periods": list(table["period"]), "revenue": table["revenue"].to_numpy() / 100,
        "low": table["revenue_low"].to_numpy() / 100, "high": table["revenue_high"].to_numpy() / 100,
    })  # fmt: skip


def _data_quality(analysis: Analysis, loaded: Loaded) -> Section:
    report = loaded.report
    skipped = pd.DataFrame(
        [{"reason": r, "rows": n} for r, n in report.skipped.most_common()],
        columns=["reason", "rows"],
    )
    columns = pd.DataFrame(
        [{"file": s.file, "field": f, "column": c} for s in report.sources for f, c in s.columns.items()],
        columns=["file", "field", "column"],
    )  # fmt: skip
    results = [
        Result(skipped, {"reason": "text", "rows": "count"}, title="skipped"),
        Result(columns, dict.fromkeys(columns.columns, "text"), title="detected"),
    ]
    notes = list(report.warnings) + list(report.notes) + analysis.notes
    source = analysis.margin_source
    notes.append(
        Message("margin: {source}", source=source) if source else Message("margin: unknown")
    )
    return Section("data_quality", "data_quality", results, text=[f"{report.rows_read:,}", *notes])


def _definitions() -> Section:
    rows = [{"key": m.key, "formula": m.formula} for m in METRICS if m.key != "currency"]
    frame = pd.DataFrame(rows)
    return Section(
        "definitions",
        "definitions",
        [Result(frame, {"key": "text", "formula": "text"}, title="definitions")],
    )
