"""--lang ru (or a Russian locale): errors, warnings and alerts on stderr in Russian, with the
same exit codes; only data, flags, file names and acronyms stay Latin (``helpers.latin``)."""

import os
import re
import subprocess

import pytest
from helpers.latin import data_words, latin_words, metric_keys
from helpers.paths import LTV, SAMPLE

ORDERS = str(SAMPLE / "orders_ru.csv")
SPEND = str(SAMPLE / "spend.csv")
BROKEN = "Клиент;Дата заказа;Сумма\nanna@example.com;12.03.2024;1500,00\nivan@example.com;31.13.2024;900,00\n"  # fmt: skip


def _allowed(*paths: str) -> set[str]:
    """Data, column keys, the derived segments --by takes, and the report's file types."""
    from ltvcli.segments import DERIVED

    derived = {word for name in DERIVED for word in name.split("-")}
    units = {"d", "w", "m", "y", "q"}  # of a horizon: 12m
    return (
        data_words(*paths) | metric_keys() | derived | units | {"html", "md", "xlsx", "json", "pdf"}
    )


def _latin(stderr: str, allowed: set[str]) -> set[str]:
    """The Latin words of ``stderr`` that are not allowed, past each line's ``ltv: ``."""
    return latin_words(re.sub(r"^ltv: ", "", stderr, flags=re.M), allowed)


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["compute", "нет-такого.csv"], 1, "ошибка"),
        (["segments", ORDERS, "--by", "Регион"], 2, "Регион"),
        (["compute", ORDERS, "--margin", "2"], 2, "--margin"),
        (["compute", ORDERS, "--as-of", "завтра"], 2, "--as-of"),
        (
            ["compute", ORDERS, "--compare-to", "нет.json", "--fail-if", "repeat_rate down 10%"],
            2,
            "нет.json",
        ),
        (["predict", ORDERS, "--horizon", "12q"], 2, "12q"),
        (["report", ORDERS, "-o", "r.pdf"], 2, "r.pdf"),
        (["compute", ORDERS, "--fail-if", "ltv_cac_ratio < 3"], 4, "ltv_cac_ratio"),
        (
            ["compute", ORDERS, "--spend", SPEND, "--fail-if", "repeat_rate < 0.99"],
            3,
            "repeat_rate",
        ),
        (["compute", ORDERS], 0, "пропущено"),
    ],
)
def test_stderr_speaks_russian(run_cli, args, code, says):
    result = run_cli(*args, "--lang", "ru")
    assert result.exit_code == code, result.stderr
    assert says in result.stderr and result.stderr.startswith("ltv: ")
    assert _latin(result.stderr, _allowed(ORDERS, SPEND)) == set(), result.stderr


def test_a_bad_cell_is_located_in_russian(run_cli, write):
    path = write("заказы.csv", BROKEN)
    result = run_cli("compute", path, "--strict", "--lang", "ru")
    assert result.exit_code == 1
    assert "строка 3" in result.stderr and "столбец «Дата заказа»" in result.stderr
    assert _latin(result.stderr, _allowed(str(path))) == set(), result.stderr


def test_a_file_without_the_fields_is_explained_in_russian(run_cli, write):
    path = write("клиенты.csv", "Клиент;Город\nanna@example.com;Москва\n")
    result = run_cli("compute", path, "--lang", "ru")
    assert result.exit_code == 1 and "ltv: ошибка: " in result.stderr
    assert _latin(result.stderr, _allowed(str(path))) == set(), result.stderr


def test_the_locale_chooses_russian_without_a_flag(tmp_path):
    env = {**os.environ, "LANG": "ru_RU.UTF-8", "LC_ALL": ""}
    result = subprocess.run(
        [str(LTV), "compute", str(tmp_path / "нет.csv")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1 and result.stderr.startswith("ltv: ошибка: "), result.stderr


def test_inspect_in_russian(run_cli):
    result = run_cli("inspect", ORDERS, "--lang", "ru")
    assert result.exit_code == 0 and "Столбцы" in result.stdout and "21\u00a0585" in result.stdout
    allowed = _allowed(ORDERS) | {"csv", "utf"}
    assert latin_words(result.stdout, allowed) == set(), result.stdout
    as_json = run_cli("inspect", ORDERS, "--lang", "ru", "-f", "json").stdout
    assert as_json == run_cli("inspect", ORDERS, "-f", "json").stdout  # for machines: English
