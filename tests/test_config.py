"""ltv.toml catches mistakes: an unknown section or key names the nearest valid one; every
documented key works ([analysis] spend, [output] lang and format); flags win over the file."""

from __future__ import annotations

import pytest
from helpers.paths import SAMPLE

ORDERS = str(SAMPLE / "orders.csv")


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ("[analysys]\nmargin = 0.3\n", "unknown section [analysys] (did you mean 'analysis'?)"),
        ("[analysis]\nmargn = 0.3\n", "[analysis] has no key 'margn' (did you mean 'margin'?)"),
        (
            "[input]\nencodng = 'cp1251'\n",
            "[input] has no key 'encodng' (did you mean 'encoding'?)",
        ),
        (
            "[columns]\ncustomr = 'Email'\n",
            "[columns] has no key 'customr' (did you mean 'customer'?)",
        ),
        ("[output]\nformats = 'csv'\n", "[output] has no key 'formats' (did you mean 'format'?)"),
        ("[output]\nformat = 'xml'\n", "[output] format is one of table, csv"),
        ("[output]\nlang = 'de'\n", "[output] lang is one of en, ru"),
        ("[zzz]\nx = 1\n", "unknown section [zzz]; known: columns, analysis, output, input"),
        ("margin = 0.3\n", "margin = ... is outside any section; put it under one of [columns]"),
    ],
)
def test_config_mistakes_are_usage_errors(run_cli, tmp_path, monkeypatch, toml, says):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ltv.toml").write_text(toml)
    result = run_cli("compute", ORDERS, "-q")
    assert result.exit_code == 2
    assert says in result.stderr and len(result.stderr.splitlines()) == 1


def test_spend_format_and_lang_from_the_config(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spend = SAMPLE / "spend.csv"
    (tmp_path / "ltv.toml").write_text(
        f'[analysis]\nspend = "{spend}"\n\n[output]\nformat = "json"\nlang = "ru"\n'
    )
    kpis = run_cli("compute", ORDERS, "-q").json
    assert kpis["cac"] == 1649.04  # the spend file of [analysis]
    assert run_cli("compute", ORDERS, "-q", "-f", "csv").stdout.startswith("currency,")  # flag wins
    run_cli("report", ORDERS, "-q", "-o", str(tmp_path / "r.md"))
    assert "Клиенты" in (tmp_path / "r.md").read_text()  # [output] lang


@pytest.mark.parametrize("margin", ["0.35", "0,35", "35%", "35 %"])
def test_rates_and_dates_in_the_spellings_people_use(run_cli, write, margin):
    path = write("o.csv", "customer,date,amount\na,2024-01-01,100\na,2024-06-01,100\n")
    result = run_cli(
        "compute", str(path), "--margin", margin, "--as-of", "30.06.2024", "-f", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert result.json["margin"] == 70.0 and result.json["as_of"] == "2024-06-30"


def test_an_ambiguous_rate_is_refused(run_cli):
    assert run_cli("compute", ORDERS, "--margin", "30", "-q").exit_code == 2
    assert run_cli("compute", ORDERS, "--margin", "lots", "-q").exit_code == 2


def test_config_paths_and_formats_do_what_a_cron_job_expects(run_cli, tmp_path, monkeypatch):
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "spend.csv").write_bytes((SAMPLE / "spend.csv").read_bytes())
    (folder / "ltv.toml").write_text(
        '[analysis]\nspend = "spend.csv"\n\n[output]\nformat = "csv"\n'
    )
    monkeypatch.chdir(tmp_path)  # elsewhere: the spend file is found next to the config
    config = str(folder / "ltv.toml")
    result = run_cli("compute", ORDERS, "--config", config, "-q", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["cac"] == 1649.04
    run_cli("segments", ORDERS, "--config", config, "-q", "-o", str(tmp_path / "s.xlsx"))
    assert (tmp_path / "s.xlsx").read_bytes()[:2] == b"PK"  # -o's extension wins over [output]
    assert run_cli("segments", ORDERS, "--config", config, "-q").stdout.startswith("channel,")


def test_an_unused_margin_is_said(run_cli):
    result = run_cli("compute", ORDERS, "--margin", "0.3", "-f", "csv")
    assert "ltv: --margin 0.3 is not used: the file has a cost column" in result.stderr
