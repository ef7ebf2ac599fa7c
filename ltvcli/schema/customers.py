"""Customer keys: one person, one key, however the export spelled them.

E-mails are trimmed and case-folded; phones are reduced to digits with the Russian trunk prefix
normalised (``8 912 345-67-89``, ``+7 (912) 345-67-89`` and ``9123456789`` are one customer);
ids are trimmed text, so ``0001`` keeps its zeros. Guest and placeholder keys are not customers.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

GUEST_KEYS = (
    "", "0", "-", "—", "guest", "гость", "(not set)", "not set", "n/a", "na", "none", "null",
    "unknown", "anonymous", "аноним", "нет", "без имени",
)  # fmt: skip

_PHONE_SHAPE = r"^\+?[\d\s().\-]{7,}$"
_PHONE_MARKS = r"[+()\-\s]"


def normalise_customers(values: pa.Array, phone_column: bool = False) -> pa.Array:
    """Return normalised keys; null for empty and guest keys."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_floating(values.type):
        values = pc.cast(pc.round(values), pa.int64())
    if pa.types.is_integer(values.type):  # numbers: nothing to normalise; 0 is a guest
        return pc.if_else(
            pc.equal(values, 0), pa.scalar(None, pa.string()), values.cast(pa.string())
        )
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    if not phone_column and (numbers := _plain_integers(values)) is not None:
        return pc.if_else(pc.equal(numbers, 0), pa.scalar(None, pa.string()), values)
    text = pc.utf8_trim_whitespace(values)
    if not phone_column and not pc.any(pc.match_substring_regex(text, r"[@+()\s\-]")).as_py():
        return _without_guests(text, pc.utf8_lower(text))  # plain ids: nothing to normalise
    text = pc.replace_substring_regex(text, r"[\s\x{00a0}\x{202f}]+", " ")
    lower = pc.utf8_lower(text)
    is_email = pc.fill_null(pc.match_substring(text, "@"), False)
    phone_shape = pc.fill_null(pc.match_substring_regex(text, _PHONE_SHAPE), False)
    marked = pc.fill_null(pc.match_substring_regex(text, _PHONE_MARKS), False)
    is_phone = pc.and_(phone_shape, pc.or_(marked, pa.scalar(phone_column)))
    is_phone = pc.and_(is_phone, pc.invert(is_email))
    digits = pc.replace_substring_regex(text, r"\D", "")
    digits = pc.if_else(
        pc.fill_null(pc.match_substring_regex(digits, r"^8\d{10}$"), False),
        pc.binary_join_element_wise("7", pc.utf8_slice_codeunits(digits, 1), ""),
        digits,
    )
    digits = pc.if_else(
        pc.fill_null(pc.match_substring_regex(digits, r"^9\d{9}$"), False),
        pc.binary_join_element_wise("7", digits, ""),
        digits,
    )
    key = pc.if_else(is_email, lower, pc.if_else(is_phone, digits, text))
    return _without_guests(key, lower)


def _plain_integers(values: pa.Array) -> pa.Array | None:
    """The numbers of a column of plain integer ids (digits only), else None."""
    if values.null_count == len(values):
        return None
    try:
        numbers = pc.cast(values, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if pc.any(pc.starts_with(values, "+")).as_py() or pc.any(pc.starts_with(values, "-")).as_py():
        return None
    return numbers


def integer_keys(values: pa.Array) -> np.ndarray | None:
    """Plain integer keys in canonical form (no sign, no leading zero) as numbers, else None:
    then equal numbers are equal keys, and numbers sort and compare faster than text."""
    if values.null_count:
        return None
    numbers = _plain_integers(values)
    if numbers is None or pc.any(pc.starts_with(values, "0")).as_py():
        return None
    return numbers.to_numpy()


def _without_guests(key: pa.Array, lower: pa.Array) -> pa.Array:
    guest = pc.is_in(lower, value_set=pa.array(GUEST_KEYS))
    guest = pc.or_(pc.fill_null(guest, True), pc.equal(key, ""))
    return pc.if_else(guest, pa.scalar(None, pa.string()), key)


def looks_like_emails(values: pa.Array) -> float:
    """Share of non-empty cells that are e-mail addresses (a column of them is a customer key)."""
    return _share(values, r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def looks_like_phones(values: pa.Array) -> float:
    """Share of cells shaped like a phone number (a 13-digit barcode is not one)."""
    return _share(values, r"^\+?\d{0,2}[\s(\-]*\d{3}[\s)\-]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}$")


def _share(values: pa.Array, pattern: str) -> float:
    if not pa.types.is_string(values.type):
        return 0.0
    text = pc.drop_null(pc.utf8_trim_whitespace(values))
    text = pc.filter(text, pc.not_equal(text, ""))
    if len(text) == 0:
        return 0.0
    hits = pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False)
    return float(np.mean(hits))
