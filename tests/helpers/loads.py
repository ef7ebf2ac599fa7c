"""What the export tests check of a load."""

from __future__ import annotations


def totals(loaded) -> tuple[int, int, int]:
    """(customers, orders, net cents) of a load: what every export test checks."""
    orders = loaded.orders
    sales = orders[orders["is_order"]]
    net = int(orders["gross_cents"].sum() - orders["refund_cents"].sum())
    return int(sales["customer"].nunique()), len(sales), net


def cdnow():
    """The CDNOW sample of Fader, Hardie & Lee (2005) as ltv loads it (no header: the master
    id, the customer id, the date, the CDs and the amount)."""
    from helpers.paths import DATA
    from ltvcli.load import load_orders
    from ltvcli.options import load_options

    options = load_options(
        None, {"customer": "customer", "date": "date", "amount": "amount"},
        no_header=True, names=("master", "customer", "date", "cds", "amount"),
    )  # fmt: skip
    return load_orders(str(DATA / "cdnow_sample.txt"), options)
