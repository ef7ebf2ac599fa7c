"""The order lines of the reduced customers: one row per line, with its share of the money.

Each order row (a sale or a refund row) splits its net revenue (gross − refund, in cents) over
its lines (``ltvcli.schema.lines``) in proportion to their value: the line amounts, or price ×
units, when every line of the row has one; else in proportion to units. The split is exact:
each line gets the floor of its share and the cents left over go one by one to the lines with
the largest remainders, so a row's lines add up to the row's net to the cent, and all lines to
the customers' net revenue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.schema.lines import LINE_LIST, LINES, SLOTS, list_array


@dataclass
class Lines:
    """``frame``: ``owner`` (index into the customer table), ``day``, ``order`` (the sale's
    number among its customer's sales, from 0; -1 on a refund row), ``units``, ``net_cents``
    and the ``product``, ``sku`` and ``category`` texts (categorical), in customer order."""

    frame: pd.DataFrame


def lines_of(
    orders: pd.DataFrame,
    perm: np.ndarray,
    owner_s: np.ndarray,
    day_s: np.ndarray,
    sale_number_s: np.ndarray,
    net_s: np.ndarray,
) -> Lines:
    """The lines of ``orders`` taken in sorted order ``perm`` (``_s`` arrays are per sorted row)."""
    array = _lines_array(orders[LINES], perm)
    parent = pc.list_parent_indices(array).to_numpy(zero_copy_only=False)
    flat = array.flatten()
    units = flat.field("units").to_numpy(zero_copy_only=False)
    value = flat.field("value").to_numpy(zero_copy_only=False)
    net = split_cents(net_s, parent, _weights(parent, units, value, len(perm)))
    frame = pd.DataFrame(
        {
            "owner": owner_s[parent],
            "day": day_s[parent],
            "order": sale_number_s[parent],
            "units": units,
            "net_cents": net,
            **{slot: _categorical(flat.field(slot)) for slot in SLOTS},
        },
        copy=False,
    )
    return Lines(frame)


def combine_lines(pieces: list[Lines], owners: list[np.ndarray]) -> Lines:
    """Lines of disjoint customer sets as one, ``owners`` renumbered to the combined table."""
    frames = []
    for piece, owner in zip(pieces, owners, strict=True):
        frame = piece.frame.copy()
        frame["owner"] = owner
        frames.append(frame)
    text = {slot: pd.Series(_united([f[slot].array for f in frames])) for slot in SLOTS}
    frame = pd.concat([f.drop(columns=list(SLOTS)) for f in frames], ignore_index=True)
    for slot in SLOTS:
        frame[slot] = text[slot].array
    by_owner = np.argsort(frame["owner"].to_numpy(), kind="stable")
    return Lines(frame.take(by_owner).reset_index(drop=True))


def _united(parts: list[pd.Categorical]) -> pd.Categorical:
    """The categoricals as one, their categories united (first seen first) and of the pieces'
    own type: ``union_categoricals`` makes text categories objects."""
    united = pd.api.types.union_categoricals(parts)
    categories = pd.Index(united.categories, dtype=parts[0].categories.dtype)
    return pd.Categorical.from_codes(united.codes, categories=categories)


def split_cents(total: np.ndarray, parent: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``total[i]`` (int64 cents) split over the items whose ``parent`` is ``i`` in proportion
    to ``weight`` (> 0 in every group), exactly: largest remainders get the leftover cents.
    ``parent`` is sorted (items grouped by parent, as a flattened list array gives them)."""
    if not len(parent):
        return np.zeros(0, dtype=np.int64)
    rows = len(total)
    sums = np.bincount(parent, weights=weight, minlength=rows)
    exact = total[parent] * (weight / sums[parent])
    base = np.floor(exact).astype(np.int64)
    starts = np.searchsorted(parent, np.arange(rows))
    count = np.bincount(parent, minlength=rows)
    short = total - np.add.reduceat(np.r_[base, 0], np.minimum(starts, len(base)))
    short[count == 0] = 0
    # the leftover of each row: ``short // count`` to every item, the rest by largest remainder
    per_item, rest = np.divmod(short, np.maximum(count, 1))
    order = np.lexsort((-(exact - base), parent))
    rank = np.empty(len(parent), dtype=np.int64)
    rank[order] = np.arange(len(parent)) - starts[parent[order]]
    split: np.ndarray = base + per_item[parent] + (rank < rest[parent])
    return split


def _weights(parent: np.ndarray, units: np.ndarray, value: np.ndarray, rows: int) -> np.ndarray:
    """Each line's value when every line of its row has one (and they add up to more than
    nothing); else its units; else one."""
    unvalued = ~np.isfinite(value) | (value < 0)
    by_value = (np.bincount(parent, weights=unvalued, minlength=rows) == 0) & (
        np.bincount(parent, weights=np.where(unvalued, 0, value), minlength=rows) > 0
    )
    units = np.where(np.isfinite(units) & (units > 0), units, 0.0)
    by_units = np.bincount(parent, weights=units, minlength=rows) > 0
    return np.where(
        by_value[parent], np.where(unvalued, 0, value), np.where(by_units[parent], units, 1.0)
    )


def _lines_array(column: pd.Series, perm: np.ndarray) -> pa.ListArray:
    """The rows' lists in sorted order; a row without lines (an order made where lines were
    not read) gets one empty line, so that its money is not lost."""
    array = list_array(column).take(pa.array(perm))
    empty = pc.fill_null(pc.equal(pc.list_value_length(array), 0), True)
    if pc.any(empty).as_py():
        blank = pa.array([[{"units": 1.0}]] * len(array), LINE_LIST)
        array = pc.if_else(empty, blank, array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _categorical(text: pa.Array) -> pd.Categorical:
    """Text as a categorical whose categories are plain objects even when every value is
    missing (partitions' categoricals are united, and their categories must be alike)."""
    encoded = text.dictionary_encode()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    names = pd.Index(encoded.dictionary.to_pylist(), dtype=object)
    return pd.Categorical.from_codes(codes, categories=names)
