"""Tables on a real terminal (a pseudo-terminal of 80, 100 and 120 columns) through the installed
``ltv``: they fit, the key column is there, every number is whole, hidden columns are named."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import termios

import pytest
from helpers.paths import LTV, SAMPLE

ORDERS = str(SAMPLE / "orders.csv")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_WHOLE = re.compile(r"^(—|-?[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?%?)$")


def on_terminal(*args: str, columns: int) -> str:
    """What ``ltv ARGS`` shows on a terminal ``columns`` wide (escape sequences removed)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 60, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        [str(LTV), *args, "-q"], stdin=subprocess.DEVNULL, stdout=follower,
        stderr=subprocess.PIPE, env={**env, "TERM": "xterm"},
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait() == 0, process.stderr.read().decode()
    return _ANSI.sub("", b"".join(chunks).decode()).replace("\r\n", "\n")


def body_rows(screen: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in screen.splitlines()
        if line.startswith("│")
    ]


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_segments_fit_with_the_key_and_whole_numbers(columns):
    screen = on_terminal("segments", ORDERS, "--by", "city", columns=columns)
    assert max(len(line) for line in screen.splitlines()) <= columns
    rows = body_rows(screen)
    expected = json.loads(
        subprocess.run(
            [str(LTV), "segments", ORDERS, "--by", "city", "-q", "-f", "json"],
            capture_output=True, check=True, text=True,
        ).stdout
    )  # fmt: skip
    assert [r[0] for r in rows] == [e["city"] for e in expected]  # the key, every segment
    for row, segment in zip(rows, expected, strict=True):
        assert all(_WHOLE.match(cell) for cell in row[1:]), row
        assert row[1] == f"{segment['customers']:,}"
        assert f"{segment['net_revenue']:,.2f}" in row  # the most important money, whole
    flat = " ".join(screen.split())
    hidden = re.search(r"(\d+) columns? hidden \(([^)]*)\)", flat)
    assert hidden and "--columns all, -f csv or -o FILE.xlsx" in flat
    names = [n.strip() for n in hidden[2].split(",")]
    assert int(hidden[1]) == len(names) == len(expected[0]) - len(rows[0])
    assert len(rows[0]) >= {80: 5, 100: 6, 120: 8}[columns]


def test_a_pipe_keeps_every_column():
    piped = subprocess.run(
        [str(LTV), "segments", ORDERS, "--by", "city", "-q", "-f", "table"],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    assert "hidden (" not in piped
    assert len(body_rows(piped)[0]) == 28  # the city and 27 metrics (NPS needs --customers)


def test_customers_fit_and_every_column_asked_for_shows_as_records():
    screen = on_terminal("customers", ORDERS, "--top", "3", "--sort", "net_revenue", columns=80)
    assert max(len(line) for line in screen.splitlines()) <= 80
    rows = body_rows(screen)
    assert len(rows) == 3 and all("@example.com" in r[0] for r in rows)
    assert all(_WHOLE.match(c) or re.match(r"\d{4}-\d\d-\d\d$", c) for r in rows for c in r[1:-1])
    records = on_terminal("segments", ORDERS, "--by", "city", "--columns", "all", columns=80)
    assert "hidden (" not in records and "│" not in records
    assert re.search(r"^Historical LTV \(mean\)\s+14,904\.88\s*$", records, re.M)
    assert records.count("Moscow") == 1 and "Net revenue" in records


def test_a_long_table_keeps_its_total_row(tmp_path):
    rows = ["customer,date,amount,city"]
    rows += [f"c{i},2024-0{1 + i % 9}-1{i % 9},{100 + i % 50},city{i % 150}" for i in range(3000)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(rows) + "\n")
    screen = on_terminal("segments", str(path), "--by", "city", columns=100)
    body = body_rows(screen)
    assert len(body) == 100 and body[-1][0] == "(total)" and body[-1][1] == "3,000"
    assert "first 100 of 151 rows; -f csv or -o FILE for all" in screen


@pytest.mark.parametrize(
    "args",
    [
        ["compute", "--spend", str(SAMPLE / "spend.csv")],
        ["segments"],
        ["segments", "--by", "Город,Канал"],
        ["customers", "--top", "5", "--sort", "net_revenue"],
        ["intervals", "--by", "Город"],
        ["cohorts"],
        ["cohorts", "--trend"],
        ["predict", "--top", "5", "--interval", "0.9"],
        ["forecast", "--new-customers", "observed"],
        ["products"],
        ["drivers", "--top", "8", "--columns", "customers,ltv_12m,ltv_12m_lift,repeat_lift"],
        ["segments", "--by", "main-category"],
    ],
)
def test_every_table_in_russian(args):
    """--lang ru: titles, labels, numbers and notes in Russian; Latin words only where allowed
    (data, column keys, flags, acronyms: ``helpers.latin``)."""
    from helpers.latin import data_words, latin_words, metric_keys, model_names

    orders = str(SAMPLE / "orders_ru.csv")
    screen = on_terminal(args[0], orders, *args[1:], "--lang", "ru", columns=120)
    allowed = data_words(orders, str(SAMPLE / "spend.csv")) | metric_keys() | model_names()
    assert latin_words(screen, allowed) == set(), screen
    assert max(len(line) for line in screen.splitlines()) <= 120
    assert not re.search(r"\b[1-9]\d{0,2},\d{3}\b", screen)  # thousands are spaces in Russian


def test_lang_changes_the_formats_for_people_only(run_cli):
    orders = str(SAMPLE / "orders_ru.csv")
    base = ["segments", orders, "-q", "--columns", "customers,net_revenue"]
    markdown = run_cli(*base, "--lang", "ru", "-f", "markdown").stdout
    assert (
        markdown.startswith("## Сегменты")
        and "| organic | 1\u00a0198 | 17\u00a0413\u00a0886,47 |" in markdown
    )
    for fmt in ("csv", "json"):  # for scripts: the same whatever the language
        assert run_cli(*base, "--lang", "ru", "-f", fmt).stdout == run_cli(*base, "-f", fmt).stdout


def test_wide_characters_count_twice(tmp_path):
    from rich.cells import cell_len

    path = tmp_path / "cjk.csv"
    path.write_text("customer,date,amount,city\na,2024-01-01,100,東京都渋谷区の店舗\n"
                    "b,2024-01-02,100,東京\na,2024-03-01,50,東京\n")  # fmt: skip
    screen = on_terminal("segments", str(path), "--by", "city", columns=60)
    assert max(cell_len(line) for line in screen.splitlines()) <= 60
    assert "東京都渋谷区の店舗" in screen  # the key whole, on one line


def test_predictions_keep_their_place_on_a_narrow_terminal():
    screen = on_terminal("customers", ORDERS, "--predict", "--top", "3", columns=100)
    flat = " ".join(screen.split())
    hidden = re.search(r"columns? hidden \(([^)]*)\)", flat)[1].split(", ")
    assert "p_alive" not in hidden and "predicted_ltv_12m" not in hidden  # at their horizon
    assert "P(alive)" in screen


@pytest.mark.parametrize("columns", [80, 100])
def test_segments_asked_to_predict_show_the_prediction_first(columns):
    screen = on_terminal(
        "segments", ORDERS, "--by", "channel", "--predict", "--interval", "0.9", columns=columns
    )
    assert max(len(line) for line in screen.splitlines()) <= columns
    flat = " ".join(screen.split())
    hidden = re.search(r"columns? hidden \(([^)]*)\)", flat)[1].split(", ")
    shown = ("predicted_ltv_12m", "predicted_ltv_12m_low", "predicted_ltv_12m_high", "max_cac_12m")
    assert not set(shown) & set(hidden) and "Predicted" in screen and "Most to" in screen


def test_due_product_shows_the_due_days_first():
    lines = str(SAMPLE / "order_lines.csv")
    screen = on_terminal(
        "customers", lines, "--due-product", "TE-SEN-100", "--top", "3", columns=80
    )
    assert max(len(line) for line in screen.splitlines()) <= 80
    assert "Due again" in screen and "2025-06-30" in screen
