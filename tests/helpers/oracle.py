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
