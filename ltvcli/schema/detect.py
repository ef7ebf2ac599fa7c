"""Which column holds which logical field, and why.

Order of authority: an explicit mapping (flags, then ``ltv.toml``), then header names (exact
synonyms before partial ones, across all fields, so ``Refunded Amount`` is never taken for the
amount), then the values (a column of e-mails is a customer key, a column of dates is the date).
Every choice carries a reason for ``ltv inspect``; a required field that is missing or ambiguous
is an error that lists the candidates and the flag that settles it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.errors import InputError
from ltvcli.schema.customers import looks_like_emails, looks_like_phones, normalise_customers
from ltvcli.schema.dates import parse_dates
from ltvcli.schema.fields import EXACT, FIELD_BY_NAME, FIELDS, match, normalise_header
from ltvcli.schema.money import parse_money

_SAMPLE = 5000
_REQUIRED = ("customer", "date", "amount")


@dataclass
class Mapping:
    """Logical field -> column name, with the reason for each choice."""

    columns: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str | None:
        return self.columns.get(name)


def detect_columns(table: pa.Table, explicit: dict[str, str], source: str) -> Mapping:
    """Map the logical fields of ``FIELDS`` onto the columns of ``table``."""
    mapping = Mapping()
    names = table.column_names
    for fname, wanted in explicit.items():
        if wanted:
            column = resolve_column(wanted, names, fname, source)
            mapping.columns[fname] = column
            mapping.reasons[fname] = "given explicitly"
    used = set(mapping.columns.values())
    samples = {n: _sample(table.column(n)) for n in names}
    for exact in (True, False):
        for f in FIELDS:
            if f.name in mapping.columns:
                continue
            best = _best_by_header(f.name, names, used, samples, exact)
            if best:
                column, reason = best
                mapping.columns[f.name] = column
                mapping.reasons[f.name] = reason
                used.add(column)
    if "customer" not in mapping.columns and _generic_id(mapping.columns.get("order_id")):
        # `--names id,date,amount`: a lone "id" next to a date and an amount is the customer.
        column = mapping.columns.pop("order_id")
        mapping.reasons.pop("order_id")
        mapping.columns["customer"] = column
        mapping.reasons["customer"] = f'header "{column}" is the only id column'
    time_col = mapping.columns.get("time")
    if (
        "date" not in mapping.columns
        and time_col
        and _date_share(_present(samples[time_col])) >= 0.8
    ):
        # "Время платежа: 15.03.2025 12:34:56" holds the whole timestamp.
        mapping.columns["date"] = mapping.columns.pop("time")
        mapping.reasons["date"] = mapping.reasons.pop("time") + "; its values are dates"
    required = list(_REQUIRED)
    if "amount" not in mapping.columns and "refund" in mapping.columns:
        # A refunds registry (ЮKassa): refunds tied to orders of another file by order id.
        required = ["date"] + (["customer"] if "order_id" not in mapping.columns else [])
    for fname in required:
        if fname not in mapping.columns:
            column, reason = _by_values(fname, names, used, samples, source)
            mapping.columns[fname] = column
            mapping.reasons[fname] = reason
            used.add(column)
    return mapping


def _generic_id(column: str | None) -> bool:
    return column is not None and normalise_header(column) in ("id", "number", "name")


def resolve_column(wanted: str, names: list[str], fname: str, source: str) -> str:
    """Find a column by exact name, by case-insensitive name or by 1-based position."""
    if wanted in names:
        return wanted
    norm = normalise_header(wanted)
    for n in names:
        if normalise_header(n) == norm:
            return n
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    flag = FIELD_BY_NAME[fname].flag or fname
    raise InputError(
        f"{flag} {wanted!r} names no column; the columns are: {_list(names)}", file=source
    )


def _best_by_header(fname, names, used, samples, exact: bool) -> tuple[str, str] | None:
    scored = []
    for n in names:
        if n in used:
            continue
        m = match(fname, n)
        if not m or (m[0] > EXACT) != exact:
            continue
        if not _values_fit(fname, samples[n]):
            continue
        scored.append((m[0], n, m[1]))
    if not scored:
        return None
    scored.sort(key=lambda s: -s[0])
    if fname == "customer" and len(scored) > 1:
        return _best_customer(scored, samples)
    return scored[0][1], scored[0][2]


def _best_customer(scored, samples) -> tuple[str, str]:
    """Prefer the highest-ranked key unless it is mostly empty or guest (``Customer ID`` = 0)."""
    coverage = {n: _coverage(normalise_customers(samples[n])) for _, n, _ in scored}
    top = max(coverage.values())
    for _, n, reason in scored:
        if coverage[n] >= 0.5 * top:
            if n != scored[0][1]:
                reason += f' (preferred over "{scored[0][1]}", which is mostly empty or guest)'
            return n, reason
    return scored[0][1], scored[0][2]


def _coverage(keys: pa.Array) -> float:
    return 1.0 - keys.null_count / len(keys) if len(keys) else 0.0


def _values_fit(fname: str, sample: pa.Array) -> bool:
    """Header matches are confirmed by the values: a "Date" column of text is not the date."""
    present = _present(sample)
    if len(present) == 0:
        return True
    if fname == "date":
        return _date_share(present) >= 0.5
    if fname in ("amount", "refund", "cost"):
        parsed = parse_money(present)
        return 1 - parsed.invalid.mean() >= 0.5
    if fname == "customer":
        return _date_share(present) < 0.5
    return True


def _by_values(fname, names, used, samples, source) -> tuple[str, str]:
    free = [n for n in names if n not in used]
    present = {n: _present(samples[n]) for n in free}
    present = {n: p for n, p in present.items() if len(p)}
    if fname == "date":
        cands = [n for n, p in present.items() if _date_share(p) >= 0.8 and not _small_ints(p)]
        reason = "its values are dates"
    elif fname == "amount":
        cands = [n for n, p in present.items() if _is_money(p)]
        decimals = [n for n in cands if _has_decimals(present[n])]
        cands = decimals or cands
        reason = "its values are money amounts"
    else:
        emails = [n for n, p in present.items() if looks_like_emails(p) >= 0.8]
        phones = [n for n, p in present.items() if looks_like_phones(p) >= 0.8]
        if emails or phones:
            cands = emails or phones
            reason = "its values are e-mail addresses" if emails else "its values are phone numbers"
        else:
            cands = [n for n, p in present.items() if _id_like(p)]
            reason = "its values look like customer ids"
            if len(cands) == 1 and len(names) > 2:
                reason += " (the only id-like column)"
    if len(cands) == 1:
        return cands[0], reason
    f = FIELD_BY_NAME[fname]
    if not cands:
        hint = f"pass {f.flag} COLUMN"
        if fname == "customer":
            hint += "; marketplace reports (Ozon, Wildberries) carry no buyer and cannot give LTV"
        raise InputError(
            f"no {fname} column found ({f.description}); the columns are: {_list(names)}",
            file=source,
            hint=hint,
        )
    raise InputError(
        f"cannot tell which column is the {fname}: candidates {_list(cands)}",
        file=source,
        hint=f"pass {f.flag} COLUMN",
    )


def _sample(column: pa.ChunkedArray) -> pa.Array:
    arr = column.slice(0, _SAMPLE * 4).combine_chunks()
    return arr


def _present(arr: pa.Array) -> pa.Array:
    arr = pc.drop_null(arr)
    if pa.types.is_string(arr.type):
        arr = pc.filter(arr, pc.not_equal(pc.utf8_trim_whitespace(arr), ""))
    return arr.slice(0, _SAMPLE)


def _date_share(arr: pa.Array) -> float:
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        return 1.0
    parsed = parse_dates(arr)
    return float(np.mean(~parsed.invalid)) if len(arr) else 0.0


def _is_money(arr: pa.Array) -> bool:
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        return False
    if _date_share(arr) >= 0.8 and not _has_decimals(arr):
        return False
    return float(np.mean(parse_money(arr).invalid)) <= 0.05


def _has_decimals(arr: pa.Array) -> bool:
    if pa.types.is_floating(arr.type):
        return True
    if not pa.types.is_string(arr.type):
        return False
    return bool(pc.any(pc.match_substring_regex(arr, r"\d[.,]\d{1,2}(\D|$)")).as_py())


def _small_ints(arr: pa.Array) -> bool:
    if not pa.types.is_string(arr.type):
        return pa.types.is_integer(arr.type)
    return bool(pc.all(pc.match_substring_regex(arr, r"^\d{1,4}$")).as_py())


def _id_like(arr: pa.Array) -> bool:
    """Ids repeat (customers come back), are not amounts with decimals, and are not dates."""
    if _has_decimals(arr) or _date_share(arr) >= 0.8:
        return False
    if pa.types.is_string(arr.type):
        text = arr
        zero_padded = bool(pc.any(pc.match_substring_regex(text, r"^0\d")).as_py())
        alnum = bool(pc.any(pc.match_substring_regex(text, r"[A-Za-zА-Яа-я]")).as_py())
        distinct = len(pc.unique(text))
        return (zero_padded or alnum or distinct > 50) and 1 < distinct <= len(text)
    return pa.types.is_integer(arr.type) and len(pc.unique(arr)) > 50


def _list(names) -> str:
    return ", ".join(f'"{n}"' for n in names)
