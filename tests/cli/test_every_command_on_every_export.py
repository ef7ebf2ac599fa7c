"""Every analysis command on every real-looking export: a result or a clear one-line error,
never an internal error, and the same net revenue wherever it is shown."""

from __future__ import annotations

import pytest
from helpers.exports import CASES

COMMANDS = (
    ["compute", "-f", "json"],
    ["customers", "-f", "csv"],
    ["segments", "-f", "csv"],
    ["intervals", "-f", "json"],
    ["cohorts", "--long", "-f", "csv"],
    ["cohorts", "--trend", "-f", "csv"],
    ["products", "-f", "json"],
    ["drivers", "-f", "json"],
)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_command_on_export(run_cli, write, name, command):
    text, encoding, (customers, _, net) = CASES[name]
    result = run_cli(command[0], write(name, text, encoding), *command[1:], "-q")
    assert "internal error" not in result.stderr
    if result.exit_code:
        assert result.exit_code in (1, 2) and len(result.stderr.strip().splitlines()) == 1
        return
    if command[0] == "compute":
        record = result.json
        records = record["by_currency"].values() if "by_currency" in record else [record]
        assert sum(r["customers"] for r in records) == customers
        assert round(sum(r["net_revenue"] for r in records) * 100) == net
    if command[0] == "products":  # the lines' shares add up to the orders' net revenue
        assert round(result.json[-1]["net_revenue"] * 100) == net


@pytest.mark.parametrize("name", CASES)
def test_report_on_export(run_cli, write, tmp_path, name):
    text, encoding, _ = CASES[name]
    result = run_cli("report", write(name, text, encoding), "-q", "-o", tmp_path / "r.json")
    assert "internal error" not in result.stderr
    assert result.exit_code == 0 or (result.exit_code in (1, 2) and "ltv: error" in result.stderr)
