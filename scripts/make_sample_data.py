"""Generate sample_data/: a realistic shop's orders (English and Russian exports), the same
orders line by line (a Shopify-style export), and ad spend.

Deterministic: the same seed writes the same bytes. Run ``python scripts/make_sample_data.py``.
Customers arrive through a channel in a city, buy at their own rate until they drop out
(a BG/NBD-like story); a few orders are cancelled and some are refunded in part or in full.
In ``order_lines.csv`` each order's first line is of the order's category; customers keep
coming back for a favourite coffee or tea, which often rides along in their orders.
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
# Per category: (product, SKU, price) — what the line-level export sells.
PRODUCTS = {
    "coffee": [
        ("Espresso blend 1 kg", "CF-ESP-1000", 1650),
        ("Ethiopia Yirgacheffe 250 g", "CF-ETH-250", 690),
        ("Colombia Supremo 250 g", "CF-COL-250", 590),
        ("Decaf 250 g", "CF-DEC-250", 620),
    ],
    "tea": [
        ("Sencha 100 g", "TE-SEN-100", 450),
        ("Earl Grey 100 g", "TE-EGR-100", 390),
        ("Shu puer 200 g", "TE-PUE-200", 980),
    ],
    "equipment": [
        ("Hand grinder", "EQ-GRD", 4900),
        ("French press 1 l", "EQ-FRP", 2300),
        ("Pour-over kit", "EQ-POK", 3100),
        ("Moka pot", "EQ-MOK", 2700),
    ],
    "accessories": [
        ("Paper filters x100", "AC-FLT-100", 290),
        ("Ceramic mug", "AC-MUG", 650),
        ("Coffee scale", "AC-SCL", 1900),
    ],
    "gifts": [("Gift box", "GF-BOX", 2500), ("Gift card", "GF-CRD", 3000)],
}
CONSUMABLES = [(cat, i) for cat in ("coffee", "tea") for i in range(len(PRODUCTS[cat]))]
FINANCIAL = {"completed": "paid", "cancelled": "voided", "refunded": "refunded",
             "partially_refunded": "partially_refunded"}  # fmt: skip
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
    _write_lines(out / "order_lines.csv", rows, np.random.default_rng(SEED + 1))
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


def _order_lines(category: str, favourite: tuple[str, int], rng) -> list[tuple[str, int]]:
    """(category, product index) per line: one of the order's category first (the favourite
    when it is of that category), then often the favourite and sometimes paper filters."""
    fav_category, fav = favourite
    first = fav if fav_category == category and rng.random() < 0.7 else None
    if first is None:
        first = int(rng.integers(len(PRODUCTS[category])))
    lines = [(category, first)]
    if (fav_category, fav) not in lines and rng.random() < 0.6:
        lines.append((fav_category, fav))
    if category in ("coffee", "equipment") and rng.random() < 0.25:
        lines.append(("accessories", 0))
    return lines


def _write_lines(path: Path, rows, rng) -> None:
    """A Shopify-style export of the same orders: one row per line item, the order's fields
    (total, status, refund, city, source) on its first line only."""
    favourites: dict[str, tuple[str, int]] = {}
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Name", "Email", "Created at", "Financial Status", "Total", "Refunded Amount",
                    "Billing City", "Source", "Lineitem quantity", "Lineitem name",
                    "Lineitem sku", "Lineitem price", "Product Type"])  # fmt: skip
        for oid, email, stamp, amount, status, refunded, city, channel, cat, _cost in rows:
            if email not in favourites:
                favourites[email] = CONSUMABLES[int(rng.integers(len(CONSUMABLES)))]
            lines = _order_lines(CATEGORIES[cat][0], favourites[email], rng)
            quantities = [1] + [
                int(rng.integers(1, 4)) if c in ("coffee", "tea") else 1 for c, _ in lines[1:]
            ]
            prices = _prices(amount, [PRODUCTS[c][i][2] for c, i in lines], quantities)
            for n, ((category, i), quantity, price) in enumerate(
                zip(lines, quantities, prices, strict=True)
            ):
                name, sku, _list_price = PRODUCTS[category][i]
                order = (
                    [stamp.strftime("%Y-%m-%d %H:%M:%S +0300"), FINANCIAL[status], f"{amount:.2f}",
                     f"{refunded:.2f}" if refunded else "", CITIES[city][0], CHANNELS[channel][0]]
                    if n == 0 else ["", "", "", "", "", ""]
                )  # fmt: skip
                w.writerow([f"#{oid}", email, *order, quantity, name, sku, f"{price:.2f}",
                            category])  # fmt: skip


def _prices(amount: float, list_prices: list[int], quantities: list[int]) -> list[float]:
    """Unit prices in proportion to the list prices whose lines add up to the order's amount
    to the cent (the first line, of one unit, takes what rounding leaves)."""
    cents = round(amount * 100)
    weight = sum(p * q for p, q in zip(list_prices, quantities, strict=True))
    units = [round(cents * p / weight) for p in list_prices[1:]]
    first = cents - sum(u * q for u, q in zip(units, quantities[1:], strict=True))
    return [c / 100 for c in [first, *units]]


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
