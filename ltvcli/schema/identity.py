"""Who bought: the columns that identify a person, their keys, and the customers they link into.

One person appears under a customer id on one row and only an e-mail or a phone on another
(guest checkouts, payers without an account, analytics events before login). Every column that
can identify a person is used, strongest first: ids, then e-mails, then phones, then — only for
rows with nothing else — names. Rows that share any id, e-mail or phone are one customer: the
connected components of the identifier values (never through a name, which people share and
spell differently). Each customer is keyed by its strongest identifier (the first column's
smallest value in its component), so no key depends on the order of rows or files.

E-mails are trimmed and case-folded; phones become E.164 through Google's ``phonenumbers``
(``8 916 555-12-34``, ``+7 (916) 555-12-34`` and ``9165551234`` in a Russian file are one
number); ids are trimmed text, so ``0001`` keeps its zeros. Guest placeholders are no key.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.messages import Message
from ltvcli.schema.casts import try_cast
from ltvcli.schema.report import LoadReport, Skip

KINDS = ("id", "email", "phone", "name")  # strongest first
# Where each identifier's keys travel in the parsed rows: two id columns (a user id and a
# device or pseudo id), one e-mail, one phone, one name. The row's own key is in "customer".
SLOTS = ("id", "id2", "email", "phone", "name")
LINKED = ("id", "id2", "email", "phone")  # the slots that join rows into one customer
SLOT_COLUMN = "_key_slot"  # which slot a row's "customer" came from (an index into SLOTS)
# A value seen with more distinct values of a stronger identifier than this is a placeholder
# (the shop's own e-mail, +7 000 000-00-00), not a person: it does not link them.
MAX_SHARED = 5

GUEST_KEYS = (
    "", "0", "-", "—", "guest", "гость", "(not set)", "not set", "n/a", "na", "none", "null",
    "unknown", "anonymous", "аноним", "нет", "без имени", "розничный покупатель",
    "частное лицо", "физическое лицо", "покупатель", "клиент", "customer", "walk-in",
    "walk in", "cash customer",
)  # fmt: skip

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^\+?\d{0,2}[\s(\-.]*\d{3}[\s)\-.]*\d{3}[\s\-.]*\d{2}[\s\-.]*\d{2}$"
_PHONE_MARKS = r"^\+|[()\-\s]"
_NAME = r"^\pL+(?:[\s.'’\-]+\pL+)*\.?$"  # RE2's \w is ASCII: \pL is any letter


def link_column(slot: str) -> str:
    """The rows' column that carries a slot's keys when a file has several identifiers."""
    return f"_link_{slot}"


@dataclass(frozen=True)
class Identifier:
    """A column that identifies customers, what its values are, and the slot its keys go to."""

    column: str
    kind: str  # one of KINDS
    slot: str  # one of SLOTS


_PHONE_WORDS = ("phone", "телефон", "mobile", "мобильный", "tel")
_ID_WORDS = ("id", "код", "номер", "number", "account", "accountid", "login", "логин", "uid")


def kind_of(values: pa.Array, header: str = "") -> str:
    """What an identifier column holds, by its values; the (normalised) header tips the
    balance: digits under "Телефон" are phones, ten digits under "Customer ID" stay an id."""
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    if share(values, EMAIL) >= 0.8:
        return "email"
    phones = share(values, PHONE)
    if any(w in header for w in _PHONE_WORDS):
        if phones >= 0.5:
            return "phone"
    elif any(w in _ID_WORDS for w in header.split()):
        return "id"
    if phones >= 0.8:
        return "phone"
    if share(values, _NAME) >= 0.8 and share(values, r"\pL{2}") >= 0.8:
        return "name"
    return "id"


def assign_slots(columns: list[tuple[str, str]]) -> tuple[list[Identifier], list[str]]:
    """Identifiers in order of strength, each in its slot; the columns left without one."""
    ranked = sorted(columns, key=lambda c: KINDS.index(c[1]))
    free = {"id": ["id", "id2"], "email": ["email"], "phone": ["phone"], "name": ["name"]}
    chosen, left = [], []
    for column, kind in ranked:
        if free[kind]:
            chosen.append(Identifier(column, kind, free[kind].pop(0)))
        else:
            left.append(column)
    return chosen, left


def phone_region(headers: list[str], phones: list[pa.Array]) -> str | None:
    """The country of phones written without one: Russia for Russian headers or +7 numbers."""
    if any(any("а" <= ch <= "я" for ch in h.lower()) for h in headers):
        return "RU"
    if any(share(p, r"^\s*(\+7|8\s*\(?9)") >= 0.5 for p in phones):
        return "RU"
    return None


def share(values: pa.Array, pattern: str) -> float:
    """Share of the non-empty cells that match ``pattern`` (numbers as their digits)."""
    if pa.types.is_integer(values.type):
        values = values.cast(pa.string())
    if not pa.types.is_string(values.type):
        return 0.0
    text = pc.drop_null(pc.utf8_trim_whitespace(values))
    text = pc.filter(text, pc.not_equal(text, ""))
    if len(text) == 0:
        return 0.0
    return float(np.mean(pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False)))


def normalise_keys(values: pa.Array, kind: str = "id", region: str | None = None) -> pa.Array:
    """Keys of one identifier column as text; null for empty and guest values.

    An id column may mix in e-mails and phones (a "Контакт" column): those cells are normalised
    as such; bare digits in an id column stay as they are (``0001`` is an id, not a phone)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_floating(values.type):  # whole numbers are ids; "1197596843.17" stays text
        whole = pc.all(pc.equal(values, pc.round(values))).as_py() is not False
        values = pc.cast(pc.round(values), pa.int64()) if whole else values.cast(pa.string())
    if pa.types.is_integer(values.type) and kind != "phone":  # numbers: 0 is a guest
        return pc.if_else(
            pc.equal(values, 0), pa.scalar(None, pa.string()), values.cast(pa.string())
        )
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    if kind == "id" and (numbers := _plain_integers(values)) is not None:
        return pc.if_else(pc.equal(numbers, 0), pa.scalar(None, pa.string()), values)
    text = pc.utf8_trim_whitespace(values)
    if kind == "id" and not pc.any(pc.match_substring_regex(text, r"[@+()\s\-]")).as_py():
        return _without_guests(text, pc.utf8_lower(text))  # plain ids: nothing to normalise
    text = pc.replace_substring_regex(text, r"[\s\x{00a0}\x{202f}]+", " ")
    lower = pc.utf8_lower(text)
    if kind == "name":
        return _without_guests(pc.replace_substring(lower, "ё", "е"), lower)
    is_email = pc.fill_null(pc.match_substring(text, "@"), False)
    if kind == "phone":
        is_phone = pc.invert(is_email)
    else:
        shaped = pc.fill_null(pc.match_substring_regex(text, PHONE), False)
        marked = pc.fill_null(pc.match_substring_regex(text, _PHONE_MARKS), False)
        is_phone = pc.and_(pc.and_(shaped, marked), pc.invert(is_email))
    phones = _e164(pc.if_else(is_phone, text, pa.scalar(None, pa.string())), region)
    key = pc.if_else(is_email, lower, pc.if_else(is_phone, phones, text))
    return _without_guests(key, lower)


def _e164(text: pa.Array, region: str | None) -> pa.Array:
    """Phones in E.164. Russian numbers (``+7``, ``8…`` and ten digits in a Russian file) are
    rewritten by Arrow's regular expressions, as ``phonenumbers`` writes them; the others are
    parsed by ``phonenumbers`` once per distinct value. What does not parse keeps its digits."""
    plain = pc.fill_null(pc.match_substring_regex(text, r"^\s*\+?[\d\s().\-]+$"), False)
    digits = pc.replace_substring_regex(text, r"\D", "")
    plus = pc.fill_null(pc.starts_with(pc.utf8_trim_whitespace(text), "+"), False)
    russian = pc.and_(plus, pc.match_substring_regex(digits, r"^7\d{10}$"))
    if region == "RU":
        national = pc.match_substring_regex(digits, r"^([78]\d{10}|\d{10})$")
        russian = pc.or_(russian, pc.and_(pc.invert(plus), national))
    fast = pc.fill_null(pc.and_(plain, russian), False)
    ten = pc.utf8_slice_codeunits(digits, -10)
    fast_keys = pc.binary_join_element_wise("+7", ten, "")
    rest = pc.if_else(fast, pa.scalar(None, pa.string()), text)
    distinct = pc.drop_null(pc.unique(rest))
    formatted = [_one_phone(v, region) for v in distinct.to_pylist()]
    slow_keys = pc.take(pa.array(formatted, pa.string()), pc.index_in(rest, value_set=distinct))
    return pc.if_else(fast, fast_keys, slow_keys)


def _one_phone(value: str, region: str | None) -> str | None:
    import phonenumbers  # here, not at the top: a tenth of a second that most runs never need

    digits = "".join(ch for ch in value if ch.isdigit())
    if not digits or not digits.strip("0"):
        return None
    international = value.lstrip().startswith("+")
    if region is None and not international and 11 <= len(digits) <= 15:
        value = "+" + digits  # 12125550143: a country code and a number, if it is a possible one
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ("+" if international else "") + digits


def _plain_integers(values: pa.Array) -> pa.Array | None:
    """The numbers of a column of plain integer ids (digits only), else None."""
    if values.null_count == len(values):
        return None
    numbers = try_cast(values, pa.int64())
    if numbers is None:
        return None
    if pc.any(pc.starts_with(values, "+")).as_py() or pc.any(pc.starts_with(values, "-")).as_py():
        return None
    return numbers


def integer_keys(values: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """Plain integer keys in canonical form (no sign, no leading zero) as numbers, else None:
    then equal numbers are equal keys, and numbers sort and compare faster than text."""
    if values.null_count:
        return None
    numbers = _plain_integers(values)
    if numbers is None or pc.any(pc.starts_with(values, "0")).as_py():
        return None
    keys: np.ndarray = numbers.to_numpy()
    return keys


def _without_guests(key: pa.Array, lower: pa.Array) -> pa.Array:
    guest = pc.is_in(lower, value_set=pa.array(GUEST_KEYS))
    guest = pc.or_(pc.fill_null(guest, True), pc.equal(key, ""))
    return pc.if_else(guest, pa.scalar(None, pa.string()), key)


def row_keys(keys: dict[str, pa.Array], n: int) -> tuple[pa.Array, np.ndarray]:
    """Each row's own key (its strongest identifier) and the slot it came from (-1: none)."""
    key = pa.nulls(n, pa.string())
    slot = np.full(n, -1, dtype=np.int8)
    for name in reversed(SLOTS):
        if name in keys:
            present = keys[name].is_valid().to_numpy(zero_copy_only=False)
            slot[present] = SLOTS.index(name)
            key = pc.if_else(keys[name].is_valid(), keys[name], key)
    return key, slot


@dataclass
class Links:
    """The customers that the identifiers of all rows link into (``build_links``)."""

    keys: dict[str, pa.Array]  # slot -> its distinct keys, sorted
    offset: dict[str, int]  # slot -> the node number of its first key
    customer: pa.Array  # node -> its customer's key
    placeholder: np.ndarray  # node -> a value shared too widely to be a person's
    shared: dict[str, int]  # slot -> how many of its values are placeholders

    def apply(self, rows: pd.DataFrame | pa.Table) -> pa.Array:
        """The linked customer of each row (``customer``, ``SLOT_COLUMN`` and the link
        columns): the customer of its strongest identifier that is not a placeholder."""
        table = _table(rows)
        node = np.full(table.num_rows, -1, dtype=np.int64)
        for name, keys in self.keys.items():
            found = pc.index_in(_slot_keys(table, name), value_set=keys)
            found = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
            found = np.where(found >= 0, found + self.offset[name], -1)
            usable = (node < 0) & (found >= 0)
            usable[usable] = ~self.placeholder[found[usable]]
            node[usable] = found[usable]
        linked = pc.take(self.customer, pa.array(node, mask=node < 0))
        return pc.coalesce(linked, table.column("customer").combine_chunks())

    def customers_of(self, rows: pd.DataFrame) -> pd.Series:
        """``apply`` as the frame's new customer column."""
        return pd.Series(self.apply(rows).to_pandas().array, index=rows.index)


def links_in(frame: pd.DataFrame) -> bool:
    """Whether some file of these rows has two or more identifiers to link."""
    return any(c.startswith("_link_") for c in frame.columns)


def identity_columns(frame: pd.DataFrame | pa.Table) -> list[str]:
    """The columns that carry identifier keys to the linking step (none after it)."""
    names = frame.column_names if isinstance(frame, pa.Table) else frame.columns
    return [c for c in names if c == SLOT_COLUMN or c.startswith("_link_")]


def keys_of(rows: pd.DataFrame | pa.Table) -> pa.Table:
    """The distinct identifier combinations of ``rows`` with their row counts: all that linking
    needs, so a streamed input links in memory per distinct identifier, not per row. Rows that
    are such combinations already (with a "rows" count) are summed."""
    table = _table(rows)
    columns = ["customer", *identity_columns(table)]
    if "rows" in table.column_names:
        grouped = table.group_by(columns).aggregate([("rows", "sum")])
        return grouped.rename_columns([*columns, "rows"])
    grouped = table.select(columns).group_by(columns).aggregate([([], "count_all")])
    return grouped.rename_columns([*columns, "rows"])


def _table(rows: pd.DataFrame | pa.Table) -> pa.Table:
    """The identifier columns (and row counts) of ``rows`` as Arrow: text as ``string``."""
    if isinstance(rows, pa.Table):
        return rows
    names = ["customer", *identity_columns(rows)] + (["rows"] if "rows" in rows.columns else [])
    arrays = [pa.Array.from_pandas(rows[n]) for n in names]
    text = [a.cast(pa.string()) if n == "customer" or n.startswith("_link_") else a
            for n, a in zip(names, arrays, strict=True)]  # fmt: skip
    return pa.table(text, names=names)


def _slot_keys(table: pa.Table, name: str) -> pa.Array:
    """A slot's key on each row: its link column, or the row's own key where that is the slot's."""
    own = table.column("customer").combine_chunks()
    mine = pc.equal(table.column(SLOT_COLUMN).combine_chunks(), SLOTS.index(name))
    column = link_column(name)
    if column not in table.column_names:
        return pc.if_else(mine, own, pa.scalar(None, pa.string()))
    return pc.if_else(mine, own, table.column(column).combine_chunks())


def build_links(keys: pa.Table, second_id: str = "id2") -> Links | None:
    """Connected components of the identifier values of ``keys_of`` rows.

    Nodes are the distinct keys of each linked slot, numbered slot by slot in sorted order, so
    the smallest node of a component is its strongest identifier's smallest value: the key of
    the customer. A customer keyed by the second id column is named ``COLUMN:value`` (its values
    may equal the first column's: Bitrix contact and company ids). None when the rows have fewer
    than two identifiers to link."""
    slots = [s for s in LINKED if link_column(s) in keys.column_names]
    if len(slots) < 2:
        return None
    from scipy.sparse import coo_matrix  # here: only inputs with two identifiers link
    from scipy.sparse.csgraph import connected_components

    values, distinct, offset, start = {}, {}, {}, 0
    for name in slots:
        column = _slot_keys(keys, name)
        uniques = pc.unique(column.drop_null())
        distinct[name] = uniques.take(pc.sort_indices(uniques))
        codes = pc.fill_null(pc.index_in(column, value_set=distinct[name]), -1)
        values[name], offset[name] = codes.to_numpy(zero_copy_only=False), start
        start += len(distinct[name])
    edges = []
    partners = np.zeros(start, dtype=np.int64)  # distinct values of another column beside it
    for i, strong in enumerate(slots):
        for weak in slots[i + 1 :]:
            a, b = values[strong], values[weak]
            both = (a >= 0) & (b >= 0)
            packed = np.unique(a[both].astype(np.int64) * len(distinct[weak]) + b[both])
            pairs = np.stack([packed // len(distinct[weak]), packed % len(distinct[weak])], 1)
            pairs += np.array([offset[strong], offset[weak]])
            partners = np.maximum(partners, np.bincount(pairs[:, 1], minlength=start))
            partners = np.maximum(partners, np.bincount(pairs[:, 0], minlength=start))
            edges.append(pairs)
    pairs = np.concatenate(edges) if edges else np.zeros((0, 2), dtype=np.int64)
    # A placeholder links nobody: any e-mail, phone or second id beside more than MAX_SHARED
    # values of one other column (the first id column is the person's own: never one).
    placeholder = partners > MAX_SHARED
    placeholder[offset[slots[0]] : offset[slots[0]] + len(distinct[slots[0]])] &= slots[0] != "id"
    keep = ~(placeholder[pairs[:, 0]] | placeholder[pairs[:, 1]])
    src, dst = pairs[keep, 0], pairs[keep, 1]
    graph = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(start, start))
    count, label = connected_components(graph, directed=False)
    first = np.full(count, start, dtype=np.int64)
    np.minimum.at(first, label, np.arange(start))
    names = pa.concat_arrays(
        [
            distinct[s]
            if s != "id2"
            else pc.binary_join_element_wise(f"{second_id}:", distinct[s], "")
            for s in slots
        ]
    )
    shared = {
        s: int(placeholder[offset[s] : offset[s] + len(distinct[s])].sum())
        for s in slots
        if placeholder[offset[s] : offset[s] + len(distinct[s])].any()
    }
    return Links(distinct, offset, names.take(first[label]), placeholder, shared)


def settle_customers(keys: pa.Table | None, report: LoadReport) -> Links | None:
    """Link the identifiers of every row (``keys_of``) and keep the account of it (``account``)."""
    if keys is None or keys.num_rows == 0:
        return None
    links = build_links(keys, second_id(report))
    account(keys, links, report)
    return links


def second_id(report: LoadReport) -> str:
    """The name of the second id column, which prefixes the customers it keys."""
    return report.slot_columns.get("id2", "id2")


def account(keys: pa.Table, links: Links | None, report: LoadReport) -> None:
    """What ``ltv inspect`` and ``customer_warnings`` say of the linking: how many keys were
    merged, which values were placeholders, how many customers each identifier alone gives."""
    own = keys.column("customer").combine_chunks()
    linked = links.apply(keys) if links else own
    keyed = own.is_valid()
    rows = keys.column("rows").to_numpy()
    keyed_rows = max(int(rows[keyed.to_numpy(zero_copy_only=False)].sum()), 1)
    customers = pc.count_distinct(linked.filter(keyed)).as_py()
    alone = {}
    for name in LINKED:
        if link_column(name) in keys.column_names:
            values = _slot_keys(keys, name)
            present = values.is_valid().to_numpy(zero_copy_only=False)
            alone[name] = (pc.count_distinct(values).as_py(), rows[present].sum() / keyed_rows)
    own_keys = keys.filter(keyed).group_by(["customer", SLOT_COLUMN]).aggregate([]).num_rows
    report.customers = {
        "customers": customers,
        "merged": own_keys - customers,
        "placeholders": dict(links.shared) if links else {},
        "alone": {k: (int(n), float(c)) for k, (n, c) in alone.items()},
    }


def customer_warnings(report: LoadReport) -> None:
    """One line for each way the customer count is in doubt, with the flag that settles it."""
    columns = report.slot_columns
    chosen = report.customers.get("customers")
    linked = " + ".join(f'"{columns[s]}"' for s in report.customers.get("alone", {}))
    for slot, (count, coverage) in report.customers.get("alone", {}).items():
        if chosen and coverage >= 0.95 and abs(count - chosen) > 0.1 * chosen:
            report.warnings.append(
                Message(
                    'customers: {chosen:,} by {linked} linked, but {count:,} by "{column}" alone; '
                    'pin one with --customer "{column}" --no-link',
                    chosen=chosen,
                    linked=linked,
                    count=count,
                    column=columns[slot],
                )
            )
    missing = report.skipped.get(Skip.NO_CUSTOMER, 0)
    if report.rows_read and missing > 0.05 * report.rows_read:
        candidates: str = ", ".join(f'"{c}"' for c in dict.fromkeys(columns.values())) or Message(
            "none found"
        )
        report.warnings.append(
            Message(
                "customers: {missing:,} of {rows:,} rows ({share:.0%}) have no customer key "
                "(identifiers used: {candidates}); name the column with --customer COLUMN",
                missing=missing,
                rows=report.rows_read,
                share=missing / report.rows_read,
                candidates=candidates,
            )
        )
