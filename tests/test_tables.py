"""``ltvcli.tables`` is what ``ltv`` prints: each command's output equals the library's table
written by the library's renderer."""

from __future__ import annotations

import pytest
from helpers.paths import SAMPLE

from ltvcli import tables
from ltvcli.analysis import Analysis, analyse
from ltvcli.load import load_orders
from ltvcli.render.emit import render_text
from ltvcli.render.formats import OutputFormat
from ltvcli.results import Result
from ltvcli.settings import Settings
from ltvcli.spend import load_spend

ORDERS = str(SAMPLE / "orders.csv")
SPEND = str(SAMPLE / "spend.csv")


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse(load_orders(ORDERS))


def _same(run_cli, args: list[str], result: Result, fmt: OutputFormat = OutputFormat.csv):
    out = run_cli(*args, "-f", fmt.value)
    assert out.exit_code == 0, out.stderr
    assert out.stdout == render_text(result, fmt)


def test_segments_by_city_is_the_library_table(run_cli, analysis):
    _same(run_cli, ["segments", ORDERS, "--by", "city"], tables.segments(analysis, ["city"]))


def test_segments_columns_and_min_customers(run_cli, analysis):
    result = tables.segments(analysis, ["channel"], min_customers=100, columns=["customers", "aov"])
    args = ["segments", ORDERS, "--by", "channel", "--min-customers", "100"]
    _same(run_cli, [*args, "--columns", "customers,aov"], result, OutputFormat.json)


def test_customers_is_the_library_table(run_cli, analysis):
    _same(run_cli, ["customers", ORDERS], tables.customers(analysis))


def test_customers_filtered_sorted_with_rfm(run_cli, analysis):
    result = tables.customers(
        analysis, ["at-risk"], sort="net_revenue", top=20, rfm=True,
        columns=["customer", "net_revenue", "rfm_segment"],
    )  # fmt: skip
    args = ["customers", ORDERS, "--status", "at-risk", "--sort", "net_revenue", "--top", "20"]
    _same(run_cli, [*args, "--rfm", "--columns", "customer,net_revenue,rfm_segment"], result)


def test_cohorts_are_the_library_tables(run_cli, analysis):
    _same(run_cli, ["cohorts", ORDERS], tables.cohorts(analysis))
    _same(run_cli, ["cohorts", ORDERS, "--long"], tables.cohorts(analysis, long=True))
    _same(run_cli, ["cohorts", ORDERS, "--trend"], tables.trend(analysis), OutputFormat.json)


def test_compute_and_intervals_are_the_library_tables(run_cli, analysis):
    with_spend = analyse(load_orders(ORDERS), Settings(), load_spend(SPEND))
    _same(
        run_cli,
        ["compute", ORDERS, "--spend", SPEND],
        tables.compute(with_spend),
        OutputFormat.json,
    )
    _same(run_cli, ["intervals", ORDERS], tables.intervals(analysis), OutputFormat.json)


def test_columns_are_checked_by_the_library(analysis):
    from ltvcli.errors import ConfigError

    with pytest.raises(ConfigError, match="--columns: no column 'nope'"):
        tables.segments(analysis, ["city"], columns=["customers", "nope"])
    with pytest.raises(ConfigError, match="--columns: no column 'nope'"):
        tables.customers(analysis, columns=["customer", "nope"])
