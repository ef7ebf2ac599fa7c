"""Acquisition cohorts and the monthly (weekly, quarterly) trend.

A customer's cohort is the period of their first order. For cohort ``c`` and age ``k`` (periods
since acquisition) a cell holds the customers active in period ``c + k``, their orders and
money, and the cumulative net revenue (and margin) per cohort customer up to ``k``: the LTV
curve. Cells after the as-of period are not observable yet and are empty, not zero. The as-of
period itself is observed only up to the as-of date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ltvcli.analysis import Analysis
from ltvcli.cents import divide_cents_array, scale_cents
from ltvcli.definition import Metric
from ltvcli.engine.reduce import Ledger
from ltvcli.periods import ordinal_labels, period_ordinals

COHORT_METRICS: tuple[Metric, ...] = (
    Metric("cohort", "Cohort", "text", "period of the first order"),
    Metric("age", "Age", "count", "periods since the cohort's period (0 = the acquisition period)"),
    Metric("period", "Period", "text", "the calendar period of the cell"),
    Metric("customers", "Cohort size", "count", "customers acquired in the cohort period"),
    Metric("active", "Active", "count", "cohort customers with an order in the period"),
    Metric("retention", "Retention", "rate", "active / customers"),
    Metric("orders", "Orders", "count", "orders of cohort customers in the period"),
    Metric("net_revenue", "Net revenue", "money", "gross − refunds of the period's order and refund rows"),
    Metric("margin", "Margin", "money", "cost column: net − cost − service cost; --margin: rate × net − service cost"),
    Metric("ltv_cumulative", "Cumulative LTV", "money", "net revenue up to this age / customers"),
    Metric("ltv_cumulative_margin", "Cumulative LTV on margin", "money", "margin up to this age / customers"),
    Metric("cac", "CAC", "money", "spend spread evenly over the days of its period, summed over the cohort period / customers"),
    Metric("payback_age", "Payback, periods", "count", "first age at which the cumulative LTV (margin when known) reaches the CAC"),
)  # fmt: skip
# ltv cohorts --predict: which cells are the model's (the long table; the matrix)
PREDICTED_CELLS: tuple[Metric, ...] = (
    Metric("predicted", "Predicted", "text", "--predict: the cell holds predicted money (the rest of the as-of period, or a later one): expected purchases × expected order value"),
    Metric("predicted_from_age", "Predicted from age", "count", "--predict: the first age of the cohort's row whose cell is predicted"),
)  # fmt: skip

TREND_METRICS: tuple[Metric, ...] = (
    Metric("period", "Period", "text", "calendar period"),
    Metric("active", "Active customers", "count", "customers with an order in the period"),
    Metric("new", "New customers", "count", "customers whose first order is in the period"),
    Metric("returning", "Returning customers", "count", "active − new"),
    Metric("orders", "Orders", "count", "orders in the period"),
    Metric("net_revenue", "Net revenue", "money", "gross − refunds of the rows dated in the period"),
    Metric("margin", "Margin", "money", "as for cohorts"),
    Metric("aov", "AOV", "money", "net_revenue / orders"),
)  # fmt: skip


def cohort_cells(
    analysis: Analysis, period: str = "month", future: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The long table: one row per (cohort, age) from age 0 to the as-of period; with
    ``future`` (``cohort_future``: predicted net revenue and margin by cohort and age), the
    rest of the as-of period and the periods after it too, ``predicted`` True."""
    c = analysis.customers
    ledger = _ledger(analysis)
    buyer = c["orders"].to_numpy() > 0
    cohort_of = period_ordinals(c["_first_day"].to_numpy(), period)
    row_cohort = cohort_of[ledger.owner]
    row_period = period_ordinals(ledger.day, period)
    keep = buyer[ledger.owner]
    last = int(period_ordinals(np.array([analysis.as_of]), period)[0])

    rows = pd.DataFrame(
        {"cohort": row_cohort, "age": row_period - row_cohort, "owner": ledger.owner,
         "orders": ledger.is_order.astype(np.int64), "net_revenue": ledger.net_cents,
         "cost": ledger.cost_cents}
    )[keep]  # fmt: skip
    sales = rows[rows["orders"] > 0]
    cells: pd.DataFrame = rows.groupby(["cohort", "age"])[["orders", "net_revenue", "cost"]].sum()
    cells["active"] = sales.groupby(["cohort", "age"])["owner"].nunique()
    sizes = pd.Series(cohort_of[buyer]).value_counts().sort_index()

    full = pd.MultiIndex.from_tuples(
        [(k, a) for k in sizes.index for a in range(last - k + 1)], names=["cohort", "age"]
    )
    cells = cells.reindex(full, fill_value=0)
    cells["active"] = cells["active"].fillna(0).astype(np.int64)
    cells = cells.reset_index()
    cells["customers"] = cells["cohort"].map(sizes).astype(np.int64)
    cells["margin"] = _margin(analysis, cells)
    if future is not None:
        cells = _with_future(cells, future, sizes)
    cells["retention"] = cells["active"] / cells["customers"]
    cumulative = cells.groupby("cohort")[["net_revenue", "margin"]].cumsum()
    cells["ltv_cumulative"] = _per_customer(cumulative["net_revenue"], cells["customers"])
    cells["ltv_cumulative_margin"] = (
        _per_customer(cumulative["margin"], cells["customers"]) if analysis.margin_known else None
    )
    cells["cac"] = _cohort_cac(analysis, cells, period)
    cells["payback_age"] = _payback(cells, analysis.margin_known)
    cells["period"] = ordinal_labels((cells["cohort"] + cells["age"]).to_numpy(), period)
    cells["cohort"] = ordinal_labels(cells["cohort"].to_numpy(), period)
    return cells[[m.key for m in COHORT_METRICS] + (["predicted"] if future is not None else [])]


def _with_future(cells: pd.DataFrame, future: pd.DataFrame, sizes: pd.Series) -> pd.DataFrame:
    """Observed cells plus the predicted money of the existing cohorts: the as-of period's
    cell gets the rest of its period, the later ones only predictions (no active customers or
    orders: those are not predicted)."""
    index = ["cohort", "age"]
    observed = cells.set_index(index)
    ahead = future[future["cohort"].isin(sizes.index)].set_index(index)
    merged = observed.reindex(observed.index.union(ahead.index))
    for column in ("net_revenue", "margin"):
        known = merged[column].astype("Int64")
        added = ahead[column].astype("Int64").reindex(merged.index)
        merged[column] = known.fillna(0) + added.fillna(0)
        if known.isna().all() and added.isna().all():
            merged[column] = known  # margin unknown: it stays unknown
    merged["predicted"] = merged.index.isin(ahead.index)
    for column in ("active", "orders"):
        merged[column] = merged[column].astype("Int64")
    merged = merged.reset_index()
    merged["customers"] = merged["cohort"].map(sizes).astype(np.int64)
    return merged


def cohort_matrix(cells: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The heatmap: one row per cohort (size, CAC, payback), one column per age; with
    predictions, ``predicted_from_age``: the first age whose cell is predicted."""
    wide = cells.pivot(index="cohort", columns="age", values=metric)
    wide.columns = [str(a) for a in wide.columns]
    first = cells.drop_duplicates("cohort").set_index("cohort")[["customers", "cac", "payback_age"]]
    if "predicted" in cells:
        predicted = cells[cells["predicted"]].groupby("cohort", sort=False)["age"].min()
        first["predicted_from_age"] = predicted.reindex(first.index).astype("Int64")
    return first.join(wide).reset_index()


def trend(analysis: Analysis, period: str = "month") -> pd.DataFrame:
    """Per calendar period: active, new and returning customers, orders, revenue, AOV."""
    c = analysis.customers
    ledger = _ledger(analysis)
    row_period = period_ordinals(ledger.day, period)
    frame = pd.DataFrame(
        {"p": row_period, "owner": ledger.owner, "orders": ledger.is_order.astype(np.int64),
         "net_revenue": ledger.net_cents, "cost": ledger.cost_cents}
    )  # fmt: skip
    table = frame.groupby("p")[["orders", "net_revenue", "cost"]].sum()
    table["active"] = frame[frame["orders"] > 0].groupby("p")["owner"].nunique()
    buyers = c[c["orders"] > 0]
    table["new"] = pd.Series(
        period_ordinals(buyers["_first_day"].to_numpy(), period)
    ).value_counts()
    span = np.arange(table.index.min(), table.index.max() + 1)
    table = table.reindex(span, fill_value=0).fillna(0)
    table[["active", "new"]] = table[["active", "new"]].astype(np.int64)
    table["returning"] = table["active"] - table["new"]
    table = table.reset_index(names="p")
    table["margin"] = _margin(analysis, table)
    orders = table["orders"].to_numpy()
    table["aov"] = _per_customer(table["net_revenue"], pd.Series(orders)).where(orders > 0)
    table["period"] = ordinal_labels(table["p"].to_numpy(), period)
    return table[[m.key for m in TREND_METRICS]]


def _ledger(analysis: Analysis) -> Ledger:
    """Every order and refund row of the analysis: cohorts need them by day."""
    if analysis.reduced.ledger is None:
        raise ValueError("cohorts need the order rows: analyse with keep_ledger=True")
    return analysis.reduced.ledger


def _margin(analysis: Analysis, cells: pd.DataFrame) -> pd.Series | None:
    s = analysis.settings
    if not analysis.margin_known:
        return pd.Series([None] * len(cells), dtype="Int64")
    net = cells["net_revenue"].to_numpy(np.int64)
    service = s.service_cost * cells["orders"].to_numpy(np.int64)
    if analysis.reduced.has_cost:
        return pd.Series(net - cells["cost"].to_numpy(np.int64) - service)
    if s.margin is not None:
        return pd.Series(scale_cents(net, s.margin) - service)
    return pd.Series(net - service)


def _per_customer(cents: pd.Series, counts: pd.Series) -> pd.Series:
    return pd.Series(divide_cents_array(cents.to_numpy(), counts.to_numpy()), index=cents.index)


def _cohort_cac(analysis: Analysis, cells: pd.DataFrame, period: str) -> pd.Series:
    if analysis.settings.cac is not None:
        return pd.Series(analysis.settings.cac, index=cells.index)
    if analysis.spend is None:
        return pd.Series([None] * len(cells), index=cells.index, dtype="Int64")
    daily = analysis.spend.per_day()
    spend = daily.groupby(period_ordinals(daily.index.to_numpy(), period)).sum()
    per_cohort = cells["cohort"].map(spend).fillna(0) / cells["customers"]
    return per_cohort.round().astype("Int64").where(cells["cohort"].isin(spend.index))


def _payback(cells: pd.DataFrame, margin_known: bool) -> pd.Series:
    value = cells["ltv_cumulative_margin" if margin_known else "ltv_cumulative"]
    reached = (value.astype("Float64") >= cells["cac"].astype("Float64")).fillna(False)
    ages = cells["age"].where(reached)
    first = ages.groupby(cells["cohort"]).transform("min")
    return first.astype("Int64")
