"""The customer table on disk, for tables too big to hold: per-partition pieces in Arrow IPC
files, read back in the in-memory engine's order, a slice at a time (only the record batches
a slice needs are read, so memory holds about one slice and a small batch of each piece).

Only what orders the customers and finishes their statuses stays in memory: the keys, and the
days to a 2nd order (the at-risk rule for one-time buyers compares with their 75th percentile).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack

import numpy as np
import pandas as pd
import pyarrow as pa

from ltvcli.engine.reduce import Reduced, key_order
from ltvcli.engine.spill import private_directory, remove_private, to_arrow

_BATCH_ROWS = 1 << 11  # small: every piece keeps one batch while the slices pass


class CustomerFiles:
    """Pieces of the customer table (as ``reduce_orders`` makes them) kept on disk."""

    def __init__(self, directory: str | None = None) -> None:
        self.path = private_directory("customers", directory)
        self.clear()

    def clear(self) -> None:
        """Forget the pieces kept so far (their files are overwritten by the next ones)."""
        self._sizes: list[int] = []
        self._currency: list[pa.Array] = []
        self._customer: list[pa.Array] = []
        self._second: list[np.ndarray] = []
        self.has_cost = False
        self.has_currency = False

    def __enter__(self) -> CustomerFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        remove_private(self.path)

    def __call__(self, piece: Reduced) -> None:
        """Keep one partition's customers."""
        frame = piece.customers
        table = to_arrow(frame)
        with pa.OSFile(self._file(len(self._sizes)), "wb") as sink:
            with pa.ipc.new_file(sink, table.schema) as writer:
                # batches of exactly _BATCH_ROWS (``_Piece`` finds a row's batch by division),
                # wherever the columns' own chunks end (a piece joined from two halves)
                for start in range(0, table.num_rows, _BATCH_ROWS):
                    writer.write_table(table.slice(start, _BATCH_ROWS).combine_chunks())
        self._sizes.append(len(frame))
        self._currency.append(pa.array(frame["currency"], pa.string()))
        self._customer.append(pa.array(frame["customer"], pa.string()))
        self._second.append(frame["days_to_second_order"].dropna().to_numpy())
        self.has_cost |= piece.has_cost
        self.has_currency |= bool(frame["currency"].notna().any())

    @property
    def count(self) -> int:
        return sum(self._sizes)

    def days_to_second_order(self) -> np.ndarray:
        """Every customer's days to a 2nd order (those who have one)."""
        return np.concatenate(self._second) if self._second else np.zeros(0)

    def frames(self, rows: int) -> Iterator[pd.DataFrame]:
        """The customers in (currency, key) order, ``rows`` at a time."""
        piece_of, row_of = self._order()
        with ExitStack() as stack:
            pieces = [stack.enter_context(_Piece(self._file(i))) for i in range(len(self._sizes))]
            for start in range(0, len(piece_of), rows):
                owner, at = piece_of[start : start + rows], row_of[start : start + rows]
                parts, where = [], []
                for p in np.unique(owner):
                    mine = np.flatnonzero(owner == p)
                    parts.append(pieces[p].take(at[mine]))
                    where.append(mine)
                frame = _concat(parts).to_pandas()
                back = np.empty(len(frame), dtype=np.int64)
                back[np.concatenate(where)] = np.arange(len(frame))
                yield frame.take(back).reset_index(drop=True)

    def _order(self) -> tuple[np.ndarray, np.ndarray]:
        """Each customer's piece and row there, in table order. The keys are sorted as the
        pieces left them (not copied into one array) and let go of; the positions come from the
        pieces' offsets (tens of millions of customers: no per-customer arrays but these)."""
        currency = pa.chunked_array(self._currency, pa.string())
        customer = pa.chunked_array(self._customer, pa.string())
        self._currency, self._customer = [], []
        order = key_order(currency, customer)
        del currency, customer
        ends = np.cumsum(self._sizes, dtype=np.int64)
        piece = np.searchsorted(ends, order, side="right").astype(np.int32)
        row = order - (ends - np.asarray(self._sizes))[piece]
        return piece, row

    def _file(self, i: int) -> str:
        return os.path.join(self.path, f"customers-{i:05d}.arrow")


def _concat(parts: list[pa.Table]) -> pa.Table:
    """Slices of several pieces as one table. A text attribute is dictionary-encoded in the
    pieces whose orders held it as a categorical and plain in the others (which depends on how
    the rows fell into blocks): where the pieces differ, it is plain text in all of them."""
    kinds: dict[str, set[bool]] = {}
    for part in parts:
        for field in part.schema:
            kinds.setdefault(field.name, set()).add(pa.types.is_dictionary(field.type))
    mixed = {name for name, dictionary in kinds.items() if len(dictionary) > 1}
    if mixed:
        parts = [_plain_text(part, mixed) for part in parts]
    return pa.concat_tables(parts, promote_options="permissive")


def _plain_text(table: pa.Table, names: set[str]) -> pa.Table:
    for i, field in enumerate(table.schema):
        if field.name in names and pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(field.type.value_type))
    return table


class _Piece:
    """One piece's file, read a record batch at a time. A piece is in key order, so the
    slices take its rows in runs and a batch is mostly needed by one slice and the start of
    the next: the last batch read is kept for it, and no other."""

    def __init__(self, path: str) -> None:
        self._source = pa.OSFile(path)
        self._reader = pa.ipc.open_file(self._source)
        self._kept: tuple[int, pa.RecordBatch] | None = None

    def __enter__(self) -> _Piece:
        return self

    def __exit__(self, *exc: object) -> None:
        self._kept = None
        self._source.close()

    def take(self, rows: np.ndarray) -> pa.Table:
        batches = np.unique(rows // _BATCH_ROWS)
        table = pa.Table.from_batches([self._batch(int(b)) for b in batches])
        local = np.searchsorted(batches, rows // _BATCH_ROWS) * _BATCH_ROWS + rows % _BATCH_ROWS
        return table.take(pa.array(local))

    def _batch(self, number: int) -> pa.RecordBatch:
        if self._kept is None or self._kept[0] != number:
            self._kept = (number, self._reader.get_batch(number))
        return self._kept[1]
