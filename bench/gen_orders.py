"""Synthetic orders for ``make bench``: a BG/NBD-like purchase story, deterministic for (rows, seed).

Customers are acquired at a linearly growing rate over 2022-01-01 … 2024-12-31; each buys at a
Gamma(0.55, 1/45) daily rate and drops out after each purchase with p ~ Beta(1.4, 3.0) (at most
2,000 orders). Order values are lognormal around a customer-level lognormal mean (median about
2,500); cost is 45–75 % of the amount. Cities are Zipf-like (Moscow about a quarter), 95 % of a
customer's orders in their home city; 70 % of orders come through the acquisition channel.
Rows are in date order and ``order_id`` grows with the date. Above ``CHUNK_ROWS`` rows the file
is written as chunks of disjoint customers, each in date order (like several stores' exports
put together), so that generating 1e8 rows needs the memory of 1e7.

    python bench/gen_orders.py 1000000 /tmp/ltv-bench/orders-1e6   # writes .csv and .parquet
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

START = np.datetime64("2022-01-01")
DAYS = int((np.datetime64("2024-12-31") - START).astype(np.int64)) + 1
CITIES = [
    "Moscow", "Saint Petersburg", "Novosibirsk", "Yekaterinburg", "Kazan", "Nizhny Novgorod",
    "Chelyabinsk", "Samara", "Omsk", "Rostov-on-Don", "Ufa", "Krasnoyarsk", "Voronezh", "Perm",
    "Volgograd", "Krasnodar", "Saratov", "Tyumen", "Tolyatti", "Izhevsk", "Barnaul",
    "Ulyanovsk", "Irkutsk", "Khabarovsk", "Yaroslavl", "Vladivostok", "Makhachkala", "Tomsk",
    "Orenburg", "Kemerovo", "Novokuznetsk", "Ryazan", "Naberezhnye Chelny", "Astrakhan",
    "Penza", "Kirov", "Lipetsk", "Cheboksary", "Balashikha", "Kaliningrad", "Tula", "Kursk",
    "Stavropol", "Sochi", "Ulan-Ude", "Tver", "Magnitogorsk", "Ivanovo", "Bryansk", "Belgorod",
]  # fmt: skip
CHANNELS = ["organic", "google_ads", "yandex_direct", "instagram", "referral", "email"]
CATEGORIES = [f"category_{i:02d}" for i in range(20)]
CHUNK_ROWS = 10_000_000


def simulate(rows: int, seed: int = 7, first_id: int = 0, first_order: int = 1) -> pa.Table:
    rng = np.random.default_rng(seed)
    parts = []
    total = 0
    while total < rows:
        batch = _customers(rng, max(rows // 2, 1000), first_id)
        first_id += int(batch["n_customers"])
        parts.append(batch)
        total += len(batch["customer"])
    customer = np.concatenate([p["customer"] for p in parts])[:rows]
    day = np.concatenate([p["day"] for p in parts])[:rows]
    value = np.concatenate([p["value"] for p in parts])[:rows]
    home = np.concatenate([p["home"] for p in parts])[:rows]
    acq = np.concatenate([p["channel"] for p in parts])[:rows]
    n = len(customer)
    city = np.where(rng.random(n) < 0.95, home, _zipf(rng, n, len(CITIES)))
    channel = np.where(rng.random(n) < 0.7, acq, rng.integers(0, len(CHANNELS), n))
    category = rng.integers(0, len(CATEGORIES), n)
    cents = np.maximum(np.round(value * 100), 1).astype(np.int64)
    cost = np.round(cents * rng.uniform(0.45, 0.75, n)).astype(np.int64)
    order = np.lexsort((customer, day))
    return pa.table(
        {
            "order_id": np.arange(first_order, first_order + n, dtype=np.int64),
            "customer_id": customer[order],
            "order_date": (START + day[order]).astype("datetime64[D]"),
            "amount": cents[order] / 100,
            "city": pa.DictionaryArray.from_arrays(city[order].astype(np.int32), CITIES).cast(pa.string()),
            "channel": pa.DictionaryArray.from_arrays(channel[order].astype(np.int32), CHANNELS).cast(pa.string()),
            "category": pa.DictionaryArray.from_arrays(category[order].astype(np.int32), CATEGORIES).cast(pa.string()),
            "cost": cost[order] / 100,
        }
    )  # fmt: skip


def _customers(rng, count: int, first_id: int) -> dict[str, np.ndarray]:
    acquired = (np.sqrt(rng.random(count)) * DAYS).astype(np.int64)  # linearly growing rate
    rate = rng.gamma(0.55, 1 / 45, count)
    dropout = rng.beta(1.4, 3.0, count)
    orders = np.minimum(rng.geometric(np.maximum(dropout, 1e-6)), 2000)
    owner = np.repeat(np.arange(count), orders)
    gaps = rng.exponential(1.0, len(owner)) / np.maximum(rate[owner], 1e-9)
    starts = np.repeat(np.cumsum(orders) - orders, orders)
    gaps[starts == np.arange(len(owner))] = 0.0  # the first order is on the acquisition day
    elapsed = np.cumsum(gaps)
    elapsed -= np.repeat(elapsed[np.cumsum(orders) - orders], orders)
    day = acquired[owner] + elapsed.astype(np.int64)
    keep = day < DAYS
    mean_value = rng.lognormal(np.log(2500), 0.5, count)
    value = rng.lognormal(np.log(mean_value[owner]), 0.35)
    return {
        "n_customers": count,
        "customer": (owner + first_id + 1)[keep],
        "day": day[keep],
        "value": value[keep],
        "home": _zipf(rng, count, len(CITIES))[owner][keep],
        "channel": rng.integers(0, len(CHANNELS), count)[owner][keep],
    }


def _zipf(rng, n: int, k: int) -> np.ndarray:
    weights = 1 / np.arange(1, k + 1) ** 1.1
    weights[0] *= 1.9  # Moscow: about a quarter of the orders
    return rng.choice(k, size=n, p=weights / weights.sum())


RU_HEADERS = {"order_id": "Номер заказа", "customer_id": "Клиент", "order_date": "Дата заказа",
              "amount": "Сумма", "city": "Город", "channel": "Канал", "category": "Категория",
              "cost": "Себестоимость"}  # fmt: skip


def write_ru(table: pa.Table, stem: Path, encoding: str) -> None:
    """The same orders as a Russian export: ``;``, decimal comma, dd.mm.yyyy, Russian headers."""
    dates = pc.strftime(table.column("order_date").cast(pa.timestamp("s")), "%d.%m.%Y")
    columns = {}
    for name in table.column_names:
        values = table.column(name)
        if name == "order_date":
            values = dates
        elif name in ("amount", "cost"):
            values = pc.replace_substring(_money_text(values), ".", ",")
        columns[RU_HEADERS[name]] = values.cast(pa.string())
    options = pacsv.WriteOptions(quoting_style="none", delimiter=";", batch_size=1 << 20)
    sink = pa.BufferOutputStream()
    pacsv.write_csv(pa.table(columns), sink, options)
    text = sink.getvalue().to_pybytes()
    Path(f"{stem}.ru-{encoding}.csv").write_bytes(
        text if encoding == "utf-8" else text.decode("utf-8").encode(encoding)
    )


def _money_text(values) -> pa.Array:
    cents = pc.round(pc.multiply(values, 100)).cast(pa.int64())
    whole = pc.divide(cents, 100)
    frac = pc.subtract(cents, pc.multiply(whole, 100))
    return pc.binary_join_element_wise(
        whole.cast(pa.string()), pc.utf8_lpad(frac.cast(pa.string()), 2, "0"), "."
    )


def write(tables, stem: Path) -> None:
    """Write the tables one after another as ``stem.csv`` and ``stem.parquet``."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    csv_writer = parquet_writer = None
    for table in tables:
        text = table.set_column(
            table.schema.get_field_index("order_date"), "order_date",
            table.column("order_date").cast(pa.string()),
        )  # fmt: skip
        for name in ("amount", "cost"):
            money = _money_text(table.column(name))
            text = text.set_column(text.schema.get_field_index(name), name, money)
        if csv_writer is None:
            options = pacsv.WriteOptions(quoting_style="none", batch_size=1 << 20)
            csv_writer = pacsv.CSVWriter(
                str(stem.with_suffix(".csv")), text.schema, write_options=options
            )
            parquet_writer = pq.ParquetWriter(
                str(stem.with_suffix(".parquet")), table.schema, compression="snappy"
            )
        csv_writer.write_table(text)
        parquet_writer.write_table(table, row_group_size=1_000_000)
    csv_writer.close()
    parquet_writer.close()


def chunks(rows: int, seed: int):
    """``rows`` orders in chunks of at most CHUNK_ROWS, customers of each chunk disjoint."""
    done = 0
    for k in range(-(-rows // CHUNK_ROWS)):
        n = min(CHUNK_ROWS, rows - done)
        yield simulate(n, seed + k, first_id=k * 10 * CHUNK_ROWS, first_order=done + 1)
        done += n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=float)
    parser.add_argument("stem", type=Path, help="output path without extension")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--ru", action="store_true", help="also write the Russian export in UTF-8 and cp1251"
    )
    args = parser.parse_args()
    if args.rows > CHUNK_ROWS:
        write(chunks(int(args.rows), args.seed), args.stem)
        return
    table = simulate(int(args.rows), args.seed)
    write([table], args.stem)
    if args.ru:
        for encoding in ("utf-8", "cp1251"):
            write_ru(table, args.stem, encoding)


if __name__ == "__main__":
    main()
