"""``rows_from_raw`` hands back what it decided about an input's columns (``Decisions``), which
the streaming engine keeps for the input's later blocks; the account ``ltv inspect`` shows is
made from the same typed ``Source``."""

from __future__ import annotations

from ltvcli.io.raw import ReadOptions
from ltvcli.io.readers import read_inputs
from ltvcli.schema.orders import NormaliseOptions, rows_from_raw
from ltvcli.schema.report import LoadReport, Skip

RUSSIAN = "Клиент;Дата;Сумма\nc1;13/03/2024;1 234,50\nc2;02/04/2024;99,90\n"
BLANK = "customer,date,amount\nИтого,,100.00\n"  # a summary line only


def _parse(path, options: NormaliseOptions | None = None):
    [raw] = read_inputs([str(path)], ReadOptions())
    report = LoadReport()
    rows, decisions = rows_from_raw(raw, options or NormaliseOptions({}), report)
    return rows, decisions, report


def test_day_first_and_decimal_comma_are_decisions_not_display_text(write):
    rows, decisions, report = _parse(write("ru.csv", RUSSIAN))
    assert decisions is not None
    assert decisions.dayfirst is True and decisions.decimal_comma is True
    assert decisions.mapping.column("amount") == "Сумма"
    later = decisions.keep(NormaliseOptions({}))
    assert later.decided is decisions.mapping and later.dayfirst and later.decimal_comma
    given = decisions.keep(NormaliseOptions({}, dayfirst=False, decimal_comma=False))
    assert given.dayfirst is False and given.decimal_comma is False  # flags win
    [source] = report.sources
    shown = source.display()
    assert shown["date_order"] == "dd/mm/yyyy" and shown["decimal_mark"] == ","
    assert list(rows["amount_cents"]) == [123450, 9990]


def test_an_input_without_rows_decides_nothing(write):
    rows, decisions, report = _parse(write("blank.csv", BLANK))
    assert rows.empty and decisions is None and report.sources == []


def test_skip_reasons_read_as_their_printed_text():
    assert Skip.unparseable("amount") is Skip.UNPARSEABLE_AMOUNT
    assert Skip.out_of_range("date") is Skip.DATE_OUT_OF_RANGE
    assert f"{Skip.CANCELLED}: 2" == "cancelled, failed or lost order: 2"
    report = LoadReport()
    report.skip(Skip.NO_CUSTOMER, 3)
    assert report.skipped["no customer (empty or guest key)"] == 3
