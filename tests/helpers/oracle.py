"""The independent computation: the same definitions written in SQL (DuckDB) over the raw file.

Tests write random orders with ``write_orders`` and compare what ``ltvcli`` computes with what
these queries compute from the same CSV, to the cent and to the day.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from hypothesis import strategies as st

START = dt.date(2023, 1, 1)
CITIES = ("Moscow", "Kazan", "Omsk", "=HYPERLINK(1)")
CHANNELS = ("ads", "organic", "referral")

# (customer number, day offset, amount cents, refund cents, city, channel)
order_rows = st.lists(
    st.tuples(
        st.integers(1, 12),
        st.integers(0, 800),
        st.integers(1, 2_000_000),
        st.sampled_from([0, 0, 0, 0, 100, 5_000]),
        st.sampled_from(CITIES),
        st.sampled_from(CHANNELS),
    ),
    min_size=1,
    max_size=80,
)


def write_orders(rows, path: Path) -> Path:
    """A plain CSV: one order per line; ``line`` numbers the rows in file order."""
    lines = ["line,customer,date,amount,refunded,city,channel"]
    for i, (c, day, cents, refund, city, channel) in enumerate(rows):
        refund = min(refund, cents)
        date = START + dt.timedelta(days=day)
        refund_text = f"{refund / 100:.2f}" if refund else ""
        lines.append(f"{i},c{c},{date},{cents / 100:.2f},{refund_text},{city},{channel}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _orders(path: Path) -> str:
    return f"""
        o as (
          select line, customer as c, cast(date as date) as d,
                 cast(round(amount * 100) as bigint) as gross,
                 coalesce(cast(round(refunded * 100) as bigint), 0) as refund, city, channel
          from read_csv('{path}', header=true, all_varchar=false,
                        types={{'line': 'BIGINT', 'customer': 'VARCHAR', 'date': 'DATE',
                               'amount': 'DOUBLE', 'refunded': 'DOUBLE', 'city': 'VARCHAR',
                               'channel': 'VARCHAR'}})
        ),
        window_end as materialized (select max(d) as as_of from o),
        days as (select distinct c, d from o),
        gaps as (
          select c, d - lag(d) over (partition by c order by d) as gap,
                 row_number() over (partition by c order by d) as k
          from days
        )"""


def customers(path: Path, churn_window: int = 365) -> list[dict]:
    """Per customer: the columns of ``ltvcli.customers`` that do not depend on settings."""
    sql = f"""
        with {_orders(path)},
        agg as (
          select c, min(d) as first_order, max(d) as last_order, count(*) as orders,
                 sum(gross) as gross, sum(refund) as refunds,
                 -- orders of one day without a time or an order id tie: the smallest value
                 arg_min(city, (d, city)) as city,
                 first(channel order by d desc, channel) as last_channel
          from o group by c
        ),
        g as (
          select c, count(gap) as n_gaps, avg(gap) as mean_gap, median(gap) as median_gap,
                 max(case when k = 2 then gap end) as second
          from gaps group by c
        )
        select agg.*, agg.gross - agg.refunds as net, n_gaps + 1 as order_days, mean_gap,
               median_gap, second, (select as_of from window_end) - last_order as recency,
               (select as_of from window_end) - first_order as age, last_order - first_order as tenure
        from agg join g using (c) order by c
    """
    return _records(sql)


def kpis(path: Path, churn_window: int = 365) -> dict:
    """The KPIs that need windows: frequency, churn, median days to a second order."""
    w = churn_window
    sql = f"""
        with {_orders(path)},
        recent as (select c, count(*) as n from o, window_end where d > as_of - {w} group by c),
        before as (
          select distinct c from o, window_end where d > as_of - {2 * w} and d <= as_of - {w}
        ),
        second as (select c, gap from gaps where k = 2)
        select (select sum(n) from recent) / (select count(*) from recent) / ({w} / 365)
                 as purchase_frequency,
               (select count(*) from before where c not in (select c from recent))
                 / nullif((select count(*) from before), 0) as churn_rate,
               (select median(gap) from second) as median_days_to_second_order,
               (select count(distinct c) from o) as customers,
               (select sum(gross - refund) from o) as net
    """
    return _records(sql)[0]


def segments_by_first_city(path: Path) -> list[dict]:
    sql = f"""
        with {_orders(path)},
        per as (
          select c, arg_min(city, (d, city)) as city, count(*) as n, sum(gross - refund) as net
          from o group by c
        )
        , gap_median as (
          select per.city, median(gap) as median_gap
          from gaps join per using (c) where gap is not null group by per.city
        )
        select city, count(*) as customers, sum(n) as orders, sum(net) as net_revenue,
               avg((n >= 2)::int) as repeat_rate, median(net) as median_net,
               any_value(gap_median.median_gap) as median_gap
        from per left join gap_median using (city) group by city order by city
    """
    return _records(sql)


def gap_percentiles(path: Path) -> dict:
    sql = f"""
        with {_orders(path)}
        select count(gap) as gaps, avg(gap) as mean,
               quantile_cont(gap, [0.25, 0.5, 0.75, 0.9]) as q
        from gaps
    """
    return _records(sql)[0]


def km_risk_table(path: Path) -> list[dict]:
    """Kaplan–Meier inputs: per duration, events (second orders) and customers still at risk."""
    sql = f"""
        with {_orders(path)},
        firsts as (select c, min(d) as first from o group by c),
        per as (
          select c, max(case when k = 2 then gap end) as second,
                 (select as_of from window_end) - any_value(first) as age
          from gaps join firsts using (c) group by c
        ),
        t as (select coalesce(second, age) as dur, (second is not null)::int as event from per),
        grouped as (select dur, sum(event) as events, count(*) as n from t group by dur)
        select dur, events, sum(n) over (order by dur desc) as at_risk from grouped order by dur
    """
    return _records(sql)


def cohort_cells(path: Path) -> list[dict]:
    """(cohort month, age in months): active customers, orders, net revenue."""
    sql = f"""
        with {_orders(path)},
        firsts as (select c, date_trunc('month', min(d)) as cohort from o group by c)
        select strftime(cohort, '%Y-%m') as cohort,
               date_diff('month', cohort, date_trunc('month', d)) as age,
               count(distinct c) as active, count(*) as orders, sum(gross - refund) as net
        from o join firsts using (c) group by all order by all
    """
    return _records(sql)


def _records(sql: str) -> list[dict]:
    relation = duckdb.sql(sql)
    names = relation.columns
    return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


# Line-level orders (``write_lines``): one row per item, the amount is the line's own money, a
# negative row returns one product of an order (same order id), at most one order a day.
PRODUCTS = (("beans", "coffee"), ("espresso", "coffee"), ("sencha", "tea"), ("grinder", "gear"))


def write_lines(path: Path, seed: int, customers: int = 60) -> Path:
    """A random line-level export: each customer orders on distinct days, 1–3 lines an order
    (a product at most once an order), now and then a line returned later."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = ["order_id,customer,date,amount,product,category,quantity"]
    number = 0
    for c in range(customers):
        days = np.sort(rng.choice(900, size=int(rng.integers(1, 7)), replace=False))
        for day in days:
            number += 1
            picked = rng.choice(len(PRODUCTS), size=int(rng.integers(1, 4)), replace=False)
            for p in picked:
                product, category = PRODUCTS[p]
                units = int(rng.integers(1, 4))
                cents = int(rng.integers(100, 500_000))
                date = START + dt.timedelta(days=int(day))
                rows.append(f"O{number},c{c},{date},{cents / 100:.2f},{product},{category},{units}")
                if rng.random() < 0.1:  # returned later, in part
                    back = date + dt.timedelta(days=int(rng.integers(0, 30)))
                    part = int(rng.integers(1, cents + 1))
                    rows.append(f"O{number},c{c},{back},{-part / 100:.2f},{product},{category},-1")
    path.write_text("\n".join(rows) + "\n")
    return path


def _lines(path: Path) -> str:
    return f"""
        l as (
          select order_id as o, customer as c, cast(date as date) as d,
                 cast(round(cast(amount as double) * 100) as bigint) as cents, product, category,
                 cast(quantity as double) as units, cast(amount as double) > 0 as sale
          from read_csv('{path}', header=true, all_varchar=true)
        ),
        sales as (select * from l where sale),
        as_of as materialized (select max(d) as day from l),
        orders as (
          select c, o, min(d) as d, row_number() over (partition by c order by min(d)) - 1 as k
          from sales group by c, o
        ),
        buyer as (
          select c, sum(cents) as net, count(distinct o) filter (where sale) as n,
                 min(d) filter (where sale) as first_day
          from l group by c
        ),
        first_year as (
          select l.c, sum(l.cents) as net12
          from l join buyer using (c) where l.d - buyer.first_day < 365 group by l.c
        )"""


def products(path: Path, by: str = "product") -> list[dict]:
    """Per product (or category): what ``ltv products`` shows, bar the Kaplan–Meier days."""
    sql = f"""
        with {_lines(path)},
        bought as (select distinct {by} as key, c, d from sales),
        again as (
          select key, count(*) filter (where times >= 2) as again
          from (select key, c, count(*) as times from bought group by key, c) group by key
        ),
        firsts as (
          select distinct s.{by} as key, s.c
          from sales s join orders using (c, o) where orders.k = 0
        ),
        first_value as (
          select key, count(*) as first_customers, avg((n >= 2)::int) as first_repeat_rate,
                 avg(net) as first_ltv_historical,
                 count(*) filter (where (select day from as_of) - first_day >= 365)
                   as first_mature_customers,
                 avg(net12) filter (where (select day from as_of) - first_day >= 365)
                   as first_ltv_12m
          from firsts join buyer using (c) join first_year using (c) group by key
        )
        select {by} as key, count(distinct c) filter (where sale) as customers,
               count(distinct o) filter (where sale) as orders,
               sum(units) filter (where sale) as units, sum(cents) as net_revenue,
               any_value(again.again) / count(distinct c) filter (where sale) as repurchase_rate,
               any_value(first_customers) as first_customers,
               any_value(first_repeat_rate) as first_repeat_rate,
               any_value(first_ltv_historical) as first_ltv_historical,
               any_value(first_mature_customers) as first_mature_customers,
               any_value(first_ltv_12m) as first_ltv_12m
        from l join again on again.key = l.{by} left join first_value on first_value.key = l.{by}
        group by {by} order by {by}
    """
    return _records(sql)


def transitions(path: Path, by: str = "category") -> list[dict]:
    """Customers per (what the 1st order held, what the 2nd held)."""
    sql = f"""
        with {_lines(path)},
        held as (select distinct s.{by} as key, s.c, orders.k from sales s join orders using (c, o)
                 where orders.k < 2)
        select a.key as "from", b.key as "to", count(*) as customers
        from held a join held b on a.c = b.c and a.k = 0 and b.k = 1
        group by all order by all
    """
    return _records(sql)


def main_categories(path: Path) -> list[dict]:
    """Each customer's category of most spend (sale lines), ties to the first by name."""
    sql = f"""
        with {_lines(path)},
        spend as (select c, category, sum(cents) as spend from l where sale group by c, category)
        select c, arg_min(category, (-spend, category)) as main from spend group by c order by c
    """
    return _records(sql)
