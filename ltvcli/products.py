"""Products: who buys each product (or SKU, or category), who buys it again and after how long,
what the customers whose first order held it are worth, and what follows what.

Everything is a function of the order lines (``ltvcli.engine.lines.Lines``) and the customer
table. A line's net revenue is its share of its order row's net revenue (split by line value,
exact to the cent), so the products' net revenue adds up to the customers'. A customer "bought"
a product on a day when one of their orders that day had a line of it; refund rows are not
purchases. ``docs/metrics.md`` (Products) defines every column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ltvcli.analysis import Analysis
from ltvcli.cents import divide_cents
from ltvcli.confidence import mean_interval, wilson_interval
from ltvcli.definition import Metric
from ltvcli.engine.days import day_date
from ltvcli.engine.lines import Lines
from ltvcli.errors import ConfigError, InputError
from ltvcli.messages import Message
from ltvcli.schema.lines import SLOTS
from ltvcli.survival import kaplan_meier, quantiles, share_at

# The slots as said to people (notes, errors); the catalog translates them.
SLOT_WORDS = {"product": Message("product"), "sku": Message("SKU"), "category": Message("category")}
NONE = "(none)"
TOTAL = "(total)"
VALUE_DAYS = 365  # the window of "12-month LTV": days from the first order
PATH_ORDERS = 3

# What a group of customers is worth: the numbers shared by first-product rows and drivers.
VALUE_METRICS: tuple[Metric, ...] = (
    Metric("confidence", "Confidence", "text", "low when the group has fewer customers than small_segment (30), else empty"),
    Metric("repeat_rate", "Repeat rate", "rate", "share of the group's customers with 2 orders or more"),
    Metric("repeat_rate_low", "Repeat rate, low", "rate", "lower end of the 95 % Wilson interval of repeat_rate"),
    Metric("repeat_rate_high", "Repeat rate, high", "rate", "upper end of the 95 % Wilson interval of repeat_rate"),
    Metric("ltv_historical", "Historical LTV", "money", "mean net revenue per customer over the window"),
    Metric("mature_customers", "Customers 12+ months old", "count", "the group's customers whose first order is at least 365 days before the as-of day"),
    Metric("ltv_12m", "12-month LTV", "money", "mean net revenue in the 365 days from the first order, over mature_customers"),
    Metric("ltv_12m_low", "12-month LTV, low", "money", "lower end of the 95 % interval of ltv_12m (bootstrap up to 500 customers, else normal)"),
    Metric("ltv_12m_high", "12-month LTV, high", "money", "upper end of the 95 % interval of ltv_12m"),
)  # fmt: skip

PRODUCT_METRICS: tuple[Metric, ...] = (
    Metric("customers", "Customers", "count", "customers with a sale line of it"),
    Metric("orders", "Orders", "count", "orders with a line of it"),
    Metric("units", "Units", "number", "units sold (the quantity column; 1 a line without one)"),
    Metric("net_revenue", "Net revenue", "money", "its lines' share of their order rows' net revenue (split by line value), refunds of it subtracted"),
    Metric("revenue_share", "Revenue, share", "rate", "net_revenue / all lines' net_revenue"),
    Metric("repurchase_rate", "Bought again", "rate", "share of its customers who bought it on two days or more"),
    Metric("repurchase_p25_days", "Again: p25 days", "number", "days between purchases of it by which 25 % have bought it again (Kaplan–Meier, censored at the as-of day)"),
    Metric("repurchase_median_days", "Again: median days", "number", "days by which half have bought it again (Kaplan–Meier; empty if fewer ever do): the replenishment interval"),
    Metric("repurchase_p75_days", "Again: p75 days", "number", "days by which 75 % have bought it again (Kaplan–Meier)"),
    Metric("due_customers", "Due now", "count", "its customers whose last purchase of it is more than repurchase_median_days before the as-of day, with no later purchase of it"),
    Metric("first_customers", "First-order customers", "count", "customers whose first order had a line of it"),
    *(
        Metric(f"first_{m.key}", f"First order: {m.label[0].lower()}{m.label[1:]}", m.kind, f"{m.formula}, among first_customers")
        for m in VALUE_METRICS
    ),
)  # fmt: skip

TRANSITION_METRICS: tuple[Metric, ...] = (
    Metric("customers", "Customers", "count", "customers whose 1st order had `from` and whose 2nd order had `to`"),
    Metric("share", "Share", "rate", "customers / customers whose 1st order had `from` and who made a 2nd order"),
    Metric("second_order_customers", "Came back", "count", "customers whose 1st order had `from` and who made a 2nd order"),
)  # fmt: skip

PATH_METRICS: tuple[Metric, ...] = (
    Metric("customers", "Customers", "count", "customers whose first three orders' largest lines were these, in this order"),
    Metric("share", "Share", "rate", "customers / customers with as many orders"),
)  # fmt: skip


def slot_of(analysis: Analysis, by: str | None, named: dict[str, str] | None = None) -> str:
    """``--by``: product, sku or category, or the header of the column that holds one (by its
    name, or the one ``named`` gives a slot); by default the first of them the lines have."""
    from ltvcli.fields import attribute_kind, normalise_header

    frame = order_lines(analysis).frame
    if by is None:
        found = [slot for slot in SLOTS if frame[slot].notna().any()]
        if not found:
            raise InputError(
                Message("no product, SKU or category column in the orders"),
                hint=Message("name one: --product-column, --sku-column or --category-column"),
            )
        return found[0]
    flagged = {normalise_header(column): slot for slot, column in (named or {}).items()}
    kind = by if by in SLOTS else flagged.get(normalise_header(by)) or attribute_kind(by)
    if kind not in SLOTS:
        raise ConfigError(
            Message(
                "--by: {name!r} is not product, sku or category (name a column with "
                "--product-column, --sku-column or --category-column)",
                name=by,
            )
        )
    if frame[kind].isna().all():
        raise InputError(
            Message("no {slot} column in the orders", slot=SLOT_WORDS[kind]),
            hint=Message(
                "ltv products and ltv drivers take its header: --{slot}-column NAME", slot=kind
            ),
        )
    return kind


def order_lines(analysis: Analysis) -> Lines:
    """The analysis' order lines (the commands that need them ask the load to keep them)."""
    lines = analysis.reduced.lines
    if lines is None:
        raise ConfigError(Message("order lines were not kept: load with keep_lines=True"))
    if analysis.customers["currency"].nunique() > 1:
        raise ConfigError(
            Message("orders in several currencies: pass --currency to look at one of them")
        )
    return lines


@dataclass
class _Purchases:
    """One row per (product, customer, day) bought, and per (product, customer)."""

    days: pd.DataFrame  # key, owner, day
    pairs: pd.DataFrame  # key, owner, last (day), times (distinct days)


def _purchases(sales: pd.DataFrame, key: pd.Series) -> _Purchases:
    """The distinct (product, customer, day) of ``sales`` in that order, by one sort of
    integer codes (no hashing of text), and per (product, customer) the last day and count."""
    codes = key.cat.codes.to_numpy().astype(np.int64)
    owner = sales["owner"].to_numpy()
    day = sales["day"].to_numpy()
    order = np.lexsort((day, owner, codes))
    codes, owner, day = codes[order], owner[order], day[order]
    pair_starts = np.r_[True, (codes[1:] != codes[:-1]) | (owner[1:] != owner[:-1])]
    new = pair_starts | np.r_[True, day[1:] != day[:-1]]
    codes, owner, day, pair_starts = codes[new], owner[new], day[new], pair_starts[new]
    categories = key.cat.categories
    days = pd.DataFrame(
        {"key": pd.Categorical.from_codes(codes, categories=categories), "owner": owner, "day": day}
    )
    first = np.flatnonzero(pair_starts)
    last = np.r_[first[1:], len(codes)] - 1
    pairs = pd.DataFrame(
        {
            "key": pd.Categorical.from_codes(codes[first], categories=categories),
            "owner": owner[first],
            "last": day[last],
            "times": last - first + 1,
        }
    )
    return _Purchases(days, pairs)


def product_table(analysis: Analysis, slot: str) -> pd.DataFrame:
    """Per product (or SKU, category): ``PRODUCT_METRICS``, largest revenue first; then the
    whole store as one product (every customer, order and unit once; "bought again" is then
    any second purchase day)."""
    frame = order_lines(analysis).frame
    total = _product_stats(analysis, frame, pd.Series(pd.Categorical([TOTAL] * len(frame))))
    table = _product_stats(analysis, frame, _keys(frame[slot]))
    table = table.sort_values(["net_revenue", "customers"], ascending=False, kind="stable")
    table = pd.concat([table, total])
    table["revenue_share"] = table["net_revenue"] / total["net_revenue"].iloc[0]
    table.index.name = slot
    rows = table.reset_index()
    rows[slot] = rows[slot].astype(object)
    return rows[[slot, *(m.key for m in PRODUCT_METRICS)]]


def _product_stats(analysis: Analysis, frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """``PRODUCT_METRICS`` but the revenue share, one row per value of ``key`` (one per line)."""
    sale = (frame["order"] >= 0).to_numpy()
    sales, sale_key = frame[sale], key[sale]
    bought = _purchases(sales, sale_key)
    orders = sales.groupby([sale_key, sales["owner"], sales["order"]], observed=True).size()
    table = pd.DataFrame(
        {
            "customers": bought.pairs.groupby("key", observed=True).size(),
            "orders": orders.groupby(level=0, observed=True).size(),
            "units": sales.groupby(sale_key, observed=True)["units"].sum(),
            # a product only refunded here (sold before the window) keeps its refund
            "net_revenue": frame.groupby(key, observed=True)["net_cents"].sum(),
        }
    )
    table.index = table.index.astype(object)
    for count in ("customers", "orders"):
        table[count] = table[count].fillna(0).astype("int64")
    table["units"] = table["units"].fillna(0.0)
    again = bought.pairs[bought.pairs["times"] >= 2].groupby("key", observed=True).size()
    table["repurchase_rate"] = again.reindex(table.index).fillna(0) / table["customers"]
    table = table.join(repurchase_quantiles(bought, analysis.as_of))
    due = bought.pairs.join(table["repurchase_median_days"], on="key")
    overdue = analysis.as_of - due["last"] > due["repurchase_median_days"]
    table["due_customers"] = overdue.groupby(due["key"], observed=True).sum().astype("int64")
    first = first_buyers(frame, key)
    value = group_values(analysis, frame, first["owner"], first["key"])
    table["first_customers"] = value.pop("customers")
    return table.join(value.add_prefix("first_"))


def _keys(text: pd.Series) -> pd.Series:
    """Line keys with the lines that have none under "(none)"."""
    values = text.astype(object).where(text.notna(), NONE)
    return pd.Series(pd.Categorical(values), index=text.index)


def repurchase_quantiles(bought: _Purchases, as_of: int) -> pd.DataFrame:
    """Per product: the Kaplan–Meier 25th, 50th and 75th percentiles of the days between
    consecutive purchase days of one customer, each customer's last purchase censored at
    the as-of day (still waiting, not "never"); NaN where the share never gets there."""
    curves = _not_yet_again(bought, as_of)
    names = {
        0.25: "repurchase_p25_days",
        0.5: "repurchase_median_days",
        0.75: "repurchase_p75_days",
    }
    return pd.DataFrame({name: quantiles(curves, 1 - share) for share, name in names.items()})


def repurchase_curves(
    analysis: Analysis, slot: str, keys: list[str], days: int
) -> dict[str, np.ndarray]:
    """The Kaplan–Meier share of each of ``keys``' buyers who bought it again within 0 to
    ``days`` days of a purchase (the same estimate as ``repurchase_quantiles``)."""
    frame = order_lines(analysis).frame
    sale = (frame["order"] >= 0).to_numpy()
    curves = _not_yet_again(_purchases(frame[sale], _keys(frame[slot])[sale]), analysis.as_of)
    span = np.arange(days + 1)
    return {key: 1 - share_at(curves[curves["key"] == key], span) for key in keys}


def _not_yet_again(bought: _Purchases, as_of: int) -> pd.DataFrame:
    """Kaplan–Meier curves per product (``ltvcli.survival``): the events are the gaps between
    one customer's consecutive purchase days of it; each customer's last purchase of it is
    censored at the as-of day."""
    days = bought.days
    key, owner, day = (days[c].to_numpy() for c in ("key", "owner", "day"))
    same = np.r_[False, (key[1:] == key[:-1]) & (owner[1:] == owner[:-1])]
    gap = np.r_[0, np.diff(day)]
    pairs = bought.pairs
    return kaplan_meier(
        np.r_[key[same].astype(object), pairs["key"].to_numpy().astype(object)],
        np.r_[gap[same], as_of - pairs["last"].to_numpy()],
        np.r_[np.ones(int(same.sum()), dtype=bool), np.zeros(len(pairs), dtype=bool)],
    )


def first_buyers(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """(key, owner) for each product in each customer's first order, once."""
    first = (frame["order"] == 0).to_numpy()
    return (
        pd.DataFrame({"key": key[first], "owner": frame["owner"][first]})
        .drop_duplicates()
        .reset_index(drop=True)
    )


def first_year_value(analysis: Analysis, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's net revenue in the ``VALUE_DAYS`` from their first order, and whether
    they have been a customer that long (only those have a 12-month value)."""
    c = analysis.customers
    first_day = c["_first_day"].to_numpy()
    owner = frame["owner"].to_numpy()
    within = frame["day"].to_numpy() - first_day[owner] < VALUE_DAYS
    sums = frame["net_cents"][within].groupby(owner[within]).sum()  # int64: exact cents
    value = np.zeros(len(c), dtype=np.int64)
    value[sums.index.to_numpy()] = sums.to_numpy()
    mature = (c["orders"].to_numpy() > 0) & (analysis.as_of - first_day >= VALUE_DAYS)
    return value, mature


def group_values(
    analysis: Analysis, frame: pd.DataFrame, owner: pd.Series, group: pd.Series
) -> pd.DataFrame:
    """``VALUE_METRICS`` (and ``customers``) per group of customers; a customer may be in
    several groups (one row per (group, owner) pair)."""
    c = analysis.customers
    value, mature = first_year_value(analysis, frame)
    repeat = c["orders"].to_numpy() >= 2
    net = c["net_revenue"].to_numpy(np.int64)
    small = analysis.settings.small_segment
    rows = {}
    owners = owner.to_numpy()
    for name, at in pd.Series(np.arange(len(owners))).groupby(group.to_numpy()).indices.items():
        who = owners[at]
        grown = who[mature[who]]
        low, high = wilson_interval(int(repeat[who].sum()), len(who))
        ltv_low, ltv_high = mean_interval(value[grown])
        rows[name] = {
            "customers": len(who),
            "confidence": "low" if len(who) < small else None,
            "repeat_rate": float(repeat[who].mean()),
            "repeat_rate_low": low,
            "repeat_rate_high": high,
            "ltv_historical": divide_cents(int(net[who].sum()), len(who)),
            "mature_customers": len(grown),
            "ltv_12m": divide_cents(int(value[grown].sum()), len(grown)) if len(grown) else None,
            "ltv_12m_low": ltv_low,
            "ltv_12m_high": ltv_high,
        }
    columns = ["customers", *(m.key for m in VALUE_METRICS)]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def transitions(analysis: Analysis, slot: str) -> pd.DataFrame:
    """What the 2nd order held, given the 1st: one row per (from, to) with the customers who
    made that move, their share of those who came back, largest first."""
    frame = order_lines(analysis).frame
    key = _keys(frame[slot])
    pick = frame["order"].isin([0, 1]).to_numpy()
    held = pd.DataFrame(
        {
            "key": key[pick].astype(object),
            "owner": frame["owner"][pick],
            "order": frame["order"][pick],
        }
    ).drop_duplicates()
    first = held[held["order"] == 0]
    second = held[held["order"] == 1]
    moves = first.merge(second, on="owner", suffixes=("_from", "_to"))
    came_back = first[first["owner"].isin(second["owner"])].groupby("key").size()
    table = moves.groupby(["key_from", "key_to"]).size().rename("customers").reset_index()
    table["second_order_customers"] = table["key_from"].map(came_back)
    table["share"] = table["customers"] / table["second_order_customers"]
    table = table.rename(columns={"key_from": "from", "key_to": "to"})
    table = table.sort_values(
        ["second_order_customers", "from", "customers", "to"],
        ascending=[False, True, False, True],
        kind="stable",
    )
    return table[["from", "to", "customers", "share", "second_order_customers"]].reset_index(
        drop=True
    )


def paths(analysis: Analysis, slot: str, top: int = 20) -> pd.DataFrame:
    """The most common sequences of the first ``PATH_ORDERS`` orders, each order named by its
    largest line's product (or category), among customers with that many orders."""
    frame = order_lines(analysis).frame
    pick = frame["order"].between(0, PATH_ORDERS - 1).to_numpy()
    lines = pd.DataFrame(
        {
            "key": _keys(frame[slot])[pick].astype(str).to_numpy(),
            "owner": frame["owner"][pick].to_numpy(),
            "order": frame["order"][pick].to_numpy(),
            "net": frame["net_cents"][pick].to_numpy(),
        }
    )
    per_key = lines.groupby(["owner", "order", "key"], sort=False)["net"].sum().reset_index()
    main = per_key.sort_values(
        ["owner", "order", "net", "key"], ascending=[True, True, False, True], kind="stable"
    ).drop_duplicates(["owner", "order"])
    orders = main.groupby("owner").size()
    enough = orders[orders == PATH_ORDERS].index
    sequence = main[main["owner"].isin(enough)].groupby("owner", sort=True)["key"].agg(" → ".join)
    table = sequence.value_counts().rename("customers").rename_axis("path").reset_index()
    table["share"] = table["customers"] / len(enough) if len(enough) else np.nan
    table = table.sort_values(["customers", "path"], ascending=[False, True], kind="stable")
    return table.head(top).reset_index(drop=True)


def main_category(analysis: Analysis, slot: str = "category") -> pd.Series:
    """Each customer's category with the largest share of their spend (net revenue of sale
    lines); ties to the alphabetically first; "(none)" for customers without lines of one."""
    slot = slot_of(analysis, slot)  # a file without categories says so
    frame = order_lines(analysis).frame
    sales = frame[(frame["order"] >= 0).to_numpy() & frame[slot].notna().to_numpy()]
    spend = (
        sales.groupby(["owner", sales[slot].astype(object)], observed=True)["net_cents"]
        .sum()
        .rename("spend")
        .reset_index()
    )
    ranked = spend.sort_values(
        ["owner", "spend", slot], ascending=[True, False, True], kind="stable"
    )
    best = ranked.drop_duplicates("owner")
    out = pd.Series(NONE, index=analysis.customers.index, dtype=object)
    out.loc[best["owner"].to_numpy()] = best[slot].to_numpy()
    return out


DUE_COLUMNS: tuple[Metric, ...] = (
    Metric("last_bought", "Last bought", "date", "the customer's last purchase day of the --due-product"),
    Metric("due", "Due again", "date", "last_bought + the product's median days until bought again (repurchase_median_days); empty when under half ever rebuy it"),
    Metric("due_in_days", "Due in, days", "count", "due − the as-of day (negative: overdue)"),
)  # fmt: skip


def due_dates(analysis: Analysis, product: str) -> pd.DataFrame:
    """For the customers who bought ``product`` (a product, else a SKU, else a category of the
    lines): the day they last bought it and the day they are due to buy it again (that day
    + its median repurchase interval), indexed like the customer table."""
    frame = order_lines(analysis).frame
    slot = next((s for s in SLOTS if (frame[s] == product).any()), None)
    if slot is None:
        raise ConfigError(
            Message(
                "--due-product: no product, SKU or category {name!r} in the orders", name=product
            )
        )
    sale = (frame["order"] >= 0).to_numpy()
    key = _keys(frame[slot])
    bought = _purchases(frame[sale], key[sale])
    median = repurchase_quantiles(bought, analysis.as_of)["repurchase_median_days"].get(product)
    mine = bought.pairs[bought.pairs["key"].astype(str) == product]
    last = pd.Series(mine["last"].to_numpy(), index=mine["owner"].to_numpy())
    due = last + median if median is not None else pd.Series(np.nan, index=last.index)
    return pd.DataFrame(
        {
            "last_bought": last.map(day_date),
            "due": due.map(lambda d: None if np.isnan(d) else day_date(int(d))),
            "due_in_days": (due - analysis.as_of).astype("Int64"),
        }
    )
