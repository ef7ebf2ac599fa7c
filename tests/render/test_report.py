"""``ltv report``: every format's structure, languages, escaping, cron behaviour, and the HTML
rendered in a real headless browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from helpers.paths import SAMPLE

ORDERS = str(SAMPLE / "orders.csv")
SPEND = str(SAMPLE / "spend.csv")
HOSTILE = (
    "customer,date,amount,city,channel\n"
    + "".join(
        f'c{i},2024-0{1 + i % 9}-1{i % 9},{100 + i},"<script>alert(1)</script>",'
        f'"=HYPERLINK(""http://evil"",""x"")"\n'
        for i in range(30)
    )
    + "".join(f"c{i},2024-10-0{1 + i % 9},50,Omsk,ads\n" for i in range(0, 30, 2))
)
SECTIONS = (
    "headline",
    "distribution",
    "cohorts",
    "intervals",
    "trend",
    "products",
    "call_list",
    "data_quality",
    "definitions",
)


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    from typer.testing import CliRunner

    from ltvcli.cli import application

    path = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(
        application(), ["report", ORDERS, "--spend", SPEND, "--lang", "en", "-o", str(path)]
    )
    assert result.exit_code == 0, result.output
    return path


def test_html_has_every_section_and_needs_no_network(html_report):
    text = html_report.read_text()
    for key in SECTIONS:
        assert f'<section id="{key}">' in text
    assert '<section id="segments_channel">' in text and '<section id="segments_city">' in text
    assert "LTV:CAC is 6.6: acquisition pays off." in text
    assert "<script" not in text and not re.search(r'(src|href)="(https?:)?//', text)
    assert text.count("<svg") == 11 and "@media print" in text


def test_data_is_escaped_in_html_and_neutralised_in_xlsx(run_cli, write, tmp_path):
    from openpyxl import load_workbook

    data = write("hostile.csv", HOSTILE)
    assert run_cli("report", data, "--by", "city,channel", "-o", tmp_path / "r.html").exit_code == 0
    text = (tmp_path / "r.html").read_text()
    assert (
        "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    )
    assert run_cli("report", data, "--by", "city,channel", "-o", tmp_path / "r.xlsx").exit_code == 0
    cells = {
        c.value
        for sheet in load_workbook(tmp_path / "r.xlsx")
        for row in sheet.iter_rows()
        for c in row
    }
    assert '\'=HYPERLINK("http://evil","x")' in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_russian_labels_and_money(run_cli, tmp_path):
    path = tmp_path / "отчёт.html"
    assert run_cli("report", ORDERS, "--currency", "RUB", "--lang", "ru", "-o", path).exit_code == 0
    text = path.read_text()
    assert "Отчёт о пожизненной ценности клиентов" in text and 'lang="ru"' in text
    assert "59\u00a0351\u00a0837,70\u00a0₽" in text  # net revenue (CLDR: no-break spaces)
    assert "Хорошие клиенты, которых мы теряем" in text


def test_xlsx_markdown_and_json(run_cli, tmp_path):
    from openpyxl import load_workbook

    assert run_cli("report", ORDERS, "--spend", SPEND, "-o", tmp_path / "r.xlsx").exit_code == 0
    book = load_workbook(tmp_path / "r.xlsx")
    assert len(book.sheetnames) >= 10
    headline = book[book.sheetnames[0]]
    assert isinstance(headline.cell(2, 2).value, int | float) and headline.freeze_panes == "A2"
    assert run_cli("report", ORDERS, "-o", tmp_path / "r.md").exit_code == 0
    markdown = (tmp_path / "r.md").read_text()
    pngs = re.findall(r"\]\((r_files/[^)]+\.png)\)", markdown)
    assert len(pngs) >= 8 and all((tmp_path / p).read_bytes()[:4] == b"\x89PNG" for p in pngs)
    assert run_cli("report", ORDERS, "--spend", SPEND, "-o", tmp_path / "r.json").exit_code == 0
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["sections"]["headline"]["headline"]["ltv_cac_ratio"] == pytest.approx(
        6.648, abs=1e-3
    )
    assert len(data["sections"]["call_list"]["call_list"]) == 25


def test_products_section_of_a_line_level_export(run_cli, tmp_path):
    """By category: the largest with their first-order value, the repurchase curves of the
    top five, and the journey; a report of orders that name no product has no such section."""
    lines = str(SAMPLE / "order_lines.csv")
    assert run_cli("report", lines, "-o", tmp_path / "r.json", "-q").exit_code == 0
    section = json.loads((tmp_path / "r.json").read_text())["sections"]["products"]
    products = run_cli("products", lines, "--by", "category", "-f", "json", "-q").json
    shown = {k: products[0][k] for k in ("category", "net_revenue", "first_ltv_12m")}
    assert {k: section["products"][0][k] for k in shown} == shown
    assert section["products"][-1]["category"] == "(total)"
    journey = run_cli("products", lines, "--by", "category", "--journey", "-f", "json", "-q")
    first = journey.json["transitions"][0]
    assert section["journey"][0] == first | {"share": pytest.approx(first["share"], abs=1e-6)}
    assert run_cli("report", lines, "--lang", "ru", "-o", tmp_path / "r.html", "-q").exit_code == 0
    html = (tmp_path / "r.html").read_text()
    assert '<section id="products">' in html and "Доля купивших снова" in html
    plain = tmp_path / "plain.csv"
    plain.write_text("customer,date,amount\na,2024-01-01,10\nb,2024-01-02,20\na,2024-02-01,5\n")
    assert run_cli("report", plain, "-o", tmp_path / "p.json", "-q").exit_code == 0
    assert "products" not in json.loads((tmp_path / "p.json").read_text())["sections"]


def test_same_input_same_report(run_cli, tmp_path):
    def body(name):
        assert run_cli("report", ORDERS, "-o", tmp_path / name).exit_code == 0
        return re.sub(r"(Generated|Создан) [0-9T:+\-]+", "", (tmp_path / name).read_text())

    assert body("a.html") == body("b.html")


def test_cron_path_template_quiet_and_fail_if(run_cli, tmp_path):
    template = str(tmp_path / "reports" / "ltv-{as_of:%Y-%m-%d}.html")
    result = run_cli(
        "report", ORDERS, "--spend", SPEND, "-q", "-o", template, "--fail-if", "ltv_cac_ratio < 10"
    )
    assert result.exit_code == 3
    assert (tmp_path / "reports" / "ltv-2025-06-30.html").exists()
    assert result.stderr.strip() == "ltv: alert: ltv_cac_ratio < 10 (it is 6.64818)"
    quiet = run_cli("report", ORDERS, "-q", "-o", template, "--fail-if", "repeat_rate < 0.5")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert run_cli("report", ORDERS, "-o", template, "--fail-if", "vibes < 3").exit_code == 2
    assert run_cli("report", ORDERS, "-o", tmp_path / "r.pdf").exit_code == 2


def test_report_with_predictions(run_cli, tmp_path):
    assert (
        run_cli(
            "report", ORDERS, "--predict", "--holdout", "180d", "-o", tmp_path / "r.json"
        ).exit_code
        == 0
    )
    data = json.loads((tmp_path / "r.json").read_text())["sections"]["predictions"]
    assert data["holdout"]["verdict"] in ("trustworthy", "usable with care", "not reliable")
    assert data["predicted"]["predicted_ltv_12m"] > 0
    forecast = data["forecast"]  # the coming months, with bounds, and a total row last
    assert len(forecast) == 13 and forecast[-1]["period"] == "(total)"
    assert all(m["revenue_low"] <= m["revenue"] <= m["revenue_high"] for m in forecast)
    assert round(sum(m["revenue"] for m in forecast[:-1]), 2) == pytest.approx(
        forecast[-1]["revenue"], abs=0.12
    )


def test_html_renders_in_a_headless_browser(html_report, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("LTV_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (make test installs it as root)")
        pytest.skip("no chromium; make test installs it when run as root")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]  # fmt: skip
    url = html_report.as_uri()
    shot = tmp_path / "report.png"
    run = subprocess.run(
        [chromium, *flags, "--window-size=1100,5000", f"--screenshot={shot}", url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shot.exists() and shot.stat().st_size > 50_000, run.stderr[-2000:]
    assert "CONSOLE" not in run.stderr and "Uncaught" not in run.stderr
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120
    ).stdout
    assert dom.count("<svg") == 11 and "Customer lifetime value report" in dom
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.std() > 0.05  # not a blank page: charts and tables are drawn


def test_first_screen_cards_compare_with_a_year_earlier(run_cli, tmp_path):
    out = tmp_path / "r.json"
    run_cli("report", ORDERS, "--spend", SPEND, "-q", "-o", str(out))
    document = json.loads(out.read_text())
    earlier = run_cli("compute", ORDERS, "--spend", SPEND, "--as-of", "2024-06-30", "-q",
                      "-f", "json").json  # fmt: skip
    assert document["previous"]["as_of"] == "2024-06-30"
    assert document["previous"]["kpis"] == earlier  # the same KPIs as a run a year earlier
    html = tmp_path / "r.html"
    run_cli("report", ORDERS, "--spend", SPEND, "-q", "-o", str(html))
    page = html.read_text()
    first_screen = page[page.index('<div class="cards">') : page.index("<section")]
    assert first_screen.count('class="card"') == 6  # before any table
    customers = document["kpis"]["customers"] / earlier["customers"] - 1
    assert f"+{customers * 100:.1f}%" in first_screen and "3,952" in first_screen
    repeat = (document["kpis"]["repeat_rate"] - earlier["repeat_rate"]) * 100
    assert f"{repeat:+.1f}\u00a0pp" in first_screen
    assert 'class="bad">−' not in first_screen.split("CAC</div>")[1].split("</div></div>")[0]


def test_cards_without_a_year_of_history_have_no_change(run_cli, write, tmp_path):
    path = write("o.csv", "customer,date,amount\na,2024-01-01,100\na,2024-06-01,100\n")
    out = tmp_path / "r.md"
    run_cli("report", str(path), "-q", "-o", str(out))
    text = out.read_text()
    assert (
        "| Formula LTV | LTV:CAC | Repeat-customer rate | CAC | Payback, months | Customers |"
        in text
    )
    assert "| **1** |" in text and "change vs" not in text  # one customer, nothing to compare
    report = tmp_path / "r.json"
    run_cli("report", str(path), "-q", "-o", str(report))
    assert json.loads(report.read_text())["previous"] is None
