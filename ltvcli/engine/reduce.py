"""Orders to the customer table: one row per (currency, customer).

Money stays in integer cents, so every total is an exact sum of the input.
"""

from __future__ import annotations

import pandas as pd

CUSTOMER_COLUMNS = (
    "currency", "customer", "first_order", "last_order", "orders", "gross_cents",
    "refund_cents", "net_cents",
)  # fmt: skip


def customer_table(orders: pd.DataFrame) -> pd.DataFrame:
    """Reduce normalised orders (see ``ltvcli.schema.orders``) to one row per customer.

    ``orders`` counts order rows only (refund rows are not orders); ``first_order`` and
    ``last_order`` are the dates of the first and last order.
    """
    frame = orders.assign(
        currency=orders["currency"].fillna(""),
        _order_day=orders["ordered_at"].where(orders["is_order"]),
    )
    groups = frame.groupby(["currency", "customer"], sort=True, dropna=False)
    table = groups.agg(
        first_order=("_order_day", "min"),
        last_order=("_order_day", "max"),
        orders=("is_order", "sum"),
        gross_cents=("gross_cents", "sum"),
        refund_cents=("refund_cents", "sum"),
    ).reset_index()
    table["orders"] = table["orders"].astype("int64")
    table["net_cents"] = table["gross_cents"] - table["refund_cents"]
    table["currency"] = table["currency"].replace("", None)
    return table[list(CUSTOMER_COLUMNS)]
