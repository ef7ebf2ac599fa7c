"""The customer table's order, which the streaming engine's pieces are put back in: by currency
(none first), then by key, plain integer keys as numbers, as Python sorts them."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from ltvcli.engine.reduce import key_order

LETTERS = ["a", "B", "z", "é", "Ж", "ж", "1", "0", "-", " ", "😀"]


def _python_order(currency: list, customer: list) -> list[int]:
    """An independent order: Python's stable sort of (currency or "", missing first, key)."""
    numeric = all(
        c is not None and c.isdigit() and not c.startswith("0") and int(c) < 2**63 for c in customer
    )  # as int64: a key past it makes all of them text

    def key(i: int):
        value = customer[i]
        text = int(value) if numeric else value
        return (currency[i] or "", value is not None, text if value is not None else "")

    return sorted(range(len(customer)), key=key)


@pytest.mark.parametrize("seed", range(40))
def test_the_order_is_pythons(seed):
    rnd = random.Random(seed)
    n = rnd.randint(0, 80)
    if seed % 3 == 0:  # plain integer keys sort as numbers: 9 before 10
        customer = [str(rnd.randint(1, 10 ** rnd.randint(1, 12))) for _ in range(n)]
    else:
        customer = [
            "".join(rnd.choice(LETTERS) for _ in range(rnd.randint(0, 5))) for _ in range(n)
        ]
        if seed % 3 == 2:
            customer = [None if rnd.random() < 0.2 else c for c in customer]
    currencies = [None, "RUB", "USD", "EUR"] if seed % 2 else [rnd.choice([None, "RUB"])]
    currency = [rnd.choice(currencies) for _ in range(n)]
    order = key_order(pa.array(currency, pa.string()), pa.array(customer, pa.string()))
    assert order.tolist() == _python_order(currency, customer)
    cut = rnd.randint(0, n)  # as the streaming engine's pieces leave them: in chunks

    def chunked(values: list) -> pa.ChunkedArray:
        return pa.chunked_array([values[:cut], values[cut:]], pa.string())

    assert key_order(chunked(currency), chunked(customer)).tolist() == order.tolist()


@pytest.mark.parametrize(
    "customer",
    [
        ["9223372036854775807", "10", "9"],  # the largest int64: numbers
        ["9223372036854775808", "10", "9"],  # one past it: text, as ``reduce_orders`` orders it
    ],
)
def test_keys_at_the_end_of_int64(customer):
    currency = [None] * len(customer)
    order = key_order(pa.array(currency, pa.string()), pa.array(customer, pa.string()))
    assert order.tolist() == _python_order(currency, customer)


def test_no_chunks_no_customers():
    empty = pa.chunked_array([], pa.string())
    assert key_order(empty, empty).tolist() == []
