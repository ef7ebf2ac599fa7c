"""The per-customer table: what each customer bought, is worth, and whether they are slipping away.

Built from the engine's reduce (``ltvcli.engine``); every column is defined in ``CUSTOMER_COLUMNS``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ltvcli.cents import divide_cents_array, scale_cents
from ltvcli.definition import Metric
from ltvcli.engine.days import DayNumber
from ltvcli.engine.reduce import Reduced
from ltvcli.settings import Settings

NEW, ACTIVE, AT_RISK, LAPSED = "new", "active", "at-risk", "lapsed"
STATUSES = (NEW, ACTIVE, AT_RISK, LAPSED)

CUSTOMER_COLUMNS: tuple[Metric, ...] = (
    Metric("currency", "Currency", "text", "currency of the customer's orders"),
    Metric("customer", "Customer", "text", "normalised customer key (id, e-mail or phone)"),
    Metric("first_order", "First order", "date", "date of the first order"),
    Metric("last_order", "Last order", "date", "date of the last order"),
    Metric("orders", "Orders", "count", "orders (refund rows are not orders)"),
    Metric("gross_revenue", "Gross revenue", "money", "sum of order amounts"),
    Metric("refunds", "Refunds", "money", "refunded money"),
    Metric("net_revenue", "Net revenue", "money", "gross_revenue − refunds"),
    Metric("cost", "Cost", "money", "cost column sum, or net_revenue − margin with --margin; plus --service-cost × orders"),
    Metric("margin", "Margin", "money", "net_revenue − cost (null when neither a cost column nor --margin is given)"),
    Metric("aov", "AOV", "money", "net_revenue / orders"),
    Metric("recency_days", "Recency, days", "count", "as_of − last_order"),
    Metric("age_days", "Age, days", "count", "as_of − first_order"),
    Metric("tenure_days", "Tenure, days", "count", "last_order − first_order"),
    Metric("order_days", "Order days", "count", "distinct days with an order"),
    Metric("mean_interval_days", "Mean interval, days", "number", "mean days between consecutive distinct order days = tenure_days / (order_days − 1)"),
    Metric("median_interval_days", "Median interval, days", "number", "median of those gaps (mean of the two middle ones for an even count)"),
    Metric("days_to_second_order", "Days to 2nd order", "number", "first gap: second order day − first order day"),
    Metric("ltv_historical", "Historical LTV", "money", "net_revenue over the window"),
    Metric("ltv_historical_margin", "Historical LTV (margin)", "money", "margin over the window"),
    Metric("status", "Status", "text", "new / active / at-risk / lapsed (see Status)"),
)  # fmt: skip


def build_customers(
    reduced: Reduced, settings: Settings, as_of: DayNumber, p75: float | None = None
) -> pd.DataFrame:
    """The customer table with every derived column, money in cents, dates as datetime64[D].

    Internal columns (``_first_day`` ...) stay for the analyses and are not rendered. ``p75``
    is the population's ``second_order_p75``, given when ``reduced`` holds only some customers.
    """
    c = reduced.customers
    orders = c["orders"].to_numpy()
    buyer = orders > 0
    net = c["net_cents"].to_numpy()
    c = c.rename(
        columns={
            "gross_cents": "gross_revenue",
            "refund_cents": "refunds",
            "net_cents": "net_revenue",
        }
    )
    margin = _margin(reduced, settings, net, orders)
    c["cost"] = None if margin is None else pd.array(net - margin, dtype="Int64")
    c["margin"] = None if margin is None else pd.array(margin, dtype="Int64")
    c["aov"] = pd.array(divide_cents_array(net, orders), dtype="Int64")
    c.loc[~buyer, "aov"] = pd.NA
    first, last = c["_first_day"].to_numpy(), c["_last_day"].to_numpy()
    c["recency_days"] = pd.array(np.where(buyer, as_of - last, 0), dtype="Int64")
    c["age_days"] = pd.array(np.where(buyer, as_of - first, 0), dtype="Int64")
    c["tenure_days"] = pd.array(np.where(buyer, last - first, 0), dtype="Int64")
    for column in ("recency_days", "age_days", "tenure_days"):
        c.loc[~buyer, column] = pd.NA
    c["ltv_historical"] = c["net_revenue"]
    c["ltv_historical_margin"] = c["margin"]
    c["status"] = customer_status(c, settings, p75 if p75 is not None else second_order_p75(c))
    keys = [m.key for m in CUSTOMER_COLUMNS]
    rest = [k for k in c.columns if k not in keys and k != "cost_cents"]
    return c[keys + rest]


def _margin(
    reduced: Reduced, settings: Settings, net: np.ndarray, orders: np.ndarray
) -> np.ndarray | None:
    """Margin per customer in cents, or None when it cannot be known."""
    service = settings.service_cost * orders
    margin: np.ndarray | None = None
    if reduced.has_cost:
        margin = net - reduced.customers["cost_cents"].to_numpy() - service
    elif settings.margin is not None:
        margin = scale_cents(net, settings.margin) - service
    elif settings.service_cost:
        margin = net - service
    return margin


def second_order_p75(customers: pd.DataFrame) -> float | None:
    """The population's 75th percentile of days to the second order (linear interpolation)."""
    return percentile_75(customers["days_to_second_order"].dropna().to_numpy())


def percentile_75(days: np.ndarray) -> float | None:
    return float(np.percentile(days, 75)) if len(days) else None


def customer_status(c: pd.DataFrame, settings: Settings, p75: float | None) -> pd.Categorical[str]:
    """new → lapsed → at-risk → active, the first that applies (``docs/metrics.md``, Status).

    ``p75``: the population's 75th percentile of days to a 2nd order (``second_order_p75``)."""
    recency = c["recency_days"].to_numpy(dtype=float, na_value=np.nan)
    age = c["age_days"].to_numpy(dtype=float, na_value=np.nan)
    median = c["median_interval_days"].to_numpy()
    repeat = c["order_days"].to_numpy() >= 2
    with np.errstate(invalid="ignore"):
        slipping = np.where(
            repeat,
            recency > settings.risk_factor * median,
            recency > (p75 if p75 is not None else np.inf),
        )
        codes = np.select(
            [np.isnan(age), age < settings.new_days, recency > settings.churn_window, slipping],
            [-1, STATUSES.index(NEW), STATUSES.index(LAPSED), STATUSES.index(AT_RISK)],
            default=STATUSES.index(ACTIVE),
        )
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(STATUSES))


# RFM_MAP[r][f]: the segment of a customer with recency score r and frequency score f.
_R5 = ("new", "potential loyalist", "potential loyalist", "champions", "champions")
_R3 = ("about to sleep", "about to sleep", "need attention", "loyal", "loyal")
_R2 = ("hibernating", "hibernating", "at risk", "at risk", "cannot lose them")
_R1 = ("lost", "lost", "at risk", "at risk", "cannot lose them")
_R4 = ("promising", "potential loyalist", "potential loyalist", "champions", "champions")
RFM_MAP = {5: _R5, 4: _R4, 3: _R3, 2: _R2, 1: _R1}
RFM_ORDER = ("champions", "loyal", "potential loyalist", "new", "promising", "need attention",
             "about to sleep", "at risk", "cannot lose them", "hibernating", "lost")  # fmt: skip

RFM_COLUMNS: tuple[Metric, ...] = (
    Metric("r_score", "R", "count", "recency score 1–5: ceil(5 × percentile rank of −recency_days), ties sharing their average rank"),
    Metric("f_score", "F", "count", "frequency score 1–5 from orders, the same way"),
    Metric("m_score", "M", "count", "money score 1–5 from net_revenue, the same way"),
    Metric("rfm_segment", "RFM segment", "text", "the name of (r_score, f_score) in the RFM map (see Segments)"),
)  # fmt: skip


def rfm_scores(c: pd.DataFrame) -> pd.DataFrame:
    """R, F, M scores 1–5 (5 = most recent, most orders, most money) and the R×F name."""
    r = quintile_scores(-c["recency_days"].astype(float))
    f = quintile_scores(c["orders"].astype(float))
    names = np.array([[RFM_MAP[ri][fi - 1] for fi in range(1, 6)] for ri in range(1, 6)])
    return pd.DataFrame(
        {
            "r_score": r,
            "f_score": f,
            "m_score": quintile_scores(c["net_revenue"].astype(float)),
            "rfm_segment": pd.Categorical(names[r - 1, f - 1], categories=RFM_ORDER),
        },
        index=c.index,
    )


def quintile_scores(values: pd.Series) -> np.ndarray:
    """1–5 from the percentile rank (ties share the average rank): ceil(5 × rank / n)."""
    pct = values.rank(method="average", pct=True).to_numpy()
    return np.clip(np.ceil(pct * 5), 1, 5).astype(int)


def status_with_p_alive(status: pd.Series, p_alive: pd.Series) -> pd.Categorical[str]:
    """With a fitted model, P(alive) decides who is slipping away: an active or at-risk
    customer is at-risk when P(alive) < 0.5, active otherwise; new and lapsed stay."""
    codes = np.asarray(pd.Categorical(status, categories=STATUSES).codes).copy()
    judged = np.isin(codes, [STATUSES.index(ACTIVE), STATUSES.index(AT_RISK)])
    alive = p_alive.to_numpy(dtype=float, na_value=np.nan)
    judged &= ~np.isnan(alive)
    codes[judged] = np.where(alive[judged] < 0.5, STATUSES.index(AT_RISK), STATUSES.index(ACTIVE))
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(STATUSES))


MARGIN_COLUMNS = ("cost", "margin", "ltv_historical_margin")


def visible_columns(
    customers: pd.DataFrame, margin_known: bool, has_currency: bool | None = None
) -> list[str]:
    """The columns a user sees: the definitions, then the attributes; nothing always empty.

    ``has_currency``: whether any customer has a currency, when ``customers`` are only some."""
    keys = [m.key for m in CUSTOMER_COLUMNS if margin_known or m.key not in MARGIN_COLUMNS]
    if has_currency is None:
        has_currency = bool(customers["currency"].notna().any())
    if not has_currency:
        keys.remove("currency")
    return keys + attribute_columns(customers)


def attribute_columns(customers: pd.DataFrame) -> list[str]:
    """The passed-through columns of the orders (city, channel, contacts ...)."""
    known = {m.key for m in CUSTOMER_COLUMNS + RFM_COLUMNS} | {"cost_cents"}
    return [c for c in customers.columns if c not in known and not c.startswith("_")]


def select_customers(
    customers: pd.DataFrame,
    columns: list[str],
    status: list[str] | None = None,
    sort: str | None = None,
    ascending: bool = False,
    top: int | None = None,
) -> pd.DataFrame:
    """Filter by status, sort (largest first unless ``ascending``), keep the first ``top``."""
    from ltvcli.errors import ConfigError
    from ltvcli.messages import Message

    frame = customers
    if status:
        unknown = set(status) - set(STATUSES)
        if unknown:
            raise ConfigError(
                Message(
                    "--status is one of {statuses}, not {unknown}",
                    statuses=", ".join(STATUSES), unknown=", ".join(sorted(unknown)),
                )
            )  # fmt: skip
        frame = frame[frame["status"].isin(status)]
    if sort:
        if sort not in frame.columns or sort.startswith("_"):
            raise ConfigError(
                Message("--sort: no column {name!r} (have: {have})", name=sort, have=", ".join(columns))
            )  # fmt: skip
        frame = frame.sort_values(sort, ascending=ascending, kind="stable", na_position="last")
    if top is not None:
        frame = frame.head(top)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(
            Message(
                "--columns: no column {name!r} (have: {have})",
                name=missing[0], have=", ".join(visible_columns(customers, True)),
            )
        )  # fmt: skip
    return frame[columns].reset_index(drop=True)
