"""The streaming engine: orders larger than memory reduced exactly, one partition at a time.

1. **Split.** Inputs are read block by block (``ltvcli.io.stream``); each block is parsed by the
   same ``rows_from_raw`` as in memory (column mapping, day order and decimal mark decided on
   the first block that shows them, then kept) and its rows are written to spill files by
   customer (``ltvcli.engine.spill``). Rows that may belong to another customer's order — rows
   without a customer (follow-up lines, refund registries) and refunds that name an order —
   are kept aside ("floating") and join the partition that holds their order. When a file has
   several identifiers (an id and an e-mail...), their distinct combinations are kept too;
   once every block is read they are linked into customers (``ltvcli.schema.identity``, memory
   per distinct identifier) and the spilled rows are split again by their linked customer.
2. **Orders.** Each partition's rows become orders by the same ``to_orders`` (lines collapsed,
   statuses, refunds attached) and are windowed; the partitions together give the as-of day.
   Floating rows whose order is nowhere become orders on their own, by the same rules, and,
   like any order that ends up with a customer of another partition, move there.
3. **Reduce.** Each partition's orders are reduced by the same ``reduce_orders``; the per-customer
   pieces are put together in the in-memory engine's order (``combine``).

Steps 2 and 3 go together, partition by partition, with the as-of day guessed in step 1 (the last
row day in the window). When the partitions' orders settle another day, or orders move between
partitions, the pieces are dropped and the two steps run one after the other on the kept rows,
the orders spilled in between. Memory holds a block or two, two partitions and the customers
reduced so far. Steps 2 and 3 (``ltvcli.engine.steps``) run in this process
(``ltvcli.engine.local``) or, with ``--engine dask``, as tasks on a Dask cluster
(``ltvcli.engine.dask``), both behind the ``steps.Runner`` interface.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa

from ltvcli.engine.dask import DaskRunner
from ltvcli.engine.days import DayNumber
from ltvcli.engine.local import LocalRunner
from ltvcli.engine.options import (
    Engine,
    NoProgress,
    Progress,
    block_size_for,
    partitions_for,
)
from ltvcli.engine.reduce import Reduced, combine
from ltvcli.engine.spill import SpillFiles, partition_of, to_arrow
from ltvcli.engine.steps import (
    JOIN,
    Collector,
    PartOrders,
    Runner,
    floating_target,
    partition_orders,
    plain_rows,
    settle_shared,
)
from ltvcli.engine.window import (
    WindowStats,
    explicit_as_of,
    last_day_within,
    pick,
    settle_as_of,
)
from ltvcli.io.stream import in_memory_bytes, input_bytes, stream_inputs
from ltvcli.load import check_strict, no_orders_error
from ltvcli.options import LoadOptions
from ltvcli.schema import identity
from ltvcli.schema.orders import (
    NormaliseOptions,
    file_wide,
    refund_rows,
    refund_target,
    rows_from_raw,
)
from ltvcli.schema.report import LoadReport
from ltvcli.settings import Settings


@dataclass
class Reduction:
    """What the streaming engine hands to the analysis: the same as the in-memory path."""

    reduced: Reduced | None  # None when the pieces went to a ``collect`` of the caller's
    as_of: DayNumber
    stats: WindowStats
    columns: list[str]  # the orders' columns (attributes included)
    report: LoadReport


class _Pieces(list[Reduced]):
    """The pieces held in memory, to be combined at the end."""

    def __call__(self, piece: Reduced) -> None:
        self.append(piece)


def reduce_files(
    paths: list[str],
    options: LoadOptions,
    settings: Settings,
    engine: Engine,
    progress: Progress | None = None,
    collect: Collector | None = None,
) -> Reduction:
    """Read, normalise and reduce ``paths`` partition by partition (see the module docstring).

    The per-customer pieces are combined into one ``Reduced``, or handed to ``collect`` one
    by one (``ltvcli.engine.customer_files`` keeps them on disk)."""
    progress = progress or NoProgress()
    pieces = _Pieces()
    size = input_bytes(paths)
    count = engine.partitions or partitions_for(in_memory_bytes(paths), engine.budget)
    report = LoadReport()
    with ExitStack() as files:
        spill = files.enter_context(SpillFiles(count, engine.spill_dir))
        floating, names, guess, keys = _split(
            paths, options, settings, engine, spill, report, progress, size
        )
        links = identity.build_links(keys, identity.second_id(report)) if keys is not None else None
        if links:
            spill, floating, keys = _relink(spill, floating, links, engine, files)
            identity.account(keys, links, report)
        normalise = file_wide(options.normalise, report)
        runner = _runner(engine)
        try:
            steps = _Steps(
                runner, spill, floating, options, normalise, settings, engine, progress, names,
                report,
            )  # fmt: skip
            sink = collect or pieces
            parts = steps.at_once(guess, sink)
            if parts is None:
                sink.clear()
                parts = steps.two_steps(sink)
        finally:
            runner.close()
    _merge(report, parts.report)
    report.notes = list(dict.fromkeys(report.notes))
    identity.customer_warnings(report)
    reduced = None if collect else combine(pieces)
    return Reduction(reduced, parts.as_of, parts.stats, parts.columns, report)


@dataclass
class _Parts:
    """What the partitions' orders say together: the window, the columns, the skips, the
    orders that belong to another partition, and which floating rows found their order."""

    used: np.ndarray
    holders: np.ndarray  # per floating row: the customers with a sale of its order id
    report: LoadReport = field(default_factory=LoadReport)
    stats: WindowStats = field(default_factory=WindowStats)
    columns: list[str] = field(default_factory=list)
    strays: list[pd.DataFrame] = field(default_factory=list)
    as_of: DayNumber = 0
    lines_differ: frozenset[str] = frozenset()

    def add(self, part: PartOrders) -> None:
        _merge(self.report, part.report)
        self.stats |= part.stats
        self.lines_differ |= part.lines_differ
        for column in (*part.orders.columns, *part.strays.columns):
            if column not in self.columns:
                self.columns.append(column)
        if len(part.strays):
            self.strays.append(part.strays)


@dataclass
class _Steps:
    """Steps 2 and 3, by the runner."""

    runner: Runner
    spill: SpillFiles
    floating: pd.DataFrame
    options: LoadOptions
    normalise: NormaliseOptions  # with the decisions that needed every row (``file_wide``)
    settings: Settings
    engine: Engine
    progress: Progress
    names: list[str]
    report: LoadReport  # of step 1

    def two_steps(self, collect: Collector) -> _Parts:
        """All partitions' orders first (they settle the as-of day), then the reduce."""
        parts = self._orders(self.runner.orders(self.spill, self.floating, *self._args()))
        strays = _by_partition(parts.strays, self.spill.count)
        self.runner.reduce(
            strays, parts.as_of, self.settings, self.engine.keep_ledger, self.progress, collect
        )
        return parts

    def at_once(self, guess: DayNumber | None, collect: Collector) -> _Parts | None:
        """Each partition reduced as soon as it has its orders, with the as-of day guessed from
        the rows (an order is dated by one of its rows, so the guess is the last order day
        unless that day's rows all dropped out). None when the guess was wrong, orders moved
        between partitions, or a partition's order lines show money to sum that the blocks
        did not: then ``two_steps`` runs on the rows, which are kept until then."""
        if guess is None:
            return None
        ledger = self.engine.keep_ledger
        reduced = self.runner.orders_reduced(
            self.spill, self.floating, *self._args(), guess, ledger, collect
        )
        parts = self._orders(reduced)
        if self._settle_shared(parts):  # some rows joined orders of several customers: again
            collect.clear()
            return self.at_once(guess, collect)
        summed = self.normalise.line_money or frozenset()  # decided by ``file_wide``
        missed = parts.lines_differ - summed
        if missed:  # an order whose lines differ spanned blocks: sum those columns everywhere
            self.normalise = replace(self.normalise, line_money=summed | missed)
        return parts if parts.as_of == guess and not parts.strays and not missed else None

    def _settle_shared(self, parts: _Parts) -> bool:
        """Whether floating rows named order ids that customers of several partitions carry
        (so they joined each of those partitions): then each is given its one partition, and
        every partition learns those ids (``at_once`` runs again on the kept rows; without a
        guessed as-of day no row is in the window, so there is no order to count twice)."""
        shared = parts.holders > 1
        if JOIN in self.floating or not shared.any():
            return False
        self.floating = settle_shared(self.floating, parts.holders, self.spill.count)
        ids = frozenset(floating_target(self.floating[shared]).astype(str))
        self.normalise = replace(self.normalise, shared_order_ids=ids)
        return True

    def _args(self) -> tuple[NormaliseOptions, Settings, Progress]:
        return self.normalise, self.settings, self.progress

    def _orders(self, partitions: Iterator[PartOrders]) -> _Parts:
        parts = _Parts(
            np.zeros(len(self.floating), dtype=bool), np.zeros(len(self.floating), dtype=np.int64)
        )
        for part in partitions:
            parts.used |= part.floating_used
            parts.holders += part.floating_holders
            parts.add(part)
        # floating rows whose order is in no partition: orders on their own, by the same rules
        leftover = self.floating[~parts.used].drop(columns=JOIN, errors="ignore")
        parts.add(partition_orders(leftover, self.normalise, self.settings, self.spill.count, -1))
        if not parts.stats.orders:
            _merge(self.report, parts.report)
            raise no_orders_error(self.report, self.names)
        parts.as_of = settle_as_of(parts.stats, self.settings)
        return parts


def _split(
    paths: list[str],
    options: LoadOptions,
    settings: Settings,
    engine: Engine,
    spill: SpillFiles,
    report: LoadReport,
    progress: Progress,
    size: int | None,
) -> tuple[pd.DataFrame, list[str], DayNumber | None, pa.Table | None]:
    """Step 1: parse every block and write its rows to the partitions of their customers.
    Also the last day in the window among the rows: the as-of day, unless --as-of says."""
    frozen: dict[str, NormaliseOptions] = {}
    floating: list[pd.DataFrame] = []
    keys: list[pa.Table] = []
    names: list[str] = []
    rows_read = 0
    guess = explicit_as_of(settings)
    for batch in stream_inputs(
        paths, options.read, engine.block_size or block_size_for(engine.budget)
    ):
        raw = batch.raw
        if raw.name not in names:
            names.append(raw.name)
        kept = frozen.get(raw.name, options.normalise)
        rows, decisions = rows_from_raw(raw, kept, report)
        if decisions is not None:
            if raw.name in frozen:  # the file was reported on its first block: one entry
                _merge_block(report)
            frozen[raw.name] = decisions.keep(kept)
        check_strict(report, options)
        rows_read += raw.table.num_rows
        progress.reading(batch.bytes_done, size, rows_read)
        if rows.empty:
            continue
        if identity.links_in(rows):
            keys.append(identity.keys_of(rows))
        if explicit_as_of(settings) is None:
            guess = pick(max, guess, last_day_within(rows["ordered_at"], settings))
        partition = partition_of(pa.array(rows["customer"], pa.string()), spill.count)
        floats = partition < 0
        if (refunds := refund_rows(rows)).any():
            floats[refunds] |= refund_target(rows[refunds]).notna().to_numpy()
        if floats.any():
            floating.append(rows[floats])
            rows = rows[~floats]
            partition = partition[~floats]
        if len(rows):
            spill.write_split(to_arrow(rows), partition)
    frame = pd.concat(floating, ignore_index=True) if floating else pd.DataFrame()
    combinations = identity.keys_of(_concat_keys(keys)) if keys else None
    return frame, names, guess, combinations


def _relink(
    spill: SpillFiles,
    floating: pd.DataFrame,
    links: identity.Links,
    engine: Engine,
    files: ExitStack,
) -> tuple[SpillFiles, pd.DataFrame, pa.Table]:
    """The spilled rows split again by their linked customer (and the floating rows keyed so);
    also the identifier combinations of every row, for the account of the linking."""
    linked = files.enter_context(SpillFiles(spill.count, engine.spill_dir))
    keys = []
    for p in range(spill.count):
        rows = plain_rows(spill.read(p))
        if rows.empty:
            continue
        keys.append(identity.keys_of(rows))
        rows["customer"] = links.customers_of(rows)
        route = partition_of(pa.array(rows["customer"], pa.string()), spill.count)
        linked.write_split(to_arrow(rows), route)
    spill.remove()
    if len(floating):
        keys.append(identity.keys_of(floating))
        floating = floating.assign(customer=links.customers_of(floating))
    return linked, floating, identity.keys_of(_concat_keys(keys))


def _concat_keys(tables: list[pa.Table]) -> pa.Table:
    """Identifier combinations of several blocks (files with other identifiers among them)."""
    return pa.concat_tables(tables, promote_options="permissive")


def _merge_block(report: LoadReport) -> None:
    """A later block's account of a file added to the entry of its first block."""
    block = report.sources.pop()
    entry = next(s for s in reversed(report.sources) if s.file == block.file)
    entry.merge(block)


def _by_partition(strays: list[pd.DataFrame], count: int) -> dict[int, pd.DataFrame]:
    """Orders that ended up in the wrong partition, by the partition of their customer."""
    if not strays:
        return {}
    frame = pd.concat(strays, ignore_index=True)
    route = partition_of(pa.array(frame["customer"], pa.string()), count)
    return {int(p): frame[route == p] for p in np.unique(route)}


def _merge(report: LoadReport, part: LoadReport) -> None:
    for reason, count in part.skipped.items():
        report.skip(reason, count, [e for e in part.examples if e.reason == reason])
    report.notes += part.notes
    report.rejected += part.rejected


def _runner(engine: Engine) -> Runner:
    return DaskRunner(engine) if engine.kind == "dask" else LocalRunner(engine)
