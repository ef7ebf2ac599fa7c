"""--fail-if, --fail-if-any and --compare-to: conditions that fire (exit 3), KPIs that cannot be
checked (exit 4, never a silent pass), and the change against an earlier run."""

from __future__ import annotations

import json

import pytest
from helpers.paths import SAMPLE

from ltvcli.alerts import evaluate, parse_condition
from ltvcli.errors import ConfigError
from ltvcli.segments import SEGMENT_METRICS

ORDERS = str(SAMPLE / "orders.csv")
SPEND = str(SAMPLE / "spend.csv")


def test_conditions_compare_money_in_units_and_changes_in_percent():
    record = {"aov": 285_992, "repeat_rate": 0.6, "cac": None, "customers": 90}
    outcome = evaluate(
        [parse_condition("aov < 3000"), parse_condition("aov > 2860"), parse_condition("cac > 1")],
        record,
    )
    assert outcome.fired == ["aov < 3000 (it is 2,859.92)"]
    assert outcome.unknown == [
        "cannot check cac > 1: cac is unknown (no marketing spend: give --spend FILE or --cac)"
    ]
    down = parse_condition("repeat_rate down 10%")
    assert down.relative and str(down) == "repeat_rate down 10%"
    assert evaluate([down], record, {"repeat_rate": 0.7}).fired == [
        "repeat_rate down 10% (it is 0.6, was 0.7: -14.3%)"
    ]
    assert evaluate([down], record, {"repeat_rate": 0.65}).fired == []  # -7.7 %
    up = parse_condition("customers up by 50 %")
    assert evaluate([up], record, {"customers": 60}).fired[0].startswith("customers up 50%")
    assert evaluate([up], record, {}).unknown == [
        "cannot check customers up 50%: the previous run has no customers"
    ]


@pytest.mark.parametrize("text", ["vibes < 3", "aov <", "verdict == 1", "aov down 10", "aov ~ 3"])
def test_a_condition_that_is_not_one_lists_the_kpis(text):
    with pytest.raises(ConfigError, match=r"KPI OP NUMBER or KPI down\|up N%.*KPIs: customers"):
        parse_condition(text)


def test_segment_conditions_are_on_segment_columns():
    assert parse_condition("at_risk_share > 0.5", SEGMENT_METRICS).kind == "rate"
    with pytest.raises(ConfigError):
        parse_condition("retention_rate < 0.5", SEGMENT_METRICS)


def test_compute_exits_3_when_a_condition_holds_and_4_when_a_kpi_is_unknown(run_cli):
    fired = run_cli("compute", ORDERS, "--spend", SPEND, "-q", "-f", "json",
                    "--fail-if", "ltv_cac_ratio < 10")  # fmt: skip
    assert fired.exit_code == 3 and json.loads(fired.stdout)["customers"] == 3952  # shown first
    assert fired.stderr == "ltv: alert: ltv_cac_ratio < 10 (it is 6.64818)\n"
    unknown = run_cli("compute", ORDERS, "-q", "-f", "json", "--fail-if", "ltv_cac_ratio < 3")
    assert unknown.exit_code == 4
    assert unknown.stderr.strip() == (
        "ltv: alert: cannot check ltv_cac_ratio < 3: ltv_cac_ratio is unknown "
        "(no marketing spend: give --spend FILE or --cac)"
    )
    quiet = run_cli("compute", ORDERS, "--spend", SPEND, "-q", "--fail-if", "ltv_cac_ratio < 3")
    assert quiet.exit_code == 0 and not quiet.stderr


def test_compare_to_an_earlier_run(run_cli, tmp_path):
    last = tmp_path / "last.json"
    last.write_text(run_cli("compute", ORDERS, "-q", "-f", "json").stdout)
    later = run_cli("compute", ORDERS, "-q", "-f", "json", "--since", "2024-06-01",
                    "--compare-to", str(last), "--fail-if", "customers down 10%",
                    "--fail-if", "aov down 50%")  # fmt: skip
    assert later.exit_code == 3
    assert later.stderr.strip() == "ltv: alert: customers down 10% (it is 3,319, was 3,952: -16.0%)"
    report = tmp_path / "report.json"
    run_cli("report", ORDERS, "-q", "-o", str(report))
    assert json.loads(report.read_text())["kpis"]["customers"] == 3952  # at the top
    same = run_cli("compute", ORDERS, "-q", "--compare-to", str(report),
                   "--fail-if", "customers down 1%")  # fmt: skip
    assert same.exit_code == 0, same.stderr
    missing = run_cli("compute", ORDERS, "-q", "--fail-if", "aov down 5%")
    assert missing.exit_code == 2 and "give --compare-to FILE" in missing.stderr
    broken = run_cli("compute", ORDERS, "-q", "--compare-to", str(tmp_path / "nope.json"))
    assert broken.exit_code == 2 and "--compare-to" in broken.stderr


def test_segments_fail_if_any_names_the_segments(run_cli, tmp_path):
    result = run_cli("segments", ORDERS, "--by", "city", "-q", "-f", "csv",
                     "--fail-if-any", "repeat_rate < 0.7")  # fmt: skip
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "ltv: alert: Yekaterinburg: repeat_rate < 0.7 (it is 0.680628)",
        "ltv: alert: Samara: repeat_rate < 0.7 (it is 0.671779)",
    ]  # the (total) row is not a segment
    unknown = run_cli("segments", ORDERS, "--by", "city", "-q", "-f", "csv",
                      "--fail-if-any", "cac > 100")  # fmt: skip
    assert unknown.exit_code == 4 and len(unknown.stderr.splitlines()) == 1
    assert "(for 7: Moscow, Saint Petersburg, Kazan, ...)" in unknown.stderr
    last = tmp_path / "last.json"
    last.write_text(run_cli("segments", ORDERS, "--by", "city", "-q", "-f", "json").stdout)
    earlier = run_cli("segments", ORDERS, "--by", "city", "-q", "-f", "csv", "--until",
                      "2024-06-30", "--compare-to", str(last), "--fail-if-any", "customers down 65%")  # fmt: skip
    assert earlier.exit_code == 3
    assert earlier.stderr.splitlines() == [
        "ltv: alert: Saint Petersburg: customers down 65% (it is 260, was 743: -65.0%)",
        "ltv: alert: Kazan: customers down 65% (it is 126, was 405: -68.9%)",
    ]


def test_compute_columns_choose_kpis_and_alerts_still_see_them_all(run_cli):
    result = run_cli("compute", ORDERS, "-q", "-f", "csv", "--columns", "customers,repeat_rate",
                     "--fail-if", "aov > 1000")  # fmt: skip
    assert result.stdout.splitlines() == ["currency,customers,repeat_rate", ",3952,0.711032"]
    assert result.exit_code == 3 and "aov > 1000 (it is 2,859.92)" in result.stderr


def test_segment_alerts_see_every_column_and_say_why(run_cli, tmp_path):
    base = ["segments", ORDERS, "--by", "city", "-q", "-f", "csv"]
    hidden = run_cli(*base, "--columns", "customers", "--fail-if-any", "repeat_rate < 0.7")
    assert hidden.exit_code == 3 and "Samara: repeat_rate < 0.7" in hidden.stderr
    assert hidden.stdout.splitlines()[0] == "city,customers"
    previous = json.loads(run_cli("segments", ORDERS, "--by", "city", "-q", "-f", "json").stdout)
    last = tmp_path / "last.json"
    last.write_text(json.dumps([r for r in previous if r["city"] != "Samara"]))
    new = run_cli(*base, "--compare-to", str(last), "--fail-if-any", "customers down 20%")
    assert new.exit_code == 4  # a new segment is unknown, not a usage error
    assert "Samara: cannot check customers down 20%: the previous run has no Samara" in new.stderr
    kpis = tmp_path / "kpis.json"
    kpis.write_text(run_cli("compute", ORDERS, "-q", "-f", "json").stdout)
    wrong = run_cli(*base, "--compare-to", str(kpis), "--fail-if-any", "customers down 20%")
    assert wrong.exit_code == 2 and "not the JSON of ltv segments -f json" in wrong.stderr
    city = run_cli(*base, "--spend", SPEND, "--fail-if-any", "ltv_cac_ratio < 3")
    assert city.exit_code == 4 and "spend is attributed to channel segments only" in city.stderr


def test_kpis_on_an_assumed_lifespan_are_not_checked(run_cli):
    result = run_cli("compute", ORDERS, "--since", "2025-01-01", "--cac", "1500", "-q",
                     "--fail-if", "ltv_cac_ratio > 1", "--fail-if", "ltv_formula > 1")  # fmt: skip
    assert result.exit_code == 4
    assert "cannot check ltv_cac_ratio > 1: the formula LTV rests on an assumed 1-year" in (
        result.stderr
    )
    given = run_cli("compute", ORDERS, "--since", "2025-01-01", "--cac", "1500", "-q",
                    "--lifespan", "2", "--fail-if", "ltv_cac_ratio > 1")  # fmt: skip
    assert given.exit_code == 3
