"""Money cells to exact integer cents, vectorised.

Handles what exports write: decimal comma or point (decided per value where it can be, per
column where it cannot), thousands separators (space, NBSP, narrow NBSP, comma, point,
apostrophe), currency symbols and codes (``1 234,50 ₽``, ``$1,234.50``, ``12 345.00 руб.``,
``RUB 100``), accounting negatives ``(76.50)`` and trailing minus ``1234-``. Amounts are rounded
half-up to the cent; a total is then an exact integer sum.

Every cell has a bound: ``|amount| ≤ MAX_CENTS`` (9,999,999,999.99 currency units, below 10^10).
A cell beyond it — too many digits, ``1e20``, a Parquet float or integer that large, an
infinity — is *out of range*: null, flagged in ``ParsedMoney.out_of_range`` (and in ``invalid``,
so a caller that knows only ``invalid`` still refuses it), never wrapped or truncated. The bound
keeps every sum exact in int64 cents: int64 holds 9.22 × 10^18 cents, so any 9,223,372 cells at
the bound — and any total below 92 quadrillion units — add up without overflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.messages import Message
from ltvcli.schema.casts import try_cast

CURRENCY_TOKENS = {
    "₽": "RUB", "руб": "RUB", "р": "RUB", "rub": "RUB", "rur": "RUB",
    "$": "USD", "us$": "USD", "usd": "USD",
    "€": "EUR", "eur": "EUR",
    "£": "GBP", "gbp": "GBP",
    "₴": "UAH", "грн": "UAH", "uah": "UAH",
    "₸": "KZT", "тг": "KZT", "тнг": "KZT", "kzt": "KZT",
    "byn": "BYN", "chf": "CHF", "fr": "CHF", "sfr": "CHF",
    "¥": "JPY", "jpy": "JPY", "₹": "INR", "inr": "INR", "₺": "TRY", "zł": "PLN", "pln": "PLN",
}  # fmt: skip

_ABBREVIATION_DOT = r"(?i)(руб|грн|тнг|тг|sfr|fr|р)\."
_CURRENCY_CHARS = r"[\d\s\x{00a0}\x{202f}.,'’()+\-−]"
_NON_NUMERIC = r"[^\d.,]"
_SCIENTIFIC = r"^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$"

# The largest amount a cell may hold, in cents: 9,999,999,999.99 currency units. With it, the sum
# of up to 9,223,372 cells (int64 max / MAX_CENTS) is exact in int64 cents (docs/input.md).
MAX_CENTS = 10**12 - 1
_MAX_UNITS = MAX_CENTS // 100  # the bound for whole-number (integer) columns
# Floats this large are out of range whatever their cents (and stay far from int64's limits).
_FLOAT_LIMIT = 2.0 * _MAX_UNITS
_INT_DIGITS = len(str(_MAX_UNITS))  # integer digits of the largest amount


@dataclass
class ParsedMoney:
    """Cents per cell (null where empty or invalid) and what was learnt on the way."""

    cents: pa.Array
    invalid: np.ndarray  # bool: a non-empty cell that is not an amount
    currency: pa.Array | None = None  # ISO code written in the cell, if any
    rounded: int = 0  # cells with non-zero digits below the cent
    notes: list[str] = field(default_factory=list)
    decimal_mark: str | None = None  # "." or "," (or "., mixed") as read, for `ltv inspect`
    # bool: a cell that is an amount beyond ±MAX_CENTS (also set in ``invalid``)
    out_of_range: np.ndarray = field(kw_only=True)


def parse_money(values: pa.Array, decimal_comma_hint: bool = False) -> ParsedMoney:
    """Parse a column of money cells of any Arrow type into int64 cents."""
    values = _combine(values)
    if pa.types.is_integer(values.type):
        return _integers(values)
    if pa.types.is_floating(values.type) or pa.types.is_decimal(values.type):
        return _floats(values.cast(pa.float64()).to_numpy(zero_copy_only=False))
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    return (
        _plain_decimals(values)
        or _plain_decimals(pc.replace_substring(values, ",", "."), ",")
        or _parse_text(values, decimal_comma_hint)
    )


def _integers(values: pa.Array) -> ParsedMoney:
    """Whole currency units (a Parquet integer column); beyond the bound is out of range."""
    wide = pa.uint64() if pa.types.is_unsigned_integer(values.type) else pa.int64()
    values = values.cast(wide)
    big = pc.greater(values, pa.scalar(_MAX_UNITS, wide))
    if not pa.types.is_unsigned_integer(wide):
        big = pc.or_(big, pc.less(values, -_MAX_UNITS))
    big = pc.fill_null(big, False)
    units = pc.if_else(big, pa.scalar(0, wide), values).cast(pa.int64())
    cents = pc.multiply_checked(units, 100)
    out_of_range = big.to_numpy(zero_copy_only=False)
    if out_of_range.any():
        cents = pc.if_else(big, pa.scalar(None, pa.int64()), cents)
    return ParsedMoney(
        cents=cents, invalid=out_of_range.copy(), decimal_mark=".", out_of_range=out_of_range
    )


def _floats(as_float: np.ndarray) -> ParsedMoney:
    """Floating-point amounts (Parquet, spreadsheets): NaN is an empty cell; an infinity or a
    value beyond the bound is out of range."""
    out_of_range = np.isinf(as_float) | (np.abs(np.nan_to_num(as_float)) >= _FLOAT_LIMIT)
    as_float = np.where(out_of_range, 0.0, as_float)
    if (whole := _whole_cents(as_float)) is not None:
        cents, rounded = whole, 0
    else:
        cents = np.zeros(len(as_float), dtype=np.int64)
        finite = np.isfinite(as_float)
        cents[finite] = _round_half_up(as_float[finite] * 100)
        rounded = int(np.count_nonzero(np.abs(as_float[finite] * 100 - cents[finite]) > 1e-6))
    out_of_range |= np.abs(cents) > MAX_CENTS
    missing = np.isnan(as_float) | out_of_range
    return ParsedMoney(
        cents=pa.array(cents, mask=missing if missing.any() else None),
        invalid=out_of_range.copy(),
        rounded=rounded,
        out_of_range=out_of_range,
    )


def _plain_decimals(values: pa.Array, mark: str = ".") -> ParsedMoney | None:
    """Fast path: a column of plain ``1234.50`` numbers with at most two decimals (or
    ``1234,50`` with the comma turned into a point: three digits after it fail the check, so a
    thousands separator is never read as a decimal mark here).

    Arrow's text-to-double cast is correctly rounded, so below 10^13 the nearest integer to
    value × 100 is the exact number of cents; a cell with more decimals sends the column to
    the careful path. A number beyond the bound (``1e20``, ``1234567890123456.78``) is out of
    range, whatever its decimals.
    """
    numbers = try_cast(values, pa.float64())
    if numbers is None:
        return None
    missing = numbers.is_null().to_numpy(zero_copy_only=False)
    amounts = pc.fill_null(numbers, 0.0).to_numpy(zero_copy_only=False)
    if not np.isfinite(amounts).all():
        return None  # "nan", "inf": not amounts, the careful path says so
    cents = _whole_cents(amounts)
    if cents is None:
        return None
    out_of_range = (cents > MAX_CENTS) | (cents < -MAX_CENTS)
    missing |= out_of_range
    arr = pa.array(cents, mask=missing if missing.any() else None)
    return ParsedMoney(
        cents=arr, invalid=out_of_range.copy(), decimal_mark=mark, out_of_range=out_of_range
    )


def _whole_cents(amounts: np.ndarray) -> np.ndarray | None:
    """Cents of a float column whose every value is a whole number of cents (the usual
    Parquet or spreadsheet column), else None: then nearest and half-up rounding agree.

    An amount at or beyond ``_FLOAT_LIMIT`` becomes ``sign × (MAX_CENTS + 1)`` cents, out of
    range whatever its decimals. Two scratch arrays serve every step: at 10^7 rows each fresh
    one costs more in page faults than the arithmetic on it."""
    scaled = np.multiply(amounts, 100)
    if (huge := np.abs(scaled) >= _FLOAT_LIMIT * 100).any():
        np.putmask(scaled, huge, np.sign(amounts) * (MAX_CENTS + 1))
    cents = np.rint(scaled)
    np.subtract(scaled, cents, out=scaled)
    if not (np.abs(scaled, out=scaled) < 1e-6).all():
        return None  # NaN, infinities and sub-cent values take the careful path
    whole: np.ndarray = scaled.view(np.int64)  # the scratch again, now for the answer
    np.copyto(whole, cents, casting="unsafe")
    return whole


def _combine(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values


def _round_half_up(x: np.ndarray) -> np.ndarray:
    rounded: np.ndarray = (np.sign(x) * np.floor(np.abs(x) + 0.5 + 1e-9)).astype(np.int64)
    return rounded


def _parse_text(values: pa.Array, decimal_comma_hint: bool) -> ParsedMoney:
    text = pc.utf8_trim_whitespace(values)
    present = pc.fill_null(pc.not_equal(text, ""), False)
    # ``1.5e3``, ``1e20``: numbers in scientific notation, read as the fast path reads them
    scientific = pc.fill_null(pc.match_substring_regex(text, _SCIENTIFIC), False)
    stripped = pc.replace_substring_regex(text, _ABBREVIATION_DOT, r"\1")
    token = pc.utf8_lower(pc.replace_substring_regex(stripped, _CURRENCY_CHARS, ""))
    token = pc.if_else(scientific, "", token)
    currency, bad_token = _currency_of(token)
    negative = pc.or_(
        pc.match_substring_regex(text, r"^\(.*\)$|^[^\d]*[-−]|[-−]$"),
        pc.match_substring_regex(text, r"^-"),
    )
    core = pc.replace_substring_regex(stripped, r"[\s\x{00a0}\x{202f}'’]", "")
    core = pc.replace_substring_regex(core, _NON_NUMERIC, "")
    core = pc.if_else(scientific, "0", core)
    canonical, notes, mark = _canonical_decimal(core, decimal_comma_hint)
    parts = pc.extract_regex(canonical, r"^(?P<int>\d*)(?:\.(?P<frac>\d+))?$")
    ok = pc.and_(pc.is_valid(parts), pc.match_substring_regex(canonical, r"\d"))
    ok = pc.and_(pc.fill_null(ok, False), pc.invert(bad_token))
    int_part = pc.struct_field(parts, "int")
    frac_part = pc.struct_field(parts, "frac")
    int_digits = pc.if_else(pc.equal(int_part, ""), "0", int_part)
    int_digits = pc.replace_substring_regex(int_digits, r"^0+(\d)", r"\1")
    # More integer digits than the bound has can be no amount: out of range, never truncated.
    too_long = pc.fill_null(pc.and_(ok, pc.greater(pc.utf8_length(int_digits), _INT_DIGITS)), False)
    ok = pc.and_(ok, pc.invert(too_long))
    frac6 = pc.utf8_slice_codeunits(pc.utf8_rpad(frac_part, width=6, padding="0"), 0, 6)
    whole = _to_int(int_digits, ok)
    micro = _to_int(frac6, ok)
    cents = whole * 100 + (micro + 5000) // 10000
    valid = ok.to_numpy(zero_copy_only=False)
    rounded_cells = (micro % 10000 != 0) & valid
    neg = pc.fill_null(negative, False).to_numpy(zero_copy_only=False)
    sci = scientific.to_numpy(zero_copy_only=False)
    if sci.any():
        numbers = pc.cast(pc.if_else(scientific, text, "0"), pa.float64())
        sci_ok = _floats(numbers.to_numpy(zero_copy_only=False))
        cents = np.where(sci, np.abs(sci_ok.cents.fill_null(0).to_numpy()), cents)
        neg = np.where(sci, numbers.to_numpy(zero_copy_only=False) < 0, neg)
        valid = np.where(sci, ~sci_ok.out_of_range, valid)
        too_long = pc.or_(too_long, pa.array(sci_ok.out_of_range))
        rounded_cells &= ~sci
    out_of_range = too_long.to_numpy(zero_copy_only=False) | (valid & (cents > MAX_CENTS))
    valid &= ~out_of_range
    cents = np.where(neg, -cents, cents)
    invalid = present.to_numpy(zero_copy_only=False) & ~valid
    return ParsedMoney(
        cents=pa.array(cents, type=pa.int64(), mask=~valid),
        invalid=invalid,
        currency=currency,
        rounded=int(np.count_nonzero(rounded_cells & valid)),
        notes=notes,
        decimal_mark=mark,
        out_of_range=out_of_range,
    )


def _to_int(digits: pa.Array, ok: pa.Array) -> np.ndarray:
    safe = pc.if_else(ok, digits, "0")
    safe = pc.if_else(pc.equal(safe, ""), "0", safe)
    # Out-of-range cells are masked before this; keep the cast from overflowing all the same.
    safe = pc.if_else(pc.greater(pc.utf8_length(safe), 15), "0", safe)
    numbers: np.ndarray = pc.cast(safe, pa.int64()).to_numpy(zero_copy_only=False)
    return numbers


def _currency_of(token: pa.Array) -> tuple[pa.Array | None, pa.Array]:
    """Map leftover non-numeric text to ISO codes; unknown text marks the cell invalid."""
    uniques = pc.unique(pc.drop_null(token)).to_pylist()
    mapping: dict[str, str | None] = {}
    for t in uniques:
        if t == "":
            mapping[t] = None
        elif t in CURRENCY_TOKENS:
            mapping[t] = CURRENCY_TOKENS[t]
        elif len(t) == 3 and t.isascii() and t.isalpha():
            mapping[t] = t.upper()
        else:
            mapping[t] = "?"
    if all(v is None for v in mapping.values()):
        return None, pa.array(np.zeros(len(token), bool))
    keys = pa.array(list(mapping))
    codes = pa.array(list(mapping.values()), type=pa.string())
    currency = pc.take(codes, pc.index_in(token, keys))
    bad = pc.fill_null(pc.equal(currency, "?"), False)
    currency = pc.if_else(bad, pa.scalar(None, pa.string()), currency)
    return currency, bad


def _canonical_decimal(
    core: pa.Array, decimal_comma_hint: bool
) -> tuple[pa.Array, list[str], str | None]:
    """Rewrite digit strings with ``.`` and ``,`` into ``1234.56`` form.

    Per value: with both marks the last is the decimal; a mark repeated is a thousands
    separator; a single mark followed by 1-2 or 4+ digits is the decimal. A single mark before
    exactly three digits (``1,234``) is decided by the rest of the column, then by the file's
    locale (a ``;``-separated file writes decimal commas).
    """

    def has(pattern: str) -> np.ndarray:
        found = pc.fill_null(pc.match_substring_regex(core, pattern), False)
        mask: np.ndarray = found.to_numpy(zero_copy_only=False)
        return mask

    both_dot_last = has(r",.*\.\d*$")
    both_comma_last = has(r"\..*,\d*$")
    many_commas = has(r",.*,") & ~has(r"\.")
    many_dots = has(r"\..*\.") & ~has(r",")
    one_comma = has(r"^[^,.]*,[^,.]*$")
    one_dot = has(r"^[^,.]*\.[^,.]*$")
    three_after = has(r"^\d{1,3}[.,]\d{3}$")
    comma_ambiguous = one_comma & three_after
    dot_ambiguous = one_dot & three_after

    def any_(mask: np.ndarray) -> bool:
        return bool(mask.any())

    comma_decimal = any_(both_comma_last) or any_(one_comma & ~three_after)
    comma_thousands = any_(both_dot_last) or any_(many_commas)
    dot_decimal = any_(both_dot_last) or any_(one_dot & ~three_after)
    dot_thousands = any_(both_comma_last) or any_(many_dots)
    notes: list[str] = []
    if comma_decimal and not comma_thousands:
        ambiguous_comma_is_decimal = True
    elif comma_thousands or dot_decimal:
        ambiguous_comma_is_decimal = False
    else:
        ambiguous_comma_is_decimal = decimal_comma_hint
        if any_(comma_ambiguous):
            mark = Message("decimal mark") if decimal_comma_hint else Message("thousands separator")
            notes.append(
                Message(
                    '"1,234"-style amounts read with "," as the {mark} (file locale)', mark=mark
                )
            )
    if dot_decimal and not dot_thousands:
        ambiguous_dot_is_decimal = True
    elif dot_thousands or comma_decimal:
        ambiguous_dot_is_decimal = False
    else:
        ambiguous_dot_is_decimal = not decimal_comma_hint
        if any_(dot_ambiguous):
            mark = (
                Message("decimal mark")
                if ambiguous_dot_is_decimal
                else Message("thousands separator")
            )

            notes.append(
                Message(
                    '"1.234"-style amounts read with "." as the {mark} (file locale)', mark=mark
                )
            )

    no_commas = pc.replace_substring(core, ",", "")
    no_dots = pc.replace_substring(core, ".", "")
    comma_as_decimal = pc.replace_substring(no_dots, ",", ".")
    drop_comma = both_dot_last | many_commas | (comma_ambiguous & (not ambiguous_comma_is_decimal))
    comma_to_point = both_comma_last | (one_comma & ~comma_ambiguous)
    comma_to_point = comma_to_point | (comma_ambiguous & ambiguous_comma_is_decimal)
    drop_dot = many_dots | (dot_ambiguous & (not ambiguous_dot_is_decimal))
    out = pc.if_else(pa.array(drop_comma), no_commas, core)
    out = pc.if_else(pa.array(comma_to_point), comma_as_decimal, out)
    out = pc.if_else(pa.array(drop_dot), no_dots, out)
    point_kept = (both_dot_last | (one_dot & ~dot_ambiguous)).any() or (
        dot_ambiguous.any() and ambiguous_dot_is_decimal
    )
    marks = [m for m, used in ((".", point_kept), (",", comma_to_point.any())) if used]
    return out, notes, ", ".join(marks) if marks else None
