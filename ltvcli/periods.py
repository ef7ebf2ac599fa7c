"""Calendar periods of day numbers: ISO weeks, months, quarters, years, as ordinal numbers and labels.

Cohorts and trends count periods with these ordinals (month 0 = January 1970), so "the third
month after acquisition" is ``ordinal(order) − ordinal(first order)`` for every period length.
"""

from __future__ import annotations

import numpy as np

PERIODS = ("week", "month", "quarter", "year")


def period_ordinals(days: np.ndarray, period: str) -> np.ndarray:
    """The period number of each day number (weeks start on Monday)."""
    days = np.asarray(days, dtype=np.int64)
    if period == "week":
        return (days + 3) // 7  # 1970-01-01 was a Thursday
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if period == "month":
        return months
    if period == "quarter":
        return months // 3
    return months // 12


def period_labels(days: np.ndarray, period: str) -> np.ndarray:
    """``2024-W05``, ``2024-03``, ``2024-Q1``, ``2024`` for each day number."""
    return ordinal_labels(period_ordinals(days, period), period)


def ordinal_labels(ordinals: np.ndarray, period: str) -> np.ndarray:
    unique, inverse = np.unique(np.asarray(ordinals, dtype=np.int64), return_inverse=True)
    labels = np.array([_label(int(o), period) for o in unique], dtype=object)
    return labels[inverse]


def _label(ordinal: int, period: str) -> str:
    if period == "week":
        year, week, _ = (np.datetime64(ordinal * 7 - 3, "D").astype(object)).isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return str(np.datetime64(ordinal, "M"))
    if period == "quarter":
        return f"{1970 + ordinal // 4}-Q{ordinal % 4 + 1}"
    return str(1970 + ordinal)
