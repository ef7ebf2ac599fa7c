"""The streaming engine's steps 2 and 3 in this process (``steps.Runner``)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from ltvcli.engine.days import DayNumber
from ltvcli.engine.options import Engine, Progress
from ltvcli.engine.spill import SpillFiles, to_arrow
from ltvcli.engine.steps import (
    Collector,
    PartOrders,
    partition_orders,
    partition_reduce,
    plain_orders,
    plain_rows,
)
from ltvcli.schema.orders import NormaliseOptions
from ltvcli.settings import Settings


class LocalRunner:
    """One partition at a time: each partition reduced as soon as it has its orders
    (``orders_reduced``), or, when that cannot be, the orders spilled again until every
    partition has been seen (``orders``, then ``reduce``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._orders: SpillFiles | None = None

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
        for p, part in self._parts(spill, floating, options, settings, keep=True):
            if len(part.orders):
                collect(partition_reduce(part.orders, as_of, settings, ledger))
            progress.reducing(p + 1, spill.count)
            yield part

    def orders(
        self,
        spill: SpillFiles,
        floating: pd.DataFrame,
        options: NormaliseOptions,
        settings: Settings,
        progress: Progress,
    ) -> Iterator[PartOrders]:
        self._orders = SpillFiles(spill.count, self._engine.spill_dir)
        for p, part in self._parts(spill, floating, options, settings, keep=False):
            if len(part.orders):
                self._orders.write(p, to_arrow(part.orders))
            progress.reducing(p + 1, 2 * spill.count)
            yield part

    def _parts(
        self,
        spill: SpillFiles,
        floating: pd.DataFrame,
        options: NormaliseOptions,
        settings: Settings,
        keep: bool,
    ) -> Iterator[tuple[int, PartOrders]]:
        """Each partition's orders; the next partition's rows are read in a thread meanwhile."""

        def rows(p: int) -> pd.DataFrame:
            return plain_rows(spill.read(p, keep=keep))

        with ThreadPoolExecutor(max_workers=1) as reader:
            following = reader.submit(rows, 0)
            for p in range(spill.count):
                current = following.result()
                if p + 1 < spill.count:
                    following = reader.submit(rows, p + 1)
                part = partition_orders(current, options, settings, spill.count, p, floating)
                del current
                yield p, part
                part.orders = part.orders.head(0)  # the columns only: the rows are done with

    def reduce(
        self,
        strays: dict[int, pd.DataFrame],
        as_of: DayNumber,
        settings: Settings,
        ledger: bool,
        progress: Progress,
        collect: Collector,
    ) -> None:
        spill = self._orders
        assert spill is not None, "reduce runs after orders"
        for p in range(spill.count):
            table = spill.read(p)
            orders = plain_orders(table) if table is not None else None
            if p in strays:
                orders = pd.concat([o for o in (orders, strays[p]) if o is not None])
            if orders is not None:
                collect(partition_reduce(orders, as_of, settings, ledger))
            progress.reducing(spill.count + p + 1, 2 * spill.count)

    def close(self) -> None:
        if self._orders is not None:
            self._orders.remove()
