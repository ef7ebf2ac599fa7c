"""Hostile input and conditions through the real entry point: a one-line error with the path
and the reason and a documented exit code, never an internal error."""

from __future__ import annotations

import gzip
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers.paths import LTV, SAMPLE

ORDERS = str(SAMPLE / "orders.csv")


def _one_line(result) -> str:
    [line] = result.stderr.strip().splitlines()
    assert "internal error" not in line and "Traceback" not in result.stderr
    return line


@pytest.mark.parametrize("engine", ["memory", "stream"])
def test_a_damaged_gzip_is_a_clear_input_error(run_cli, write, engine):
    data = bytearray(gzip.compress((SAMPLE / "orders.csv").read_bytes()))
    data[200:260] = b"x" * 60
    result = run_cli("compute", write("o.csv.gz", bytes(data)), "--engine", engine, "-q")
    assert result.exit_code == 1
    assert "damaged gzip file" in _one_line(result)


@pytest.mark.parametrize("engine", ["memory", "stream"])
def test_parquet_columns_of_nested_or_binary_values_are_left_out_with_a_note(
    run_cli, tmp_path, engine
):
    table = pa.table(
        {
            "customer": ["a", "b", "a"],
            "date": ["2024-01-01", "2024-01-02", "2024-02-01"],
            "amount": [1.0, 2.0, 3.0],
            "tags": pa.array([[1, 2], [3], []]),
            "blob": pa.array([b"x", b"y", b"z"]),
            "meta": pa.array([{"k": 1}, {"k": 2}, {"k": 3}]),
        }
    )
    pq.write_table(table, tmp_path / "o.parquet")
    path = tmp_path / "o.parquet"
    result = run_cli("compute", path, "--engine", engine, "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    assert result.json["customers"] == 2 and result.json["net_revenue"] == 6.0
    inspected = run_cli("inspect", path, "-f", "json").json
    assert inspected["files"][0]["ignored"] == ["tags", "blob", "meta"]
    assert any('left out "tags", "blob", "meta"' in n for n in inspected["notes"])


def test_output_problems_name_the_path_and_the_reason(run_cli, tmp_path):
    target = tmp_path / "a-directory"
    target.mkdir()
    result = run_cli("customers", ORDERS, "-o", str(target), "-f", "csv", "-q")
    assert result.exit_code == 1
    assert "Is a directory" in _one_line(result)


def test_a_full_disk_on_stdout_is_one_line():
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [str(LTV), "customers", ORDERS, "-f", "csv", "-q"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert done.returncode == 1
    assert done.stderr.strip() == "ltv: error: No space left on device"


def test_a_reader_that_stops_early_ends_the_pipe_quietly():
    process = subprocess.Popen(
        [str(LTV), "customers", ORDERS, "-f", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.readline().startswith(b"customer")
    process.stdout.close()  # like `| head -1`
    stderr = process.stderr.read().decode()
    assert process.wait() == 141
    assert "error" not in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["customers", ORDERS, "-o", ""], "needs a file name"),
        (["compute", ORDERS, "--delimiter", "ab"], "is not one character"),
        (["customers", ORDERS, "--columns", ",,,"], "names no column"),
        (["segments", ORDERS, "--by", ","], "names no column"),
        (["compute", ORDERS, "--input-format", "bogus"], "is not one of csv, parquet"),
        (["report", ORDERS, "--period", "bogus", "-o", "r.html"], "is not one of week, month"),
        (["report", ORDERS, "-o", "r-{as_of.foo}.html"], "only {as_of:FORMAT}"),
        (["report", ORDERS, "-o", "r-{as_of.__class__}.html"], "only {as_of:FORMAT}"),
        (["report", ORDERS, "-o", "r-{as_of:%Y/%m}.html"], "makes a path separator"),
        (["segments", ORDERS, "-o", "r-{as_of:%Y/%m}.html"], "makes a path separator"),
        (["customers", ORDERS, "-o", "r-{when}.html"], "only {as_of:FORMAT}"),
    ],
)
def test_bad_flag_values_are_usage_errors_before_any_work(run_cli, tmp_path, args, says):
    args = [str(tmp_path / a) if a.startswith("r") and a.endswith(".html") else a for a in args]
    result = run_cli(*args)
    assert result.exit_code == 2
    assert says in " ".join(result.stderr.split())
    assert not list(tmp_path.iterdir())


def test_a_spend_file_that_is_an_orders_file_is_refused(run_cli):
    result = run_cli("compute", ORDERS, "--spend", ORDERS, "-q")
    assert result.exit_code == 1
    assert "looks like an orders file" in _one_line(result)


def test_the_delimiter_may_be_named_tab(run_cli, write):
    path = write("o.tsv", "customer\tdate\tamount\na\t2024-01-01\t1.00\nb\t2024-01-02\t2.00\n")
    result = run_cli("compute", path, "--delimiter", "tab", "-f", "json", "-q")
    assert result.exit_code == 0 and result.json["customers"] == 2


HOSTILE_CELLS = (
    'customer,date,amount,city,=HYPERLINK("x")\n'
    'a,2024-01-01,1.00,"<script>alert(1)</script>|`x`",1\n'
    'b,2024-01-02,2.00,"\x1b[31mred[bold]x[/bold]",2\n'
)


def test_data_is_inert_in_markdown_csv_and_the_terminal(run_cli, write):
    path = write("hostile.csv", HOSTILE_CELLS)
    markdown = run_cli("customers", path, "-f", "markdown", "-q").stdout
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "\\|\\`x\\`" in markdown  # no table break, no code span
    csv = run_cli("customers", path, "-f", "csv", "-q").stdout
    assert csv.splitlines()[0].endswith(',"\'=HYPERLINK(""x"")"')  # the header guarded too
    table = run_cli("customers", path, "-f", "table", "-q").stdout
    assert "\x1b" not in table
    assert "[bold]x[/bold]" in table  # shown as written, not read as markup


def test_messages_show_the_shape_of_personal_values_never_the_value(run_cli, write):
    text = (
        "customer,date,amount\nann@x.example,ann@x.example,10\n"
        "bob,2024-01-02,79161234567x\ncy,2024-01-03,5.00\n"
    )
    result = run_cli("compute", write("leaky.csv", text), "-f", "json")
    assert "ann@x.example" not in result.stderr
    assert "an e-mail address" in result.stderr
    strict = run_cli("compute", write("leaky.csv", text), "--strict")
    assert strict.exit_code == 1 and "ann@x.example" not in strict.stderr


def test_dash_as_output_is_stdout(run_cli):
    result = run_cli("customers", ORDERS, "-o", "-", "-q")
    assert result.exit_code == 0 and result.stdout.startswith("customer,")


def test_an_ads_export_with_a_customer_id_is_still_a_spend_file(run_cli, write):
    ads = "Day,Customer ID,Account name,Campaign,Cost\n2025-01-01,123-456-7890,Shop,Brand,100.00\n"
    result = run_cli("compute", ORDERS, "--spend", write("ads.csv", ads), "-f", "json", "-q")
    assert result.exit_code == 0 and result.json["spend"] == 100.0


def test_1c_empty_date_is_out_of_range_and_said_with_its_value_and_the_flag(run_cli, write):
    text = "customer,date,amount\na,01.01.0001,5\nb,02.01.2024,3\n"
    result = run_cli("compute", write("1c.csv", text), "-f", "json")
    assert result.json["customers"] == 1
    assert "'01.01.0001'" in result.stderr and "--date-range" in result.stderr


def test_a_workbook_without_a_header_row_keeps_its_first_order(run_cli, tmp_path):
    import xlsxwriter

    book = xlsxwriter.Workbook(tmp_path / "plain.xlsx")
    sheet = book.add_worksheet()
    for r, row in enumerate(
        [["ann@x.example", "2024-01-01", 10], ["bob@x.example", "2024-01-02", 20]]
    ):
        sheet.write_row(r, 0, row)
    book.close()
    result = run_cli("compute", tmp_path / "plain.xlsx", "-f", "json", "-q")
    assert (result.json["customers"], result.json["net_revenue"]) == (2, 30.0)


def test_a_timestamp_beyond_python_datetime_is_an_out_of_range_cell(run_cli, tmp_path):
    table = pa.table(
        {
            "customer": ["a", "b"],
            "date": pa.array(
                [9 * 10**18, 1_704_067_200_000_000], pa.timestamp("us", "Europe/Moscow")
            ),
            "amount": [1.0, 2.0],
        }
    )
    pq.write_table(table, tmp_path / "far.parquet")
    result = run_cli("compute", tmp_path / "far.parquet", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["customers"] == 1 and "date out of range" in result.stderr
