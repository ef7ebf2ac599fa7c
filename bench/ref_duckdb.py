"""The reference: the customer table and the per-city segments of ``ltv customers`` / ``ltv
segments --by city``, computed by DuckDB SQL from the same file.

Per customer: first and last order, orders, gross and net revenue, cost, margin, AOV, recency,
age, tenure, distinct order days, mean and median interval, days to the second order, and city,
channel and category of the first order (earliest date, then the smallest order id). Per city:
customers, orders, net revenue, AOV, repeat rate, mean and median LTV, median gap. The customer
table is materialised and written to Parquet, the segments printed as CSV, as ``ltv`` does.

    python bench/ref_duckdb.py customers FILE OUT.parquet
    python bench/ref_duckdb.py segments FILE
"""

from __future__ import annotations

import os
import sys

import duckdb

ORDERS = """
create temp table gaps as
with o as (select * from {source}),
days as (select distinct customer_id, order_date from o)
select customer_id, order_date - lag(order_date) over w as gap,
       row_number() over w as k
from days window w as (partition by customer_id order by order_date);
create temp table customers as
with o as (select * from {source}),
window_end as materialized (select max(order_date) as as_of from o),
g as (
  select customer_id, count(gap) + 1 as order_days, avg(gap) as mean_interval_days,
         median(gap) as median_interval_days,
         max(case when k = 2 then gap end) as days_to_second_order
  from gaps group by customer_id
),
c as (
  select customer_id, min(order_date) as first_order, max(order_date) as last_order,
         count(*) as orders, sum(amount) as gross_revenue, sum(amount) as net_revenue,
         sum(cost) as cost, sum(amount) - sum(cost) as margin,
         round(sum(amount) / count(*), 2) as aov,
         arg_min(city, (order_date, order_id)) as city,
         arg_min(channel, (order_date, order_id)) as channel,
         arg_min(category, (order_date, order_id)) as category
  from o group by customer_id
)
select c.*, (select as_of from window_end) - last_order as recency_days,
       (select as_of from window_end) - first_order as age_days, last_order - first_order as tenure_days,
       g.order_days, g.mean_interval_days, g.median_interval_days, g.days_to_second_order
from c join g using (customer_id);
"""

SEGMENTS = """
with per_gap as (
  select c.city, g.gap from gaps g join customers c using (customer_id) where g.gap is not null
), gap_median as (select city, median(gap) as median_interval_days from per_gap group by city)
select city, count(*) as customers, sum(orders) as orders, sum(net_revenue) as net_revenue,
       round(sum(net_revenue) / sum(orders), 2) as aov, avg((orders >= 2)::int) as repeat_rate,
       round(avg(net_revenue), 2) as ltv_historical, median(net_revenue) as ltv_historical_median,
       any_value(gap_median.median_interval_days) as median_interval_days
from customers left join gap_median using (city)
group by city order by customers desc
"""


def source(path: str) -> str:
    if path.endswith(".parquet"):
        return f"read_parquet('{path}')"
    return (
        f"read_csv('{path}', header=true, types={{'amount': 'DECIMAL(18,2)', "
        f"'cost': 'DECIMAL(18,2)', 'order_date': 'DATE', 'customer_id': 'BIGINT'}})"
    )


def main() -> None:
    what, path = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    # 60% of the memory: with DuckDB's default of 80% the 1e8 run has been killed out of memory
    # on a 24 GiB machine (its own buffers stay within the limit, the rest comes on top)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    con.execute(f"set memory_limit = '{int(memory * 0.6) >> 20}MB'")
    con.execute(ORDERS.format(source=source(path)))
    if what == "customers":
        con.execute(f"copy customers to '{sys.argv[3]}' (format parquet, compression zstd)")
    else:
        sys.stdout.write(con.sql(SEGMENTS).df().to_csv(index=False))


if __name__ == "__main__":
    main()
