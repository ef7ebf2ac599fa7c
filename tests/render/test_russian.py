"""Russian output: the report in every format has no English word left, and the shared formats
(``ltvcli.render.i18n``) follow CLDR through Babel.

A Latin word in the visible text of a Russian report fails the test unless it is
- a data value: any word of the input file (cities, channels, e-mails, categories, its headers)
  or of its path;
- a column key shown on purpose (the definitions list each metric's key after its label);
- an acronym or a model's own name (LTV, CAC, AOV, RFM, NPS, CSV, ISO, MAE, RMSE, BG/NBD,
  Pareto/NBD, Gamma-Gamma, P(alive), the BG/NBD parameters r, alpha, a, b);
- a ``--flag``, a file name (docs/metrics.md) or an ``ltv <command>`` to run.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from helpers.latin import data_words, latin_words, metric_keys
from helpers.paths import SAMPLE

from ltvcli.render.i18n import FORMULAS_RU, LABELS_RU, Words

ORDERS = str(SAMPLE / "orders.csv")
ORDERS_RU = str(SAMPLE / "orders_ru.csv")  # Russian headers, 1 655,66 amounts, 09.01.2023 dates
SPEND = str(SAMPLE / "spend.csv")
NBSP = "\u00a0"


def _visible_html(text: str) -> str:
    text = re.sub(r"<(style|svg)\b.*?</\1>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _visible_markdown(text: str) -> str:
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)  # an image's path is a file name
    return html.unescape(text)  # "&lt;" reads "<"


def _visible_xlsx(path) -> str:
    import openpyxl

    book = openpyxl.load_workbook(path)
    parts = list(book.sheetnames)
    for sheet in book.worksheets:
        parts += [
            str(c.value) for row in sheet.iter_rows() for c in row if isinstance(c.value, str)
        ]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The Russian report in every format: plain, and with --spend and --predict."""
    from typer.testing import CliRunner

    from ltvcli.cli import application

    folder = tmp_path_factory.mktemp("ru")
    made = {}
    runs = {
        "plain": [ORDERS],
        "spend_predict": [ORDERS, "--spend", SPEND, "--predict"],
        "russian_file": [ORDERS_RU],
    }
    for name, args in runs.items():
        for ext in ("html", "md", "xlsx", "json"):
            if (name != "plain" and ext == "json") or (name == "russian_file" and ext != "md"):
                continue
            path = folder / f"{name}.{ext}"
            result = CliRunner().invoke(
                application(), ["report", *args, "--lang", "ru", "-o", str(path)]
            )
            assert result.exit_code == 0, result.output
            made[name, ext] = path
    english = folder / "en.json"
    result = CliRunner().invoke(
        application(), ["report", ORDERS, "--lang", "en", "-o", str(english)]
    )
    assert result.exit_code == 0, result.output
    made["en", "json"] = english
    return made


@pytest.fixture(scope="module")
def allowed():
    return data_words(ORDERS, ORDERS_RU, SPEND) | metric_keys()


@pytest.mark.parametrize(
    ("run", "ext"),
    [(run, ext) for run in ("plain", "spend_predict") for ext in ("html", "md", "xlsx")]
    + [("russian_file", "md")],
)
def test_russian_report_has_no_english_words(reports, allowed, run, ext):
    path = reports[run, ext]
    if ext == "html":
        text = _visible_html(path.read_text(encoding="utf-8"))
    elif ext == "md":
        text = _visible_markdown(path.read_text(encoding="utf-8"))
    else:
        text = _visible_xlsx(path)
    assert latin_words(text, allowed) == set()
    assert "Под угрозой ухода" in text or ext == "xlsx"


def test_russian_report_sections_and_formats(reports):
    text = _visible_markdown(reports["spend_predict", "md"].read_text(encoding="utf-8"))
    assert "На дату 30.06.2025" in text
    assert "LTV:CAC = 6,6: привлечение окупается." in text
    assert f"59{NBSP}351{NBSP}837,70{NBSP}₽" in text  # net revenue, in roubles by default
    assert f"71,1{NBSP}%" in text
    assert "Сегменты по признаку «Канал»" in text and "Сегменты по признаку «Город»" in text
    assert f"Под угрозой ухода 889{NBSP}клиентов" in text
    assert "Когорты по периоду: месяц." in text
    assert "Отток (churn_rate) | доля клиентов" in text
    assert "отменённый, неудавшийся или потерянный заказ" in text
    assert "| Вывод | надёжна |" in text and "| Модель | BG/NBD |" in text
    for english in ("Gap p25", "Back within", "Predicted LTV", "Calibration", "margin:"):
        assert english not in text


def test_russian_workbook_sheets_and_values(reports):
    import openpyxl

    book = openpyxl.load_workbook(reports["spend_predict", "xlsx"])
    names = book.sheetnames
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == len(names)
    assert "Проверка на отложенных данных" in names and "По сегментам Канал" in names
    headline = {row[0].value: row[1].value for row in book["Главное"].iter_rows(min_row=1)}
    assert headline is not None
    values = {c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row}
    assert {"окупается", "формула, маржа", "надёжна", "по оттоку"} <= values
    assert not {"healthy", "formula-margin", "trustworthy", "churn"} & values


def test_json_is_data_whatever_the_language(reports):
    """The JSON report is for scripts: keys and ltv's values stay as they are in every
    language (the same document as in English, apart from the generation time)."""
    russian = json.loads(reports["plain", "json"].read_text(encoding="utf-8"))
    english = json.loads(reports["en", "json"].read_text(encoding="utf-8"))
    russian.pop("generated"), english.pop("generated")
    assert russian == english


# The shared formats


def test_money_percent_and_numbers():
    ru, en = Words("ru", None), Words("en", None)
    assert ru.money(123456750) == f"1{NBSP}234{NBSP}567,50{NBSP}₽"  # roubles by default
    assert Words("ru", "RUB").money(-150) == f"-1,50{NBSP}₽"
    assert Words("ru", "USD").money(123450) == f"1{NBSP}234,50{NBSP}$"
    assert en.money(123456750) == "1,234,567.50"  # English without a currency: no symbol
    assert Words("en", "USD").money(123450) == "$1,234.50"
    assert Words("en", "USD").money(-123450) == "-$1,234.50"
    assert Words("en", "RUB").money(123450) == "₽1,234.50"
    assert ru.percent(0.125) == f"12,5{NBSP}%" and en.percent(0.125) == "12.5%"
    assert ru.cell(4.64, "number") == "4,64" and en.cell(4.64, "number") == "4.64"
    assert ru.cell(1234.5, "number") == f"1{NBSP}234,5" and en.cell(1234.5, "number") == "1,234.5"
    assert ru.cell(3952, "count") == f"3{NBSP}952" and en.cell(3952, "count") == "3,952"
    assert (
        ru.change(1.2, 1.0, "money") == f"+20,0{NBSP}%" and en.change(1.2, 1.0, "money") == "+20.0%"
    )
    assert ru.change(0.5, 0.6, "rate") == f"−10,0{NBSP}п. п."
    assert ru.cell(None, "money") == "—"


def test_dates():
    ru, en = Words("ru", None), Words("en", None)
    assert ru.date(dt.date(2024, 12, 30)) == "30.12.2024" == ru.cell("2024-12-30", "date")
    assert en.date(dt.date(2024, 12, 30)) == "2024-12-30" == en.cell("2024-12-30", "date")
    moment = dt.datetime(2024, 12, 30, 9, 5, 7)
    assert ru.moment(moment) == "30.12.2024, 09:05" and en.moment(moment) == "2024-12-30T09:05:07"


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1 клиент"), (2, "2 клиента"), (5, "5 клиентов"), (11, "11 клиентов"),
     (21, "21 клиент"), (22, "22 клиента"), (25, "25 клиентов"), (74, "74 клиента"),
     (111, "111 клиентов"), (1001, "1 001 клиент")],
)  # fmt: skip
def test_plurals(n, text):
    assert Words("ru", None).plural(n, "customers").replace(NBSP, " ") == text


def test_english_plurals():
    en = Words("en", None)
    assert en.plural(1, "customers") == "1 customer" and en.plural(2, "customers") == "2 customers"


def test_chart_ticks():
    ru, en = Words("ru", None), Words("en", None)
    assert ru.tick(25000) == f"25{NBSP}000" and en.tick(25000) == "25,000"
    assert ru.tick(0.5, rate=True) == f"50{NBSP}%" and en.tick(0.5, rate=True) == "50%"
    assert ru.tick(2.5) == "2,5" and en.tick(0.25) == "0.25" and en.tick(1e7) == "10,000,000"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_chart_axes_use_the_language(lang):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from ltvcli.render.report.charts import DRAWINGS, _numbers

    words = Words(lang, None)
    fig, ax = plt.subplots()
    data = {"periods": ["2024-01", "2024-02"], "revenue": np.array([2.5e6, 1e7]),
            "customers": np.array([1000, 2500]), "new": np.array([1, 2])}  # fmt: skip
    DRAWINGS["trend"](ax, data, words)
    _numbers(ax, words)
    fig.canvas.draw()
    labels = [t.get_text() for a in fig.axes for t in a.get_yticklabels() if t.get_text()]
    plt.close(fig)
    assert labels and all(not re.fullmatch(r"-?\d{4,}(\.\d+)?", t) for t in labels)
    assert not any("e" in t for t in labels)  # no 1e7 offset
    assert any((f"{NBSP}000" if lang == "ru" else ",000") in t for t in labels)


def test_sheet_names_fit_by_whole_words():
    from ltvcli.render.xlsx import _sheet_name

    used: set[str] = set()
    long = "Хорошие клиенты, которых мы теряем каждый месяц"
    names = [_sheet_name(long, used), _sheet_name(long, used), _sheet_name("По: сегментам", used)]
    assert names == ["Хорошие клиенты, которых мы", "Хорошие клиенты, которых мы 2", "По сегментам"]
    assert all(len(n) <= 31 for n in names)


def test_every_metric_and_skip_reason_has_russian():
    from ltvcli.schema.report import Skip

    keys = metric_keys()
    assert keys - LABELS_RU.keys() == set()
    assert keys - FORMULAS_RU.keys() == set()
    ru = Words("ru", None)
    assert [r for r in Skip if ru.value(r) == r] == []
    assert ru.value(Skip.CANCELLED) == "отменённый, неудавшийся или потерянный заказ"
    assert ru.value("unparseable quantity") == "нераспознанное поле «количество»"
    assert ru.label("predicted_ltv_12m", "Predicted LTV (mean)") == "Прогнозный LTV (среднее)"


def test_known_notes_are_translated():
    from ltvcli.messages import Message

    ru = Words("ru", None)
    note = Message(
        "churn compares two {window}-day windows; the data covers {covered} days, so the "
        "earlier window is partly empty",
        window=365,
        covered=500,
    )
    assert ru.note(note).startswith("отток сравнивает два окна по 365 дн.")
    assert ru.note("something new") == "something new"  # an unknown note stays as it is
