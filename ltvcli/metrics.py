"""Every headline number, defined once: its formula, unit and label live here and nowhere else.

``METRICS`` drives the JSON keys, the table labels and ``docs/metrics.md``. The KPIs are a pure
function of the customer table (``ltvcli.customers``), so ``ltv segments`` computes the very
same numbers per segment. Money is in integer cents; money ratios round half-up to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ltvcli.cents import divide_cents, round_cents
from ltvcli.customers import NEW
from ltvcli.definition import Metric
from ltvcli.engine.days import DayNumber
from ltvcli.messages import Message
from ltvcli.settings import Settings

HEALTHY, BARELY_PAYS, LOSING = "healthy", "barely pays", "loses money"

METRICS: tuple[Metric, ...] = (
    Metric("currency", "Currency", "text", "ISO code of the amounts (null when the file names none)"),
    Metric("customers", "Customers", "count", "customers with at least one order in the window"),
    Metric("new_customers", "New customers", "count", "customers whose first order is within --new-days of as_of"),
    Metric("orders", "Orders", "count", "orders after collapsing lines; refund rows are not orders"),
    Metric("gross_revenue", "Gross revenue", "money", "sum of order amounts"),
    Metric("refunds", "Refunds", "money", "sum of refunded money"),
    Metric("net_revenue", "Net revenue", "money", "gross_revenue − refunds"),
    Metric("margin", "Margin", "money", "net_revenue − cost − service cost (null when unknown)"),
    Metric("aov", "Average order value", "money", "net_revenue / orders"),
    Metric("purchase_frequency", "Purchases per year", "number", "orders in the trailing churn window / customers who ordered in it / (window days / 365)"),
    Metric("repeat_rate", "Repeat-customer rate", "rate", "share of customers with 2+ orders"),
    Metric("median_days_to_second_order", "Median days to 2nd order", "number", "median of days_to_second_order over customers who came back (see ltv intervals for the censoring-aware curve)"),
    Metric("churn_rate", "Churn rate", "rate", "share of customers who ordered in the churn window before the last one and not in the last one"),
    Metric("retention_rate", "Retention rate", "rate", "1 − churn_rate"),
    Metric("lifespan_years", "Lifespan, years", "number", "--lifespan, else 1 / churn_rate × (window days / 365), capped at --max-lifespan; 1 year assumed when churn cannot be measured"),
    Metric("lifespan_basis", "Lifespan from", "text", "--lifespan, churn, population (a segment whose own churn cannot be measured takes everyone's), or assumed (1 year: the data is too short to measure churn)"),
    Metric("ltv_historical", "Historical LTV (mean)", "money", "net_revenue / customers"),
    Metric("ltv_historical_median", "Historical LTV (median)", "money", "median net revenue per customer"),
    Metric("ltv_historical_margin", "Historical LTV on margin", "money", "margin / customers"),
    Metric("ltv_formula", "Formula LTV", "money", "aov × purchase_frequency × lifespan_years"),
    Metric("ltv_formula_margin", "Formula LTV on margin", "money", "margin per order × purchase_frequency × lifespan_years"),
    Metric("spend", "Marketing spend", "money", "spend of the --spend periods that overlap the window"),
    Metric("customers_acquired", "Customers acquired", "count", "customers whose first order falls in those spend periods"),
    Metric("cac", "CAC", "money", "--cac, or spend / customers_acquired"),
    Metric("ltv_basis", "LTV used for LTV:CAC", "text", "formula-margin when margin is known, else formula-revenue; --ltv-basis chooses"),
    Metric("ltv_cac_ratio", "LTV:CAC", "number", "LTV (ltv_basis) / cac"),
    Metric("verdict", "Verdict", "text", "healthy (LTV:CAC ≥ 3), barely pays (1 ≤ LTV:CAC < 3), loses money (< 1)"),
    Metric("payback_months", "Payback, months", "number", "cac / (margin per order × purchase_frequency / 12); revenue when margin is unknown"),
    Metric("first_order", "First order", "date", "date of the earliest order"),
    Metric("last_order", "Last order", "date", "date of the latest order"),
    Metric("as_of", "As of", "date", "end of the observation window: --as-of, else the last order or refund date"),
)  # fmt: skip

METRIC_BY_KEY = {m.key: m for m in METRICS}

VERDICT_WORDS = {
    HEALTHY: Message("acquisition pays off (LTV:CAC ≥ 3)"),
    BARELY_PAYS: Message("acquisition barely pays off (LTV:CAC between 1 and 3)"),
    LOSING: Message("every new customer loses money (LTV:CAC below 1)"),
}
# The LTV that LTV:CAC uses (``ltv_basis``), as the verdict line names it.
BASIS_WORDS = {
    "formula-margin": Message("formula-margin"),
    "formula-revenue": Message("formula-revenue"),
    "historical-margin": Message("historical-margin"),
    "historical-revenue": Message("historical-revenue"),
}


ASSUMED_LIFESPAN = 1.0  # years, when the data is too short to measure churn (lifespan_basis)


@dataclass(frozen=True)
class Context:
    """What the KPIs need besides the customers: the window, the settings and the acquisition cost."""

    settings: Settings
    as_of: DayNumber
    margin_known: bool
    cac: int | None = None  # cents per acquired customer, when known
    spend: int | None = None
    customers_acquired: int | None = None
    # a group's lifespan when its own churn cannot be measured (nobody of the group in the
    # earlier window): the whole population's (years, lifespan_basis); None for the population
    population: tuple[float, str] | None = None


# The customer-table columns ``kpis`` and ``Analysis.context`` read: a caller that splits a
# big table into groups takes only these (``ltvcli.segments``).
KPI_COLUMNS = (
    "currency", "orders", "gross_revenue", "refunds", "net_revenue", "margin", "status",
    "first_order", "last_order", "days_to_second_order", "_recent_orders", "_active_before",
    "_first_day",
)  # fmt: skip


def kpis_by_currency(customers: pd.DataFrame, context: Context) -> list[dict[str, object]]:
    """Headline KPIs, one record per currency (money never mixes currencies)."""
    return [
        kpis(group, context)
        for _, group in customers.groupby(customers["currency"].fillna(""), sort=True)
    ]


def kpis(customers: pd.DataFrame, context: Context) -> dict[str, object]:
    """The KPIs of one set of customers in one currency; money in cents."""
    s = context.settings
    c = customers
    buyers = c if (bought := c["orders"] > 0).all() else c[bought]
    n = len(buyers)
    orders = int(c["orders"].sum())
    gross = int(c["gross_revenue"].sum())
    refunds = int(c["refunds"].sum())
    net = gross - refunds
    margin = int(c["margin"].sum()) if context.margin_known else None
    years = s.churn_window / 365
    active = buyers["_recent_orders"] > 0
    recent_orders = int(buyers["_recent_orders"].sum())
    frequency = recent_orders / int(active.sum()) / years if active.any() else None
    before = buyers["_active_before"].to_numpy()
    churned = before & ~active.to_numpy()
    churn = int(churned.sum()) / int(before.sum()) if before.any() else None
    lifespan, basis_of_lifespan = lifespan_of(churn, s, context.population)
    aov = divide_cents(net, orders)
    margin_per_order = divide_cents(margin, orders) if margin is not None else None
    ltv_formula = _formula(aov, frequency, lifespan)
    ltv_formula_margin = _formula(margin_per_order, frequency, lifespan)
    second = buyers["days_to_second_order"].dropna()
    ltv_historical = divide_cents(net, n)
    ltv_historical_margin = divide_cents(margin, n) if margin is not None else None
    record: dict[str, object] = {
        "currency": c["currency"].iloc[0] if len(c) else None,
        "customers": n,
        "new_customers": int((buyers["status"] == NEW).sum()),
        "orders": orders,
        "gross_revenue": gross,
        "refunds": refunds,
        "net_revenue": net,
        "margin": margin,
        "aov": aov,
        "purchase_frequency": frequency,
        "repeat_rate": int((buyers["orders"] >= 2).sum()) / n if n else None,
        "median_days_to_second_order": float(second.median()) if len(second) else None,
        "churn_rate": churn,
        "retention_rate": None if churn is None else 1 - churn,
        "lifespan_years": lifespan,
        "lifespan_basis": basis_of_lifespan,
        "ltv_historical": ltv_historical,
        "ltv_historical_median": median_cents(buyers["net_revenue"].to_numpy()),
        "ltv_historical_margin": ltv_historical_margin,
        "ltv_formula": ltv_formula,
        "ltv_formula_margin": ltv_formula_margin,
        "spend": context.spend,
        "customers_acquired": context.customers_acquired,
        "cac": context.cac,
    }
    basis = s.ltv_basis or ("formula-margin" if context.margin_known else "formula-revenue")
    ltv = {
        "formula-margin": ltv_formula_margin,
        "formula-revenue": ltv_formula,
        "historical-margin": ltv_historical_margin,
        "historical-revenue": ltv_historical,
    }[basis]
    ratio = ltv / context.cac if ltv is not None and context.cac else None
    per_order = margin_per_order if context.margin_known else aov
    monthly = per_order * frequency / 12 if per_order is not None and frequency else None
    record |= {
        "ltv_basis": basis,
        "ltv_cac_ratio": ratio,
        "verdict": verdict(ratio),
        "payback_months": context.cac / monthly
        if context.cac and monthly and monthly > 0
        else None,
        "first_order": day_text(buyers["first_order"].min()),
        "last_order": day_text(buyers["last_order"].max()),
        "as_of": day_text(np.datetime64(context.as_of, "D")),
    }
    return record


def lifespan_years(churn: float | None, settings: Settings) -> float:
    """Expected customer lifetime: given, or the inverse of the annualised churn, capped; a
    year when churn cannot be measured (``lifespan_basis`` says so, and ltv on stderr)."""
    if settings.lifespan is not None:
        return settings.lifespan
    if churn is None:
        return ASSUMED_LIFESPAN
    if churn == 0:
        return settings.max_lifespan
    return min(settings.churn_window / 365 / churn, settings.max_lifespan)


def lifespan_of(
    churn: float | None, settings: Settings, population: tuple[float, str] | None = None
) -> tuple[float, str]:
    """The lifespan and where it comes from (``lifespan_basis``): ``--lifespan``, the churn,
    for a group whose churn cannot be measured the population's (``population``), else the
    assumed year."""
    if settings.lifespan is not None:
        return settings.lifespan, "--lifespan"
    if churn is None and population is not None:
        years, basis = population
        return years, "population" if basis == "churn" else basis
    return lifespan_years(churn, settings), "assumed" if churn is None else "churn"


def verdict(ratio: float | None) -> str | None:
    if ratio is None:
        return None
    return HEALTHY if ratio >= 3 else BARELY_PAYS if ratio >= 1 else LOSING


def median_cents(values: np.ndarray) -> int | None:
    """Median of cents; the mean of the two middle values (even count) rounds half-up."""
    if len(values) == 0:
        return None
    k = len(values)
    middle = np.partition(values, [(k - 1) // 2, k // 2])  # the two middle values in place
    return divide_cents(int(middle[(k - 1) // 2]) + int(middle[k // 2]), 2)


def _formula(per_order: int | None, frequency: float | None, lifespan: float | None) -> int | None:
    if per_order is None or frequency is None or lifespan is None:
        return None
    return round_cents(per_order * frequency * lifespan)


def day_text(value: pd.Timestamp | np.datetime64 | None) -> str | None:
    """ISO date of a timestamp or datetime64, None for a missing one."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def headline(record: dict[str, object]) -> str:
    """The verdict in words, naming the LTV it used: what a terminal shows under the KPIs."""
    ratio = record.get("ltv_cac_ratio")
    if ratio is None:
        if record.get("cac") is None:
            return Message("LTV:CAC needs an acquisition cost: give --cac or --spend")
        return Message("LTV:CAC unknown: the LTV is not defined for this data")
    words = VERDICT_WORDS[str(record["verdict"])]
    basis = str(record["ltv_basis"])
    line = Message(
        "LTV:CAC is {ratio:.1f} ({basis} LTV): {verdict}",
        ratio=float(ratio),  # type: ignore[arg-type]
        basis=BASIS_WORDS.get(basis, basis),
        verdict=words,
    )
    if basis.endswith("revenue") and record.get("margin") is None:
        line = Message(
            "{line}; that is on revenue, as the margin is unknown, and overstates what a "
            "customer brings: give --margin RATE (or a cost column) for LTV on margin",
            line=line,
        )
    if basis.startswith("formula") and record.get("lifespan_basis") == "assumed":
        line = Message(
            "{line}; the formula LTV assumes a {years:g}-year lifespan",
            line=line, years=ASSUMED_LIFESPAN,
        )  # fmt: skip
    return line
