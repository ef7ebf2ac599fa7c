"""Kaplan–Meier estimates: the share of a group still without an event (a second order, buying
a product again) after a number of days, when some are still waiting (censored).

At each distinct time, the share falls by the events there over those still at risk: everyone
whose time is that or later, the censored at that very time included (they were observed that
long). Many groups at once, by one sort: ``ltv intervals`` has one, ``ltv products`` one per
product. ``scipy.stats.ecdf`` gives the same curve (the tests compare them); this one is
vectorised over groups and spares the commands SciPy's import.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def kaplan_meier(key: np.ndarray, time: np.ndarray, event: np.ndarray) -> pd.DataFrame:
    """Per ``key``: its distinct ``time``s, ascending, and ``share``, the Kaplan–Meier share
    still without the event just after each (``event`` True: an event; False: censored)."""
    data = pd.DataFrame({"key": key, "time": time, "event": np.asarray(event, dtype=np.int64)})
    counts = data.groupby(["key", "time"], sort=True, observed=True)["event"].agg(["sum", "size"])
    counts = counts.reset_index()
    group = counts["key"].to_numpy()
    size = counts["size"].to_numpy(np.int64)
    starts = np.r_[True, group[1:] != group[:-1]] if len(group) else np.zeros(0, dtype=bool)
    run = np.cumsum(starts) - 1
    before = np.cumsum(size) - size  # rows of all earlier times, of all groups
    before -= before[np.flatnonzero(starts)][run]  # of earlier times of this group
    total = np.bincount(run, weights=size)[run] if len(run) else np.zeros(0)
    survive = 1 - counts["sum"].to_numpy(float) / (total - before)
    with np.errstate(divide="ignore"):
        log_share = pd.Series(np.log(survive)).groupby(run).cumsum().to_numpy()
    return pd.DataFrame({"key": counts["key"], "time": counts["time"], "share": np.exp(log_share)})


def quantiles(curves: pd.DataFrame, reached: float) -> pd.Series:
    """Per key: the first time at which the share still without the event is ``reached`` or
    less (NaN where it never falls that far)."""
    hit = (curves["share"] <= reached + 1e-12).to_numpy()
    first = curves["time"][hit].groupby(curves["key"][hit].to_numpy()).min()
    keys = pd.Index(pd.unique(curves["key"].to_numpy()), dtype=object)
    return first.reindex(keys).astype(float)


def share_at(curve: pd.DataFrame, days: np.ndarray) -> np.ndarray:
    """One curve's share still without the event at each of ``days`` (1 before any time)."""
    at = np.searchsorted(curve["time"].to_numpy(), days, side="right")
    shares: np.ndarray = np.r_[1.0, curve["share"].to_numpy()][at]
    return shares
