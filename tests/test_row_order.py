"""No answer depends on the order of the rows or on how they are split into files: the same
orders as one CSV, shuffled, cut into several CSVs and as a hive-partitioned Parquet dataset
print byte-identical outputs, in memory and streamed in many blocks and partitions."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from random import Random

import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ltvcli.engine.partitioned as partitioned
from ltvcli.load import load_orders

START = dt.datetime(2024, 1, 20)
CHANNELS = ["ads", "organic", "referral"]
HEADER = ("order_id", "customer", "date", "amount", "city", "channel", "product", "month")
MAPPING = "--customer customer --date date --amount amount --order-id order_id".split()
COMMANDS = (
    ("customers", "-f", "csv"),
    ("customers", "-f", "csv", "--attr", "last"),
    ("segments", "--by", "channel", "-f", "csv"),
    ("compute", "-f", "json"),
    ("cohorts", "-f", "csv"),
    ("intervals", "-f", "json"),
)
# Every layout in memory; streamed, the ones that cut the rows most differently.
RUNS = (
    *((name, "memory") for name in ("one file", "shuffled", "split", "dataset")),
    ("split", "stream"),
    ("dataset", "stream"),
)

# An order: a customer, a moment (few days and two times of day: many ties), its lines
# (product, minutes after the order's time), its money and whether part of it was refunded.
order = st.fixed_dictionaries(
    {
        "customer": st.integers(1, 4),
        "day": st.integers(0, 45),
        "minute": st.sampled_from([9 * 60, 9 * 60, 15 * 60 + 30]),
        "id": st.sampled_from(["plain", "plain", "plain", "text", "none"]),
        "city": st.sampled_from(["Kazan", "Omsk", "Tver"]),
        "channel": st.sampled_from(CHANNELS),
        "lines": st.lists(
            st.tuples(
                st.sampled_from(["cap", "hat", "shoe"]),
                st.sampled_from([0, 0, 0, 7]),  # minutes after the order's time
                st.sampled_from(["", "", "", "other channel", "no customer"]),
            ),
            min_size=1,
            max_size=3,
        ),
        "cents": st.integers(100, 50_000),
        "refund": st.sampled_from([0, 0, 0, 150]),
    }
)


@st.composite
def exports(draw) -> list[tuple[str, ...]]:
    """The rows of an order-line export: a line per order line, a row per refund."""
    orders = draw(st.lists(order, min_size=1, max_size=14))
    numbers = draw(st.permutations(range(1, len(orders) + 1)))  # ids not in time order
    rows = []
    for o, number in zip(orders, numbers, strict=True):
        order_id = {"plain": str(number), "text": f"A{number}", "none": ""}[o["id"]]
        at = START + dt.timedelta(days=o["day"], minutes=o["minute"])
        customer = f"c{o['customer']}"
        for i, (product, later, odd) in enumerate(o["lines"]):
            when = at + dt.timedelta(minutes=later)
            cents = o["cents"] + i  # lines of their own amounts: summed per order
            channel = o["channel"]
            if odd == "other channel":
                channel = CHANNELS[CHANNELS.index(channel) - 1]
            who = "" if i and odd == "no customer" else customer  # a follow-up line
            rows.append((order_id, who, str(when), _money(cents), o["city"], channel, product,
                         when.strftime("%Y-%m")))  # fmt: skip
        if o["refund"]:
            when = at + dt.timedelta(days=3)
            rows.append((order_id, customer, str(when), _money(-o["refund"]), o["city"],
                         o["channel"], "", when.strftime("%Y-%m")))  # fmt: skip
    return rows


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _csv(path: Path, rows) -> str:
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _dataset(path: Path, rows) -> str:
    """A hive-partitioned Parquet dataset (``month=2024-01/...``): the partition column comes
    back last, as in the CSVs."""
    columns = {name: [r[i] or None for r in rows] for i, name in enumerate(HEADER)}
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    ds.write_dataset(
        table, path, format="parquet", partitioning=["month"], partitioning_flavor="hive"
    )
    return str(path)


def _layouts(tmp: Path, rows, shuffle: Random) -> dict[str, list[str]]:
    """The same rows: one CSV, shuffled, cut into 2–3 files, and a Parquet dataset."""
    mixed = rows[:]
    shuffle.shuffle(mixed)
    parts = min(len(mixed), shuffle.choice([2, 3]))
    cuts = sorted(shuffle.sample(range(1, len(mixed)), parts - 1)) if parts > 1 else []
    pieces = [mixed[a:b] for a, b in zip([0, *cuts], [*cuts, len(mixed)], strict=True)]
    return {
        "one file": [_csv(tmp / "orders.csv", rows)],
        "shuffled": [_csv(tmp / "shuffled.csv", mixed)],
        "split": [_csv(tmp / f"part{i}.csv", piece) for i, piece in enumerate(pieces)],
        "dataset": [_dataset(tmp / "dataset", mixed)],
    }


@pytest.fixture
def many_blocks(monkeypatch):
    """The streaming engine in several partitions and blocks of a few lines each."""
    monkeypatch.setattr(partitioned, "partitions_for", lambda *_: 3)
    monkeypatch.setattr(partitioned, "block_size_for", lambda *_: 256)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=exports(), shuffle=st.randoms(use_true_random=False))
def test_outputs_do_not_depend_on_row_order_or_files(tmp_path, run_cli, many_blocks, rows, shuffle):
    layouts = _layouts(Path(tempfile.mkdtemp(dir=tmp_path)), rows, shuffle)
    for command in COMMANDS:
        expected = None
        for name, engine in RUNS:
            args = (*command[1:], *MAPPING, "-q", "--engine", engine)
            got = run_cli(command[0], *layouts[name], *args)
            assert got.exit_code == 0, (name, engine, got.stderr)
            expected = expected if expected is not None else got.stdout
            assert got.stdout == expected, (command, name, engine)


def _orders(write, header: str, lines: list[str], flip: bool) -> list[dict]:
    text = "\n".join([header, *(lines[::-1] if flip else lines)]) + "\n"
    return load_orders(str(write("o.csv", text))).orders.to_dict("records")


@pytest.mark.parametrize("flip", [False, True])
def test_an_order_is_dated_and_labelled_by_its_earliest_line(write, flip):
    lines = ["7,a,2024-03-01 10:05,30.00,organic,shoe", "7,a,2024-03-01 10:00,30.00,ads,hat"]
    [order] = _orders(write, "order_id,customer,date,amount,channel,product", lines, flip)
    assert (str(order["ordered_at"]), order["channel"], order["product"]) == (
        "2024-03-01 10:00:00", "ads", "hat",
    )  # fmt: skip
    assert order["gross_cents"] == 3000  # the total repeated on every line, taken once


@pytest.mark.parametrize("flip", [False, True])
def test_lines_of_one_moment_give_the_smallest_value(write, flip):
    lines = [
        "8,b,2024-03-02 12:00,10.00,shoe",
        "8,,2024-03-02 12:00,5.00,cap",
        "8,b,2024-03-02 12:00,1.00,",
    ]
    [order] = _orders(write, "order_id,customer,date,amount,product", lines, flip)
    assert (order["customer"], order["product"], order["gross_cents"]) == ("b", "cap", 1600)
