"""``--engine dask``: steps 2 and 3 of the streaming engine as tasks on a Dask cluster.

The client reads and splits the inputs (step 1) as the streaming engine does, then hands each
partition to the cluster; the partitions' orders stay on the workers between the steps and only
the per-customer pieces come back. Without ``--scheduler`` (or ``LTV_DASK_SCHEDULER``) a local
cluster of one single-threaded worker process per core is started and stopped; its workers
take the client's warning filters (``-q`` silences them there too). Workers need ltvcli
installed (``pip install 'ltvcli[dask]'``), the same version as the client.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, cast

import pandas as pd
import pyarrow as pa

from ltvcli.engine.days import DayNumber
from ltvcli.engine.options import Engine, Progress
from ltvcli.engine.reduce import Reduced
from ltvcli.engine.spill import SpillFiles
from ltvcli.engine.steps import (
    Collector,
    PartOrders,
    partition_orders,
    partition_reduce,
    plain_rows,
)
from ltvcli.errors import ConfigError
from ltvcli.messages import Message
from ltvcli.schema.orders import NormaliseOptions
from ltvcli.settings import Settings


class DaskRunner:
    """Steps 2 and 3 as tasks on a cluster; each partition's orders stay on its worker."""

    def __init__(self, engine: Engine) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError(
                Message("--engine dask needs the dask extra: pip install 'ltvcli[dask]'")
            ) from None
        self._cluster = None
        try:
            if engine.scheduler:
                self._client = Client(engine.scheduler, timeout="10s")
            else:
                self._cluster = LocalCluster(
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster)
                self._client.run(_take_filters, list(warnings.filters))
        except (OSError, TimeoutError) as exc:
            raise ConfigError(
                Message(
                    "cannot reach the Dask scheduler {scheduler}: {error}",
                    scheduler=engine.scheduler,
                    error=str(exc),
                )
            ) from None

        self._futures: list[Any] = []  # each partition's PartOrders, on its worker

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
        client = self._client
        shared = _share(client, floating)
        done = [
            client.submit(
                _orders_reduced,
                spill.read(p, keep=True),
                options,
                settings,
                spill.count,
                p,
                shared,
                as_of,
                ledger,
                pure=False,
            )
            for p in range(spill.count)
        ]
        for count, (part, piece) in enumerate(client.gather(iter(done)), start=1):
            if piece is not None:
                collect(piece)
            progress.reducing(count, spill.count)
            yield part

    def orders(
        self,
        spill: SpillFiles,
        floating: pd.DataFrame,
        options: NormaliseOptions,
        settings: Settings,
        progress: Progress,
    ) -> Iterator[PartOrders]:
        client = self._client
        shared = _share(client, floating)
        self._futures = [
            client.submit(
                _orders, spill.read(p), options, settings, spill.count, p, shared, pure=False
            )
            for p in range(spill.count)
        ]
        summaries = client.map(_without_rows, self._futures, pure=False)
        for done, summary in enumerate(client.gather(iter(summaries)), start=1):
            progress.reducing(done, 2 * spill.count)
            yield summary

    def reduce(
        self,
        strays: dict[int, pd.DataFrame],
        as_of: DayNumber,
        settings: Settings,
        ledger: bool,
        progress: Progress,
        collect: Collector,
    ) -> None:
        client = self._client
        count = len(self._futures)
        pieces = [
            client.submit(_reduce, f, strays.get(p), as_of, settings, ledger, pure=False)
            for p, f in enumerate(self._futures)
        ]
        for done, piece in enumerate(client.gather(iter(pieces)), start=1):
            progress.reducing(count + done, 2 * count)
            if piece is not None:
                collect(piece)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _share(client: Any, floating: pd.DataFrame) -> Any:
    """The floating rows on every worker, under a key of their own: a copy scattered for an
    earlier step may still be being released, and would take an equal key with it."""
    return client.scatter(floating, broadcast=True, hash=False)


def _take_filters(filters: list[tuple[Any, ...]]) -> None:
    """In a worker process of a local cluster (whose stderr is the client's): the client's
    warning filters."""
    warnings.resetwarnings()  # empties them, and tells the warnings machinery they changed
    cast("list[tuple[Any, ...]]", warnings.filters).extend(filters)


def _orders(
    table: pa.Table | None,
    options: NormaliseOptions,
    settings: Settings,
    count: int,
    p: int,
    floating: pd.DataFrame,
) -> PartOrders:
    return partition_orders(plain_rows(table), options, settings, count, p, floating)


def _orders_reduced(
    table: pa.Table | None,
    options: NormaliseOptions,
    settings: Settings,
    count: int,
    p: int,
    floating: pd.DataFrame,
    as_of: DayNumber,
    ledger: bool,
) -> tuple[PartOrders, Reduced | None]:
    part = _orders(table, options, settings, count, p, floating)
    piece = partition_reduce(part.orders, as_of, settings, ledger) if len(part.orders) else None
    return _without_rows(part), piece


def _without_rows(part: PartOrders) -> PartOrders:
    return replace(part, orders=part.orders.head(0))


def _reduce(
    part: PartOrders,
    strays: pd.DataFrame | None,
    as_of: DayNumber,
    settings: Settings,
    ledger: bool,
) -> Reduced | None:
    orders = part.orders
    if strays is not None:
        orders = pd.concat([orders, strays]) if len(orders) else strays
    if not len(orders):
        return None
    return partition_reduce(orders, as_of, settings, ledger)
