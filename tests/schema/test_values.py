"""Money, dates and customer keys: each quirk of export-formats.md section 4, one case each."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from ltvcli.schema.dates import parse_dates
from ltvcli.schema.identity import normalise_keys
from ltvcli.schema.money import parse_money


@pytest.mark.parametrize(
    ("cell", "cents", "currency"),
    [
        ("1 234,50 ₽", 123450, "RUB"),
        ("$1,234.50", 123450, "USD"),
        ("12 345.00 руб.", 1234500, "RUB"),
        ("RUB 100", 10000, "RUB"),
        ("(76.50)", -7650, None),
        ("($76.50)", -7650, "USD"),
        ("-$3.00", -300, "USD"),
        ("1234-", -123400, None),
        ("1\u00a0234\u00a0567,89", 123456789, None),
        ("1\u202f234,50", 123450, None),
        ("1'234.50", 123450, None),
        ("1.234,56", 123456, None),
        ("€12,50", 1250, "EUR"),
        ("12,50 €", 1250, "EUR"),
        ("49.9000", 4990, None),
        ("450000", 45000000, None),
    ],
)
def test_money_cells(cell, cents, currency):
    parsed = parse_money(pa.array([cell]))
    assert parsed.cents.to_pylist() == [cents]
    assert (parsed.currency.to_pylist()[0] if parsed.currency is not None else None) == currency


def test_decimal_mark_is_decided_per_value_and_per_column():
    mixed = parse_money(pa.array(["2 400,00", "2400.00", "1,234"]))
    assert mixed.cents.to_pylist() == [240000, 240000, 123]
    english = parse_money(pa.array(["1,234", "12.50"]))
    assert english.cents.to_pylist() == [123400, 1250]
    assert parse_money(pa.array(["1,234"]), decimal_comma_hint=True).cents.to_pylist() == [123]


@pytest.mark.parametrize(
    ("values", "cents", "rounded"),
    [
        ([12.5, 0.1, 199.99, -3.0], [1250, 10, 19999, -300], 0),  # whole cents: nearest
        ([12.5, None, 0.1], [1250, None, 10], 0),  # a missing cell stays missing
        ([0.125, -0.125, 2.675], [13, -13, 268], 3),  # below the cent: half away from zero
    ],
)
def test_numeric_money_columns(values, cents, rounded):
    parsed = parse_money(pa.array(values, pa.float64()))
    assert parsed.cents.to_pylist() == cents
    assert parsed.rounded == rounded


def test_unparseable_money_is_invalid_not_zero():
    parsed = parse_money(pa.array(["abc", "", None, "12"]))
    assert parsed.invalid.tolist() == [True, False, False, False]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-05-01", "2024-05-01T00:00:00"),
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00"),
        ("2024-11-03 01:30:00 -0500", "2024-11-03T01:30:00"),
        ("2024-05-01 10:00:00+03:00", "2024-05-01T10:00:00"),
        ("15.01.2024", "2024-01-15T00:00:00"),
        ("15.01.24", "2024-01-15T00:00:00"),
        ("01.01.2021 0:00:00", "2021-01-01T00:00:00"),
        ("22 нояб. 2024", "2024-11-22T00:00:00"),
        ("22 ноября 2024 г.", "2024-11-22T00:00:00"),
        ("Mar 15, 2024 10:05:33 AM", "2024-03-15T10:05:33"),
        ("20240315", "2024-03-15T00:00:00"),
        ("45366", "2024-03-15T00:00:00"),
        ("45366.5625", "2024-03-15T13:30:00"),
        ("1710460800", "2024-03-15T00:00:00"),
        ("1710460800000", "2024-03-15T00:00:00"),
        ("1710460800000000", "2024-03-15T00:00:00"),
        ("Реализация 0000-000123 от 15.01.2024 12:30:45", "2024-01-15T12:30:45"),
    ],
)
def test_date_cells(cell, expected):
    parsed = parse_dates(pa.array([cell]))
    assert str(parsed.values[0]) == expected


def test_day_first_is_decided_from_the_column():
    assert (
        str(parse_dates(pa.array(["03/04/2024", "13/04/2024"])).values[0]) == "2024-04-03T00:00:00"
    )
    assert (
        str(parse_dates(pa.array(["03/04/2024", "04/13/2024"])).values[0]) == "2024-03-04T00:00:00"
    )
    flagged = parse_dates(pa.array(["03/04/2024"]), dayfirst=False)
    assert str(flagged.values[0]) == "2024-03-04T00:00:00"


def test_impossible_dates_are_invalid():
    parsed = parse_dates(pa.array(["31.02.2024", "garbage", None]))
    assert parsed.invalid.tolist() == [True, True, False]
    assert np.isnat(parsed.values).all()


def test_customer_keys_are_normalised():
    keys = normalise_keys(
        pa.array(
            [
                " Anna.Petrova@Mail.Example ",
                "+7 (916) 555-12-34",
                "8 916 555 12 34",
                "9165551234",
                "0001",
                "guest",
                "",
                None,
                "(not set)",
            ]
        ),
        "id",
        "RU",
    )
    assert keys.to_pylist() == [
        "anna.petrova@mail.example", "+79165551234", "+79165551234", "9165551234", "0001",
        None, None, None, None,
    ]  # fmt: skip


def test_phones_become_e164_by_the_region_of_the_file():
    spellings = ["9165551234", "89165551234", "8 (916) 555-12-34", "+7 916 555 12 34"]
    phones = normalise_keys(pa.array(spellings), "phone", "RU")
    assert phones.to_pylist() == ["+79165551234"] * 4
    us = normalise_keys(pa.array(["(212) 555-0143", "+1 212 555 0143", "0", "-"]), "phone", "US")
    assert us.to_pylist() == ["+12125550143", "+12125550143", None, None]
    # without a region, a number written without its country keeps its digits
    assert normalise_keys(pa.array(["8 916 555-12-34"]), "phone").to_pylist() == ["89165551234"]


def test_emails_are_case_folded_and_names_only_tidied():
    emails = normalise_keys(pa.array([" Ann@X.Example ", "ann@x.example", "guest"]), "email")
    assert emails.to_pylist() == ["ann@x.example", "ann@x.example", None]
    names = normalise_keys(
        pa.array(["Елена  Зайцева", "елена зайцева", "Розничный покупатель"]), "name"
    )
    assert names.to_pylist() == ["елена зайцева", "елена зайцева", None]


def test_plain_decimal_comma_column_takes_the_fast_path_with_the_same_answer():
    import pyarrow as pa

    from ltvcli.schema.money import _parse_text, parse_money

    plain = pa.array(["2080,27", "5,5", "-3,00", None, "12"])
    fast = parse_money(plain)
    assert fast.cents.to_pylist() == [208027, 550, -300, None, 1200] and fast.decimal_mark == ","
    assert fast.cents.to_pylist() == _parse_text(plain, True).cents.to_pylist()
    ambiguous = pa.array(["1,234", "5,5"])  # three digits after the comma: not the fast path
    assert (
        parse_money(ambiguous).cents.to_pylist() == _parse_text(ambiguous, False).cents.to_pylist()
    )


@pytest.mark.parametrize("region", ["RU", "US", None])
def test_russian_phones_take_the_fast_path_with_phonenumbers_answer(region):
    from ltvcli.schema.identity import _e164, _one_phone

    spellings = [
        "79161234567", "+79161234567", "89161234567", "9161234567", "4951234567",
        "8 800 555 35 35", "+7 (495) 123-45-67", "0123456789", "+8 916 123 45 67",
        "7 916 123 45 67", "+375 29 123 45 67", "8 916 123 45 67 доб. 12", None,
        "12125550143", "(212) 555-0143",
    ]  # fmt: skip
    expected = [None if v is None else _one_phone(v, region) for v in spellings]
    assert _e164(pa.array(spellings, pa.string()), region).to_pylist() == expected


def test_a_date_cell_starts_with_a_digit_by_its_first_byte_or_by_unicode():
    """The byte check agrees with trimming every cell and asking Arrow, in a sliced array too."""
    import pyarrow.compute as pc

    from ltvcli.schema.orders import _starts_with_digit

    cells = ["2024-01-05", " 2024-01-05", "\t5.1.24", "", None, "Итого", "２０２４-01-05",
             "\u00a012.01.2024", "abc", "  ", "x", "9", "\u202fИтого", "\x1f5", "\x7f1"]  # fmt: skip
    values = pa.array(["skipped", *cells])[1:]  # an offset into the buffers
    trimmed = pc.utf8_trim_whitespace(values)
    expected = pc.fill_null(pc.utf8_is_digit(pc.utf8_slice_codeunits(trimmed, 0, 1)), False)
    got = _starts_with_digit(values)
    assert got.tolist() == expected.to_pylist()
    assert got.tolist()[:3] == [True, True, True] and got[6]  # a full-width digit is a digit
    assert not _starts_with_digit(pa.array(["", ""])).any()
