"""The observation window: which orders count (--since, --until, --as-of) and where it ends.

Both engines use these: the in-memory one on all orders at once, the streaming one on each
partition, merging what the partitions say about the window's bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ltvcli.engine.days import DayNumber, day_number, day_numbers
from ltvcli.errors import InputError
from ltvcli.messages import Message
from ltvcli.settings import Settings

# Every money sum of the reduce is bounded by the sum of the absolute cents of the orders it
# reads; below int64's limit (with a margin for the float estimate) no sum can overflow.
MONEY_COLUMNS = ("gross_cents", "refund_cents", "cost_cents")
_SUM_LIMIT = float(np.iinfo(np.int64).max) * (1 - 1e-6)


@dataclass(frozen=True)
class WindowStats:
    """What a set of orders says about the window (merged over partitions with ``|``)."""

    any_in_range: bool = False  # an order between --since and --until
    first_sale: DayNumber | None = None  # first order day in the window
    last_day: DayNumber | None = None  # last order or refund day in the window
    orders: int = 0  # orders and refunds, in the window or not
    magnitude: float = 0.0  # the sum of |cents| of the money columns of the window's orders

    def __or__(self, other: WindowStats) -> WindowStats:
        return WindowStats(
            self.any_in_range or other.any_in_range,
            pick(min, self.first_sale, other.first_sale),
            pick(max, self.last_day, other.last_day),
            self.orders + other.orders,
            self.magnitude + other.magnitude,
        )


def explicit_as_of(settings: Settings) -> DayNumber | None:
    return day_number(settings.as_of) if settings.as_of else None


def window_orders(orders: pd.DataFrame, settings: Settings) -> tuple[pd.DataFrame, WindowStats]:
    """The orders inside --since/--until and on or before an explicit --as-of."""
    day = day_numbers(orders["ordered_at"])
    keep = np.ones(len(orders), dtype=bool)
    if settings.since:
        keep &= day >= day_number(settings.since)
    if settings.until:
        keep &= day <= day_number(settings.until)
    is_order = orders["is_order"].to_numpy(bool)
    any_in_range = bool((keep & is_order).any())
    as_of = explicit_as_of(settings)
    if as_of is not None:
        keep &= day <= as_of
    sales = keep & is_order
    window = orders if keep.all() else orders[keep]
    stats = WindowStats(
        any_in_range,
        int(day[sales].min()) if sales.any() else None,
        int(day[keep].max()) if keep.any() else None,
        len(orders),
        money_magnitude(window),
    )
    return window, stats


def money_magnitude(orders: pd.DataFrame) -> float:
    """The sum of the absolute cents of every money cell (float: an estimate, never wraps)."""
    total = 0.0
    for name in MONEY_COLUMNS:
        if name in orders:
            cents = orders[name].to_numpy(dtype=np.float64, na_value=0.0)
            total += float(np.abs(cents).sum())
    return total


def last_day_within(stamps: pd.Series, settings: Settings) -> DayNumber | None:
    """The last day of these rows inside --since/--until (None when none is): orders are dated
    by one of their rows, so this bounds the orders' last day from above."""
    day = day_numbers(stamps)
    keep = stamps.notna().to_numpy().copy()  # pandas may hand out a read-only view
    if settings.since:
        keep &= day >= day_number(settings.since)
    if settings.until:
        keep &= day <= day_number(settings.until)
    return int(day[keep].max()) if keep.any() else None


def settle_as_of(stats: WindowStats, settings: Settings) -> DayNumber:
    """The as-of day: --as-of, else the last day with an order or a refund (so that no money
    is left out)."""
    if not stats.any_in_range:
        raise InputError(
            Message(
                "no orders between {since} and {until}",
                since=settings.since or Message("the start"),
                until=settings.until or Message("the end"),
            )
        )
    if stats.first_sale is None:
        raise InputError(Message("no orders on or before --as-of {as_of}", as_of=settings.as_of))
    if stats.magnitude >= _SUM_LIMIT:
        raise InputError(
            Message(
                "the amounts add up to {total:.3g} currency units, more than "
                "integer cents can sum exactly (9.2e16); split the input",
                total=stats.magnitude / 100,
            )
        )

    as_of = explicit_as_of(settings)
    if as_of is not None:
        return as_of
    assert stats.last_day is not None, "a first sale has a day in the window"
    return int(stats.last_day)


def pick(choose: Callable[[int, int], int], a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return a if b is None else b
    return choose(a, b)
