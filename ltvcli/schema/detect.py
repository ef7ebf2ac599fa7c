"""Which column holds which logical field, and why.

Order of authority: an explicit mapping (flags, then ``ltv.toml``), then header names (exact
synonyms before partial ones, across all fields, so ``Refunded Amount`` is never taken for the
amount), then the values (a column of e-mails is a customer key, a column of dates is the date).
Header matches must pass checks on their values: a date must parse, money must be money, an
order id must identify one customer's order (a count of items never is). Every column that can
identify a customer is kept, in order of strength (``ltvcli.schema.identity``). Every choice
carries a reason for ``ltv inspect``; a required field that is missing or ambiguous is an error
that lists the candidates and the flag that settles it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.errors import InputError
from ltvcli.fields import (
    EXACT,
    FIELD_BY_NAME,
    FIELD_WORDS,
    FIELDS,
    PER_CUSTOMER,
    match,
    normalise_header,
)
from ltvcli.messages import Message
from ltvcli.schema import identity
from ltvcli.schema import statuses as st
from ltvcli.schema.dates import parse_dates
from ltvcli.schema.identity import Identifier
from ltvcli.schema.money import parse_money
from ltvcli.schema.report import personal, shape

_SAMPLE = 5000
# (score, column, reason) of a column found for a field; a higher score is a better match
Scored = tuple[int, str, str]
# column name -> the first cells of that column
Samples = dict[str, pa.Array]
_REQUIRED = ("customer", "date", "amount")
# A date inside text: "Реализация товаров 00001 от 12.03.2024 10:15:00", "Заказ №123 от 05.03.2024".
DATE_IN_TEXT = r"(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?)?|\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?)"


@dataclass
class Mapping:
    """Logical field -> column name, with the reason for each choice.

    ``columns["customer"]`` is the strongest identifier; ``identifiers`` are all of them in
    order of strength. ``rejected`` holds header matches that their values ruled out, and why.
    """

    columns: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    identifiers: list[Identifier] = field(default_factory=list)
    phone_region: str | None = None
    date_in_text: bool = False
    rejected: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str | None:
        return self.columns.get(name)


class DetectionError(InputError):
    """A required field that detection could not settle, with what it did find."""

    def __init__(
        self,
        message: str,
        found: Mapping,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, file=file, row=row, column=column, hint=hint)
        self.found = found


def detect_columns(
    table: pa.Table,
    explicit: dict[str, str],
    source: str,
    link: bool = True,
    phone_region: str | None = None,
) -> Mapping:
    """Map the logical fields of ``FIELDS`` onto the columns of ``table``."""
    mapping = Mapping()
    names = table.column_names
    given_customers: list[str] = []
    for fname, wanted in explicit.items():
        if not wanted:
            continue
        if fname == "customer":
            given_customers = _customer_columns(wanted, names, source)
            continue
        mapping.columns[fname] = resolve_column(wanted, names, fname, source)
        mapping.reasons[fname] = _GIVEN
    used = set(mapping.columns.values()) | set(given_customers)
    samples = {n: _sample(table.column(n)) for n in names}
    customers: list[Scored] = [(EXACT, n, _GIVEN) for n in given_customers]
    for exact in (True, False):
        for f in FIELDS:
            if f.name in mapping.columns:
                continue
            if f.name == "customer":
                if given_customers:
                    continue
                customers += _identifiers_by_header(names, used, samples, exact, customers)
                used.update(n for _, n, _ in customers)
                continue
            best = _best_by_header(f.name, names, used, samples, exact)
            if best:
                column, reason = best
                mapping.columns[f.name] = column
                mapping.reasons[f.name] = reason
                used.add(column)
    if not customers and _generic_id(mapping.columns.get("order_id")):
        # `--names id,date,amount`: a lone "id" next to a date and an amount is the customer.
        column = mapping.columns.pop("order_id")
        mapping.reasons.pop("order_id")
        customers = [(0, column, Message('header "{column}" is the only id column', column=column))]
    time_col = mapping.columns.get("time")
    if (
        "date" not in mapping.columns
        and time_col
        and _date_share(_present(samples[time_col])) >= 0.8
    ):
        # "Время платежа: 15.03.2025 12:34:56" holds the whole timestamp.
        mapping.columns["date"] = mapping.columns.pop("time")
        mapping.reasons["date"] = Message(
            "{reason}; its values are dates", reason=mapping.reasons.pop("time")
        )
    if customers:
        _identify(mapping, customers, samples, names, link, phone_region)
    _check_order_id(mapping, samples)
    _refuse_per_customer(mapping, names, samples, source)
    required = list(_REQUIRED)
    if "amount" not in mapping.columns and "refund" in mapping.columns:
        # A refunds registry (ЮKassa): refunds tied to orders of another file by order id.
        required = ["date"] + (["customer"] if "order_id" not in mapping.columns else [])
    for fname in required:
        if fname in mapping.columns:
            continue
        column, reason = _by_values(fname, names, used, samples, source, mapping)
        if fname == "customer":
            _identify(mapping, [(0, column, reason)], samples, names, link, phone_region)
        else:
            mapping.columns[fname] = column
            mapping.reasons[fname] = reason
        used.add(column)
    return mapping


def _identifiers_by_header(
    names: list[str], used: set[str], samples: Samples, exact: bool, found: list[Scored]
) -> list[Scored]:
    """Identifier columns by header. A header found inside a longer one ("Телефон покупателя")
    is an identifier when its values are e-mails or phones; any other only as the one best such
    header when nothing else names the customer, and never a group, type or note of customers
    ("Customer Group" of "General")."""
    scored = _by_header("customer", names, used, samples, exact)
    if exact:
        return scored
    contacts = [
        s for s in scored if identity.kind_of(_present(samples[s[1]])) in ("email", "phone")
    ]
    if contacts or found:
        return contacts
    plain = [s for s in scored if not any(w in normalise_header(s[1]) for w in _NOT_A_KEY)]
    return plain[:1]


_NOT_A_KEY = (
    "group", "type", "segment", "note", "comment", "status", "category", "tier", "level", "tag",
    "группа", "тип", "сегмент", "комментарий", "примечание", "статус", "категория", "уровень",
)  # fmt: skip


def _customer_columns(wanted: str, names: list[str], source: str) -> list[str]:
    """``--customer`` names one column, or several separated by commas, strongest first."""
    if wanted in names or "," not in wanted:
        return [resolve_column(wanted, names, "customer", source)]
    return [resolve_column(w.strip(), names, "customer", source) for w in wanted.split(",")]


def _identify(
    mapping: Mapping,
    scored: list[Scored],
    samples: Samples,
    names: list[str],
    link: bool,
    region: str | None,
) -> None:
    """Keep every identifier column that keys some rows, in order of strength; name the reasons."""
    region = region or identity.phone_region(names, [samples[n] for _, n, _ in scored])
    found: list[tuple[str, str]] = []  # (column, kind)
    reasons: dict[str, str] = {}
    empty: list[tuple[str, str]] = []
    for score, column, reason in scored:
        kind = identity.kind_of(_present(samples[column]), normalise_header(column))
        keys = identity.normalise_keys(samples[column], kind, region)
        covered = 1 - keys.null_count / len(keys) if len(keys) else 0.0
        # a column that keys (almost) no row is no identifier, unless none keys any
        (found if covered >= 0.01 else empty).append((column, kind))
        reasons[column] = (
            Message("{reason}; {kind}", reason=reason, kind=_KIND_TEXT[kind]) if score else reason
        )
    found = found or empty[:1]
    chosen, left = identity.assign_slots(found)
    left += [column for column, kind in empty if (column, kind) not in found]
    if not link:
        chosen, left = chosen[:1], [i.column for i in chosen[1:]] + left
    mapping.identifiers = chosen
    mapping.phone_region = region
    primary = chosen[0].column
    mapping.columns["customer"] = primary
    reason = reasons[primary]
    linked = [i for i in chosen[1:] if i.kind != "name"]
    names_only = [i for i in chosen[1:] if i.kind == "name"]
    if linked:
        reason = Message("{reason}; linked with {others}", reason=reason, others=_kinds(linked))
    if names_only:
        reason = Message(
            "{reason}; rows with no other key keyed by {others}",
            reason=reason,
            others=_kinds(names_only),
        )
    if left:
        unused = ", ".join(f'"{c}"' for c in left)
        reason = (
            Message("{reason}; not used: {columns}", reason=reason, columns=unused)
            if link
            else Message("{reason}; not used: {columns} (--no-link)", reason=reason, columns=unused)
        )
    mapping.reasons["customer"] = reason


def _kinds(identifiers: list[identity.Identifier]) -> Message:
    """``"Телефон" (phones), "ID" (ids)``: identifier columns with what they hold."""
    return Message.joined(
        [
            Message('"{column}" ({kind})', column=i.column, kind=_KIND_TEXT[i.kind])
            for i in identifiers
        ]
    )


_KIND_TEXT = {
    "id": Message("ids"),
    "email": Message("e-mails"),
    "phone": Message("phones"),
    "name": Message("names"),
}
_GIVEN = Message("given explicitly")


_COUNT_WORDS = ("quantity", "qty", "items", "count", "units", "pcs", "шт", "количество", "anzahl", "menge")  # fmt: skip


def _check_order_id(mapping: Mapping, samples: dict[str, pa.Array]) -> None:
    """An order id must name one customer's order on one day: a count of items is not one, nor
    a column whose values name the sales of several customers or days (receipt numbers that
    restart every shift) — then every row is an order. One stray clash is not enough: more than
    a fifth of its values, and at least two, must clash."""
    column = mapping.column("order_id")
    if not column or mapping.reasons.get("order_id") == _GIVEN:
        return
    why = None
    if _counts(column):
        why = Message("it counts items")
    elif clashes := _clashing_orders(mapping, samples, column):
        why = Message(
            "{clashing} of its {values} values name sales of several customers or days",
            clashing=clashes[0],
            values=clashes[1],
        )
    if why:
        mapping.columns.pop("order_id")
        mapping.reasons.pop("order_id")
        mapping.rejected["order_id"] = Message(
            '"{column}" is not an order id: {why}; every row is an order', column=column, why=why
        )


def _clashing_orders(mapping: Mapping, samples: Samples, column: str) -> tuple[int, int] | None:
    """(values that clash, values) when too many of an id column's values clash: two sales
    lines of one id with different keys in one identifier column, or on different days.
    Refund lines are left out (a refund names its order on a later day)."""
    ids = pc.drop_null(samples[column])
    if pc.count_distinct(ids).as_py() == len(ids):
        return None  # no id repeats: nothing can clash
    frame = pd.DataFrame({"_order": _as_text(samples[column]).to_pandas()})
    for i in mapping.identifiers:
        if i.kind != "name":
            keys = identity.normalise_keys(samples[i.column], i.kind, mapping.phone_region)
            frame[i.slot] = keys.to_pandas()
    date = mapping.column("date")
    if date and not mapping.date_in_text:
        days = parse_dates(samples[date]).values.astype("datetime64[D]")
        frame["day"] = pd.Series(days).where(~pd.isna(days))
    sale = np.ones(len(frame), dtype=bool)
    if amount := mapping.column("amount"):
        cents = parse_money(samples[amount]).cents
        sale &= ~pc.fill_null(pc.less(cents, 0), False).to_numpy(zero_copy_only=False)
    if kind := mapping.column("kind"):
        kinds = st.classify(samples[kind], st.KIND_WORDS)[0]
        sale &= kinds != st.REFUND_ROW
    frame = frame[sale & frame["_order"].notna().to_numpy()]
    groups = frame.groupby("_order")
    clash = np.zeros(groups.ngroups, dtype=bool)
    for name in frame.columns.drop("_order"):
        clash |= (groups[name].nunique() > 1).to_numpy()
    clashing, total = int(clash.sum()), groups.ngroups
    return (clashing, total) if clashing >= 2 and clashing > 0.2 * total else None


def _refuse_per_customer(mapping: Mapping, names: list[str], samples: Samples, source: str) -> None:
    """A table of customers (their order counts and totals) is not a table of orders."""
    if "date" in mapping.columns or not mapping.identifiers:
        return
    counts = [n for n in names if normalise_header(n) in PER_CUSTOMER]
    if not counts:
        return
    keys = _as_text(_present(samples[mapping.identifiers[0].column]))
    if len(keys) and pc.count_distinct(keys).as_py() == len(keys):
        raise DetectionError(
            Message(
                "this file has one row per customer ({columns}), not one per order: "
                "ltv needs the orders, each with its date",
                columns=_list(counts),
            ),
            mapping,
            file=source,
            hint=Message("export the orders (or payments) instead of the customer list"),
        )


def _as_text(values: pa.Array) -> pa.Array:
    return values if pa.types.is_string(values.type) else values.cast(pa.string())


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
        Message(
            "{flag} {wanted!r} names no column; the columns are: {columns}",
            flag=flag,
            wanted=wanted,
            columns=_list(names),
        ),
        file=source,
    )


def _best_by_header(
    fname: str, names: list[str], used: set[str], samples: Samples, exact: bool
) -> tuple[str, str] | None:
    scored = _by_header(fname, names, used, samples, exact)
    if not scored:
        return None
    return scored[0][1], scored[0][2]


def _by_header(
    fname: str, names: list[str], used: set[str], samples: Samples, exact: bool
) -> list[Scored]:
    """Columns whose header names ``fname`` and whose values fit it, best first."""
    scored: list[Scored] = []
    for n in names:
        if n in used:
            continue
        m = match(fname, n)
        if not m or (m[0] > EXACT) != exact:
            continue
        if not _values_fit(fname, samples[n]):
            continue
        scored.append((m[0], n, m[1]))
    return sorted(scored, key=lambda s: -s[0])


def _values_fit(fname: str, sample: pa.Array) -> bool:
    """Header matches are confirmed by the values: a "Date" column of text is not the date."""
    present = _present(sample)
    if len(present) == 0:
        return True
    if fname == "date":
        return _date_share(present) >= 0.5
    if fname in ("amount", "refund", "cost"):  # money, even if too large to count
        parsed = parse_money(present)
        return bool(1 - (parsed.invalid & ~parsed.out_of_range).mean() >= 0.5)
    if fname == "customer":  # written dates are no key; numbers are (GA4's "1197596843.17...")
        written = identity.share(present, r"^\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}") >= 0.5
        return not written or _date_share(present) < 0.5
    return True


def _by_values(
    fname: str, names: list[str], used: set[str], samples: Samples, source: str, mapping: Mapping
) -> tuple[str, str]:
    free = [n for n in names if n not in used]
    present = {n: _present(samples[n]) for n in free}
    present = {n: p for n, p in present.items() if len(p)}
    if fname == "date":
        cands = [n for n, p in present.items() if _date_share(p) >= 0.8 and not _small_ints(p)]
        reason = Message("its values are dates")
        if not cands:
            cands = _dates_in_text(names, samples)
            reason = Message("no column holds dates, and each of its cells carries one")
            mapping.date_in_text = bool(cands)
    elif fname == "amount":
        counts = [n for n in present if _counts(n)]
        cands = [n for n, p in present.items() if _is_money(p) and n not in counts]
        decimals = [n for n in cands if _has_decimals(present[n])]
        cands = decimals or cands
        reason = Message("its values are money amounts")
    else:
        emails = [n for n, p in present.items() if identity.share(p, identity.EMAIL) >= 0.8]
        phones = [n for n, p in present.items() if identity.share(p, identity.PHONE) >= 0.8]
        if emails or phones:
            cands = emails or phones
            reason = (
                Message("its values are e-mail addresses")
                if emails
                else Message("its values are phone numbers")
            )
        else:
            cands = [n for n, p in present.items() if _id_like(p)]
            reason = (
                Message("its values look like customer ids (the only id-like column)")
                if len(cands) == 1 and len(names) > 2
                else Message("its values look like customer ids")
            )
            if len(cands) > 1:  # no header says buyer: SKUs, postings and cities are not one
                raise DetectionError(
                    Message(
                        "no customer column found ({description}); no header names the buyer, "
                        "and several columns could be ids: {columns}",
                        description=FIELD_BY_NAME["customer"].description,
                        columns=_list(cands),
                    ),
                    mapping,
                    file=source,
                    hint=Message(
                        "pass {flag} COLUMN; marketplace reports (Ozon, Wildberries) carry no buyer "
                        "and cannot give LTV",
                        flag="--customer",
                    ),
                )
    if len(cands) == 1:
        return cands[0], reason
    f = FIELD_BY_NAME[fname]
    if not cands:
        hint = (
            Message(
                "pass {flag} COLUMN; marketplace reports (Ozon, Wildberries) carry no buyer "
                "and cannot give LTV",
                flag=f.flag,
            )
            if fname == "customer"
            else Message("pass {flag} COLUMN", flag=f.flag)
        )
        raise DetectionError(
            Message(
                "no {field} column found ({description}); the columns are: {columns}",
                field=FIELD_WORDS[fname],
                description=f.description,
                columns=_list(names),
            ),
            mapping,
            file=source,
            hint=hint,
        )
    raise DetectionError(
        Message(
            "cannot tell which column is the {field}: candidates {columns}",
            field=FIELD_WORDS[fname],
            columns=_list(cands),
        ),
        mapping,
        file=source,
        hint=Message("pass {flag} COLUMN", flag=f.flag),
    )


def _dates_in_text(names: list[str], samples: dict[str, pa.Array]) -> list[str]:
    """Text columns whose every cell carries one date (1C document titles)."""
    found = []
    for n in names:
        text = _present(samples[n])
        if not pa.types.is_string(text.type) or not len(text):
            continue
        dates = date_in_text(text)
        if dates.null_count <= 0.2 * len(dates) and _date_share(dates.drop_null()) >= 0.8:
            found.append(n)
    return found


def date_in_text(text: pa.Array) -> pa.Array:
    """The first date (with its time, if any) written inside each cell; null where none."""
    return pc.struct_field(pc.extract_regex(text, f"(?P<date>{DATE_IN_TEXT})"), "date")


def _counts(column: str) -> bool:
    """A header that counts things (items, ``Кол-во``): never an order id or an amount."""
    header = normalise_header(column)
    words = header.split()
    return (
        any(w in _COUNT_WORDS for w in words)
        or "number of" in header
        or any(w.startswith("кол") for w in words)
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
        return bool(pa.types.is_integer(arr.type))
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


def _list(names: Iterable[str]) -> str:
    """Column names for a message; a "name" that is a customer's e-mail or phone (a file
    without a header row) only by its shape."""
    return ", ".join(shape(n) if personal(n) else f'"{n}"' for n in names)
