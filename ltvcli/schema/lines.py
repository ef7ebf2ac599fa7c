"""Order lines: what each order held, kept next to the order for the product analyses.

Only when asked (``NormaliseOptions.keep_lines``: ``ltv products``, ``ltv drivers``,
``--by main-category``), so every other command reads exactly as before. Each input row gets
``_items``, a list of ``LINE`` items: the row's own product, SKU and category columns (one
item), or the items of a cell that packs a whole order (BigCommerce's ``Product Details``, a
Tilda cart). Collapsing an order's rows concatenates their lists (``ltvcli.schema.orders``), so
an order row ends up with its lines in input order, and the lines travel with their order
through statuses, refunds, the window, the streaming engine's partitions and the reduce, which
splits each order row's net revenue over its lines (``ltvcli.engine.reduce.Lines``).

A line's ``value`` (cents, or None) is what weighs it in that split: the row's own amount when
the amount column holds line money, else price × units, else the packed item's total.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.errors import ConfigError
from ltvcli.fields import attribute_kind, line_kind, normalise_header
from ltvcli.messages import Message

LINES = "_items"  # the list column of order lines, on rows and on orders
UNITS = "_units"  # the parsed quantity column, while rows become lines
SLOTS = ("product", "sku", "category")
LINE = pa.struct(
    [
        ("product", pa.string()),
        ("sku", pa.string()),
        ("category", pa.string()),
        ("units", pa.float64()),
        ("value", pa.float64()),
    ]
)
LINE_LIST = pa.list_(LINE)


def line_columns(columns: list[str], chosen: dict[str, str], every: list[str]) -> dict[str, str]:
    """The column each slot (product, SKU, category) and the price and packed cells come from:
    the one a flag named (``chosen``, among ``every`` column, header spelling aside) first,
    else the first of the free ``columns`` whose header names that kind."""
    found = {slot: _named(slot, name, every) for slot, name in chosen.items()}
    for column in columns:
        kind = attribute_kind(column) if attribute_kind(column) in SLOTS else line_kind(column)
        if kind and kind not in found:
            found[kind] = column
    return found


def _named(slot: str, name: str, columns: list[str]) -> str:
    wanted = normalise_header(name)
    for column in columns:
        if column == name or normalise_header(column) == wanted:
            return column
    raise ConfigError(
        Message(
            "--{slot}-column: no column {name!r} (columns: {columns})",
            slot=slot,
            name=name,
            columns=", ".join(columns),
        )
    )


def row_lines(
    table: pa.Table, columns: dict[str, str], units: np.ndarray | None, price: np.ndarray | None
) -> pa.ListArray:
    """Each row's items: one of its own columns, or those of its packed cell when it parses."""
    n = table.num_rows
    own = {slot: _text(table, columns.get(slot), n) for slot in SLOTS}
    units = np.ones(n) if units is None else np.where(np.isnan(units), 1.0, units)
    value = np.full(n, np.nan) if price is None else price * units
    items = pa.StructArray.from_arrays(
        [own["product"], own["sku"], own["category"], pa.array(units), _floats(value)],
        fields=list(LINE),
    )
    offsets = np.arange(n + 1, dtype=np.int32)
    packed = columns.get("packed")
    if packed is None:
        return pa.ListArray.from_arrays(pa.array(offsets), items)
    cells = table.column(packed).cast(pa.string()).to_pylist()
    unpacked = [parse_packed(c) if c else [] for c in cells]
    if sum(1 for u in unpacked if u) < max(1, sum(1 for c in cells if c) // 2):
        return pa.ListArray.from_arrays(pa.array(offsets), items)  # not a packed column
    rows: list[dict[str, object]] = []
    lengths = np.ones(n, dtype=np.int64)
    category = own["category"].to_pylist()
    for i, parsed in enumerate(unpacked):
        if parsed:
            lengths[i] = len(parsed)
            rows += [{**item, "category": category[i]} for item in parsed]
        else:
            rows.append(items[i].as_py())
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(rows, LINE))


def with_line_amounts(lines: pd.Series, amount_cents: pd.Series) -> pd.Series:
    """Rows of one item valued at the row's own amount: the amount column holds line money."""
    array = list_array(lines)
    single = pc.equal(pc.list_value_length(array), 1).to_numpy(zero_copy_only=False)
    flat = array.flatten()
    value = flat.field("value").to_numpy(zero_copy_only=False).copy()
    starts = array.offsets.to_numpy()[:-1] - array.offsets[0].as_py()
    amount = amount_cents.to_numpy(dtype=float, na_value=np.nan)
    value[starts[single]] = amount[single]
    fields = [flat.field(name) for name in ("product", "sku", "category", "units")]
    items = pa.StructArray.from_arrays([*fields, _floats(value)], fields=list(LINE))
    rebuilt = pa.ListArray.from_arrays(pc.subtract(array.offsets, array.offsets[0]), items)
    return series(rebuilt, lines.index)


def concatenated(lines: pd.Series, group: np.ndarray, groups: int) -> pd.Series:
    """One list per group (0 to ``groups`` - 1): the lists of its rows, in row order."""
    array = list_array(lines)
    taken = array.take(pa.array(np.argsort(group, kind="stable")))
    lengths = pc.fill_null(pc.list_value_length(array), 0).to_numpy(zero_copy_only=False)
    per_group = np.bincount(group, weights=lengths, minlength=groups).astype(np.int64)
    offsets = np.r_[0, np.cumsum(per_group)].astype(np.int32)
    return series(pa.ListArray.from_arrays(pa.array(offsets), taken.flatten()), None)


def named(lines: pd.Series) -> np.ndarray:
    """Rows with an item that names a product, SKU or category."""
    array = list_array(lines)
    flat = array.flatten()
    has = np.zeros(len(flat), dtype=bool)
    for slot in SLOTS:
        has |= flat.field(slot).is_valid().to_numpy(zero_copy_only=False)
    parents = pc.list_parent_indices(array).to_numpy(zero_copy_only=False)
    out = np.zeros(len(array), dtype=bool)
    out[parents[has]] = True
    return out


def series(array: pa.Array, index: pd.Index | None) -> pd.Series:
    return pd.Series(pd.arrays.ArrowExtensionArray(array), index=index, name=LINES)


def list_array(lines: pd.Series) -> pa.ListArray:
    """The Arrow list array behind a ``_items`` column (null where a row has none)."""
    if not len(lines):
        return pa.array([], LINE_LIST)
    array = pa.array(lines.array) if isinstance(lines.dtype, pd.ArrowDtype) else None
    if array is None or array.type != LINE_LIST:  # an object or all-missing column
        array = pa.array(
            [v if isinstance(v, list | np.ndarray) else None for v in lines], LINE_LIST
        )
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _text(table: pa.Table, column: str | None, n: int) -> pa.Array:
    if column is None:
        return pa.nulls(n, pa.string())
    text = pc.utf8_trim_whitespace(table.column(column).combine_chunks().cast(pa.string()))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _floats(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.float64(), from_pandas=True)  # NaN: unknown


# BigCommerce: "Product ID: 7, Product Qty: 2, Product SKU: A-1, Product Name: Mug, ...,
# Product Total Price: 50.0000 | Product ID: ..." (values may hold commas, keys never do).
_BIGCOMMERCE_KEY = re.compile(r"(?:^|,\s*)Product ([A-Za-z ]+?):\s*")
# A cart written as text, one item per line: "1. Coffee 250 g - 2 x 650 = 1300" (Tilda and
# hand-made forms; "х" and "×" as the times sign, ":" or a dash before the quantity).
_NUMBER = r"\d(?:[\d\s\u00a0.,]*\d)?"
_CART_ITEM = re.compile(
    rf"^\s*(?:\d+[.)]\s*)?(?P<name>.+?)\s*(?:[-–—:]|,)\s*(?P<qty>\d+(?:[.,]\d+)?)\s*"
    rf"(?:шт\.?|pcs\.?)?\s*[xх×*]\s*(?P<price>{_NUMBER})(?:\s*=\s*(?P<total>{_NUMBER}))?",
    re.IGNORECASE,
)
# Cart lines that are not items: their money is the order's, shared by its items.
_NOT_ITEMS = ("итого", "total", "сумма", "sum", "subtotal", "доставка", "delivery", "shipping",
              "скидка", "discount", "промокод", "promo")  # fmt: skip


def parse_packed(cell: str) -> list[dict[str, object]]:
    """The items of one packed cell (empty when it is not one of the known shapes)."""
    if "Product Name:" in cell or "Product ID:" in cell:
        return [item for part in cell.split("|") if (item := _bigcommerce_item(part))]
    items = []
    for text in re.split(r"[\n;]+", cell):
        match = _CART_ITEM.match(text)
        if match and not text.lower().lstrip(" 0123456789.)").startswith(_NOT_ITEMS):
            units = _number(match["qty"])
            price = _number(match["price"])
            total = _number(match["total"]) if match["total"] else None
            value = total
            if value is None and price is not None and units is not None:
                value = price * units
            items.append(_item(match["name"], None, units, value))
    return items


def _bigcommerce_item(part: str) -> dict[str, object] | None:
    keys = list(_BIGCOMMERCE_KEY.finditer(part))
    if not keys:
        return None
    values = {
        key[1].strip().lower(): part[key.end() : following.start() if following else None].strip()
        for key, following in zip(keys, [*keys[1:], None], strict=True)
    }
    if not (values.get("name") or values.get("sku")):
        return None
    units = _number(values.get("qty", ""))
    total = _number(values.get("total price", ""))
    unit = _number(values.get("unit price", ""))
    if total is None and unit is not None:
        total = unit * (units if units is not None else 1.0)
    return _item(values.get("name"), values.get("sku"), units, total)


def _item(
    name: str | None, sku: str | None, units: float | None, value: float | None
) -> dict[str, object]:
    return {
        "product": (name or "").strip() or None,
        "sku": (sku or "").strip() or None,
        "category": None,
        "units": 1.0 if units is None else units,
        "value": None if value is None else round(value * 100),
    }


def _number(text: str) -> float | None:
    """A number as carts and BigCommerce write it: "1 200,50", "1,200.50", "25.0000", "1200"
    (the last of "." and "," is the decimal mark when both are there; a lone "," before
    exactly three digits groups thousands)."""
    cleaned = re.sub(r"[\s\u00a0]", "", text or "")
    if "," in cleaned and "." in cleaned:
        mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        cleaned = cleaned.replace("." if mark == "," else ",", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+", cleaned):
        cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        return float(Decimal(cleaned))
    except (InvalidOperation, ValueError):
        return None
