"""``--engine dask``: steps 2 and 3 of the streaming engine as tasks on a Dask cluster.

The client reads and splits the inputs (step 1) as the streaming engine does, then hands each
partition to the cluster; the partitions' orders stay on the workers between the steps and only
the per-customer pieces come back. Without ``--scheduler`` (or ``LTV_DASK_SCHEDULER``) a local
cluster of one single-threaded worker process per core is started and stopped. Workers need
ltvcli installed (``pip install 'ltvcli[dask]'``), the same version as the client.
"""

from __future__ import annotations

import logging

import pandas as pd
import pyarrow as pa

from ltvcli.engine.options import Engine
from ltvcli.engine.partitioned import PartOrders, partition_orders, partition_reduce, plain_rows
from ltvcli.engine.reduce import Reduced
from ltvcli.errors import ConfigError


class DaskRunner:
    """Steps 2 and 3 as tasks on a cluster; each partition's orders stay on its worker."""

    at_once = False  # the orders stay on the workers between the steps anyway

    def __init__(self, engine: Engine) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError(
                "--engine dask needs the dask extra: pip install 'ltvcli[dask]'"
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
        except (OSError, TimeoutError) as exc:
            raise ConfigError(
                f"cannot reach the Dask scheduler {engine.scheduler}: {exc}"
            ) from None
        self._futures = []

    def orders(self, spill, floating, options, settings, progress):
        client = self._client
        floating = client.scatter(floating, broadcast=True)
        for p in range(spill.count):
            future = client.submit(
                _orders, spill.read(p), options, settings, spill.count, p, floating, pure=False
            )
            self._futures.append(future)
        summaries = client.map(_without_rows, self._futures, pure=False)
        for done, summary in enumerate(client.gather(iter(summaries)), start=1):
            progress.reducing(done, 2 * spill.count)
            yield summary

    def reduce(self, strays, as_of, settings, ledger, progress, collect):
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


def _orders(table: pa.Table | None, options, settings, count, p, floating) -> PartOrders:
    return partition_orders(plain_rows(table), options, settings, count, p, floating)


def _without_rows(part: PartOrders) -> PartOrders:
    return PartOrders(part.orders.head(0), part.strays, part.stats, part.report, part.floating_used)


def _reduce(part: PartOrders, strays, as_of, settings, ledger) -> Reduced | None:
    orders = part.orders
    if strays is not None:
        orders = pd.concat([orders, strays]) if len(orders) else strays
    if not len(orders):
        return None
    return partition_reduce(orders, as_of, settings, ledger)
