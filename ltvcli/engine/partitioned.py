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
reduced so far. Steps 2 and 3 run here or, with ``--engine dask``, as tasks on a Dask cluster
(``ltvcli.engine.dask``).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from ltvcli.engine.options import (
    Engine,
    NoProgress,
    Progress,
    block_size_for,
    partitions_for,
)
from ltvcli.engine.reduce import Reduced, combine, reduce_orders
from ltvcli.engine.spill import SpillFiles, partition_of, to_arrow, to_frame
from ltvcli.engine.window import (
    WindowStats,
    explicit_as_of,
    last_day_within,
    pick,
    settle_as_of,
    window_orders,
)
from ltvcli.io.stream import in_memory_bytes, input_bytes, stream_inputs
from ltvcli.load import check_strict, no_orders_error
from ltvcli.options import LoadOptions
from ltvcli.schema import identity
from ltvcli.schema.orders import (
    NormaliseOptions,
    file_wide,
    lines_differ,
    merge_source,
    refund_rows,
    refund_target,
    rows_from_raw,
    to_orders,
)
from ltvcli.schema.report import LoadReport
from ltvcli.settings import Settings

if TYPE_CHECKING:
    from ltvcli.engine.dask import DaskRunner

# Integer columns that are never missing, in rows and in orders (others are nullable Int64).
_PLAIN_ROWS = ("_row",)
_PLAIN_ORDERS = ("_row", "gross_cents", "refund_cents")
_NO_CUSTOMER = "refund with no customer or date to attach to"


@dataclass
class Reduction:
    """What the streaming engine hands to the analysis: the same as the in-memory path."""

    reduced: Reduced | None  # None when the pieces went to a ``collect`` of the caller's
    as_of: int
    stats: WindowStats
    columns: list[str]  # the orders' columns (attributes included)
    report: LoadReport


@dataclass
class PartOrders:
    """One partition's orders in the window, and what became of its rows."""

    orders: pd.DataFrame  # of this partition's customers
    strays: pd.DataFrame  # orders of other partitions' customers (refunds of their orders)
    stats: WindowStats
    report: LoadReport
    floating_used: np.ndarray  # which floating rows found their order here
    lines_differ: frozenset[str] = frozenset()  # money columns whose order lines differ here


class Collector(Protocol):
    """Where the per-customer pieces go; ``clear`` forgets them (a guess about the window failed)."""

    def __call__(self, piece: Reduced) -> None: ...

    def clear(self) -> None: ...


class _Pieces(list):
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
            parts = steps.at_once(guess, sink) if runner.at_once else None
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
    report: LoadReport = field(default_factory=LoadReport)
    stats: WindowStats = field(default_factory=WindowStats)
    columns: list[str] = field(default_factory=list)
    strays: list[pd.DataFrame] = field(default_factory=list)
    as_of: int = 0
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

    runner: LocalRunner | DaskRunner
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

    def at_once(self, guess: int | None, collect: Collector) -> _Parts | None:
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
        missed = parts.lines_differ - self.normalise.line_money
        if missed:  # an order whose lines differ spanned blocks: sum those columns everywhere
            self.normalise = replace(self.normalise, line_money=self.normalise.line_money | missed)
        return parts if parts.as_of == guess and not parts.strays and not missed else None

    def _args(self):
        return self.normalise, self.settings, self.progress

    def _orders(self, partitions: Iterator[PartOrders]) -> _Parts:
        parts = _Parts(np.zeros(len(self.floating), dtype=bool))
        for part in partitions:
            parts.used |= part.floating_used
            parts.add(part)
        # floating rows whose order is in no partition: orders on their own, by the same rules
        leftover = self.floating[~parts.used]
        parts.add(partition_orders(leftover, self.normalise, self.settings, self.spill.count, -1))
        if not parts.stats.orders:
            _merge(self.report, parts.report)
            raise no_orders_error(self.report, self.names)
        parts.as_of = settle_as_of(parts.stats, self.settings)
        return parts


def _split(
    paths,
    options: LoadOptions,
    settings: Settings,
    engine: Engine,
    spill: SpillFiles,
    report,
    progress,
    size,
):
    """Step 1: parse every block and write its rows to the partitions of their customers.
    Also the last day in the window among the rows: the as-of day, unless --as-of says."""
    frozen: dict[str, NormaliseOptions] = {}
    floating: list[pd.DataFrame] = []
    keys: list[pd.DataFrame] = []
    names: list[str] = []
    rows_read = 0
    guess = explicit_as_of(settings)
    for batch in stream_inputs(
        paths, options.read, engine.block_size or block_size_for(engine.budget)
    ):
        raw = batch.raw
        if raw.name not in names:
            names.append(raw.name)
        first_block = raw.name not in frozen
        sources = len(report.sources)
        rows = rows_from_raw(raw, frozen.get(raw.name, options.normalise), report)
        if len(report.sources) > sources:
            frozen[raw.name] = _freeze(frozen.get(raw.name, options.normalise), report, first_block)
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
    keys = identity.keys_of(_concat_keys(keys)) if keys else None
    return frame, names, guess, keys


def _relink(spill: SpillFiles, floating, links, engine: Engine, files: ExitStack):
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


def _freeze(options: NormaliseOptions, report: LoadReport, first_block: bool) -> NormaliseOptions:
    """Keep the first block's column-wide decisions for the rest of the file; report the file
    once (later blocks add their rows to the first block's entry)."""
    source = report.sources[-1] if first_block else report.sources.pop()
    if not first_block:
        entry = next(s for s in reversed(report.sources) if s["file"] == source["file"])
        merge_source(entry, source)
    dayfirst = options.dayfirst
    if dayfirst is None and source.get("date_order"):
        dayfirst = source["date_order"] == "dd/mm/yyyy"
    comma = options.decimal_comma
    if comma is None and source.get("decimal_mark") in (".", ","):
        comma = source["decimal_mark"] == ","
    return replace(
        options, decided=report.decided[source["file"]], dayfirst=dayfirst, decimal_comma=comma
    )


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
    used = np.zeros(0 if floating is None else len(floating), dtype=bool)
    if floating is not None and len(floating) and len(rows):
        sales = rows.loc[~refund_rows(rows), "order_id"].dropna()
        used = refund_target(floating).isin(sales).to_numpy()
        if used.any():
            rows = pd.concat([rows, floating[used]], ignore_index=True)
    if rows.empty:
        return PartOrders(pd.DataFrame(), pd.DataFrame(), WindowStats(), report, used)
    differ = frozenset(lines_differ(rows))  # the lines of each order are all here
    orders = to_orders(rows.reset_index(drop=True), options, report)
    if orders.empty:
        return PartOrders(orders, orders, WindowStats(), report, used, differ)
    window, stats = window_orders(orders, settings)
    if partition >= 0 and not used.any():  # only its own rows: only its own customers
        return PartOrders(window, window.head(0), stats, report, used, differ)
    own = partition_of(pa.array(window["customer"], pa.string()), count) == partition
    if own.all():
        return PartOrders(window, window.head(0), stats, report, used, differ)
    return PartOrders(window[own], window[~own], stats, report, used, differ)


def partition_reduce(orders: pd.DataFrame, as_of: int, settings: Settings, ledger: bool) -> Reduced:
    """Step 3 for one partition (its orders are windowed already)."""
    reduced = reduce_orders(orders, as_of, settings.churn_window, settings.attr)
    if not ledger:
        reduced.ledger = None
    return reduced


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


class LocalRunner:
    """Steps 2 and 3 in this process, one partition at a time: each partition reduced as soon
    as it has its orders (``orders_reduced``), or, when that cannot be, the orders spilled
    again until every partition has been seen (``orders``, then ``reduce``)."""

    at_once = True

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._orders: SpillFiles | None = None

    def orders_reduced(self, spill, floating, options, settings, progress, as_of, ledger, collect):
        for p, part in self._parts(spill, floating, options, settings, keep=True):
            if len(part.orders):
                collect(partition_reduce(part.orders, as_of, settings, ledger))
            progress.reducing(p + 1, spill.count)
            yield part

    def orders(self, spill, floating, options, settings, progress):
        self._orders = SpillFiles(spill.count, self._engine.spill_dir)
        for p, part in self._parts(spill, floating, options, settings, keep=False):
            if len(part.orders):
                self._orders.write(p, to_arrow(part.orders))
            progress.reducing(p + 1, 2 * spill.count)
            yield part

    def _parts(self, spill, floating, options, settings, keep: bool):
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

    def reduce(self, strays, as_of, settings, ledger, progress, collect):
        spill = self._orders
        for p in range(spill.count):
            table = spill.read(p)
            orders = to_frame(table, _PLAIN_ORDERS) if table is not None else None
            if p in strays:
                orders = pd.concat([o for o in (orders, strays[p]) if o is not None])
            if orders is not None:
                collect(partition_reduce(orders, as_of, settings, ledger))
            progress.reducing(spill.count + p + 1, 2 * spill.count)

    def close(self) -> None:
        if self._orders is not None:
            self._orders.remove()


def plain_rows(table: pa.Table | None) -> pd.DataFrame:
    """A partition's spilled rows as the frame ``rows_from_raw`` made (empty when none)."""
    return to_frame(table, _PLAIN_ROWS) if table is not None else pd.DataFrame()


def _runner(engine: Engine):
    if engine.kind == "dask":
        from ltvcli.engine.dask import DaskRunner

        return DaskRunner(engine)
    return LocalRunner(engine)
