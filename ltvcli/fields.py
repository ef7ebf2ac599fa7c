"""The logical fields of an order row and the header names that mean them, in English and Russian.

One table drives column detection, ``ltv inspect`` and the mapping flags. Within a field the
synonyms are in order of preference: the first exact match wins (``Total`` before ``Subtotal``,
a customer id before an e-mail before a phone).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from ltvcli.messages import Message


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    synonyms: tuple[str, ...]
    flag: str | None = None  # the CLI flag that maps it by hand (ltv.toml: [columns] NAME)
    description: str = ""
    flag_help: str = ""  # the flag's --help text


FIELDS: tuple[Field, ...] = (
    Field(
        "customer",
        True,
        (
            "customer id",
            "customer_id",
            "customerid",
            "client id",
            "client_id",
            "buyer id",
            "user id",
            "user_id",
            "account id",
            "accountid",
            "member id",
            "contact id",
            "customer reference id",
            "user pseudo id",
            "user_pseudo_id",
            "id клиента",
            "идентификатор клиента",
            "идентификатор покупателя",
            "client uniq id",
            "код клиента",
            "id покупателя",
            "id плательщика",
            "номер карты лояльности",
            "customer email",
            "email",
            "e-mail",
            "e mail",
            "billing email",
            "email billing",
            "buyer email",
            "from email address",
            "email покупателя",
            "email плательщика",
            "эл. почта",
            "электронная почта",
            "почта",
            "absender e-mail-adresse",
            "customer",
            "client",
            "buyer",
            "клиент",
            "покупатель",
            "контрагент",
            "заказчик",
            "партнер",
            "плательщик",
            "контакт",
            "kunde",
            "kundennummer",
            "customer phone",
            "phone",
            "billing phone",
            "mobile",
            "contact phone number",
            "телефон",
            "мобильный телефон",
            "рабочий телефон",
            "номер телефона",
            "customer name",
            "billing name",
            "name billing",
            "full name",
            "имя клиента",
            "фио",
            "имя",
        ),
        "--customer",
        Message("who bought: an id, e-mail or phone"),
        'Column(s) that identify the customer, comma-separated, e.g. "Customer ID,Email" (linked) [default: every id, e-mail and phone column, linked].',
    ),
    Field(
        "date",
        True,
        (
            "order date",
            "date",
            "created at",
            "created_at",
            "created utc",
            "created date utc",
            "date created",
            "purchase date",
            "order_date",
            "transaction date",
            "paid at",
            "payment date",
            "datetime",
            "timestamp",
            "event timestamp",
            "event date",
            "дата заказа",
            "дата",
            "дата создания",
            "дата оформления",
            "дата продажи",
            "дата оплаты",
            "дата операции",
            "дата документа",
            "время платежа",
            "дата и время",
            "период",
            "дата закрытия",
            "дата заказа покупателем",
            "datum",
            "bestelldatum",
        ),
        "--date",
        Message("when the order was placed"),
        "Column with the order date.",
    ),
    Field(
        "amount",
        True,
        (
            "order total",
            "total",
            "grand total",
            "grand total purchased",
            "grand total base",
            "order total inc tax",
            "order total amount",
            "total collected",
            "amount",
            "amount paid",
            "payment amount",
            "paid",
            "net sales",
            "gross",
            "revenue",
            "sales",
            "sum",
            "value",
            "purchase revenue",
            "ecommerce purchase revenue",
            "сумма заказа",
            "сумма",
            "итого",
            "выручка",
            "сумма выручки",
            "стоимость",
            "бюджет",
            "сумма платежа",
            "сумма оплаты",
            "оплачено",
            "оплачено покупателем",
            "сумма продажи",
            "сумма документа",
            "доход",
            "реализовано",
            "brutto",
            "betrag",
            "summe",
            "gesamt",
            "order line total",
            "lineitem price",
            "price",
            "цена",
        ),
        "--amount",
        Message("money paid for the order"),
        "Column with the order amount.",
    ),
    Field(
        "order_id",
        False,
        (
            "order id",
            "order_id",
            "order number",
            "order #",
            "order no",
            "order",
            "номер заказа",
            "№ заказа",
            "id заказа",
            "номер",
            "номер документа",
            "документ",
            "регистратор",
            "номер сделки",
            "номер чека",
            "bestellnummer",
            "rechnungsnummer",
            "transaction id",
            "transaction_id",
            "invoice id",
            "invoice number",
            "invoice",
            "invoiceid",
            "номер транзакции",
            "идентификатор платежа",
            "номер отправления",
            "transaktionscode",
            "name",
            "id",
            "number",
            "payment id",
            "receipt",
        ),
        "--order-id",
        Message("lines with one id are one order"),
        "Column with the order id (lines with one id are one order).",
    ),
    Field(
        "status",
        False,
        (
            "financial status",
            "order status",
            "status",
            "payment status",
            "transaction status",
            "state",
            "stage",
            "статус заказа",
            "статус",
            "статус оплаты",
            "этап сделки",
            "стадия сделки",
            "состояние",
        ),
        "--status-column",
        Message("cancelled and failed orders are excluded, refunded ones subtract"),
        "Column with the order status.",
    ),
    Field(
        "kind",
        False,
        (
            "event type",
            "type",
            "transaction type",
            "event name",
            "event_name",
            "тип операции",
            "тип документа",
            "тип",
            "обоснование для оплаты",
            "typ",
        ),
        None,
        "marks refund rows and rows that are not sales (fees, transfers)",
    ),
    Field(
        "cancelled",
        False,
        ("cancelled at", "canceled at", "cancelled", "canceled", "отменен", "отменён"),
        None,
        "non-empty (or Y/Да) means the order was cancelled",
    ),
    Field(
        "refund",
        False,
        (
            "refunded amount",
            "amount refunded",
            "total refunded",
            "refund amount",
            "order refund amount",
            "partial refunds",
            "refund value",
            "refund_value",
            "refunded",
            "refunds",
            "сумма возврата",
            "возвращено",
            "сумма возвратов",
        ),
        None,
        "money returned to the customer",
    ),
    Field(
        "reference",
        False,
        (
            "reference txn id",
            "reference transaction id",
            "related transaction id",
            "original transaction id",
            "zugehöriger transaktionscode",
        ),
        None,
        "the order a refund row refers to",
    ),
    Field(
        "cost",
        False,
        (
            "cost",
            "cogs",
            "cost of goods",
            "unit cost",
            "cost per item",
            "purchase price",
            "себестоимость",
            "себестоимость позиции",
            "закупочная цена",
            "закупка",
        ),
        "--cost",
        Message("cost of goods, for margin"),
        "Column with the cost of goods.",
    ),
    Field(
        "currency",
        False,
        (
            "currency",
            "currency code",
            "order currency code",
            "валюта",
            "код валюты",
            "валюта платежа",
            "währung",
        ),
        "--currency-column",
        Message("ISO currency of the amount"),
        "Column with the currency code.",
    ),
    Field("time", False, ("time", "order time", "время", "uhrzeit"), None, "time of day"),
    Field("timezone", False, ("time zone", "timezone", "zeitzone"), None, "zone of the time"),
    Field(
        "quantity",
        False,
        (
            "quantity",
            "qty",
            "lineitem quantity",
            "items sold",
            "total quantity",
            "units",
            "количество",
            "кол-во",
            "кол.",
            "number of items",
            "number_of_items",
            "item count",
            "items",
            "anzahl",
            "menge",
        ),
        None,
        "items in the order line",
    ),
)

# Each field's name as said to people (``ltv inspect``, errors); the catalog translates them.
FIELD_WORDS = {
    "customer": Message("customer"), "date": Message("date"), "amount": Message("amount"),
    "order_id": Message("order_id"), "status": Message("status"), "kind": Message("kind"),
    "cancelled": Message("cancelled"), "refund": Message("refund"),
    "reference": Message("reference"), "cost": Message("cost"), "currency": Message("currency"),
    "time": Message("time"), "timezone": Message("timezone"), "quantity": Message("quantity"),
}  # fmt: skip

# Money columns that are never the order amount, even though they hold money.
NOT_AMOUNT = (
    "fee",
    "fees",
    "net",
    "net total",
    "balance",
    "tax",
    "taxes",
    "shipping",
    "discount",
    "subtotal",
    "compare at price",
    "outstanding balance",
    "discount amount",
    "комиссия",
    "сумма к зачислению",
    "к перечислению",
    "остаток",
    "баланс",
    "ндс",
    "налог",
    "доставка",
    "скидка",
    "gebühr",
    "entgelt",
    "netto",
    "guthaben",
)

# Words that name contact details and segment attributes, passed through to the customer table.
ATTRIBUTES = {
    "city": (
        "city",
        "billing city",
        "shipping city",
        "town",
        "geo city",
        "город",
        "город доставки",
        "населённый пункт",
        "населенный пункт",
        "ort",
    ),
    "channel": (
        "channel",
        "source",
        "utm source",
        "utm_source",
        "traffic source",
        "referral source",
        "medium",
        "channel name",
        "источник",
        "источник заказа",
        "канал",
        "рекламный канал",
        "откуда узнали",
        "способ оформления",
    ),
    "category": (
        "category",
        "item category",
        "product type",
        "категория",
        "группа товаров",
        "вид номенклатуры",
        "предмет",
    ),
    "product": (
        "product",
        "product name",
        "item",
        "item name",
        "lineitem name",
        "service",
        "товар",
        "наименование",
        "наименование товара",
        "название товара",
        "номенклатура",
        "продукт",
        "услуга",
        "artikelbezeichnung",
    ),
    "sku": (
        "sku",
        "lineitem sku",
        "product sku",
        "item sku",
        "product code",
        "item code",
        "article",
        "артикул",
        "код товара",
        "код номенклатуры",
        "артикул поставщика",
        "artikelnummer",
    ),
    "name": (
        "customer name",
        "billing name",
        "name billing",
        "full name",
        "first name billing",
        "имя",
        "фио",
        "полное имя контакта",
        "имя клиента",
    ),
    "email": ("email", "e-mail", "customer email", "billing email", "email billing"),
    "phone": ("phone", "billing phone", "телефон", "мобильный телефон", "contact phone number"),
}

# Columns that order lines (``ltvcli.schema.lines``) read besides the attributes: a line's unit
# price, and a cell that packs every item of an order (BigCommerce, Tilda).
LINE_WORDS = {
    "price": (
        "lineitem price",
        "price",
        "unit price",
        "item price",
        "product price",
        "цена",
        "цена за единицу",
        "цена за ед.",
        "preis",
        "einzelpreis",
    ),
    "packed": (
        "product details",
        "products",
        "order items",
        "line items",
        "payment",
        "товары",
        "состав заказа",
        "позиции заказа",
        "корзина",
        "заказ",
    ),
}

FIELD_BY_NAME = {f.name: f for f in FIELDS}


SUMMARY_WORDS = (
    "итого", "итог", "всего", "total", "grand total", "totals", "subtotal", "средний чек",
    "сумма платежей", "число платежей", "gesamt", "summe",
)  # fmt: skip
# A cell that says the row is a total, not an order (match ignoring case).
SUMMARY_CELL = rf"^\s*({'|'.join(SUMMARY_WORDS)})(\s*:.*|\s+по\s.*|\s*)$"

EXACT = 1000

_STRIP = re.compile(r"[()\[\]#№:]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def normalise_header(header: str) -> str:
    """Case-fold, drop BOM and brackets, treat ``_`` and ``-`` as spaces, collapse spaces."""
    h = header.replace("\ufeff", "").casefold()
    h = _STRIP.sub(" ", h).replace("_", " ")
    h = re.sub(r"(?<=\w)-(?=\w)", " ", h) if "e-mail" not in h else h
    return _SPACES.sub(" ", h).strip()


_NORMALISED = {f.name: tuple(normalise_header(s) for s in f.synonyms) for f in FIELDS}
_NOT_AMOUNT = {normalise_header(s) for s in NOT_AMOUNT}
# Each field's exact synonyms with their (first) rank, and every synonym that may be found
# inside a longer header (four characters or more) with the fields and ranks it has: header
# matching looks names up instead of running a regular expression per synonym per header.
_EXACT_RANK = {
    name: {s: rank for rank, s in reversed(list(enumerate(syns)))}
    for name, syns in _NORMALISED.items()
}
_PARTIAL: dict[str, list[tuple[str, int]]] = {}
for _name, _syns in _NORMALISED.items():
    for _rank, _syn in enumerate(_syns):
        if len(_syn) >= 4 and all(f != _name for f, _ in _PARTIAL.get(_syn, ())):
            _PARTIAL.setdefault(_syn, []).append((_name, _rank))
_LONGEST = max(map(len, _PARTIAL))

# Headers of a table with one row per customer (a CRM's customer list), not one per order.
PER_CUSTOMER = frozenset(
    normalise_header(h)
    for h in (
        "total orders", "orders count", "number of orders", "order count", "orders",
        "total spent", "total purchases", "lifetime value", "количество заказов",
        "кол-во заказов", "число заказов", "количество покупок", "сумма покупок",
        "всего заказов", "сумма всех заказов",
    )
)  # fmt: skip


def match(field: str, header: str) -> tuple[int, str] | None:
    """Score how well ``header`` names ``field``: (score, reason) or None.

    Exact synonyms score ``EXACT`` + 1000 minus their rank; a synonym found as whole words
    inside a longer header scores 1000 minus its rank (always below ``EXACT``). The work per
    call does not grow with the number of synonyms or of columns (see ``_partial_matches``).
    """
    h = normalise_header(header)
    if not h:
        return None
    if field == "amount" and h in _NOT_AMOUNT:
        return None
    rank = _EXACT_RANK[field].get(h)
    if rank is not None:
        return EXACT + 1000 - rank, Message(
            'header "{header}" is a known name for it', header=header
        )
    if h in _ATTRIBUTE_KIND or _LINE_KIND.get(h) == "packed":
        return None  # "Product type" is a category, not the row's type: only exact names here
    found = _partial_matches(h).get(field)
    if found is None:
        return None
    rank, syn = found
    if field == "date" and _is_other_timestamp(h):
        return None
    if field == "amount" and any(w in h.split() for w in _NOT_AMOUNT):
        return None
    if field == "time" and any(w in h for w in ("date", "дата", "datum")):
        return None  # "update_date_time" is a timestamp, not a time of day
    if field == "kind" and any(w in h for w in _PERSON_WORDS):
        return None  # "Customer type" (new, returning) says nothing of the row
    return 1000 - rank, Message('header "{header}" contains "{syn}"', header=header, syn=syn)


@lru_cache(maxsize=1 << 16)
def _partial_matches(h: str) -> dict[str, tuple[int, str]]:
    """For each field, its best-ranked synonym found as whole words inside the normalised
    header ``h``: (rank, synonym). The same as searching ``(?<!\\w)synonym(?!\\w)`` for every
    synonym, in one pass: every stretch of ``h`` that starts and ends at a word boundary and
    is as long as some synonym is looked up in ``_PARTIAL``. Callers must not change it."""
    n = len(h)
    word = [c.isalnum() or c == "_" for c in h]  # what \w matches in a str pattern
    ends = [j for j in range(4, n + 1) if j == n or not word[j]]
    found: dict[str, tuple[int, str]] = {}
    for i in range(n - 3):
        if i and word[i - 1]:
            continue
        for j in ends[bisect_left(ends, i + 4) : bisect_right(ends, i + _LONGEST)]:
            piece = h[i:j]
            for name, rank in _PARTIAL.get(piece, ()):
                if name not in found or rank < found[name][0]:
                    found[name] = (rank, piece)
    return found


_PERSON_WORDS = ("customer", "client", "buyer", "user", "клиент", "покупател", "контрагент")


def _is_other_timestamp(h: str) -> bool:
    return any(w in h for w in ("cancel", "fulfill", "refund", "update", "modified", "отмен"))


def header_score(header: str) -> int:
    """How strongly a cell looks like a header of a known field (for finding the header row)."""
    h = normalise_header(header)
    if not h or (h not in _ANY_EXACT and not _partial_matches(h)):
        return 0  # the common case of a data cell: no field to try
    return max((m[0] for f in FIELDS if (m := match(f.name, header))), default=0)


_ANY_EXACT = frozenset(s for syns in _NORMALISED.values() for s in syns)
_ATTRIBUTE_KIND: dict[str, str] = {}
for _kind, _names in ATTRIBUTES.items():
    for _n in _names:
        _ATTRIBUTE_KIND.setdefault(normalise_header(_n), _kind)


_LINE_KIND = {normalise_header(n): kind for kind, names in LINE_WORDS.items() for n in names}


def attribute_kind(header: str) -> str | None:
    """The attribute a passed-through column holds (city, channel, ...), if it is a known one."""
    return _ATTRIBUTE_KIND.get(normalise_header(header))


def line_kind(header: str) -> str | None:
    """What a passed-through column says about order lines (``LINE_WORDS``), if anything."""
    return _LINE_KIND.get(normalise_header(header))
