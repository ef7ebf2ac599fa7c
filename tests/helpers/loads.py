"""What the export tests check of a load."""

from __future__ import annotations


def totals(loaded) -> tuple[int, int, int]:
    """(customers, orders, net cents) of a load: what every export test checks."""
    orders = loaded.orders
    sales = orders[orders["is_order"]]
    net = int(orders["gross_cents"].sum() - orders["refund_cents"].sum())
    return int(sales["customer"].nunique()), len(sales), net
