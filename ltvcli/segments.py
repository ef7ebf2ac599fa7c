"""Segments: the KPIs of ``ltvcli.metrics`` per group of customers, and the derived groupings.

A segment is a value of a customer attribute (taken at the first order by default: the
acquisition city, channel, category) or of a derived key:

- ``rfm``: recency, frequency and money scores 1–5 (quintiles of the percentile rank, ties
  sharing a score), named by the R×F map (``ltvcli.customers.RFM_MAP``);
- ``frequency``: purchases per month of the customer's age (orders / months since the first
  order), in bands cut at ``Settings.frequency_bands`` (0.25, 0.5, 1, 3 a month by default;
  ``frequency_bands`` in ltv.toml's [analysis]); customers under 3 months old in a band of
  their own;
- ``orders``: order-count bands ``ORDER_BANDS`` (the column ``order_count``);
- ``ltv-tier``: top 20 % / middle 30 % / bottom 50 % of customers by historical LTV;
- ``cohort``: the first-order month (``--period``: week, month, quarter, year);
- ``status``: new / active / at-risk / lapsed;
- ``main-category``: the category with the largest share of the customer's spend, from the
  order lines (``ltvcli.products.main_category``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
import pandas as pd

from ltvcli.analysis import Analysis
from ltvcli.cents import divide_cents
from ltvcli.confidence import mean_interval, wilson_interval
from ltvcli.customers import AT_RISK, RFM_ORDER, STATUSES, attribute_columns, rfm_scores
from ltvcli.definition import Metric
from ltvcli.engine.reduce import median_by_owner
from ltvcli.errors import ConfigError
from ltvcli.messages import Message
from ltvcli.metrics import KPI_COLUMNS, METRIC_BY_KEY, kpis
from ltvcli.periods import PERIODS, period_labels
from ltvcli.products import main_category
from ltvcli.settings import Settings

TOTAL, OTHER, NONE = "(total)", "(other)", "(none)"
DERIVED = ("rfm", "frequency", "orders", "ltv-tier", "cohort", "status", "main-category")

ORDER_BANDS = ((1, 1, "1 order"), (2, 2, "2 orders"), (3, 4, "3-4 orders"),
               (5, 9, "5-9 orders"), (10, None, "10+ orders"))  # fmt: skip
DAYS_PER_MONTH = 365.25 / 12
TOO_NEW_DAYS = 90  # younger customers are not banded by purchases a month
TOO_NEW = "under 3 months old"
LTV_TIERS = ((0.2, "top 20%"), (0.5, "middle 30%"), (1.0, "bottom 50%"))

_KPI_KEYS = ("customers", "confidence", "customer_share", "orders", "net_revenue",
             "revenue_share", "margin", "aov", "orders_per_customer", "purchase_frequency",
             "repeat_rate", "repeat_rate_low", "repeat_rate_high", "ltv_historical",
             "ltv_historical_low", "ltv_historical_high", "ltv_historical_median",
             "ltv_historical_margin", "ltv_formula", "ltv_formula_margin", "lifespan_years",
             "lifespan_basis",
             "median_interval_days", "churn_rate", "at_risk_share", "cac", "ltv_cac_ratio",
             "nps")  # fmt: skip
_OWN = {
    "confidence": Metric("confidence", "Confidence", "text", "low when the segment has fewer customers than small_segment (30), else empty"),
    "repeat_rate_low": Metric("repeat_rate_low", "Repeat rate, low", "rate", "lower end of the 95 % Wilson interval of repeat_rate"),
    "repeat_rate_high": Metric("repeat_rate_high", "Repeat rate, high", "rate", "upper end of the 95 % Wilson interval of repeat_rate"),
    "ltv_historical_low": Metric("ltv_historical_low", "Historical LTV, low", "money", "lower end of the 95 % interval of ltv_historical (bootstrap up to 500 customers, else normal)"),
    "ltv_historical_high": Metric("ltv_historical_high", "Historical LTV, high", "money", "upper end of the 95 % interval of ltv_historical"),
    "customer_share": Metric("customer_share", "Customers, share", "rate", "segment customers / all customers"),
    "revenue_share": Metric("revenue_share", "Revenue, share", "rate", "segment net_revenue / all net_revenue"),
    "orders_per_customer": Metric("orders_per_customer", "Orders per customer", "number", "orders / customers"),
    "median_interval_days": Metric("median_interval_days", "Median days between orders", "number", "median of all gaps between consecutive distinct order days of the segment's customers"),
    "at_risk_share": Metric("at_risk_share", "At risk, share", "rate", "share of the segment's customers with status at-risk"),
    "nps": Metric("nps", "NPS", "number", "% promoters (9–10) − % detractors (0–6) among customers with a score (--customers file)"),
}  # fmt: skip
SEGMENT_METRICS: tuple[Metric, ...] = tuple(_OWN.get(k) or METRIC_BY_KEY[k] for k in _KPI_KEYS)


def default_keys(analysis: Analysis, count: int = 1) -> list[str]:
    """The acquisition channel, then the city (up to ``count`` keys); else frequency bands."""
    from ltvcli.fields import attribute_kind

    attrs = attribute_columns(analysis.customers)
    cities = [a for a in attrs if attribute_kind(a) == "city"]
    keys = ([analysis.channel] if analysis.channel else []) + cities[:1]
    return keys[:count] or ["frequency"]


def segment_keys(analysis: Analysis, by: list[str], period: str = "month") -> pd.DataFrame:
    """One column per ``--by`` key, one row per buyer (index of ``analysis.customers``)."""
    c = analysis.customers
    if not (buyer := c["orders"] > 0).all():
        c = c[buyer]
    out = {}
    for name in (resolve_column(n, c) for n in by):
        if name == "rfm":
            out["rfm"] = rfm_scores(c)["rfm_segment"].astype(object)
        elif name == "frequency":
            bands = analysis.settings.frequency_bands
            out["frequency"] = monthly_bands(c["orders"], c["age_days"], bands)
        elif name == "orders":  # a column of its own name: "orders" is a KPI column
            out["order_count"] = order_bands(c["orders"])
        elif name == "ltv-tier":
            out["ltv_tier"] = ltv_tiers(c["ltv_historical"])
        elif name == "cohort":
            out["cohort"] = pd.Series(
                period_labels(c["_first_day"].to_numpy(), period), index=c.index
            )
        elif name == "status":
            out["status"] = c["status"].astype(object)
        elif name == "main-category":
            out["main_category"] = main_category(analysis).loc[c.index]
        elif name in c.columns and not name.startswith("_"):
            out[name] = _labels(c[name])
        else:
            attrs = ", ".join(attribute_columns(c)) or Message("none in this file")
            raise ConfigError(
                Message(
                    "--by: no column {name!r}; attribute columns: {attrs}; derived: {derived}",
                    name=name,
                    attrs=attrs,
                    derived=", ".join(DERIVED),
                )
            )
    if period not in PERIODS:
        raise ConfigError(
            Message("{flag} is one of {choices}", flag="--period", choices=", ".join(PERIODS))
        )
    return pd.DataFrame(out, index=c.index)


def _labels(values: pd.Series) -> pd.Series:
    """An attribute's values as segment labels, blank ones "(none)"; a categorical stays one
    (it groups by its codes)."""
    blank = (values.isna() | (values == "")).to_numpy()
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return values.astype(object).where(~blank, NONE)
    if NONE not in values.cat.categories:
        values = values.cat.add_categories([NONE])
    return values.where(~blank, NONE)


def resolve_column(name: str, customers: pd.DataFrame) -> str:
    """``--by город`` finds the column ``Город``: header spelling does not matter."""
    from ltvcli.fields import normalise_header

    if name in customers.columns or name in DERIVED:
        return name
    wanted = normalise_header(name)
    found = [c for c in attribute_columns(customers) if normalise_header(c) == wanted]
    return found[0] if found else name


# segment numbers by customer -> each segment's extra columns (-1: the total row's)
Bounds = Callable[[pd.Series], dict[int, dict[str, object]]]


def segment_table(
    analysis: Analysis,
    by: list[str],
    period: str = "month",
    min_customers: int = 0,
    means: pd.DataFrame | None = None,
    bounds: Bounds | None = None,
) -> pd.DataFrame:
    """Per segment: the KPIs (``SEGMENT_METRICS``), then a total row.

    ``means`` (per-customer numbers indexed like the customer table, such as predictions) are
    averaged over each segment's customers and appended as columns of the same names;
    ``bounds`` gives more columns per segment from the segments' numbers (0, 1, ... by customer,
    −1 for the total row): the bounds of a mean, which are no mean of bounds.
    """
    c = analysis.customers
    currencies = c["currency"].dropna().unique()
    if len(currencies) > 1:
        raise ConfigError(
            Message("orders in several currencies: pass --currency to segment one of them")
        )
    keys = segment_keys(analysis, by, period)
    names = list(keys.columns)
    if min_customers > 1:
        keys = _fold_small(keys, min_customers)
    # the columns the numbers need: splitting the whole table by segment would copy it all
    wanted = {*KPI_COLUMNS, "nps_score"}
    buyers = c[[name for name in c.columns if name in wanted]]
    buyers = buyers if keys.index.equals(c.index) else buyers.loc[keys.index]
    # the one currency as a category: its one-byte codes split faster than the text
    missing = buyers["currency"].isna().to_numpy()
    codes = np.where(missing, -1, 0).astype(np.int8)
    buyers = buyers.assign(
        currency=pd.Categorical.from_codes(codes, categories=pd.Index(currencies))
    )
    totals = (len(buyers), int(buyers["net_revenue"].sum()))
    grouping = Grouping.of(keys, sort=False)
    medians = _median_gaps(analysis, grouping)
    bounded = bounds(grouping.ids) if bounds is not None else {}
    total = (
        dict.fromkeys(names, TOTAL)
        | _row(analysis, buyers, medians.get(-1), totals, None, None, total=True)
        | _means(means, buyers.index)
        | bounded.get(-1, {})
    )  # first: a segment too young for its own churn takes the total's lifespan
    population = (float(cast(float, total["lifespan_years"])), str(total["lifespan_basis"]))
    by_channel = len(names) == 1 and names[0] == analysis.channel and analysis.spend is not None
    rows = []
    for gid, (values, group) in enumerate(
        zip(grouping.values, grouping.split(buyers), strict=True)
    ):
        channel = str(values[0]) if by_channel and values[0] not in (NONE, OTHER) else None
        rows.append(
            dict(zip(names, values, strict=True))
            | _row(analysis, group, medians.get(gid), totals, channel, population)
            | _means(means, group.index)
            | bounded.get(gid, {})
        )
    extra = ([] if means is None else list(means.columns)) + list(bounded.get(-1, {}))
    table = _order(
        pd.DataFrame(rows, columns=names + list(_KPI_KEYS) + extra), names, analysis.settings
    )
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def _means(values: pd.DataFrame | None, rows: pd.Index) -> dict[str, object]:
    """Means over ``rows``; integer columns (cents) are divided exactly, half-up to the cent."""
    if values is None:
        return {}
    part = values.reindex(rows)
    out: dict[str, object] = {}
    for name in part.columns:
        column = part[name].dropna()
        if pd.api.types.is_integer_dtype(column.dtype):
            out[name] = divide_cents(int(column.sum()), len(column))
        else:
            out[name] = float(column.mean()) if len(column) else None
    return out


def _row(
    analysis: Analysis,
    group: pd.DataFrame,
    median_gap: float | None,
    totals: tuple[int, int],
    channel: str | None,
    population: tuple[float, str] | None,
    total: bool = False,
) -> dict[str, object]:
    """One segment's numbers. CAC: the channel's spend for a channel segment, the whole spend
    for the total row, otherwise only a flat --cac (spend is not attributable to the segment).
    Lifespan: the population's when the segment's own churn cannot be measured."""
    context = analysis.context(group, channel) if (total or channel) else analysis.flat_context()
    k = kpis(group, replace(context, population=population))
    scores = group["nps_score"] if "nps_score" in group.columns else None
    n = len(group)
    repeat_low, repeat_high = wilson_interval(int((group["orders"] >= 2).sum()), n)
    ltv_low, ltv_high = mean_interval(group["net_revenue"].to_numpy(np.int64))
    return {key: k.get(key) for key in _KPI_KEYS} | {
        "confidence": "low" if n < analysis.settings.small_segment else None,
        "repeat_rate_low": repeat_low,
        "repeat_rate_high": repeat_high,
        "ltv_historical_low": ltv_low,
        "ltv_historical_high": ltv_high,
        "customer_share": len(group) / totals[0] if totals[0] else None,
        "revenue_share": int(group["net_revenue"].sum()) / totals[1] if totals[1] else None,
        "orders_per_customer": int(group["orders"].sum()) / len(group) if len(group) else None,
        "median_interval_days": median_gap,
        "at_risk_share": float((group["status"] == AT_RISK).mean()) if len(group) else None,
        "nps": net_promoter_score(scores) if scores is not None else None,
    }


def net_promoter_score(scores: pd.Series) -> float | None:
    """% promoters (9–10) − % detractors (0–6) among the scores given."""
    s = pd.to_numeric(scores, errors="coerce").dropna()
    if s.empty:
        return None
    return float(((s >= 9).mean() - (s <= 6).mean()) * 100)


def monthly_labels(edges: tuple[float, ...]) -> list[str]:
    """``(1, 3)`` → ``under 1 a month``, ``1-3 a month``, ``3+ a month``, then the band of
    customers too new to tell."""
    if not edges:
        return ["any", TOO_NEW]
    inner = [f"{low:g}-{high:g} a month" for low, high in itertools.pairwise(edges)]
    return [f"under {edges[0]:g} a month", *inner, f"{edges[-1]:g}+ a month", TOO_NEW]


def monthly_bands(orders: pd.Series, age_days: pd.Series, edges: tuple[float, ...]) -> pd.Series:
    """Purchases per month of age, in the bands between ``edges``; a customer younger than
    ``TOO_NEW_DAYS`` has no rate to speak of yet (one order last week is not "4 a month")."""
    age = age_days.to_numpy(np.float64)
    rate = orders.to_numpy(np.float64) / ((age + 1) / DAYS_PER_MONTH)
    labels = np.asarray(monthly_labels(edges), dtype=object)
    band = np.searchsorted(np.asarray(edges), rate, side="right")
    band[age < TOO_NEW_DAYS] = len(labels) - 1
    return pd.Series(labels[band], index=orders.index)


def order_bands(orders: pd.Series) -> pd.Series:
    n = orders.to_numpy()
    out = np.empty(len(n), dtype=object)
    for low, high, label in ORDER_BANDS:
        out[(n >= low) & ((n <= high) if high is not None else True)] = label
    return pd.Series(out, index=orders.index)


def ltv_tiers(ltv: pd.Series) -> pd.Series:
    """Rank by historical LTV (largest first, ties in table order) and cut at 20 % and 50 %."""
    order = np.argsort(-ltv.to_numpy(np.int64), kind="stable")
    position = np.empty(len(order), dtype=float)
    position[order] = (np.arange(len(order)) + 1) / max(len(order), 1)
    out = np.empty(len(order), dtype=object)
    for bound, label in reversed(LTV_TIERS):
        out[position <= bound] = label
    return pd.Series(out, index=ltv.index)


def _order(table: pd.DataFrame, names: list[str], settings: Settings) -> pd.DataFrame:
    """Natural order for derived keys (bands, tiers, periods), else the largest segments first;
    "(other)" and "(none)" last."""
    natural = {
        "rfm": RFM_ORDER,
        "frequency": monthly_labels(settings.frequency_bands),
        "order_count": [label for *_, label in ORDER_BANDS],
        "ltv_tier": [label for _, label in LTV_TIERS],
        "status": STATUSES,
    }
    keys = {"_folded": table[names].isin([OTHER, NONE]).any(axis=1)}
    for name in names:
        if name in natural:
            rank = {v: i for i, v in enumerate(natural[name])}
            keys[f"_{name}"] = table[name].map(lambda v, r=rank: r.get(v, len(r)))
        elif name == "cohort":
            keys["_cohort"] = table[name]
    if len(keys) == 1:
        keys["_size"] = -table["customers"]
    order = pd.DataFrame(keys).sort_values(list(keys), kind="stable").index
    return table.loc[order].reset_index(drop=True)


def _fold_small(keys: pd.DataFrame, min_customers: int) -> pd.DataFrame:
    """Segments with fewer than ``min_customers`` customers become one "(other)" segment."""
    grouping = Grouping.of(keys, sort=False)
    ids = grouping.ids.to_numpy()
    small = np.zeros(len(keys), dtype=bool)
    small[ids >= 0] = np.diff(grouping.bounds)[ids[ids >= 0]] < min_customers
    keys = keys.astype(object)  # "(other)" is no category of a categorical key
    keys.loc[small, :] = OTHER
    return keys


@dataclass(frozen=True, eq=False)
class Grouping:
    """Customers grouped by their segment keys: each segment's key values, each customer's
    segment, and the customers' rows segment by segment."""

    values: list[tuple[object, ...]]  # the key values of segment 0, 1, ...
    ids: pd.Series  # each customer's segment (−1: a missing key), indexed like the keys
    order: np.ndarray  # the keys' row positions, segment by segment (input order within one)
    bounds: np.ndarray  # segment g is order[bounds[g] : bounds[g + 1]]

    @classmethod
    def of(cls, keys: pd.DataFrame, sort: bool) -> Grouping:
        """Segments in the keys' sorted order, or in order of first appearance, as pandas'
        ``groupby`` numbers them (a missing key: no segment); by factorising each key, which
        in order of appearance takes a categorical's codes instead of hashing every value."""
        number = np.zeros(len(keys), dtype=np.int64)
        count = 1  # (no key column: everyone in one segment)
        for name in keys.columns:
            column = keys[name]
            if sort and isinstance(column.dtype, pd.CategoricalDtype):
                column = column.astype(object)  # sorted by value, not in category order
            codes, uniques = pd.factorize(column, sort=sort)
            pairs = np.where((number < 0) | (codes < 0), -1, number * len(uniques) + codes)
            number = np.full(len(keys), -1, dtype=np.int64)
            present = pairs >= 0
            number[present], segments = pd.factorize(pairs[present], sort=sort)
            count = len(segments)
        order, bounds = runs(number, count)
        first_rows = keys.iloc[order[bounds[:-1]]]
        values = list(first_rows.itertuples(index=False, name=None))
        return cls(values, pd.Series(number, index=keys.index), order, bounds)

    def split(self, frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
        """Each segment's rows of ``frame`` (whose rows are the keys'). Each column is taken
        once, as one array: pandas' split takes the table's 2-D blocks, several times slower."""
        index = frame.index.take(self.order)
        columns = {name: frame[name].array.take(self.order) for name in frame.columns}
        for a, b in itertools.pairwise(self.bounds):
            part = {name: values[a:b] for name, values in columns.items()}
            yield pd.DataFrame(part, index=index[a:b], copy=False)

    def of_customers(self, count: int) -> np.ndarray:
        """The segment of each row of the customer table (``count`` rows; −1: none)."""
        segment = np.full(count, -1, dtype=np.int64)
        segment[self.ids.index.to_numpy()] = self.ids.to_numpy()
        return segment


def runs(number: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The positions of ``number``'s values 0 … count − 1, value by value (input order within
    one; −1 left out), and where each value's run starts in them (``count + 1`` bounds)."""
    # a stable sort of small integers is a radix sort
    order = np.argsort(number.astype(np.min_scalar_type(-count)), kind="stable")
    bounds = np.searchsorted(number[order], np.arange(count + 1))
    return order, bounds


def _median_gaps(analysis: Analysis, grouping: Grouping) -> dict[int, float]:
    """Median gap between order days per segment, and over all buyers under key -1."""
    r = analysis.reduced
    if len(r.gaps) == 0:
        return {}
    group = grouping.of_customers(len(analysis.customers))[r.gap_owner]
    grouped = group >= 0
    per_group = median_by_owner(group[grouped], r.gaps[grouped], len(grouping.values))
    medians = {g: float(m) for g, m in enumerate(per_group) if not np.isnan(m)}
    medians[-1] = float(np.median(r.gaps))
    return medians
