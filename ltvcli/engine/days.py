"""The as-of date and other days, inside the package: whole days since 1970-01-01.

At the edges (``Settings``, the model store, outputs) a day is a ``datetime.date``; the engine
and the analyses count in ``DayNumber`` (an ``int``), which numpy's ``datetime64[D]`` and
arithmetic on days (recency, age, windows) use directly.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeAlias

import numpy as np
import pandas as pd

DayNumber: TypeAlias = int  # whole days since EPOCH
EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> DayNumber:
    return (day - EPOCH).days


def day_date(day: DayNumber) -> dt.date:
    return EPOCH + dt.timedelta(days=day)


def day_numbers(stamps: pd.Series) -> np.ndarray:
    """Whole days since the epoch of a datetime column (the time of day dropped)."""
    return stamps.to_numpy().astype("datetime64[D]").astype(np.int64)
