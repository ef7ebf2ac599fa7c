"""What status, type and cancel-flag values mean for revenue.

Every value is case-folded and trimmed before lookup. In a shop's export a status nobody listed
counts as a sale; in a CRM's deals export — a status column that holds a won stage — only the
won stage is a sale, lost stages are lost and every other stage is open. Either way the unlisted
values are named in ``ltv inspect`` so the user can see them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SALE = "sale"
WON = "won"  # a CRM pipeline's won stage: a sale, and the sign that the other stages are open
CANCELLED = "cancelled"
REFUNDED = "refunded"
PARTLY_REFUNDED = "partly refunded"
OPEN = "open"
NOT_SALE = "not a sale"
REFUND_ROW = "refund row"
UNKNOWN = "unknown"

STATUS_WORDS: dict[str, tuple[str, ...]] = {
    SALE: (
        "paid", "completed", "complete", "processing", "shipped", "fulfilled", "delivered",
        "succeeded", "success", "successful", "captured", "settled", "approved",
        "оплачен", "оплачено", "оплачен, формируется к отправке", "выполнен", "выполнено",
        "доставлен", "отгружен", "выдан", "завершена", "завершен", "успешно",
        "продажа", "abgeschlossen", "f",
    ),
    # amoCRM's 142 and Bitrix24's WON are the stage ids of the won stage.
    WON: (
        "won", "closed won", "closed-won", "closed_won", "deal won", "успешно реализовано",
        "сделка успешна", "сделка заключена", "выиграна", "142",
    ),
    CANCELLED: (
        "cancelled", "canceled", "voided", "void", "declined", "failed", "denied", "rejected",
        "expired", "abandoned", "no-show", "no show", "fraud", "lost", "отменен", "отменён",
        "отмена", "отказ", "отказ при доставке", "нет в наличии", "отклонена", "отклонён",
        "отклонен", "отменена", "аннулирован", "сделка провалена", "закрыто и не реализовано",
        "abgelehnt", "storniert", "143", "lose", "не пришел", "не пришёл", "клиент не пришел",
        "клиент не пришёл", "неявка", "closed lost", "closed-lost", "closed_lost",
        "deal lost", "проиграна", "сделка проиграна",
    ),
    REFUNDED: (
        "refunded", "closed", "returned", "возврат", "возвращен", "возвращён", "rückzahlung",
        "fully refunded",
    ),
    PARTLY_REFUNDED: ("partially_refunded", "partially refunded", "частичный возврат"),
    OPEN: (
        "pending", "pending_payment", "pending payment", "on-hold", "on hold", "holded",
        "authorized", "awaiting payment", "unpaid", "draft", "new", "open", "in progress",
        "новый", "новая", "принят", "принят, ожидается оплата", "ожидается оплата", "в работе",
        "согласование", "счёт на предоплату", "счет на предоплату", "первичный контакт",
        "переговоры", "подготовка документов", "финальный счёт", "n", "p",
    ),
}  # fmt: skip

KIND_WORDS: dict[str, tuple[str, ...]] = {
    REFUND_ROW: (
        "refund", "refunds", "return", "возврат", "возврат товаров от клиента",
        "возврат средств", "rückzahlung", "chargeback", "credit note",
    ),
    NOT_SALE: (
        "fee", "transfer", "withdrawal", "bank deposit", "currency conversion", "hold",
        "memo", "payout", "логистика", "хранение", "штраф", "удержание", "комиссия",
        "allgemeine abbuchung", "bankgutschrift", "general withdrawal", "general currency conversion",
    ),
    SALE: (
        "payment", "sale", "purchase", "charge", "order", "продажа", "оплата", "реализация",
        "express checkout payment", "website payment", "mobile payment", "zahlung",
    ),
}  # fmt: skip

_FLAG_TRUE = ("y", "yes", "true", "1", "да", "д", "ja", "x", "+")
_FLAG_FALSE = ("n", "no", "false", "0", "нет", "н", "nein", "-", "")


def classify(values: pa.Array, words: dict[str, tuple[str, ...]]) -> tuple[np.ndarray, list[str]]:
    """Map each cell to a class name (object array, None where empty) and list unknown values."""
    text = pc.utf8_lower(pc.utf8_trim_whitespace(_as_text(values)))
    uniques = [u for u in pc.unique(pc.drop_null(text)).to_pylist() if u]
    lookup = {w: cls for cls, ws in words.items() for w in ws}
    mapping = {u: lookup.get(u, _by_prefix(u, lookup)) for u in uniques}
    unknown = sorted(u for u, cls in mapping.items() if cls == UNKNOWN)
    keys = pa.array(list(mapping) or [""], type=pa.string())
    classes = np.array([*mapping.values(), None] if mapping else [None], dtype=object)
    index = pc.fill_null(pc.index_in(text, keys), len(classes) - 1)
    return classes[index.to_numpy(zero_copy_only=False)], unknown


def _by_prefix(value: str, lookup: dict[str, str]) -> str:
    """``Сделка успешна (Продажи)`` or ``Refund - partial``: match the longest known word inside;
    ``C1:WON`` (a Bitrix24 stage of pipeline 1): the stage after the colon."""
    if ":" in value and (stage := value.rsplit(":", 1)[1].strip()) in lookup:
        return lookup[stage]
    hits = [(len(w), cls) for w, cls in lookup.items() if len(w) >= 4 and w in value]
    return max(hits)[1] if hits else UNKNOWN


def cancel_flags(values: pa.Array) -> np.ndarray:
    """True where a cancel column says cancelled: Y/Да/true, or any timestamp (``Cancelled at``)."""
    text = pc.utf8_lower(pc.utf8_trim_whitespace(_as_text(values)))
    text = pc.fill_null(text, "")
    false: np.ndarray = pc.is_in(text, value_set=pa.array(_FLAG_FALSE)).to_numpy(
        zero_copy_only=False
    )
    return ~false


def _as_text(values: pa.Array) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values if pa.types.is_string(values.type) else values.cast(pa.string())
