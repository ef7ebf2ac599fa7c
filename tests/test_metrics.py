"""KPIs against an independent SQL computation (DuckDB) and the worked examples of DESIGN.md."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from helpers import oracle
from helpers.paths import SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ltvcli.analysis import analyse
from ltvcli.cents import divide_cents, scale_cent
from ltvcli.load import load_orders
from ltvcli.settings import Settings
from ltvcli.spend import load_spend


def test_sample_kpis_equal_sql_over_the_raw_file():
    [k] = analyse(load_orders(str(SAMPLE / "orders.csv"))).kpis()
    sql = duckdb.sql(
        f"""
        with o as (
          select customer_email as c, cast(round(amount * 100) as bigint) as gross,
                 coalesce(cast(round(refunded_amount * 100) as bigint), 0) as refund,
                 cast(round(cost * 100) as bigint) as cost, cast(order_date as date) as d
          from read_csv('{SAMPLE / "orders.csv"}', all_varchar=false)
          where status <> 'cancelled'
        ), per as (select c, count(*) as n, sum(gross - refund) as net from o group by c)
        select (select count(*) from per), (select sum(n) from per), (select sum(gross) from o),
               (select sum(refund) from o), (select sum(cost) from o),
               (select avg((n >= 2)::int) from per), (select min(d) from o), (select max(d) from o)
        """
    ).fetchall()[0]
    customers, orders, gross, refunds, cost, repeat, first, last = sql
    assert (k["customers"], k["orders"], k["gross_revenue"], k["refunds"]) == (
        customers, orders, gross, refunds,
    )  # fmt: skip
    assert k["net_revenue"] == gross - refunds
    assert k["margin"] == gross - refunds - cost
    assert k["repeat_rate"] == pytest.approx(repeat, abs=1e-12)
    assert k["aov"] == divide_cents(gross - refunds, orders)
    assert k["ltv_historical"] == divide_cents(gross - refunds, customers)
    assert (k["first_order"], k["last_order"], k["as_of"]) == (str(first), str(last), str(last))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=oracle.order_rows, window=st.sampled_from([30, 90, 365]))
def test_window_kpis_equal_sql(tmp_path, rows, window):
    path = oracle.write_orders(rows, tmp_path / "orders.csv")
    [k] = analyse(load_orders(str(path)), Settings(churn_window=window)).kpis()
    sql = oracle.kpis(path, window)
    assert k["customers"] == sql["customers"] and k["net_revenue"] == sql["net"]
    assert k["purchase_frequency"] == pytest.approx(sql["purchase_frequency"], rel=1e-12)
    for key in ("churn_rate", "median_days_to_second_order"):
        assert k[key] == (None if sql[key] is None else pytest.approx(sql[key], rel=1e-12))


def _weekly(write, weeks: int, amount: int = 3000):
    start = dt.date(2024, 1, 1)
    rows = [f"c1,{start + dt.timedelta(weeks=i)},{amount}" for i in range(weeks)]
    return load_orders(str(write("w.csv", "customer,date,amount\n" + "\n".join(rows) + "\n")))


def test_design_example_formula_ltv_288000(write):
    # DESIGN.md: one order a week (48 a year) of 3 000 for 2 years -> 3 000 × 48 × 2 = 288 000.
    loaded = _weekly(write, 48)
    [k] = analyse(loaded, Settings(lifespan=2, churn_window=7 * 47 + 1)).kpis()
    assert k["aov"] == 300000
    assert k["purchase_frequency"] == pytest.approx(48 * 365 / (7 * 47 + 1))
    [k] = analyse(loaded, Settings(lifespan=2, churn_window=365)).kpis()
    assert k["purchase_frequency"] == 48 and k["ltv_formula"] == 288_000_00


@pytest.mark.parametrize(
    ("purchases", "ratio", "verdict"), [(1, 0.5, "loses money"), (5, 2.5, "barely pays")]
)
def test_design_example_cac_ratio(write, purchases, ratio, verdict):
    # DESIGN.md: CAC 1 000; one purchase of 500 -> LTV 500, ratio 0.5; five -> 2 500, ratio 2.5.
    rows = [f"c1,2024-0{m + 1}-01,500" for m in range(purchases)]
    loaded = load_orders(str(write("c.csv", "customer,date,amount\n" + "\n".join(rows) + "\n")))
    settings_ = Settings(cac=100000, ltv_basis="historical-revenue")
    [k] = analyse(loaded, settings_).kpis()
    assert (k["ltv_historical"], k["ltv_cac_ratio"], k["verdict"]) == (
        purchases * 50000,
        ratio,
        verdict,
    )


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
    assert k["ltv_historical_median"] == 150000  # the mean of the two middle (only) values


def test_margin_rate_service_cost_payback_and_lifespan_cap(write):
    rows = "customer,date,amount\na,2023-01-01,1000\na,2024-06-01,1000\nb,2023-02-01,1000\n"
    loaded = load_orders(str(write("m.csv", rows)))
    settings_ = Settings(margin=0.3, service_cost=5000, cac=20000, max_lifespan=1.5)
    analysis = analyse(loaded, settings_)
    margins = dict(zip(analysis.customers["customer"], analysis.customers["margin"], strict=True))
    assert margins == {"a": 2 * 30000 - 2 * 5000, "b": 30000 - 5000}
    [k] = analysis.kpis()
    # b ordered in the earlier year and not in the last one; a did both: churn 1/2, lifespan 2 -> cap.
    assert k["churn_rate"] == 0.5 and k["lifespan_years"] == 1.5
    margin_per_order = divide_cents(75000, 3)
    assert k["ltv_formula_margin"] == round(margin_per_order * 1 * 1.5)
    assert k["ltv_basis"] == "formula-margin"
    assert k["payback_months"] == pytest.approx(20000 / (margin_per_order * 1 / 12))


def test_cac_from_a_spend_file(write):
    orders = write(
        "o.csv",
        "customer,date,amount,channel\na,2024-01-05,100,ads\nb,2024-02-10,100,ads\nc,2024-02-11,100,organic\na,2024-03-01,100,ads\n",
    )
    spend = write("s.csv", "month;channel;spend\n2024-01;ads;1 000,00\n2024-02;ads;2 000,00\n")
    analysis = analyse(load_orders(str(orders)), spend=load_spend(str(spend)))
    [k] = analysis.kpis()
    assert (k["spend"], k["customers_acquired"], k["cac"]) == (300000, 3, 100000)


@pytest.mark.parametrize(
    ("cents", "count", "expected"),
    [(100, 3, 33), (200, 3, 67), (-200, 3, -67), (5, 2, 3), (0, 5, 0), (10, 0, None)],
)
def test_divide_cents_rounds_half_up_to_the_cent(cents, count, expected):
    assert divide_cents(cents, count) == expected


def test_scaling_cents_by_a_rate_is_exact():
    assert scale_cent(15, 0.1) == 2  # 1.5 -> 2, where 15 * 0.1 in floats is 1.5000000000000002
    assert scale_cent(25, 0.1) == 3 and scale_cent(-25, 0.1) == -3


def test_too_little_history_assumes_a_year_and_says_so(run_cli):
    from helpers.paths import SAMPLE

    from ltvcli.metrics import headline

    orders = str(SAMPLE / "orders.csv")
    result = run_cli("compute", orders, "--since", "2025-01-01", "--cac", "1500", "-f", "json")
    k = result.json
    assert (k["churn_rate"], k["lifespan_years"], k["lifespan_basis"]) == (None, 1.0, "assumed")
    assert k["ltv_formula"] == pytest.approx(k["aov"] * k["purchase_frequency"], abs=0.01)
    assert (
        "ltv: churn needs orders older than the 365-day --churn-window and the data covers 181 "
        "days: formula LTV assumes a 1-year lifespan; give --lifespan YEARS or a shorter "
        "--churn-window"
    ) in result.stderr
    given = run_cli("compute", orders, "--since", "2025-01-01", "--lifespan", "2", "-f", "json")
    assert given.json["lifespan_basis"] == "--lifespan" and "churn needs" not in given.stderr
    assert headline(k | {"ltv_cac_ratio": 2.9}).endswith("assumes a 1-year lifespan")


def test_a_verdict_on_revenue_says_the_margin_is_unknown(run_cli, write):
    path = write("o.csv", "customer,date,amount\na,2024-01-01,100\na,2024-06-01,100\n"
                          "b,2024-02-01,50\n")  # fmt: skip
    result = run_cli("compute", str(path), "--cac", "10", "-f", "table")
    flat = " ".join(result.stdout.split())
    assert (
        "(formula-revenue LTV): acquisition pays off (LTV:CAC ≥ 3); that is on revenue, as the "
        "margin is unknown, and overstates what a customer brings: give --margin RATE" in flat
    )
    margin = run_cli("compute", str(path), "--cac", "10", "--margin", "0.3", "-f", "table")
    assert "on revenue" not in margin.stdout
