"""Steps 2 and 3 of the streaming engine for one partition, and the runner that drives them.

A runner (``ltvcli.engine.local`` in this process, ``ltvcli.engine.dask`` on a cluster) runs
the steps over every partition; ``ltvcli.engine.partitioned`` drives the runner through the
``Runner`` interface only, so no engine module imports another's runner.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from ltvcli.engine.days import DayNumber
from ltvcli.engine.options import Progress
from ltvcli.engine.reduce import Reduced, reduce_orders
from ltvcli.engine.spill import SpillFiles, partition_of, to_frame
from ltvcli.engine.window import WindowStats, window_orders
from ltvcli.schema.orders import (
    NormaliseOptions,
    lines_differ,
    order_holders,
    refund_rows,
    refund_target,
    to_orders,
)
from ltvcli.schema.report import LoadReport
from ltvcli.settings import Settings

# Integer columns that are never missing, in rows and in orders (others are nullable Int64).
PLAIN_ROWS = ("_row",)
PLAIN_ORDERS = ("_row", "gross_cents", "refund_cents")

# A floating row's one partition (set once its order id shows up in several partitions'
# sales: ``settle_shared``); without the column, or ANY, every partition that holds its order.
JOIN = "_join"
ANY, NONE = -1, -2


@dataclass
class PartOrders:
    """One partition's orders in the window, and what became of its rows."""

    orders: pd.DataFrame  # of this partition's customers
    strays: pd.DataFrame  # orders of other partitions' customers (refunds of their orders)
    stats: WindowStats
    report: LoadReport
    floating_used: np.ndarray  # which floating rows found their order here
    # per floating row: how many of this partition's customers have a sale with its order id
    floating_holders: np.ndarray
    lines_differ: frozenset[str] = frozenset()  # money columns whose order lines differ here


class Collector(Protocol):
    """Where the per-customer pieces go; ``clear`` forgets them (a guess about the window failed)."""

    def __call__(self, piece: Reduced) -> None: ...

    def clear(self) -> None: ...


class Runner(Protocol):
    """Runs steps 2 and 3 over the partitions of ``spill``; ``floating`` are the rows that join
    the partition holding their order. The orders of every yielded ``PartOrders`` are done
    with (a runner may empty them); the caller merges the rest."""

    def orders_reduced(
        self,
        spill: SpillFiles,
        floating: pd.DataFrame,
        options: NormaliseOptions,
        settings: Settings,
        progress: Progress,
        as_of: DayNumber,
        ledger: bool,
        collect: Collector,
    ) -> Iterator[PartOrders]:
        """Each partition's orders reduced at once with a guessed ``as_of``; the spilled rows
        are kept, for ``orders`` when the guess fails."""
        ...

    def orders(
        self,
        spill: SpillFiles,
        floating: pd.DataFrame,
        options: NormaliseOptions,
        settings: Settings,
        progress: Progress,
    ) -> Iterator[PartOrders]:
        """Each partition's orders, kept by the runner for ``reduce``."""
        ...

    def reduce(
        self,
        strays: dict[int, pd.DataFrame],
        as_of: DayNumber,
        settings: Settings,
        ledger: bool,
        progress: Progress,
        collect: Collector,
    ) -> None:
        """The orders kept by ``orders``, with the ``strays`` of each partition, reduced."""
        ...

    def close(self) -> None: ...


def partition_orders(
    rows: pd.DataFrame,
    options: NormaliseOptions,
    settings: Settings,
    count: int,
    partition: int,
    floating: pd.DataFrame | None = None,
) -> PartOrders:
    """Step 2 for one partition: its rows, plus the floating rows of its orders, to orders."""
    report = LoadReport()
    holders = np.zeros(0 if floating is None else len(floating), dtype=np.int64)
    used = holders > 0
    if floating is not None and len(floating) and len(rows):
        holders = _holders(rows, floating)
        used = holders > 0
        if JOIN in floating:
            join = floating[JOIN].to_numpy()
            used &= (join == ANY) | (join == partition)
        if used.any():
            rows = pd.concat(
                [rows, floating[used].drop(columns=JOIN, errors="ignore")], ignore_index=True
            )
    if rows.empty:
        return PartOrders(pd.DataFrame(), pd.DataFrame(), WindowStats(), report, used, holders)
    # the lines of each order are all here
    differ = frozenset(lines_differ(rows, options.shared_order_ids))
    orders = to_orders(rows.reset_index(drop=True), options, report)
    done = (report, used, holders, differ)
    if orders.empty:
        return PartOrders(orders, orders, WindowStats(), *done)
    window, stats = window_orders(orders, settings)
    if partition >= 0 and not used.any():  # only its own rows: only its own customers
        return PartOrders(window, window.head(0), stats, *done)
    own = partition_of(pa.array(window["customer"], pa.string()), count) == partition
    if own.all():
        return PartOrders(window, window.head(0), stats, *done)
    return PartOrders(window[own], window[~own], stats, *done)


def _holders(rows: pd.DataFrame, floating: pd.DataFrame) -> np.ndarray:
    """Per floating row, how many customers of ``rows`` have a sale with its order id."""
    targets = floating_target(floating)
    named = rows[rows["order_id"].isin(targets).to_numpy()]  # few: counted only of those
    holders = order_holders(named)
    counts: np.ndarray = targets.map(holders).fillna(0).to_numpy(np.int64)
    return counts


def floating_target(floating: pd.DataFrame) -> pd.Series:
    """The order a floating row belongs to: a refund's is the one it names, a line's its own."""
    target: pd.Series = floating["order_id"].where(~refund_rows(floating), refund_target(floating))
    return target


def settle_shared(floating: pd.DataFrame, holders: np.ndarray, count: int) -> pd.DataFrame:
    """The floating rows, each given the one partition it may join where customers of several
    partitions have a sale with its order id (``holders`` summed over the partitions, whose
    customers are apart): those are different orders, as ``shared_ids`` finds in memory, so
    a refund goes with its own customer's order and a row without a customer with none."""
    shared = holders > 1
    own = partition_of(pa.array(floating["customer"], pa.string()), count)
    join = np.where(shared, np.where(own >= 0, own, NONE), ANY)
    return floating.assign(**{JOIN: join})


def partition_reduce(
    orders: pd.DataFrame, as_of: DayNumber, settings: Settings, ledger: bool
) -> Reduced:
    """Step 3 for one partition (its orders are windowed already)."""
    return reduce_orders(orders, as_of, settings.churn_window, settings.attr, ledger)


def plain_rows(table: pa.Table | None) -> pd.DataFrame:
    """A partition's spilled rows as the frame ``rows_from_raw`` made (empty when none)."""
    return to_frame(table, PLAIN_ROWS) if table is not None else pd.DataFrame()


def plain_orders(table: pa.Table) -> pd.DataFrame:
    """A partition's spilled orders as ``partition_orders`` made them."""
    return to_frame(table, PLAIN_ORDERS)
