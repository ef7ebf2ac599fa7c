"""Every command on a seeded corpus of hostile inputs (``fuzz_corpus``): no traceback, no
internal error, an exit code from the documented set, and for every answer the invariants
(customers and orders counted sensibly, totals that add up, dates inside the plausible window)."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers.exports import CASES
from helpers.fuzz_corpus import corpus

SEEDS = [text for text, encoding, _ in CASES.values() if encoding == "utf-8"]
CORPUS = list(corpus(SEEDS, count=220))
OTHER_COMMANDS = (
    ["customers", "-f", "csv"],
    ["segments", "-f", "csv"],
    ["intervals", "-f", "json"],
    ["cohorts", "--long", "-f", "csv"],
    ["inspect", "-f", "json"],
    ["customers", "-f", "markdown", "--engine", "stream"],
    ["report", "-o", "{dir}/r.json"],
)
DOCUMENTED = {0, 1, 2}
EARLIEST = dt.date(1990, 1, 1)


def _clean(result) -> None:
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.exit_code in DOCUMENTED, (result.exit_code, result.stderr)
    if result.exit_code == 1:
        assert result.stderr.strip().splitlines()[-1].startswith("ltv: error"), result.stderr


def _invariants(record: dict) -> None:
    assert 0 <= record["customers"] <= record["orders"]  # a customer is someone who ordered
    gross, refunds, net = record["gross_revenue"], record["refunds"], record["net_revenue"]
    assert round((gross - refunds - net) * 100) == 0
    assert abs(gross) < 9.2e16 and abs(net) < 9.2e16  # no int64 cents wrapped
    for key in ("first_order", "last_order", "as_of"):
        if record.get(key):
            day = dt.date.fromisoformat(record[key])
            assert EARLIEST <= day <= dt.date.today() + dt.timedelta(days=1), (key, day)


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_hostile_input_gives_an_answer_or_one_clear_error(run_cli, tmp_path, case):
    path = tmp_path / case.name
    path.write_bytes(case.data)
    result = run_cli("compute", path, "-f", "json", "-q")
    _clean(result)
    if result.exit_code == 0:
        record = result.json
        for one in record["by_currency"].values() if "by_currency" in record else [record]:
            _invariants(one)
    command = OTHER_COMMANDS[CORPUS.index(case) % len(OTHER_COMMANDS)]
    command = [c.replace("{dir}", str(tmp_path)) for c in command]
    quiet = [] if command[0] == "inspect" else ["-q"]
    _clean(run_cli(command[0], path, *command[1:], *quiet))
