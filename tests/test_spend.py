"""Spend files: the period spellings real exports use."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers.paths import SAMPLE

from ltvcli.errors import InputError
from ltvcli.spend import load_spend

EPOCH = dt.date(1970, 1, 1)


def _days(text: str) -> tuple[str, str]:
    return tuple(str(EPOCH + dt.timedelta(days=int(d))) for d in text)


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("02.2024", "2024-02-01", "2024-02-29"),
        ("2024-Q4", "2024-10-01", "2024-12-31"),
        ("2024-W01", "2024-01-01", "2024-01-07"),
        ("2024", "2024-01-01", "2024-12-31"),
        ("Mar 2024", "2024-03-01", "2024-03-31"),
        ("Март 2024", "2024-03-01", "2024-03-31"),
        ("15.03.2024", "2024-03-15", "2024-03-15"),
    ],
)
def test_periods(write, period, first, last):
    spend = load_spend(str(write("s.csv", f"Период;Расход\n{period};1 500,50\n")))
    row = spend.rows.iloc[0]
    assert _days((row["start"], row["end"])) == (first, last)
    assert row["cents"] == 150050 and row["channel"] is None


def test_channels_and_a_missing_amount_column(write):
    spend = load_spend(str(write("s.csv", "date,utm_source,cost\n2024-01-01,google,10\n")))
    assert list(spend.rows["channel"]) == ["google"]
    with pytest.raises(InputError, match="no amount column"):
        load_spend(str(write("t.csv", "date,channel\n2024-01-01,google\n")))


def test_spend_channels_that_match_no_order_channel_are_named(run_cli, write):
    spend = write("s.csv", "month,channel,amount\n2024-01,ads,500\n2024-01,yandex_direkt,40\n"
                           "2024-01,organic,10\n")  # fmt: skip
    result = run_cli("compute", str(SAMPLE / "orders.csv"), "--spend", str(spend), "-f", "csv")
    assert result.exit_code == 0
    assert (
        f"ltv: {spend}: spend channel(s) ads, yandex_direkt match no channel in the orders' "
        "channel column; their spend counts in the total CAC only"
    ) in result.stderr
    matched = run_cli("compute", str(SAMPLE / "orders.csv"), "--spend", str(SAMPLE / "spend.csv"))
    assert "match no channel" not in matched.stderr
