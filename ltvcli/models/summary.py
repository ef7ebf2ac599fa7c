"""The per-customer summary the models are fitted on, read off the customer table.

x is the number of repeat purchase days (orders on one day are one purchase), t_x the time from
the first to the last purchase day, T the time from the first purchase day to the as-of date,
all in the fitting time unit; m is the mean spend of the repeat purchase days (the first day
left out, as the Gamma-Gamma model requires), in currency units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}
# distinct rows, their counts, each row's among them (``compress``)
Compressed = tuple[tuple[np.ndarray, ...], np.ndarray, np.ndarray]


@dataclass
class Summary:
    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    m: np.ndarray  # NaN where x = 0
    rows: np.ndarray  # positions in the customer table
    unit: str
    # the last ``histories`` (the fit and the scoring of the same customers ask for the same):
    # the columns it was made of, a copy of the groups, the answer
    _histories: tuple[tuple[np.ndarray, ...], np.ndarray, Compressed] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.x)

    def histories(self, group: np.ndarray) -> Compressed:
        """The distinct (x, t_x, T, group) rows, their counts and each customer's among them
        (``compress``); ``group`` numbers the customers' groups of parameters. Kept for the
        next call with the same groups, so the arrays are read-only (and the summary's own are
        never changed in place)."""
        columns = (self.x, self.t_x, self.T)
        kept = self._histories
        if (
            kept is None
            or any(a is not b for a, b in zip(kept[0], columns, strict=True))
            or not np.array_equal(kept[1], group)
        ):
            answer = compress(*columns, group)
            for array in (*answer[0], answer[1], answer[2]):
                array.flags.writeable = False
            kept = self._histories = (columns, group.copy(), answer)
        return kept[2]


def summarise(customers: pd.DataFrame, unit: str = "week") -> Summary:
    """The model inputs of every customer with an order."""
    days = UNIT_DAYS[unit]
    buyers = customers["orders"].to_numpy() > 0
    c = customers[buyers]
    x = (c["order_days"].to_numpy() - 1).astype(float)
    repeat_cents = (c["_sales_cents"] - c["_first_day_cents"]).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(x > 0, repeat_cents / 100 / x, np.nan)
    return Summary(
        x=x,
        t_x=c["tenure_days"].to_numpy(dtype=float) / days,
        T=c["age_days"].to_numpy(dtype=float) / days,
        m=m,
        rows=np.flatnonzero(buyers),
        unit=unit,
    )


def compress(*columns: np.ndarray) -> Compressed:
    """Identical rows once, with their counts as weights, and the map back to every row.

    Each column is numbered by value, and the numbers are packed into one int64 per row, so
    finding the distinct rows is one 1-D pass (``np.unique(axis=0)`` is many times slower);
    pandas numbers values by hashing, three times faster than ``np.unique``'s sort, in the same
    (sorted) order.
    """
    codes, values = zip(*(_numbered(c) for c in columns), strict=True)
    if np.prod([float(len(v)) for v in values]) >= 2.0**62:
        stacked = np.column_stack(columns)
        unique, inverse, counts = np.unique(
            stacked, axis=0, return_inverse=True, return_counts=True
        )
        return tuple(unique.T), counts.astype(float), inverse.ravel()
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for code, value in zip(codes, values, strict=True):
        key = key * len(value) + code
    inverse, keys = _numbered(key)
    distinct = []
    for value in reversed(values):
        keys, code = np.divmod(keys, len(value))
        distinct.append(value[code])
    counts = np.bincount(inverse, minlength=len(distinct[0]) if distinct else 0)
    return tuple(reversed(distinct)), counts.astype(float), inverse


def _numbered(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each value's number among the distinct values, and the distinct values, sorted."""
    codes, distinct = pd.factorize(values, sort=True, use_na_sentinel=False)
    return codes, np.asarray(distinct)


def count_grid(x: np.ndarray) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """The purchase counts to evaluate a function of x on, and how to spread its values back
    to the rows.

    The likelihoods' special functions (log-gamma, digamma, log-beta) depend on the data only
    through x, a whole number with a few hundred distinct values among a million customers: on
    0..max(x) they cost a few hundred evaluations instead of a million. Rows that are not whole
    numbers (or few) are evaluated as they are.
    """
    counts = x.astype(np.intp)
    if len(x) < 1024 or counts.max(initial=0) >= len(x) or not np.array_equal(counts, x):
        return x, _same
    return np.arange(counts.max() + 1, dtype=float), lambda values: values[counts]


def _same(values: np.ndarray) -> np.ndarray:
    return values


_PAIRS: dict[tuple[int, int], tuple[np.ndarray, ...]] = {}
# rows whose pairs are kept between calls: 8 bytes a row of their own (the arrays they were made
# from are held, but a fit holds them anyway), so a fit's every group stays cached
PAIRS_KEPT = 10_000_000


def pairs(x: np.ndarray, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (x, τ) pairs and each row's position among them: the hypergeometric terms
    of the models depend on a row only through (x, t_x) or (x, T), and a million customers
    have some tens of thousands of pairs. A fit evaluates the same rows tens of times: the
    latest answers are kept, by the arrays' identity (the arrays are held too, so an identity
    is never reused while it is kept)."""
    kept = _PAIRS.get((id(x), id(tau)))
    if kept is not None and kept[0] is x and kept[1] is tau:
        return kept[2], kept[3], kept[4]
    (x_pairs, tau_pairs), _, spread = compress(x, tau)
    _PAIRS[(id(x), id(tau))] = (x, tau, x_pairs, tau_pairs, spread)
    while len(_PAIRS) > 1 and sum(len(v[0]) for v in _PAIRS.values()) > PAIRS_KEPT:
        _PAIRS.pop(next(iter(_PAIRS)))
    return x_pairs, tau_pairs, spread


@dataclass(frozen=True)
class Purchases:
    """Simulated purchases, sparse: in ``period``, the customer at position ``who`` made
    ``count`` of them (most customers make none in most periods; a dense [periods, customers]
    array of a million customers would be rewritten for every simulated future)."""

    period: np.ndarray
    who: np.ndarray
    count: np.ndarray

    @classmethod
    def joined(cls, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Purchases:
        period, who, count = (np.concatenate(p) for p in zip(*parts, strict=True))
        return cls(period, who, count.astype(float))

    def per_period(self, periods: int, weights: np.ndarray | None = None) -> np.ndarray:
        """Purchases (or ``weights``, one per entry) summed by period."""
        summed: np.ndarray = np.bincount(
            self.period, weights=self.count if weights is None else weights, minlength=periods
        )
        return summed
