"""Drivers: which first-order attribute values go with valuable customers.

Every value of every attribute of a customer's first order — the products, SKUs and categories
its lines held (a customer is in each), the channel, the city, a discount code, any other
passed-through column — is a group of customers. Each group's 12-month LTV and repeat rate
(``ltvcli.products.group_values``) are compared with everyone's: the lift is the ratio minus 1
(+0.25: a quarter above average). One table instead of one ``segments`` run per attribute.
Contact columns (names, e-mails, phones) and the lines' price and packed cells are no drivers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ltvcli.analysis import Analysis
from ltvcli.customers import attribute_columns
from ltvcli.definition import Metric
from ltvcli.engine.reduce import CONTACT_WORDS
from ltvcli.fields import attribute_kind, line_kind
from ltvcli.products import NONE, VALUE_METRICS, first_buyers, group_values, order_lines
from ltvcli.schema.lines import SLOTS
from ltvcli.settings import DRIVER_MIN_CUSTOMERS

EVERYONE = "(all customers)"

DRIVER_METRICS: tuple[Metric, ...] = (
    Metric("customers", "Customers", "count", "customers whose first order had this value"),
    *VALUE_METRICS,
    Metric("ltv_12m_lift", "12-month LTV, lift", "rate", "ltv_12m / everyone's ltv_12m − 1"),
    Metric("repeat_lift", "Repeat rate, lift", "rate", "repeat_rate / everyone's repeat_rate − 1"),
)  # fmt: skip


def driver_table(analysis: Analysis, min_customers: int = DRIVER_MIN_CUSTOMERS) -> pd.DataFrame:
    """One row per (attribute, value) with at least ``min_customers`` customers, the largest
    12-month LTV lift first (groups too young for one last, by repeat lift); then everyone."""
    frame = order_lines(analysis).frame
    owners, names = [], []
    for slot in SLOTS:
        if frame[slot].notna().any() and not (slot == "sku" and _sku_is_product(frame)):
            first = first_buyers(frame, frame[slot].astype(object).fillna(NONE))
            owners.append(first["owner"].to_numpy())
            names.append(pd.Series(slot + "\x1f" + first["key"].astype(str)).to_numpy())
    c = analysis.customers
    buyers = np.flatnonzero(c["orders"].to_numpy() > 0)
    for column in driver_columns(c):
        values = c[column].astype(object).iloc[buyers]
        values = values.where(values.notna() & (values != ""), NONE).astype(str)
        owners.append(buyers)
        names.append((column + "\x1f" + values).to_numpy())
    owner = pd.Series(np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64))
    group = pd.Series(np.concatenate(names) if names else np.zeros(0, dtype=object))
    size = group.map(group.value_counts())
    keep = (size >= max(min_customers, 1)).to_numpy()
    table = group_values(analysis, frame, owner[keep], group[keep])
    everyone = group_values(analysis, frame, pd.Series(buyers), pd.Series([EVERYONE] * len(buyers)))
    base = everyone.iloc[0]
    table["ltv_12m_lift"] = _lift(table["ltv_12m"], base["ltv_12m"])
    table["repeat_lift"] = _lift(table["repeat_rate"], base["repeat_rate"])
    pairs = [str(name).split("\x1f", 1) for name in table.index]
    table.insert(0, "value", [value for _, value in pairs])
    table.insert(0, "attribute", [attribute for attribute, _ in pairs])
    table = table.sort_values(
        ["ltv_12m_lift", "repeat_lift", "customers"],
        ascending=False,
        na_position="last",
        kind="stable",
    )
    total = {"attribute": EVERYONE, "value": EVERYONE, **base.to_dict()}
    total |= {"ltv_12m_lift": 0.0 if base["ltv_12m"] else None, "repeat_lift": 0.0}
    rows = pd.concat([table.reset_index(drop=True), pd.DataFrame([total])], ignore_index=True)
    return rows[["attribute", "value", *(m.key for m in DRIVER_METRICS)]]


def driver_columns(customers: pd.DataFrame) -> list[str]:
    """The customer table's first-order attributes that may drive value: not contacts, not
    the lines' own columns (the lines give every item of the first order, not only its first)."""
    out = []
    for column in attribute_columns(customers):
        kind = attribute_kind(column)
        if kind in SLOTS or line_kind(column) or kind in ("name", "email", "phone"):
            continue
        if not kind and any(word in column.lower() for word in CONTACT_WORDS):
            continue
        out.append(column)
    return out


def _sku_is_product(frame: pd.DataFrame) -> bool:
    """Each SKU one product and each product one SKU: the SKU rows would repeat the products'."""
    pairs = frame[["product", "sku"]].dropna().drop_duplicates()
    return (
        bool(len(pairs))
        and not pairs["product"].duplicated().any()
        and not (pairs["sku"].duplicated().any())
    )


def _lift(values: pd.Series, base: float | None) -> pd.Series:
    if base is None or not base or pd.isna(base):
        return pd.Series(np.nan, index=values.index)
    return pd.to_numeric(values, errors="coerce") / float(base) - 1
