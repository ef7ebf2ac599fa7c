"""The command line through the real app and the installed entry point: formats, stdin, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers.paths import LTV, SAMPLE

import ltvcli
from ltvcli.cli import COMMANDS
from ltvcli.errors import ExitCode
from ltvcli.metrics import METRICS

ORDERS = (
    "customer_id,order_date,amount\nc1,2024-01-05,10.50\nc2,2024-01-06,20.00\nc1,2024-02-01,5.25\n"
)


def test_compute_json_matches_the_library(run_cli):
    result = run_cli("compute", SAMPLE / "orders.csv", "--format", "json")
    assert result.exit_code == 0, result.stderr
    loaded = ltvcli.load_orders(str(SAMPLE / "orders.csv"))
    [expected] = ltvcli.analyse(loaded).kpis()
    got = result.json
    money = {m.key for m in METRICS if m.kind == "money"}
    for key, value in expected.items():
        if key in money and value is not None:
            value = value / 100
        assert got[key] == (pytest.approx(value, abs=1e-6) if isinstance(value, float) else value)
    assert set(got) >= {"customers", "orders", "net_revenue", "aov", "purchase_frequency",
                        "repeat_rate", "churn_rate", "lifespan_years", "ltv_historical",
                        "ltv_formula", "cac", "ltv_cac_ratio", "verdict", "payback_months"}  # fmt: skip


def test_russian_sample_gives_the_same_kpis(run_cli):
    en = run_cli("compute", SAMPLE / "orders.csv", "-f", "json").json
    ru = run_cli("compute", SAMPLE / "orders_ru.csv", "-f", "json").json
    assert en == ru


def test_csv_is_the_default_in_a_pipe_and_money_is_exact(run_cli, write):
    result = run_cli("compute", write("o.csv", ORDERS))
    header, row = result.stdout.strip().splitlines()
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["net_revenue"] == "35.75"
    assert values["orders"] == "3"
    assert values["repeat_rate"] == "0.5"


def test_table_and_markdown(run_cli, write):
    table = run_cli("compute", write("o.csv", ORDERS), "-f", "table").stdout
    assert "Net revenue" in table and "35.75" in table
    markdown = run_cli("compute", write("o.csv", ORDERS), "-f", "markdown").stdout
    assert "| Metric | Value |" in markdown
    assert "| Net revenue | 35.75 |" in markdown
    assert "| Currency |" not in markdown


def test_several_currencies_give_per_currency_objects(run_cli, write):
    text = "customer,date,amount,currency\na,2024-01-01,10.00,USD\nb,2024-01-02,20.00,EUR\n"
    data = run_cli("compute", write("m.csv", text), "-f", "json").json
    assert data["currencies"] == ["EUR", "USD"]
    assert data["by_currency"]["USD"]["net_revenue"] == 10.0


def test_stdin_dash(run_cli):
    result = run_cli("compute", "-", "-f", "json", input=ORDERS)
    assert result.exit_code == 0
    assert result.json["net_revenue"] == 35.75


def test_output_file_by_extension(run_cli, write, tmp_path):
    out = tmp_path / "reports" / "kpis.json"
    result = run_cli("compute", write("o.csv", ORDERS), "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["orders"] == 3


def test_bad_row_is_skipped_and_counted_strict_fails_rejects_written(run_cli, write, tmp_path):
    path = write("bad.csv", ORDERS + "c3,31/13/2024,1.00\nc4,2024-03-01,abc\n")
    result = run_cli("compute", path, "-f", "json", "--rejects", tmp_path / "rejects.csv")
    assert result.exit_code == 0
    assert result.json["orders"] == 3
    assert "skipped 2 rows" in result.stderr
    assert "unparseable date" in result.stderr
    rejects = (tmp_path / "rejects.csv").read_text().splitlines()
    assert rejects[0].startswith("file,row,reason")
    assert len(rejects) == 3 and ",5,unparseable date," in rejects[1]
    strict = run_cli("compute", path, "--strict")
    assert strict.exit_code == ExitCode.DATA_ERROR
    assert 'row 5: column "order_date": unparseable date' in strict.stderr
    assert "Traceback" not in strict.stderr


def test_data_error_exit_1_usage_error_exit_2(run_cli, write):
    missing = run_cli("compute", "nope.csv")
    assert missing.exit_code == 1 and missing.stderr.startswith(
        "ltv: error: nope.csv: no such file"
    )
    assert run_cli("compute", write("o.csv", ORDERS), "--format", "pdf").exit_code == 2
    assert run_cli("compute", write("o.csv", ORDERS), "--customer", "nope").exit_code == 1


def test_failed_run_leaves_no_output_file(run_cli, write, tmp_path):
    out = tmp_path / "kpis.json"
    out.write_text("previous report")
    result = run_cli("compute", write("empty.csv", ""), "-o", out)
    assert result.exit_code == 1
    assert out.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kpis")] == []


def test_mapping_flags_and_config_file(run_cli, write, tmp_path, monkeypatch):
    text = "who,when,paid,other\nc1,2024-01-05,10.50,1\nc2,2024-01-06,20.00,2\n"
    path = write("odd.csv", text)
    flags = run_cli(
        "compute", path, "--customer", "who", "--date", "when", "--amount", "paid", "-f", "json"
    )
    assert flags.json["net_revenue"] == 30.5
    (tmp_path / "ltv.toml").write_text(
        '[columns]\ncustomer = "who"\ndate = "when"\namount = "paid"\n'
    )
    monkeypatch.chdir(tmp_path)
    assert run_cli("compute", path, "-f", "json").json["net_revenue"] == 30.5
    (tmp_path / "ltv.toml").write_text('[columns]\nbuyer = "who"\n')
    assert run_cli("compute", path).exit_code == 2


def test_inspect_json(run_cli):
    data = run_cli("inspect", SAMPLE / "orders_ru.csv", "-f", "json").json
    [source] = data["files"]
    assert source["delimiter"] == ";"
    assert source["columns"]["customer"] == "Клиент"
    assert source["columns"]["amount"] == "Сумма"
    assert data["rows_skipped"]["cancelled, failed or lost order"] > 0
    assert data["orders"] > 10_000


def test_version_and_help_with_example(run_cli):
    assert run_cli("--version").stdout.strip() == f"ltv {ltvcli.__version__}"
    for command in ("compute", "inspect"):
        help_text = run_cli(command, "-h").stdout
        assert "Example" in help_text and f"ltv {command}" in help_text


@pytest.mark.skipif(not LTV.exists(), reason="the ltv entry point is not installed in this env")
def test_installed_entry_point_reads_a_pipe():
    data = (SAMPLE / "orders.csv").read_bytes()
    done = subprocess.run(
        [str(LTV), "compute", "-", "--format", "json"], input=data, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["customers"] > 3000
    module = subprocess.run(
        [sys.executable, "-m", "ltvcli", "--version"], capture_output=True, text=True, check=False
    )
    assert module.stdout.startswith("ltv ")


def test_several_files_are_one_data_set_and_overlaps_count_once(run_cli, write):
    jan = write(
        "jan.csv", "order_id,customer,date,amount\n1,a,2024-01-05,10.00\n2,b,2024-01-20,5.00\n"
    )
    feb = write(
        "feb.csv", "order_id,customer,date,amount\n2,b,2024-01-20,5.00\n3,a,2024-02-03,7.50\n"
    )
    data = run_cli("compute", jan, feb, "-f", "json").json
    assert (data["customers"], data["orders"], data["net_revenue"]) == (2, 3, 22.5)


def test_inspect_names_the_decimal_mark_and_skips(run_cli):
    data = run_cli("inspect", SAMPLE / "orders_ru.csv", "--format", "json").json
    assert data["files"][0]["decimal_mark"] == ","
    assert data["files"][0]["date_shapes"] == ["dotted"]


def test_unknown_time_zone_is_a_usage_error(run_cli, write):
    result = run_cli("compute", write("o.csv", ORDERS), "--timezone", "Bad/Zone")
    assert result.exit_code == 2
    assert "unknown time zone 'Bad/Zone'" in result.stderr


DEALS_WITHOUT_DATE = """\
Сделка;Клиент;Телефон;Бюджет
Кухня;Анна;+7 916 555-12-34;120000
Шкаф;Борис;+7 916 555-00-00;80000
"""


def test_inspect_shows_what_it_found_before_it_fails(run_cli, write):
    path = write("deals.csv", DEALS_WITHOUT_DATE)
    result = run_cli("inspect", path)
    assert result.exit_code == 1
    assert "Телефон" in result.stdout and "phones" in result.stdout  # the identifiers found
    assert "Бюджет" in result.stdout  # the amount found
    shown = " ".join(result.stdout.split())
    assert "not settled" in shown and "no date column found" in shown
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("ltv: error:") and "--date COLUMN" in line
    data = run_cli("inspect", path, "-f", "json")
    assert data.exit_code == 1
    unfinished = json.loads(data.stdout)
    assert unfinished["files"][0]["columns"]["customer"] == "Телефон"
    assert "no date column found" in unfinished["error"]


def test_counts_and_shared_numbers_are_not_order_ids(run_cli, write):
    log = "customer_id,date,number_of_items,amount\n" + "".join(
        f"c{i % 7},2024-01-{1 + i % 28:02d},1,{10 + i}.00\n" for i in range(30)
    )
    data = run_cli("inspect", write("log.csv", log), "-f", "json").json
    assert data["files"][0]["columns"]["quantity"] == "number_of_items"
    assert "order_id" not in data["files"][0]["columns"] and data["orders"] == 30
    # receipt numbers that restart every shift: each belongs to several customers
    receipts = "Номер;Клиент;Дата;Сумма\n" + "".join(
        f"{1 + i % 3};c{i};{1 + i // 3:02d}.03.2024;100\n" for i in range(12)
    )
    data = run_cli("inspect", write("receipts.csv", receipts), "-f", "json").json
    [source] = data["files"]
    assert "order_id" not in source["columns"] and data["orders"] == 12
    assert source["rejected"]["order_id"].startswith(
        '"Номер" is not an order id: 3 of its 3 values'
    )


def test_ltv_toml_sets_the_phone_region_and_no_link(run_cli, write, tmp_path):
    text = "Customer ID,Phone,Date,Total\nC1,(212) 555-0143,2024-01-01,10.00\n,212-555-0143,2024-01-02,5.00\n"
    path = write("us.csv", text)
    (tmp_path / "ltv.toml").write_text('[input]\nphone_region = "us"\n')
    config = str(tmp_path / "ltv.toml")
    linked = run_cli("customers", path, "--config", config, "-f", "csv", "-q")
    assert [row.split(",")[0] for row in linked.stdout.splitlines()[1:]] == ["C1"]
    (tmp_path / "ltv.toml").write_text("[input]\nno_link = true\n")
    apart = run_cli("customers", path, "--config", config, "-f", "json", "-q").json
    assert [r["customer"] for r in apart] == ["C1"]  # the phone-only row has no id: skipped
    bad = run_cli("compute", path, "--phone-region", "Narnia")
    assert bad.exit_code == 2 and "unknown phone region" in bad.stderr


def test_shell_completion_completes_commands_and_flags():
    import os
    import subprocess

    ltv = str(LTV)
    # the shell is detected from the parent process; Typer's test switch names it instead
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    shown = subprocess.run(
        [ltv, "--show-completion", "bash"], capture_output=True, text=True, env=env
    )
    assert shown.returncode == 0 and "_ltv_completion" in shown.stdout

    def complete(words: str) -> list[str]:
        env = {**os.environ, "_LTV_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - 1)}  # fmt: skip
        return subprocess.run([ltv], env=env, capture_output=True, text=True).stdout.split()

    assert complete("ltv seg") == ["segments"]
    assert complete("ltv segments --memory-l") == ["--memory-limit"]


def test_a_command_loads_only_itself_and_what_it_uses():
    """Start-up: ``ltv compute`` builds no other command and imports neither SciPy nor
    matplotlib; ``ltv --help`` still lists every command."""
    script = (
        "import sys; from ltvcli.cli import main\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('ltvcli.cli.commands.', 'scipy', 'matplotlib')))), file=sys.stderr)"
    )  # fmt: skip

    def loaded(*args: str) -> tuple[str, set[str]]:
        done = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
        )
        return done.stdout, set(done.stderr.split())

    _, modules = loaded("compute", str(SAMPLE / "orders.csv"), "-q")
    assert modules == {"ltvcli.cli.commands.compute"}
    shown, modules = loaded("--help")
    assert {m.rsplit(".", 1)[-1] for m in modules} == set(COMMANDS)
    assert all(name in shown for name in COMMANDS)


def _glibc() -> bool:
    import ctypes

    try:
        return sys.platform.startswith("linux") and hasattr(ctypes.CDLL(None), "mallopt")
    except OSError:
        return False


@pytest.mark.skipif(not _glibc(), reason="glibc's heap, seen in /proc")
def test_memory_is_reused_from_the_heap_in_small_pages():
    """``ltvcli.cli.memory``: an array of 80 MB lies in the heap (glibc would map it apart), so
    the memory of a freed one is reused rather than zeroed afresh by the kernel; and the process
    takes no transparent huge pages (2 MB zeroed at each first touch)."""
    script = (
        "import sys\n"
        "import numpy as np\n"
        "from ltvcli.cli.memory import no_huge_pages, reuse_freed_memory\n"
        "if sys.argv[1] == 'tuned': no_huge_pages(); reuse_freed_memory()\n"
        "a = np.ones(10_000_000)\n"
        "heap = [[int(x, 16) for x in l.split()[0].split('-')] for l in open('/proc/self/maps') if l.rstrip().endswith('[heap]')]\n"
        "thp = [l.split()[1] for l in open('/proc/self/status') if l.startswith('THP_enabled')]\n"
        "print(min(l for l, _ in heap) <= a.ctypes.data < max(h for _, h in heap), *thp)"
    )  # fmt: skip

    def seen(mode: str) -> list[str]:
        done = subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    tuned, default = seen("tuned"), seen("default")
    assert (tuned[0], default[0]) == ("True", "False")
    if len(tuned) > 1:  # Linux 5.0 and later show it
        assert tuned[1] == "0"
