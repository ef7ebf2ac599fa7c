"""Properties on random data: any dialect loads back to the same totals; junk never crashes."""

from __future__ import annotations

import datetime as dt

from helpers.loads import totals
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ltvcli.errors import LtvError
from ltvcli.load import load_orders

orders_strategy = st.lists(
    st.tuples(
        st.integers(1, 40),  # customer number
        st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 31)),  # inside the plausible window
        st.integers(0, 10_000_000),  # cents
    ),
    min_size=1,
    max_size=60,
)

DIALECTS = {
    "en": (",", lambda d: d.isoformat(), lambda c: f"{c // 100}.{c % 100:02d}", "utf-8"),
    "ru": (";", lambda d: d.strftime("%d.%m.%Y"), lambda c: f"{c // 100:,}".replace(",", "\u00a0") + f",{c % 100:02d}", "cp1251"),
    "us": (",", lambda d: f"{d.month}/{d.day}/{d.year}", lambda c: f'"${c // 100:,}.{c % 100:02d}"', "utf-8"),
    "de": ("\t", lambda d: d.strftime("%d.%m.%Y"), lambda c: f"{c // 100:,}".replace(",", ".") + f",{c % 100:02d} €", "utf-8-sig"),
}  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders=orders_strategy, dialect=st.sampled_from(sorted(DIALECTS)))
def test_any_dialect_loads_back_to_the_same_totals(tmp_path, orders, dialect):
    sep, fmt_date, fmt_money, encoding = DIALECTS[dialect]
    header = sep.join(
        ["Клиент", "Дата", "Сумма"] if dialect == "ru" else ["customer", "date", "amount"]
    )
    lines = [header] + [sep.join([f"C{c:03d}", fmt_date(d), fmt_money(a)]) for c, d, a in orders]
    path = tmp_path / f"orders_{dialect}.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    loaded = load_orders(str(path))
    expected = (len({c for c, _, _ in orders}), len(orders), sum(a for _, _, a in orders))
    assert totals(loaded) == expected
    by_day = sorted(d for _, d, _ in orders)
    assert loaded.orders["ordered_at"].min().date() == by_day[0]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000))
def test_random_bytes_give_an_error_or_orders_never_a_crash(tmp_path, data):
    path = tmp_path / "junk.csv"
    path.write_bytes(data)
    try:
        load_orders(str(path))
    except LtvError:
        pass


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet="abc,;\n\"' 0123456789.-/₽$", max_size=400))
def test_random_csv_like_text_never_crashes(tmp_path, text):
    path = tmp_path / "junk.csv"
    path.write_text("customer,date,amount\n" + text, encoding="utf-8")
    try:
        load_orders(str(path))
    except LtvError:
        pass
