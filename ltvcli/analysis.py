"""From loaded orders to everything the analyses share: the window, the customer table, the CAC.

Every command (and the library) goes through ``analyse``; the commands differ only in what
they compute from the ``Analysis`` and how it is rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ltvcli.cents import divide_cents
from ltvcli.customers import build_customers, percentile_75, status_with_p_alive
from ltvcli.engine.days import DayNumber, day_date
from ltvcli.engine.options import Engine, Progress
from ltvcli.engine.reduce import Reduced, reduce_orders
from ltvcli.engine.window import WindowStats, settle_as_of, window_orders
from ltvcli.errors import ConfigError
from ltvcli.fields import attribute_kind
from ltvcli.load import Loaded
from ltvcli.messages import Message
from ltvcli.metrics import ASSUMED_LIFESPAN, Context, kpis, kpis_by_currency
from ltvcli.options import LoadOptions
from ltvcli.schema.orders import ORDER_COLUMNS
from ltvcli.schema.report import LoadReport
from ltvcli.settings import Settings
from ltvcli.spend import Spend

if TYPE_CHECKING:
    from ltvcli.engine.customer_files import CustomerFiles


class WindowReadouts:
    """What an analysis and a streamed customer table both tell about their window."""

    as_of: DayNumber  # of the as-of date
    margin_source: str | None  # where the margin comes from, None when it is unknown

    @property
    def as_of_date(self) -> dt.date:
        return day_date(self.as_of)

    @property
    def margin_known(self) -> bool:
        return self.margin_source is not None


@dataclass
class Analysis(WindowReadouts):
    """The orders of the window reduced to customers, with the settings that shaped them."""

    customers: pd.DataFrame
    reduced: Reduced
    settings: Settings
    as_of: DayNumber  # of the as-of date
    margin_source: str | None  # where the margin comes from, None when it is unknown
    spend: Spend | None = None
    channel: str | None = None  # the attribute column holding the acquisition channel
    notes: list[str] = field(default_factory=list)

    def with_p_alive(self, p_alive: pd.Series) -> Analysis:
        """The same analysis where, as with ``--predict`` everywhere, at-risk means P(alive)
        below 0.5 (``status_with_p_alive``): one definition in every table of a run."""
        c = self.customers
        status = status_with_p_alive(c["status"], p_alive.reindex(c.index))
        return replace(self, customers=c.assign(status=status))

    def flat_context(self) -> Context:
        """KPI context with only a flat --cac (for groups that spend cannot be attributed to)."""
        return Context(self.settings, self.as_of, self.margin_known, cac=self.settings.cac)

    def context(self, customers: pd.DataFrame | None = None, channel: str | None = None) -> Context:
        """KPI context for ``customers`` (default all): CAC from --cac or the spend file."""
        if self.spend is None:
            return self.flat_context()
        everyone = self.customers
        first = int(everyone["_first_day"].where(everyone["orders"] > 0).min())
        spent, start, end = self.spend.between(first, self.as_of, channel)  # the data's window
        customers = everyone if customers is None else customers
        days = customers["_first_day"]
        acquired = int(((days >= start) & (days <= end) & (customers["orders"] > 0)).sum())
        cac = divide_cents(spent, acquired) if spent is not None else None
        return Context(
            self.settings, self.as_of, self.margin_known, cac=cac, spend=spent,
            customers_acquired=acquired,
        )  # fmt: skip

    def kpis(self) -> list[dict[str, object]]:
        if self.spend is not None and self.customers["currency"].nunique() > 1:
            raise ConfigError(
                Message("a spend file with orders in several currencies: pass --currency")
            )
        if self.spend is None:
            return kpis_by_currency(self.customers, self.context())
        return [kpis(self.customers, self.context())]


def analyse(
    loaded: Loaded,
    settings: Settings | None = None,
    spend: Spend | None = None,
    keep_ledger: bool = True,
) -> Analysis:
    """Window the orders, reduce them to customers and derive the customer table
    (``keep_ledger``: and keep the order rows, which the cohorts need)."""
    settings = settings or Settings()
    window, stats = window_orders(loaded.orders, settings)
    as_of = settle_as_of(stats, settings)
    reduced = reduce_orders(window, as_of, settings.churn_window, settings.attr, keep_ledger)
    return analysis_of(reduced, settings, as_of, stats, list(window.columns), spend)


def analyse_files(
    paths: list[str],
    options: LoadOptions,
    settings: Settings | None = None,
    spend: Spend | None = None,
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> tuple[Analysis, LoadReport]:
    """``analyse(load_orders(paths))`` by the streaming or Dask engine: the same answers, with
    memory bounded by the number of customers rather than of orders."""
    from ltvcli.engine.partitioned import reduce_files

    settings = settings or Settings()
    done = reduce_files(paths, options, settings, engine or Engine(), progress)
    assert done.reduced is not None  # reduce_files combines the pieces when not collecting
    analysis = analysis_of(done.reduced, settings, done.as_of, done.stats, done.columns, spend)
    return analysis, done.report


@dataclass
class CustomerStream(WindowReadouts):
    """The customer table of ``stream_customers``: too big to hold, read a slice at a time."""

    files: CustomerFiles
    settings: Settings
    as_of: DayNumber
    margin_source: str | None
    notes: list[str]
    report: LoadReport
    engine: Engine

    @property
    def count(self) -> int:
        return self.files.count

    def tables(self) -> Iterator[pd.DataFrame]:
        """``analysis.customers`` a slice at a time, in the same order; a slice as large as
        what the memory budget leaves allows."""
        from ltvcli.engine.options import slice_rows_for

        p75 = percentile_75(self.files.days_to_second_order())
        empty = np.zeros(0, dtype=np.int64)
        rows = self.engine.slice_rows or slice_rows_for(self.engine.budget)
        for frame in self.files.frames(rows):
            piece = Reduced(frame, empty, empty, None, self.files.has_cost)
            yield build_customers(piece, self.settings, self.as_of, p75)


@contextmanager
def stream_customers(
    paths: list[str],
    options: LoadOptions,
    settings: Settings | None = None,
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> Iterator[CustomerStream]:
    """The customer table of ``analyse_files`` kept on disk (removed on leaving the block), for
    more customers than memory holds: only the keys stay in memory."""
    from ltvcli.engine.customer_files import CustomerFiles
    from ltvcli.engine.partitioned import reduce_files

    settings = settings or Settings()
    engine = engine or Engine("stream")
    with CustomerFiles(engine.spill_dir) as files:
        done = reduce_files(paths, options, settings, engine, progress, collect=files)
        yield CustomerStream(
            files, settings, done.as_of, margin_source(files.has_cost, settings),
            window_notes(settings, done.as_of, done.stats), done.report, engine,
        )  # fmt: skip


def window_notes(settings: Settings, as_of: DayNumber, stats: WindowStats) -> list[str]:
    if stats.first_sale is None:  # no sale: nothing about the windows to say
        return []
    first = int(stats.first_sale)
    window, covered = settings.churn_window, as_of - first + 1
    if covered <= window and settings.lifespan is None:  # nobody in the earlier window
        return [
            Message(
                "churn needs orders older than the {window}-day --churn-window and the data "
                "covers {covered} days: formula LTV assumes a {years:g}-year lifespan; give "
                "--lifespan YEARS or a shorter --churn-window",
                window=window, covered=covered, years=ASSUMED_LIFESPAN,
            )
        ]  # fmt: skip
    if covered < 2 * window:
        return [
            Message(
                "churn compares two {window}-day windows; the data covers {covered} days, so the "
                "earlier window is partly empty",
                window=window, covered=covered,
            )
        ]  # fmt: skip
    return []


def analysis_of(
    reduced: Reduced,
    settings: Settings,
    as_of: DayNumber,
    stats: WindowStats,
    columns: list[str],
    spend: Spend | None,
) -> Analysis:
    """What both engines share after the reduce: the customer table, the margin, the notes."""
    customers = build_customers(reduced, settings, as_of)
    channel = _channel_column(columns)
    return Analysis(
        customers=customers,
        reduced=reduced,
        settings=settings,
        as_of=as_of,
        margin_source=margin_source(reduced.has_cost, settings),
        spend=spend,
        channel=channel,
        notes=window_notes(settings, as_of, stats)
        + spend_notes(spend, customers, channel)
        + margin_notes(reduced.has_cost, settings),
    )


def margin_notes(has_cost: bool, settings: Settings) -> list[str]:
    """A --margin that the file's cost column makes unused (the cost is the better evidence)."""
    if has_cost and settings.margin is not None:
        return [
            Message(
                "--margin {rate:g} is not used: the file has a cost column", rate=settings.margin
            )
        ]
    return []


def spend_notes(spend: Spend | None, customers: pd.DataFrame, channel: str | None) -> list[str]:
    """The spend file's channels that no order's channel matches: their spend counts in the
    total CAC only, never in a channel's (a misspelled channel would otherwise go unseen)."""
    if spend is None or "channel" not in spend.rows or spend.rows["channel"].isna().all():
        return []
    named = set(spend.rows["channel"].dropna().astype(str))
    seen = set(customers[channel].dropna().astype(str)) if channel in customers else set()
    unmatched = sorted(named - seen)
    if not unmatched:
        return []
    channels = ", ".join(unmatched)
    if channel:
        return [
            Message(
                "{source}: spend channel(s) {channels} match no channel in the orders' {column} "
                "column; their spend counts in the total CAC only",
                source=spend.source, channels=channels, column=channel,
            )
        ]  # fmt: skip
    return [
        Message(
            "{source}: spend channel(s) {channels} match no channel in the orders (no channel "
            "column); their spend counts in the total CAC only",
            source=spend.source, channels=channels,
        )
    ]  # fmt: skip


def margin_source(has_cost: bool, settings: Settings) -> str | None:
    """Where the margin comes from, in words; None when it is unknown."""
    service = settings.service_cost / 100 if settings.service_cost else None
    if has_cost:
        if service is None:
            return Message("cost column")
        return Message("cost column − {cost:g} service cost per order", cost=service)
    if settings.margin is not None:
        if service is None:
            return Message("--margin {rate:g}", rate=settings.margin)
        return Message(
            "--margin {rate:g} − {cost:g} service cost per order",
            rate=settings.margin, cost=service,
        )  # fmt: skip
    if service is None:
        return None
    return Message("net revenue − {cost:g} service cost per order", cost=service)


def _channel_column(columns: list[str]) -> str | None:
    return next(
        (c for c in columns if c not in ORDER_COLUMNS and attribute_kind(c) == "channel"), None
    )
