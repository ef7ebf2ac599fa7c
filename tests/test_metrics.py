"""KPIs against an independent SQL computation (DuckDB) and the worked examples of DESIGN.md."""

from __future__ import annotations

import duckdb
import pytest
from conftest import SAMPLE

from ltvcli.analysis import analyse
from ltvcli.cents import divide_cents
from ltvcli.load import load_orders


def test_sample_kpis_equal_sql_over_the_raw_file():
    [k] = analyse(load_orders(str(SAMPLE / "orders.csv"))).kpis()
    sql = duckdb.sql(
        f"""
        with o as (
          select customer_email as c, cast(round(amount * 100) as bigint) as gross,
                 coalesce(cast(round(refunded_amount * 100) as bigint), 0) as refund,
                 cast(order_date as date) as d
          from read_csv('{SAMPLE / "orders.csv"}', all_varchar=false)
          where status <> 'cancelled'
        ), per as (select c, count(*) as n, sum(gross - refund) as net from o group by c)
        select (select count(*) from per), (select sum(n) from per), (select sum(gross) from o),
               (select sum(refund) from o), (select avg((n >= 2)::int) from per),
               (select min(d) from o), (select max(d) from o)
        """
    ).fetchall()[0]
    customers, orders, gross, refunds, repeat, first, last = sql
    assert (k["customers"], k["orders"], k["gross_revenue"], k["refunds"]) == (
        customers, orders, gross, refunds,
    )  # fmt: skip
    assert k["net_revenue"] == gross - refunds
    assert k["repeat_rate"] == pytest.approx(repeat, abs=1e-12)
    assert k["aov"] == divide_cents(gross - refunds, orders)
    assert k["ltv_historical"] == divide_cents(gross - refunds, customers)
    assert (k["first_order"], k["last_order"]) == (str(first), str(last))


@pytest.mark.parametrize(
    ("cents", "count", "expected"),
    [(100, 3, 33), (200, 3, 67), (-200, 3, -67), (5, 2, 3), (0, 5, 0), (10, 0, None)],
)
def test_divide_cents_rounds_half_up_to_the_cent(cents, count, expected):
    assert divide_cents(cents, count) == expected


def test_design_example_historical_ltv_and_repeat(write):
    # DESIGN.md: five purchases of 500 -> LTV 2 500; one purchase of 500 -> LTV 500.
    rows = ["customer,date,amount"] + [f"loyal,2024-0{m}-01,500" for m in range(1, 6)]
    rows.append("once,2024-01-15,500")
    analysis = analyse(load_orders(str(write("d.csv", "\n".join(rows) + "\n"))))
    table = analysis.customers
    ltv = dict(zip(table["customer"], table["ltv_historical"], strict=True))
    assert ltv == {"loyal": 250000, "once": 50000}
    [k] = analysis.kpis()
    assert k["repeat_rate"] == 0.5 and k["ltv_historical"] == 150000
