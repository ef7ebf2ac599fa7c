"""Every headline number, defined once: its formula, unit and label live here and nowhere else.

``METRICS`` drives the JSON keys, the table labels and ``docs/metrics.md``. Money is computed in
integer cents; ratios of money (AOV, LTV) are rounded half-up to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str  # money | count | rate | date | text
    formula: str


METRICS: tuple[Metric, ...] = (
    Metric("currency", "Currency", "text", "ISO code of the amounts (null when the file names none)"),
    Metric("customers", "Customers", "count", "distinct customer keys with at least one order"),
    Metric("orders", "Orders", "count", "orders after collapsing lines; refund rows are not orders"),
    Metric("gross_revenue", "Gross revenue", "money", "sum of order amounts"),
    Metric("refunds", "Refunds", "money", "sum of refunded money"),
    Metric("net_revenue", "Net revenue", "money", "gross_revenue − refunds"),
    Metric("aov", "Average order value", "money", "net_revenue / orders"),
    Metric("repeat_rate", "Repeat-customer rate", "rate", "share of customers with 2+ orders"),
    Metric("ltv_historical", "Historical LTV", "money", "net_revenue / customers"),
    Metric("first_order", "First order", "date", "date of the earliest order"),
    Metric("last_order", "Last order", "date", "date of the latest order"),
)  # fmt: skip

METRIC_BY_KEY = {m.key: m for m in METRICS}


def kpis(customers: pd.DataFrame) -> list[dict[str, object]]:
    """Headline KPIs per currency from the customer table; money values in cents."""
    out = []
    for currency, group in customers.groupby(
        customers["currency"].fillna(""), sort=True, dropna=False
    ):
        out.append(_kpis_one(group, currency or None))
    return out


def _kpis_one(customers: pd.DataFrame, currency: str | None) -> dict[str, object]:
    buyers = customers[customers["orders"] > 0]
    n_customers = len(buyers)
    orders = int(customers["orders"].sum())
    gross = int(customers["gross_cents"].sum())
    refunds = int(customers["refund_cents"].sum())
    net = gross - refunds
    return {
        "currency": currency,
        "customers": n_customers,
        "orders": orders,
        "gross_revenue": gross,
        "refunds": refunds,
        "net_revenue": net,
        "aov": divide_cents(net, orders),
        "repeat_rate": (int((buyers["orders"] >= 2).sum()) / n_customers) if n_customers else None,
        "ltv_historical": divide_cents(net, n_customers),
        "first_order": day_text(buyers["first_order"].min()),
        "last_order": day_text(buyers["last_order"].max()),
    }


def divide_cents(cents: int, count: int) -> int | None:
    """``cents / count`` rounded half-up (away from zero) to a whole cent; None for count 0."""
    if not count:
        return None
    q, r = divmod(abs(cents), count)
    q += 2 * r >= count
    return q if cents >= 0 else -q


def day_text(value: object) -> str | None:
    """ISO date of a timestamp, None for a missing one."""
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()
