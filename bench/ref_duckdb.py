"""The reference: what an expert would write in DuckDB SQL for ``ltv customers`` and ``ltv
segments --by city`` — one scan of the file.

The orders are read once and aggregated to customer-days (orders, money, and the day's
first-order attributes: the smallest order id's); one window over the customer-days gives each
gap between order days and its number; one group by customer gives the customer table: first
and last order, orders, gross and net revenue, cost, margin, AOV, recency, age, tenure,
distinct order days, mean and median interval, days to the second order, and the city, channel
and category of the first order. The segments group the same customer-days again by the
customer's first city (median gap) and the customer table by city. The customer table is
written to Parquet, the segments printed as CSV, as ``ltv`` does.

    python bench/ref_duckdb.py customers FILE OUT.parquet
    python bench/ref_duckdb.py segments FILE
"""

from __future__ import annotations

import os
import sys

import duckdb

# Money over a count to the cent, half up, exactly (``round(a / b, 2)`` divides in binary
# floating point: 10597.83 / 2 comes out 5298.91).
MEAN_CENTS = """
create macro mean_cents(money, n) as
  ((money * 100)::hugeint * 2 + n) // (2 * n) / 100
"""

DAYS = """
create temp table days as
select customer_id, order_date,
       order_date - lag(order_date) over w as gap,
       row_number() over w as k,
       first_value(city) over w as first_city,
       orders, amount, cost, city, channel, category
from (
  select customer_id, order_date, count(*) as orders, sum(amount) as amount,
         sum(cost) as cost, arg_min(city, order_id) as city,
         arg_min(channel, order_id) as channel, arg_min(category, order_id) as category
  from {source} group by customer_id, order_date
)
window w as (partition by customer_id order by order_date)
"""

CUSTOMERS = """
select customer_id, first_order, last_order, orders, gross_revenue, net_revenue, cost, margin,
       aov, city, channel, category,
       max(last_order) over () - last_order as recency_days,
       max(last_order) over () - first_order as age_days,
       last_order - first_order as tenure_days, order_days, mean_interval_days,
       median_interval_days, days_to_second_order
from (
  select customer_id, min(order_date) as first_order, max(order_date) as last_order,
         sum(orders)::bigint as orders, sum(amount) as gross_revenue, sum(amount) as net_revenue,
         sum(cost) as cost, sum(amount) - sum(cost) as margin,
         mean_cents(sum(amount), sum(orders)) as aov,
         arg_min(city, order_date) as city, arg_min(channel, order_date) as channel,
         arg_min(category, order_date) as category,
         count(*) as order_days, avg(gap) as mean_interval_days,
         median(gap) as median_interval_days,
         max(gap) filter (where k = 2) as days_to_second_order
  from days group by customer_id
)
"""

SEGMENTS = f"""
with customers as ({CUSTOMERS}),
gap_median as (
  select first_city as city, median(gap) as median_interval_days
  from days where gap is not null group by first_city
)
select city, count(*) as customers, sum(orders)::bigint as orders, sum(net_revenue) as net_revenue,
       mean_cents(sum(net_revenue), sum(orders)) as aov,
       avg((orders >= 2)::int) as repeat_rate,
       mean_cents(sum(net_revenue), count(*)) as ltv_historical, floor(median((net_revenue * 100)::bigint) + 0.5) / 100 as ltv_historical_median,
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
    con.execute(MEAN_CENTS)
    con.execute(DAYS.format(source=source(path)))
    if what == "customers":
        target = sys.argv[3]
        con.execute(f"copy ({CUSTOMERS}) to '{target}' (format parquet, compression zstd)")
    else:
        sys.stdout.write(con.sql(SEGMENTS).df().to_csv(index=False))


if __name__ == "__main__":
    main()
