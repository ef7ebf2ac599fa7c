"""The analysis commands end to end through the CLI: every format, the call list, errors."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from helpers.paths import SAMPLE

import ltvcli
from ltvcli.customers import CUSTOMER_COLUMNS

ORDERS = str(SAMPLE / "orders.csv")
SPEND = str(SAMPLE / "spend.csv")
HOSTILE = (
    "customer,date,amount,city\n"
    'a,2024-01-01,10,"=HYPERLINK(""http://x"",""y"")"\n'
    "b,2024-01-02,20,+79161234567\n"
    "c,2024-01-03,30,<script>alert(1)</script>\n"
)


def test_call_list_of_good_customers_slipping_away(run_cli):
    result = run_cli(
        "customers",
        ORDERS,
        "--status",
        "at-risk",
        "--sort",
        "ltv_historical",
        "--top",
        "50",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    rows = result.json
    assert len(rows) == 50 and {r["status"] for r in rows} == {"at-risk"}
    ltv = [r["ltv_historical"] for r in rows]
    assert ltv == sorted(ltv, reverse=True)
    table = ltvcli.analyse(ltvcli.load_orders(ORDERS)).customers
    at_risk = table[table["status"] == "at-risk"].sort_values(
        "ltv_historical", ascending=False, kind="stable"
    )
    assert [r["customer"] for r in rows] == list(at_risk["customer"].head(50))
    assert ltv[0] == at_risk["ltv_historical"].iloc[0] / 100


def test_customers_csv_has_every_documented_column_and_the_attributes(run_cli):
    result = run_cli("customers", ORDERS, "-f", "csv")
    frame = pd.read_csv(io.StringIO(result.stdout))
    documented = [m.key for m in CUSTOMER_COLUMNS if m.key != "currency"]
    assert list(frame.columns) == [*documented, "city", "channel", "category"]
    assert round(frame["net_revenue"].sum() * 100) == 5935183770


def test_customers_columns_option(run_cli):
    result = run_cli(
        "customers", ORDERS, "--columns", "customer,orders,status", "--top", "2", "-f", "csv"
    )
    assert result.stdout.splitlines()[0] == "customer,orders,status"
    assert len(result.stdout.splitlines()) == 3


def test_parquet_output_keeps_exact_money_and_dates(run_cli, tmp_path):
    out = tmp_path / "c.parquet"
    assert run_cli("customers", ORDERS, "-o", out).exit_code == 0
    table = pq.read_table(out)
    assert str(table.schema.field("net_revenue").type) == "decimal128(18, 2)"
    assert str(table.schema.field("first_order").type) == "date32[day]"
    assert sum(table.column("net_revenue").to_pylist()) * 100 == 5935183770


def test_xlsx_has_numbers_a_frozen_header_a_filter_and_no_formulas(run_cli, write, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "c.xlsx"
    assert run_cli("customers", write("h.csv", HOSTILE), "-o", out).exit_code == 0
    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    header = [c.value for c in sheet[1]]
    net = header.index("Net revenue") + 1
    assert [sheet.cell(r, net).value for r in (2, 3, 4)] == [10, 20, 30]
    assert sheet.cell(2, net).number_format == "#,##0.00"
    cities = {sheet.cell(r, header.index("city") + 1).value for r in (2, 3, 4)}
    assert cities == {'\'=HYPERLINK("http://x","y")', "'+79161234567", "<script>alert(1)</script>"}


def test_csv_neutralises_formulas_from_the_data(run_cli, write):
    result = run_cli(
        "customers", write("h.csv", HOSTILE), "-f", "csv", "--columns", "customer,city"
    )
    assert result.stdout.splitlines()[1] == 'a,"\'=HYPERLINK(""http://x"",""y"")"'
    assert "'+79161234567" in result.stdout


def test_segments_json_by_channel_with_spend(run_cli):
    result = run_cli("segments", ORDERS, "--by", "channel", "--spend", SPEND, "-f", "json")
    rows = result.json
    assert rows[-1]["channel"] == "(total)"
    assert sum(r["customers"] for r in rows[:-1]) == rows[-1]["customers"] == 3952
    assert {
        "customers",
        "orders",
        "net_revenue",
        "aov",
        "repeat_rate",
        "ltv_historical",
        "cac",
        "ltv_cac_ratio",
    } <= set(rows[0])
    ads = next(r for r in rows if r["channel"] == "google_ads")
    assert ads["cac"] > 0 and ads["ltv_cac_ratio"] == pytest.approx(
        ads["ltv_formula_margin"] / ads["cac"], rel=1e-5
    )


@pytest.mark.parametrize(
    "by", ["city,channel", "rfm", "frequency", "orders", "ltv-tier", "cohort", "status"]
)
def test_segments_every_key(run_cli, by):
    result = run_cli("segments", ORDERS, "--by", by, "--period", "quarter", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    assert frame["customers"].iloc[-1] == 3952 == frame["customers"].iloc[:-1].sum()


def test_intervals_record_and_by_segment(run_cli):
    record = run_cli("intervals", ORDERS, "-f", "json").json
    assert record["gaps"] == 16801 and 0 < record["returned_30d"] < record["returned_365d"] < 1
    rows = run_cli("intervals", ORDERS, "--by", "channel", "-f", "json").json
    assert rows[-1]["gaps"] == record["gaps"]


def test_cohorts_matrix_long_and_trend(run_cli):
    matrix = run_cli("cohorts", ORDERS, "--period", "quarter", "-f", "json").json
    assert [r["cohort"] for r in matrix][:2] == ["2023-Q1", "2023-Q2"]
    assert matrix[-1]["0"] == 1.0 and matrix[-1]["1"] is None
    long = pd.read_csv(
        io.StringIO(run_cli("cohorts", ORDERS, "--long", "--spend", SPEND, "-f", "csv").stdout)
    )
    assert round(long["net_revenue"].sum() * 100) == 5935183770
    assert {"cac", "payback_age", "ltv_cumulative_margin"} <= set(long.columns)
    trend = run_cli("cohorts", ORDERS, "--trend", "-f", "json").json
    assert sum(r["new"] for r in trend) == 3952


def test_compute_terminal_names_the_verdict_and_the_basis(run_cli):
    result = run_cli("compute", ORDERS, "--spend", SPEND, "-f", "table")
    assert "LTV:CAC is 6.6 (formula-margin LTV): acquisition pays off" in result.stdout
    assert "margin from: cost column" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["customers", ORDERS, "--status", "sleepy"], 2, "--status is one of"),
        (["customers", ORDERS, "--sort", "nope"], 2, "--sort: no column 'nope'"),
        (["segments", ORDERS, "--by", "nope"], 2, "attribute columns: city, channel, category"),
        (["compute", ORDERS, "--as-of", "31.13.2024"], 2, "--as-of expects a date like 2024-12-31"),
        (["compute", ORDERS, "--margin", "30"], 2, "--margin is a rate"),
        (["compute", ORDERS, "--since", "2030-01-01"], 1, "no orders between 2030-01-01"),
        (["cohorts", str(SAMPLE / "orders_ru.csv"), "--metric", "nps"], 2, "--metric is one of"),
    ],
)
def test_errors_are_one_line_with_the_right_exit_code(run_cli, args, code, message):
    result = run_cli(*args, "-q")
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    if code:
        assert len(result.stderr.strip().splitlines()) == 1


def test_bad_spend_file_names_the_row_and_column(run_cli, write):
    spend = write("s.csv", "month,spend\n2024-01,100\nlast year,200\n")
    result = run_cli("compute", ORDERS, "--spend", spend)
    assert result.exit_code == 1
    assert "s.csv" in result.stderr and "row 3" in result.stderr and "month" in result.stderr


def test_analysis_settings_from_ltv_toml(run_cli, write, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write("ltv.toml", "[analysis]\nchurn_window = 90\ncac = 1500\nmargin = 0.3\n")
    data = write(
        "o.csv", "customer,date,amount\na,2024-01-01,100\na,2024-03-01,100\nb,2024-04-01,100\n"
    )
    record = run_cli("compute", data, "-f", "json").json
    assert record["cac"] == 1500 and record["margin"] == 90
    assert json.loads(run_cli("compute", data, "-f", "json", "--cac", "10").stdout)["cac"] == 10


def test_segments_columns_keep_the_keys_first(run_cli):
    result = run_cli(
        "segments", ORDERS, "--by", "city,channel", "--columns", "customers,cac", "-f", "csv"
    )
    assert result.stdout.splitlines()[0] == "city,channel,customers,cac"
    assert run_cli("segments", ORDERS, "--columns", "nope").exit_code == 2


def test_customers_rfm_scores_name_the_segments(run_cli):
    rows = run_cli("customers", ORDERS, "--rfm", "-f", "json").json
    assert {r["r_score"] for r in rows} == {1, 2, 3, 4, 5}
    champions = [r for r in rows if r["rfm_segment"] == "champions"]
    assert champions and all(r["r_score"] >= 4 and r["f_score"] >= 4 for r in champions)
    by_rfm = run_cli("segments", ORDERS, "--by", "rfm", "-f", "json").json
    assert next(s for s in by_rfm if s["rfm"] == "champions")["customers"] == len(champions)


def test_typed_attribute_columns_from_parquet_render_in_every_format(run_cli, tmp_path):
    import datetime as dt

    import pyarrow as pa

    source = tmp_path / "o.parquet"
    pq.write_table(
        pa.table({"customer_id": [1, 2], "order_date": [dt.date(2024, 1, 1), dt.date(2024, 1, 2)],
                  "amount": [10.5, 20.0], "store": [7, None]}),
        source,
    )  # fmt: skip
    assert run_cli("customers", source, "-f", "csv").stdout.splitlines()[1].endswith(",7")
    assert run_cli("customers", source, "-o", tmp_path / "c.parquet").exit_code == 0
    assert pq.read_table(tmp_path / "c.parquet").column("store").to_pylist() == ["7", None]


@pytest.mark.parametrize(
    "args",
    [
        ["compute"], ["customers"], ["segments", "--by", "city"], ["intervals"], ["cohorts"],
        ["predict"], ["customers", "--engine", "stream"],
    ],
)  # fmt: skip
def test_output_templates_are_filled_in_on_every_command(run_cli, tmp_path, args):
    template = str(tmp_path / "{as_of:%Y%m%d}-{today:%Y}.csv")
    result = run_cli(args[0], ORDERS, *args[1:], "-q", "-o", template)
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [f"20250630-{dt.date.today():%Y}.csv"]


def test_inspect_has_no_as_of_date_for_a_template(run_cli, tmp_path):
    result = run_cli("inspect", ORDERS, "-o", str(tmp_path / "i-{as_of}.json"))
    assert result.exit_code == 2 and "use {today:...}" in result.stderr
    assert not list(tmp_path.iterdir())
    assert run_cli("inspect", ORDERS, "-o", str(tmp_path / "i-{today:%Y}.json")).exit_code == 0
