"""Statuses: shop rules, and CRM pipelines whose won stage makes every other stage open."""

from __future__ import annotations

from helpers.loads import totals

from ltvcli.load import load_orders
from ltvcli.options import LoadOptions

JANUARY = """\
ID;Стадия сделки;Контакт;Телефон;Сумма;Дата создания
1;Сделка успешна;Анна;+7 916 111-11-11;10000;10.01.2024
2;Подбор тура;Борис;+7 916 222-22-22;5000;11.01.2024
"""
FEBRUARY = """\
ID;Стадия сделки;Контакт;Телефон;Сумма;Дата создания
3;Подбор тура;Анна;+7 916 111-11-11;3000;10.02.2024
4;Бронирование;Вера;+7 916 333-33-33;8000;11.02.2024
5;C1:WON;Вера;+7 916 333-33-33;1000;12.02.2024
6;C1:LOSE;Борис;+7 916 222-22-22;700;13.02.2024
"""
# The won stage is in January's file: February's unknown stages are open too. C1:WON is the
# won stage of Bitrix24's pipeline 1; C1:LOSE its lost one. Sales: deal 1 (Анна) and 5 (Вера).


def test_a_pipeline_split_across_files_is_one_pipeline(write):
    paths = [str(write("jan.csv", JANUARY)), str(write("feb.csv", FEBRUARY))]
    loaded = load_orders(paths)
    assert totals(loaded) == (2, 2, 1100000)
    skipped = loaded.report.skipped
    assert skipped["open or pending order (not yet revenue; --include-open)"] == 3
    assert skipped["cancelled, failed or lost order"] == 1
    assert any("stages counted as open" in n and "подбор тура" in n for n in loaded.report.notes)
    everything = load_orders(paths, LoadOptions(include_open=True))
    assert totals(everything) == (3, 5, 2700000)


def test_unknown_statuses_of_a_shop_still_count_with_a_note(write):
    text = "order,email,date,total,status\n1,a@x.example,2024-01-01,10.00,Собран\n"
    loaded = load_orders(str(write("shop.csv", text)))
    assert totals(loaded) == (1, 1, 1000)
    assert any("statuses counted as sales: 'собран'" in n for n in loaded.report.notes)
