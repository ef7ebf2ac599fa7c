"""The customer table against SQL over the same random file: every column, to the cent and the day."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from helpers import oracle
from helpers.exports import CASES
from helpers.paths import SAMPLE
from hypothesis import HealthCheck, given, settings

from ltvcli.analysis import analyse
from ltvcli.engine import reduce
from ltvcli.engine.days import day_numbers
from ltvcli.engine.reduce import median_by_owner, reduce_orders
from ltvcli.errors import InputError
from ltvcli.load import load_orders
from ltvcli.options import LoadOptions
from ltvcli.settings import Settings

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _day(value) -> dt.date:
    return pd.Timestamp(value).date()


@SETTINGS
@given(rows=oracle.order_rows)
def test_customer_table_equals_sql(tmp_path, rows):
    path = oracle.write_orders(rows, tmp_path / "orders.csv")
    table = analyse(load_orders(str(path))).customers.set_index("customer")
    expected = oracle.customers(path)
    assert sorted(table.index) == [r["c"] for r in expected]
    for r in expected:
        got = table.loc[r["c"]]
        assert (_day(got["first_order"]), _day(got["last_order"])) == (
            r["first_order"],
            r["last_order"],
        )
        assert (got["orders"], got["gross_revenue"], got["refunds"], got["net_revenue"]) == (
            r["orders"], r["gross"], r["refunds"], r["net"],
        )  # fmt: skip
        assert (got["recency_days"], got["age_days"], got["tenure_days"]) == (
            r["recency"], r["age"], r["tenure"],
        )  # fmt: skip
        assert got["order_days"] == r["order_days"]
        assert got["city"] == r["city"]
        for ours, theirs in (
            ("mean_interval_days", "mean_gap"),
            ("median_interval_days", "median_gap"),
            ("days_to_second_order", "second"),
        ):
            if r[theirs] is None:
                assert np.isnan(got[ours])
            else:
                assert got[ours] == pytest.approx(r[theirs], abs=1e-9)


@SETTINGS
@given(rows=oracle.order_rows)
def test_attributes_from_the_last_order(tmp_path, rows):
    path = oracle.write_orders(rows, tmp_path / "orders.csv")
    table = analyse(load_orders(str(path)), Settings(attr="last")).customers
    expected = {r["c"]: r["last_channel"] for r in oracle.customers(path)}
    assert dict(zip(table["customer"], table["channel"], strict=True)) == expected


def test_as_of_and_since_cut_the_window(write):
    path = write(
        "o.csv",
        "customer,date,amount\na,2024-01-01,10\na,2024-02-01,20\na,2024-03-01,30\nb,2024-02-15,5\n",
    )
    loaded = load_orders(str(path))
    table = analyse(loaded, Settings(as_of=dt.date(2024, 2, 20))).customers.set_index("customer")
    assert table.loc["a", "orders"] == 2 and table.loc["a", "recency_days"] == 19
    table = analyse(loaded, Settings(since=dt.date(2024, 2, 1))).customers.set_index("customer")
    assert table.loc["a", "net_revenue"] == 5000 and table.loc["a", "age_days"] == 29


def test_same_day_orders_are_one_order_day(write):
    path = write("o.csv", "customer,date,amount\na,2024-01-01,1\na,2024-01-01,2\na,2024-01-11,3\n")
    [row] = analyse(load_orders(str(path))).customers.to_dict("records")
    assert (row["orders"], row["order_days"], row["median_interval_days"]) == (3, 2, 10.0)


def test_mode_attribute_ties_go_to_the_first_value_alphabetically(write):
    text = "customer,date,amount,city\na,2024-01-01,1,Omsk\na,2024-01-02,1,Kazan\na,2024-01-03,1,Omsk\nb,2024-01-01,1,Tver\nb,2024-01-02,1,Kazan\n"
    table = analyse(load_orders(str(write("o.csv", text))), Settings(attr="mode")).customers
    assert dict(zip(table["customer"], table["city"], strict=True)) == {"a": "Omsk", "b": "Kazan"}


def test_several_currencies_give_one_row_per_currency_and_customer(write):
    text = "customer,date,amount,currency\na,2024-01-01,10,USD\na,2024-01-02,20,EUR\nb,2024-01-03,5,USD\n"
    table = analyse(load_orders(str(write("o.csv", text)))).customers
    got = sorted(zip(table["currency"], table["customer"], table["net_revenue"], strict=True))
    assert got == [("EUR", "a", 2000), ("USD", "a", 1000), ("USD", "b", 500)]


@pytest.mark.parametrize("size", [1000, (1 << 20) + 7])  # one thread, and two
def test_sort_in_place_sorts_like_numpy(size):
    from ltvcli.engine.reduce import sort_in_place

    values = np.random.default_rng(size).integers(0, 5000, size)  # many repeats
    expected = np.sort(values)
    sort_in_place(values)
    assert (values == expected).all()


@pytest.mark.parametrize("flip", [False, True])
def test_first_order_ties_go_by_time_of_day_then_order_id(write, flip):
    rows = [
        "2,a,2024-01-05 15:30,10,ads",  # later in the day, first in the file
        "1,a,2024-01-05 09:00,20,organic",
        "9,b,2024-01-07 12:00,10,ads",  # one moment: the smaller order id, by number
        "10,b,2024-01-07 12:00,20,referral",
        "11,b,2024-01-07 12:00,30,organic",
    ]
    rows = rows[::-1] if flip else rows
    path = write("o.csv", "\n".join(["order_id,customer,date,amount,channel", *rows]) + "\n")
    loaded = load_orders(str(path))
    first = analyse(loaded).customers
    assert dict(zip(first["customer"], first["channel"], strict=True)) == {
        "a": "organic",
        "b": "ads",
    }
    last = analyse(loaded, Settings(attr="last")).customers
    assert dict(zip(last["customer"], last["channel"], strict=True)) == {
        "a": "ads",
        "b": "organic",
    }


@pytest.mark.parametrize("flip", [False, True])
def test_orders_of_one_moment_without_ids_give_the_smallest_value(write, flip):
    rows = ["a,2024-01-05,10,Tver,ads", "a,2024-01-05,20,Kazan,referral", "a,2024-02-01,5,Omsk,x"]
    rows = [*rows[1::-1], rows[2]] if flip else rows
    text = "\n".join(["customer,date,amount,city,channel", *rows]) + "\n"
    [row] = analyse(load_orders(str(write("o.csv", text)))).customers.to_dict("records")
    assert (row["city"], row["channel"]) == ("Kazan", "ads")


@pytest.mark.parametrize("seed", range(30))
def test_median_by_owner_is_numpys_median_of_each_owner(seed):
    """Few owners (counted values), many owners (one or two values averaged, the rest sorted)."""
    rng = np.random.default_rng(seed)
    owners = int(rng.choice([1, 3, 50, 5_000]))
    size = int(rng.integers(0, 20_000))
    owner = rng.integers(0, owners, size)
    values = rng.integers(0, int(rng.choice([1, 2, 40, 3_000, 10**7])), size)
    expected = np.full(owners, np.nan)
    for who in np.unique(owner):
        expected[who] = np.median(values[owner == who])
    assert np.array_equal(median_by_owner(owner, values, owners), expected, equal_nan=True)


def _reduced_alike(one, two) -> None:
    pd.testing.assert_frame_equal(one.customers, two.customers)
    assert np.array_equal(one.gap_owner, two.gap_owner) and np.array_equal(one.gaps, two.gaps)
    for name in ("owner", "day", "net_cents", "cost_cents", "is_order"):
        assert np.array_equal(getattr(one.ledger, name), getattr(two.ledger, name)), name
    assert (one.lines is None) == (two.lines is None)
    if one.lines is not None:
        pd.testing.assert_frame_equal(one.lines.frame, two.lines.frame)


@pytest.mark.parametrize("attr", ["first", "last", "mode"])
@pytest.mark.parametrize("name", [*CASES, "sample"])
def test_two_threads_reduce_as_one(monkeypatch, write, attr, name):
    """Cut in two at a customer's first row (as above a million rows), each half reduced in a
    thread and joined: the same table, gaps, ledger and order lines as in one piece."""
    if name == "sample":
        path = str(SAMPLE / "orders.csv")
    else:
        text, encoding, _ = CASES[name]
        path = str(write(name, text, encoding))
    try:
        orders = load_orders(path, LoadOptions(keep_lines=True)).orders
    except InputError:
        return  # an export with no usable orders: nothing to reduce
    as_of = int(day_numbers(orders["ordered_at"]).max())
    one = reduce_orders(orders, as_of, 365, attr)
    monkeypatch.setattr(reduce, "_PARALLEL_REDUCE", 2)
    halves = []
    joined = reduce.combine
    monkeypatch.setattr(
        reduce,
        "combine",
        lambda p, ordered: halves.append([len(x.customers) for x in p]) or joined(p, ordered),
    )
    _reduced_alike(one, reduce_orders(orders, as_of, 365, attr))
    if len(one.customers) > 1:  # cut in two indeed, each half with customers
        assert len(halves) == 1 and len(halves[0]) == 2 and min(halves[0]) > 0
