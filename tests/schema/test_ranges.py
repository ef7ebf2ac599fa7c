"""Hostile input: money and dates beyond their declared ranges are unreadable cells, skipped with
a reason and a count (docs/input.md, Ranges) — never a wrapped, truncated or absurd total."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ltvcli.load import load_orders
from ltvcli.options import LoadOptions
from ltvcli.schema.dates import parse_dates, plausible_window
from ltvcli.schema.money import MAX_CENTS, parse_money

LTV = Path(sys.executable).with_name("ltv")
INT64_MAX = np.iinfo(np.int64).max


def _csv(write, rows: list[tuple], header: str = "customer,date,amount", name: str = "o.csv"):
    lines = [header] + [",".join(str(c) for c in row) for row in rows]
    return write(name, "\n".join(lines) + "\n")


def _net(loaded) -> int:
    orders = loaded.orders
    return int(orders["gross_cents"].sum() - orders["refund_cents"].sum())


# --- the bound --------------------------------------------------------------------------------


def test_the_bound_keeps_millions_of_cells_exact():
    # The documented arithmetic: 9,223,372 cells at the bound still sum inside int64 cents.
    assert MAX_CENTS == 999_999_999_999
    assert INT64_MAX // MAX_CENTS >= 9_000_000
    assert 10**6 * MAX_CENTS < INT64_MAX


@pytest.mark.parametrize(
    ("cells", "cents", "out"),
    [
        # fast path (plain numbers)
        (["100.50", "1e20", "20"], [10050, None, 2000], [False, True, False]),
        (["1234567890123456.78", "5"], [None, 500], [True, False]),
        (["9999999999.99", "-9999999999.99"], [MAX_CENTS, -MAX_CENTS], [False, False]),
        (["10000000000", "1"], [None, 100], [True, False]),
        # careful path (symbols, separators, sub-cent digits): the same cells, the same answers
        (["1 234,50 ₽", "1e20", "1234567890123456.78"], [123450, None, None], [False, True, True]),
        (["10.555", "1e20", "-1.5e3"], [1056, None, -150000], [False, True, False]),
        (["$9,999,999,999.99", "$10,000,000,000.00"], [MAX_CENTS, None], [False, True]),
        (["99999999999999999999999 ₽", "0000000000000012,50 ₽"], [None, 1250], [True, False]),
        (["9999999999.994", "9999999999.995"], [MAX_CENTS, None], [False, True]),
    ],
)
def test_money_cells_beyond_the_bound_are_out_of_range(cells, cents, out):
    parsed = parse_money(pa.array(cells))
    assert parsed.cents.to_pylist() == cents
    assert parsed.out_of_range.tolist() == out
    assert parsed.invalid.tolist() == out  # callers that only know `invalid` refuse them too


@pytest.mark.parametrize(
    ("array", "cents", "out"),
    [
        (pa.array([1.5, 1e20, float("inf"), -9_999_999_999.99]), [150, None, None, -MAX_CENTS],
         [False, True, True, False]),
        (pa.array([1.005, 1e20]), [101, None], [False, True]),  # sub-cent: the careful float path
        (pa.array([1, 10**15, -(10**10), 9_999_999_999, None], pa.int64()),
         [100, None, None, 999_999_999_900, None], [False, True, True, False, False]),
        (pa.array([1, 2**64 - 1], pa.uint64()), [100, None], [False, True]),
    ],
)  # fmt: skip
def test_typed_money_beyond_the_bound_is_out_of_range(array, cents, out):
    parsed = parse_money(array)
    assert parsed.cents.to_pylist() == cents
    assert parsed.out_of_range.tolist() == out


def test_nan_is_an_empty_cell_not_out_of_range():
    parsed = parse_money(pa.array([float("nan"), 2.0]))
    assert parsed.cents.to_pylist() == [None, 200]
    assert not parsed.out_of_range.any() and not parsed.invalid.any()


# --- amounts through load_orders and the CLI --------------------------------------------------


def test_hostile_amounts_are_skipped_and_counted(write):
    path = _csv(
        write,
        [("a", "2024-01-05", "100.50"), ("b", "2024-02-05", "1e20"),
         ("c", "2024-03-01", "1234567890123456.78"), ("d", "2024-03-02", "20")],
    )  # fmt: skip
    loaded = load_orders(str(path))
    assert loaded.report.skipped["amount out of range"] == 2
    assert _net(loaded) == 10050 + 2000
    assert sorted(loaded.orders["customer"]) == ["a", "d"]
    rejected = [(r["row"], r["reason"], r["amount"]) for r in loaded.report.rejected]
    assert rejected == [
        (3, "amount out of range", "1e20"),
        (4, "amount out of range", "1234567890123456.78"),
    ]


def test_hostile_cost_and_refund_are_skipped(write):
    path = _csv(
        write,
        [("a", "2024-01-05", "100", "10", "0"), ("b", "2024-01-06", "50", "1e20", "0"),
         ("c", "2024-01-07", "70", "5", "1e20"), ("d", "2024-01-08", "30", "3", "1")],
        header="customer,date,amount,cost,refunded amount",
    )  # fmt: skip
    loaded = load_orders(str(path))
    assert loaded.report.skipped["cost out of range"] == 1
    assert loaded.report.skipped["refund out of range"] == 1
    assert sorted(loaded.orders["customer"]) == ["a", "d"]
    assert int(loaded.orders["cost_cents"].sum()) == 1300
    assert _net(loaded) == 13000 - 100


def test_cli_margin_of_a_hostile_cost_is_not_absurd(run_cli, write):
    path = _csv(
        write,
        [("a", "2024-01-05", "100", "10"), ("b", "2024-01-06", "50", "1e20")],
        header="customer,date,amount,cost",
    )  # fmt: skip
    result = run_cli("compute", path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["margin"] == 90.0
    assert result.json["net_revenue"] == 100.0
    assert "cost out of range: 1" in result.stderr


@pytest.mark.parametrize(
    ("array", "bad"),
    [
        (pa.array([100.5, 1e20, 20.0, 1e15], pa.float64()), 2),
        (pa.array([100, 10**17, 20, -(10**12)], pa.int64()), 2),
    ],
)
def test_parquet_amounts_beyond_the_bound(tmp_path, run_cli, array, bad):
    table = pa.table(
        {
            "customer": ["a", "b", "c", "d"],
            "date": pa.array([dt.date(2024, 1, d) for d in (5, 6, 7, 8)]),
            "amount": array,
        }
    )
    path = tmp_path / "orders.parquet"
    pq.write_table(table, path)
    loaded = load_orders(str(path))
    assert loaded.report.skipped["amount out of range"] == bad
    assert _net(loaded) == 10050 + 2000 if array.type == pa.float64() else 12000
    result = run_cli("customers", path, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert f"amount out of range: {bad}" in result.stderr
    assert [row["customer"] for row in csv.DictReader(result.stdout.splitlines())] == ["a", "c"]


def test_ten_thousand_largest_amounts_sum_exactly(write, run_cli):
    cell = "9999999999.99"  # the largest in-bound amount
    rows = [("a", f"2024-01-{1 + i % 28:02d}", cell) for i in range(10_000)]
    path = _csv(write, rows)
    expected = sum(int(cell.replace(".", "")) for _ in rows)  # Python's exact int sum
    loaded = load_orders(str(path))
    assert loaded.report.rows_skipped == 0
    assert _net(loaded) == expected
    for engine in ("memory", "stream"):
        result = run_cli("customers", path, "-f", "csv", "-q", "--engine", engine)
        assert result.exit_code == 0, result.stderr
        [row] = csv.DictReader(result.stdout.splitlines())
        assert row["net_revenue"] == f"{expected // 100}.{expected % 100:02d}"


def test_ten_thousand_amounts_beyond_the_bound_are_all_skipped(write, run_cli):
    hostile, fine = ("a", "2024-01-05", "9999999999999.99"), ("b", "2024-01-06", "7")
    loaded = load_orders(str(_csv(write, [hostile, fine] * 10_000 + [fine])))
    assert loaded.report.skipped["amount out of range"] == 10_000
    assert _net(loaded) == 700 * 10_001
    # A column of nothing but such cells holds no amounts: an error, never a total.
    only = _csv(write, [hostile] * 10_000, name="only.csv")
    assert run_cli("compute", only).exit_code == 1
    given = run_cli("compute", only, "--amount", "amount")
    assert given.exit_code == 1
    assert "amount out of range: 10,000" in given.stderr


# --- dates ------------------------------------------------------------------------------------


HOSTILE_DATES = ["9999-12-31", "31.12.9999", "2958466", "1066-10-14", "2262-04-11", "14.10.1066"]


@pytest.mark.parametrize("cell", HOSTILE_DATES)
def test_implausible_dates_are_out_of_range(cell):
    parsed = parse_dates(pa.array(["2024-01-05", cell]), window=plausible_window())
    assert parsed.values[0] == np.datetime64("2024-01-05")
    assert np.isnat(parsed.values[1])
    assert parsed.out_of_range.tolist() == [False, True]
    assert not parsed.invalid.any()


def test_window_edges_and_typed_dates():
    today = dt.date.today()
    window = plausible_window()
    assert window == (dt.date(1990, 1, 1), today + dt.timedelta(days=1))
    cells = ["1989-12-31 23:59", "1990-01-01", f"{today + dt.timedelta(days=1)} 23:59",
             f"{today + dt.timedelta(days=2)}"]  # fmt: skip
    parsed = parse_dates(pa.array(cells), window=window)
    assert parsed.out_of_range.tolist() == [True, False, False, True]
    typed = parse_dates(pa.array([dt.date(2024, 1, 1), dt.date(9999, 12, 31)]), window=window)
    assert typed.out_of_range.tolist() == [False, True]
    serials = parse_dates(pa.array([45000, 2958466, 45100]), window=window)
    assert serials.out_of_range.tolist() == [False, True, False]
    # without a window (column detection, spend files) nothing changes
    assert not parse_dates(pa.array(["9999-12-31"])).out_of_range.any()


@pytest.mark.parametrize("cell", HOSTILE_DATES)
def test_as_of_is_the_last_plausible_date(run_cli, write, cell):
    rows = [("a", "2024-01-05", "10"), ("b", cell, "20"), ("c", "2024-03-01", "5")]
    path = _csv(write, rows)
    loaded = load_orders(str(path))
    assert loaded.report.skipped["date out of range"] == 1
    assert loaded.report.rejected[0]["reason"] == "date out of range"
    assert _net(loaded) == 1500
    for engine in ("memory", "stream"):
        result = run_cli("compute", path, "-f", "json", "--engine", engine)
        assert result.exit_code == 0, result.stderr
        assert result.json["as_of"] == "2024-03-01"
        assert result.json["customers"] == 2
        assert result.json["net_revenue"] == 15.0
        assert "date out of range: 1" in result.stderr


def test_date_range_widens(run_cli, write):
    rows = [("a", "1985-06-01", "10"), ("b", "2024-01-05", "20"), ("c", "2150-01-01", "5")]
    path = _csv(write, rows)
    assert load_orders(str(path)).report.skipped["date out of range"] == 2
    wide = load_orders(str(path), LoadOptions(date_range="1970-01-01:"))
    assert wide.report.skipped["date out of range"] == 1  # an empty side keeps its default
    assert _net(wide) == 3000
    both = run_cli("compute", path, "-f", "json", "--date-range", "1970-01-01:2200-12-31")
    assert both.exit_code == 0, both.stderr
    assert both.json["as_of"] == "2150-01-01"
    assert both.json["net_revenue"] == 35.0
    narrow = run_cli("compute", path, "-f", "json", "--date-range", ":2023-12-31")
    assert narrow.exit_code == 1  # nothing left: 2024 is after TO, 1985 before the default FROM


def test_date_range_in_ltv_toml(run_cli, write):
    path = _csv(write, [("a", "1985-06-01", "10"), ("b", "2024-01-05", "20")])
    config = write("ltv.toml", '[input]\ndate_range = "1980-01-01:"\n')
    result = run_cli("compute", path, "-f", "json", "--config", config)
    assert result.exit_code == 0, result.stderr
    assert result.json["net_revenue"] == 30.0


@pytest.mark.parametrize(
    "value", ["1970-01-01", "x:y", "2024-13-01:", "2030-01-01:2020-01-01", "a:b:c"]
)
def test_bad_date_range_is_a_usage_error(run_cli, write, value):
    path = _csv(write, [("a", "2024-01-05", "10")])
    result = run_cli("compute", path, "--date-range", value)
    assert result.exit_code == 2
    assert "--date-range" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- --strict, --rejects, the installed entry point -------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("b", "2024-01-06", "1e20"), 'row 3: column "amount": amount out of range'),
        (("b", "9999-12-31", "10"), 'row 3: column "date": date out of range'),
    ],
)
def test_strict_fails_on_the_first_out_of_range_value(run_cli, write, row, message):
    fine = [("d", "2024-01-07", "1"), ("e", "2024-01-08", "2")]
    path = _csv(write, [("a", "2024-01-05", "10"), row, ("c", "2024-01-06", "5"), *fine])
    result = run_cli("compute", path, "--strict")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_installed_ltv_rejects_file(tmp_path, write):
    path = _csv(
        write,
        [("a", "2024-01-05", "10"), ("b", "31.12.9999", "20"), ("c", "2024-01-07", "1e20")],
    )
    rejects = tmp_path / "rejects.csv"
    done = subprocess.run(
        [str(LTV), "compute", str(path), "-f", "json", "--rejects", str(rejects)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"net_revenue": 10.0' in done.stdout
    reasons = [(r["row"], r["reason"]) for r in csv.DictReader(rejects.open())]
    assert reasons == [("3", "date out of range"), ("4", "amount out of range")]


# --- the last line of defence: a total that int64 cents cannot hold is an error --------------


def test_a_total_beyond_int64_is_an_error_not_a_wrong_number():
    import pandas as pd

    from ltvcli.engine.window import settle_as_of, window_orders
    from ltvcli.errors import InputError
    from ltvcli.settings import Settings

    # 9.3 million cells at the bound: each is in range, their sum is not (int64 max / MAX_CENTS).
    cells = INT64_MAX // MAX_CENTS + 1
    orders = pd.DataFrame(
        {
            "ordered_at": pd.to_datetime(["2024-01-05", "2024-01-06"]),
            "is_order": [True, True],
            "gross_cents": pd.array([MAX_CENTS * (cells // 2), MAX_CENTS * (cells - cells // 2)]),
            "refund_cents": pd.array([0, None], dtype="Int64"),
            "cost_cents": pd.array([None, None], dtype="Int64"),
        }
    )
    _, stats = window_orders(orders, Settings())
    with pytest.raises(InputError, match="more than integer cents can sum exactly"):
        settle_as_of(stats, Settings())
    # merged over partitions, as the streaming engine does
    _, half = window_orders(orders.head(1), Settings())
    _, rest = window_orders(orders.tail(1), Settings())
    with pytest.raises(InputError):
        settle_as_of(half | rest, Settings())
    _, fine = window_orders(orders.assign(gross_cents=[MAX_CENTS, MAX_CENTS]), Settings())
    assert settle_as_of(fine, Settings()) == (dt.date(2024, 1, 6) - dt.date(1970, 1, 1)).days


def test_streaming_blocks_give_the_same_answers(write):
    """Hostile cells in some 1 kB blocks (read by the fast path), and in blocks that need the
    careful path (sub-cent digits): the streamed answers are the in-memory ones."""
    from ltvcli.analysis import analyse, analyse_files
    from ltvcli.engine.options import Engine
    from ltvcli.settings import Settings

    hostile = ["1e20", "1234567890123456.78", "10000000000", "-1e19"]
    dates = ["9999-12-31", "1066-10-14", "2262-04-11", "1989-12-31"]
    rows = []
    for i in range(400):
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        amount = f"{i}.{i % 100:02d}" if i % 50 else f"{i}.555"
        if i % 37 == 5:
            amount = hostile[i % 4]
        if i % 41 == 7:
            day = dates[i % 4]
        rows.append((f"c{i % 23}", day, amount))
    path = str(_csv(write, rows))
    loaded = load_orders(path)
    memory = analyse(loaded, Settings())
    engine = Engine("stream", partitions=5, block_size=1 << 10)
    streamed, report = analyse_files([path], LoadOptions(), Settings(), engine=engine)
    assert dict(report.skipped) == dict(loaded.report.skipped)
    assert loaded.report.skipped["amount out of range"] == sum(i % 37 == 5 for i in range(400))
    assert loaded.report.skipped["date out of range"] > 0
    assert streamed.as_of == memory.as_of
    columns = ["customer", "orders", "net_revenue"]
    a = memory.customers[columns].sort_values("customer").reset_index(drop=True)
    b = streamed.customers[columns].sort_values("customer").reset_index(drop=True)
    assert a.astype(str).equals(b.astype(str))
