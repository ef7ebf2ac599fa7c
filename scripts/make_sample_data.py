"""Generate sample_data/: a realistic shop's orders (English and Russian exports) and ad spend.

Deterministic: the same seed writes the same bytes. Run ``python scripts/make_sample_data.py``.
Customers arrive through a channel in a city, buy at their own rate until they drop out
(a BG/NBD-like story); a few orders are cancelled and some are refunded in part or in full.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

SEED = 20261122
START = dt.date(2023, 1, 1)
END = dt.date(2025, 6, 30)
CUSTOMERS = 4000
CITIES = [("Moscow", "Москва", 0.34), ("Saint Petersburg", "Санкт-Петербург", 0.18),
          ("Kazan", "Казань", 0.1), ("Novosibirsk", "Новосибирск", 0.1),
          ("Yekaterinburg", "Екатеринбург", 0.1), ("Samara", "Самара", 0.09),
          ("Krasnodar", "Краснодар", 0.09)]  # fmt: skip
CHANNELS = [("organic", 0.3), ("google_ads", 0.2), ("yandex_direct", 0.25), ("instagram", 0.15),
            ("referral", 0.1)]  # fmt: skip
CATEGORIES = [("coffee", "Кофе"), ("tea", "Чай"), ("equipment", "Оборудование"),
              ("accessories", "Аксессуары"), ("gifts", "Подарки")]  # fmt: skip
STATUS_RU = {"completed": "Выполнен", "cancelled": "Отменён", "refunded": "Возврат",
             "partially_refunded": "Частичный возврат"}  # fmt: skip
MONTHLY_SPEND = {"google_ads": 60000, "yandex_direct": 75000, "instagram": 40000, "referral": 15000}


def generate(out: Path) -> None:
    rng = np.random.default_rng(SEED)
    days = (END - START).days
    orders = []
    for c in range(CUSTOMERS):
        first = int(days * np.sqrt(rng.random()))  # acquisition grows over time
        city = rng.choice(len(CITIES), p=[w for *_, w in CITIES])
        channel = rng.choice(len(CHANNELS), p=[w for _, w in CHANNELS])
        rate = rng.gamma(1.0, 1 / 25)  # orders per day
        drop = rng.beta(1.0, 5.0)
        spend = rng.lognormal(np.log(2500), 0.5)
        email = f"customer{c + 1:04d}@example.com"
        t = first
        while t <= days:
            amount = round(float(rng.lognormal(np.log(spend), 0.35)), 2)
            orders.append((t, c, email, city, channel, amount))
            if rng.random() < drop:
                break
            t += max(1, int(rng.exponential(1 / rate)))
    orders.sort()
    rows = []
    for n, (t, _c, email, city, channel, amount) in enumerate(orders, start=1):
        roll = rng.random()
        status = (
            "cancelled" if roll < 0.04 else "refunded" if roll < 0.06
            else "partially_refunded" if roll < 0.08 else "completed"
        )  # fmt: skip
        refunded = (
            amount if status == "refunded"
            else round(amount * float(rng.uniform(0.1, 0.5)), 2) if status == "partially_refunded"
            else 0.0
        )  # fmt: skip
        category = int(rng.integers(len(CATEGORIES)))
        cost = round(amount * float(rng.uniform(0.45, 0.7)), 2)
        stamp = dt.datetime.combine(START + dt.timedelta(days=t), dt.time()) + dt.timedelta(
            minutes=int(rng.integers(8 * 60, 23 * 60))
        )
        rows.append((f"SO-{100000 + n}", email, stamp, amount, status, refunded,
                     city, channel, category, cost))  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    _write_english(out / "orders.csv", rows)
    _write_russian(out / "orders_ru.csv", rows)
    _write_spend(out / "spend.csv")


def _write_english(path: Path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["order_id", "customer_email", "order_date", "amount", "status",
                    "refunded_amount", "city", "channel", "category", "cost"])  # fmt: skip
        for oid, email, stamp, amount, status, refunded, city, channel, cat, cost in rows:
            w.writerow([oid, email, stamp.strftime("%Y-%m-%d %H:%M:%S"), f"{amount:.2f}", status,
                        f"{refunded:.2f}" if refunded else "", CITIES[city][0], CHANNELS[channel][0],
                        CATEGORIES[cat][0], f"{cost:.2f}"])  # fmt: skip


def _ru_money(x: float) -> str:
    whole, frac = f"{x:.2f}".split(".")
    return f"{int(whole):,}".replace(",", "\u00a0") + "," + frac


def _write_russian(path: Path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(["Номер заказа", "Клиент", "Дата заказа", "Сумма", "Статус", "Сумма возврата",
                    "Город", "Канал", "Категория", "Себестоимость"])  # fmt: skip
        for oid, email, stamp, amount, status, refunded, city, channel, cat, cost in rows:
            w.writerow([oid, email, stamp.strftime("%d.%m.%Y %H:%M"), _ru_money(amount),
                        STATUS_RU[status], _ru_money(refunded) if refunded else "",
                        CITIES[city][1], CHANNELS[channel][0], CATEGORIES[cat][1],
                        _ru_money(cost)])  # fmt: skip


def _write_spend(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["month", "channel", "spend"])
        month = START.replace(day=1)
        i = 0
        while month <= END:
            for channel, base in MONTHLY_SPEND.items():
                w.writerow([month.strftime("%Y-%m"), channel, f"{base * (1 + 0.1 * (i % 4)):.2f}"])
            i += 1
            month = (month + dt.timedelta(days=32)).replace(day=1)


if __name__ == "__main__":
    generate(Path(__file__).resolve().parent.parent / "sample_data")
