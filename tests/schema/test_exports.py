"""Real-looking exports of the systems our users have: the right customers, orders and net revenue.

Each case is a small file as the system writes it (header spellings, money and date formats,
line items, refunds, statuses); the expected totals are worked out by hand in the comment, by the
rules ltv follows: every identifier links (id, e-mail, phone; a name only when a row has nothing
else; guest placeholders are missing), a count is never the order id, order money repeated on lines
is taken once, only won CRM stages are revenue, one stated currency covers the file. Every case is
checked in process and through the installed `ltv compute` with no flags. Files that cannot give
LTV (marketplace reports, one row per customer) must be refused in one line.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.exports import (
    CASES,
    ONE_C,
    REFUSED,
    SHOPIFY,
    STRIPE,
    YOOKASSA_PAYMENTS,
    YOOKASSA_REFUNDS,
)
from helpers.loads import totals

from ltvcli.load import load_orders
from ltvcli.options import LoadOptions


@pytest.mark.parametrize("name", CASES)
def test_export_gives_right_customers_orders_and_net_revenue(name, write):
    text, encoding, expected = CASES[name]
    loaded = load_orders(str(write(name, text, encoding)))
    assert totals(loaded) == expected


LTV = Path(sys.executable).parent / "ltv"  # the installed command, as a user runs it


def run_ltv(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LTV), *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.parametrize("name", CASES)
def test_installed_ltv_compute_gives_right_totals(name, write):
    """`ltv compute FILE -f json -q` with no flags: the totals a user sees for the export."""
    text, encoding, (customers, orders, net) = CASES[name]
    result = run_ltv("compute", str(write(name, text, encoding)), "-f", "json", "-q")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    records = list(record["by_currency"].values()) if "by_currency" in record else [record]
    got = (
        sum(r["customers"] for r in records),
        sum(r["orders"] for r in records),
        round(sum(r["net_revenue"] for r in records) * 100),
    )
    assert got == (customers, orders, net)


@pytest.mark.parametrize("name", REFUSED)
def test_installed_ltv_refuses_files_without_orders_of_customers(name, write):
    """Marketplace reports (no buyer) and per-customer summaries (no orders): exit 1, one line."""
    text, encoding, says = REFUSED[name]
    result = run_ltv("compute", str(write(name, text, encoding)), "-f", "json", "-q")
    assert result.returncode == 1, result.stdout[:500]
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert any(word in result.stderr.lower() for word in says), result.stderr
    assert "internal error" not in result.stderr


def test_shopify_continuation_lines_and_dst_offsets(write):
    loaded = load_orders(str(write("shopify.csv", SHOPIFY)))
    orders = loaded.orders.set_index("order_id")
    assert orders.loc["#1001", "customer"] == "anna.petrova@mail.example"
    assert orders.loc["#1001", "gross_cents"] == 10050
    assert str(orders.loc["#1006", "ordered_at"]) == "2024-11-03 01:30:00"
    assert loaded.report.skipped["cancelled, failed or lost order"] == 1
    assert loaded.report.skipped["open or pending order (not yet revenue; --include-open)"] == 1


def test_include_open_counts_pending_orders(write):
    path = str(write("shopify.csv", SHOPIFY))
    assert totals(load_orders(path, LoadOptions(include_open=True))) == (4, 5, 116550)


def test_1c_report_skips_title_blank_and_total_rows(write):
    loaded = load_orders(str(write("1c.csv", ONE_C, "cp1251")))
    skipped = loaded.report.skipped
    assert skipped["title line before the header"] == 3
    assert skipped["summary row (Итого/Total)"] == 1
    source = loaded.report.sources[0]
    assert source.detected["encoding"] == "cp1251" and source.detected["delimiter"] == ";"
    assert source.columns["customer"] == "Контрагент"


def test_timezone_option_converts_offsets(write):
    path = str(write("shopify.csv", SHOPIFY))
    loaded = load_orders(path, LoadOptions(timezone="UTC"))
    first = loaded.orders.set_index("order_id").loc["#1006", "ordered_at"]
    assert str(first) == "2024-11-03 06:30:00"


def test_gzip_compressed_export(write):
    loaded = load_orders(str(write("stripe.csv.gz", gzip.compress(STRIPE.encode()))))
    assert totals(loaded) == CASES["stripe.csv"][2]


def test_mixed_currencies_stay_apart(write):
    text = "customer,date,amount,currency\na,2024-01-01,10.00,USD\na,2024-01-02,20.00,EUR\nb,2024-01-03,5.00,usd\n"
    loaded = load_orders(str(write("mixed.csv", text)))
    by_currency = loaded.orders.groupby("currency")["gross_cents"].sum().to_dict()
    assert by_currency == {"EUR": 2000, "USD": 1500}
    only_usd = load_orders(str(write("mixed.csv", text)), LoadOptions(currency="usd"))
    assert totals(only_usd) == (2, 2, 1500)


def test_currency_symbols_in_cells_are_currency_evidence(write):
    text = 'client,date,sum\nx,01.02.2024,"1 234,50 ₽"\ny,02.02.2024,$10.00\n'
    loaded = load_orders(str(write("symbols.csv", text)))
    assert dict(zip(loaded.orders["customer"], loaded.orders["currency"], strict=True)) == {
        "x": "RUB",
        "y": "USD",
    }


def test_yookassa_registry_with_a_separate_refunds_registry(write):
    payments = str(write("payments.csv", YOOKASSA_PAYMENTS))
    refunds = str(write("refunds.csv", YOOKASSA_REFUNDS))
    loaded = load_orders([payments, refunds])
    assert totals(loaded) == (2, 2, 110000)
    assert loaded.report.skipped["summary row (Итого/Total)"] == 2
    assert loaded.report.skipped["title line before the header"] == 2


def test_headerless_file_with_names(write):
    path = str(write("plain.csv", "c1,2024-01-05,10.50\nc2,2024-01-06,20.00\nc1,2024-02-01,5.25\n"))
    options = LoadOptions(no_header=True, names=("id", "date", "amount"))
    assert totals(load_orders(path, options)) == (2, 3, 3575)


def test_repeated_headers_and_emails_found_by_value(write):
    text = (
        "col_a,col_b,col_c\nann@x.example,2024-01-05,10.50\n"
        "col_a,col_b,col_c\nbob@x.example,2024-01-06,20.00\n"
    )
    loaded = load_orders(str(write("pasted.csv", text)))
    assert totals(loaded) == (2, 2, 3050)
    assert loaded.report.skipped["repeated header row"] == 1
    reasons = loaded.report.sources[0].reasons
    assert reasons["customer"] == "its values are e-mail addresses"
