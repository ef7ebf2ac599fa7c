"""Repeat-purchase intervals: the gaps between orders, the time to a second order, and the share of
customers who come back within N days.

The return shares are Kaplan–Meier estimates (``scipy.stats.ecdf`` on right-censored data): a
customer who has not ordered again is censored at their age (as_of − first order), so someone
who joined last week counts as "not yet known", not as "did not return". Percentiles interpolate
linearly between order statistics.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ltvcli.analysis import Analysis
from ltvcli.definition import Metric

RETURN_DAYS = (30, 60, 90, 180, 365)

INTERVAL_METRICS: tuple[Metric, ...] = (
    Metric("customers", "Customers", "count", "customers with an order"),
    Metric("gaps", "Gaps", "count", "gaps between consecutive distinct order days"),
    Metric("gap_mean_days", "Gap mean, days", "number", "mean gap"),
    Metric("gap_p25_days", "Gap p25, days", "number", "25th percentile of the gaps"),
    Metric("gap_median_days", "Gap median, days", "number", "median gap"),
    Metric("gap_p75_days", "Gap p75, days", "number", "75th percentile of the gaps"),
    Metric("gap_p90_days", "Gap p90, days", "number", "90th percentile of the gaps"),
    Metric("second_order_customers", "Came back", "count", "customers with a second order day"),
    Metric("second_order_mean_days", "2nd order: mean days", "number", "mean days to the second order among those who came back"),
    Metric("second_order_median_days", "2nd order: median days", "number", "median days to the second order among those who came back"),
    Metric("second_order_km_median_days", "2nd order: median days (censoring-aware)", "number", "day at which the Kaplan–Meier share of returned customers reaches 50 % (null if it never does)"),
    *(
        Metric(f"returned_{d}d", f"Back within {d} days", "rate", f"Kaplan–Meier estimate of the share with a second order within {d} days of the first")
        for d in RETURN_DAYS
    ),
)  # fmt: skip


def interval_stats(customers: pd.DataFrame, gaps: np.ndarray) -> dict[str, object]:
    """The interval numbers of one group of customers (buyers) and their gaps."""
    second = customers["days_to_second_order"].dropna().to_numpy()
    out: dict[str, object] = {"customers": len(customers), "gaps": len(gaps)}
    if len(gaps):
        p25, p50, p75, p90 = np.percentile(gaps, [25, 50, 75, 90])
        out |= {"gap_mean_days": float(gaps.mean()), "gap_p25_days": p25, "gap_median_days": p50,
                "gap_p75_days": p75, "gap_p90_days": p90}  # fmt: skip
    out["second_order_customers"] = len(second)
    if len(second):
        out["second_order_mean_days"] = float(second.mean())
        out["second_order_median_days"] = float(np.median(second))
    returned = return_curve(customers)
    if returned is not None:
        out["second_order_km_median_days"] = km_median(returned)
        for d in RETURN_DAYS:
            out[f"returned_{d}d"] = float(1 - returned.evaluate(d))
    return {m.key: out.get(m.key) for m in INTERVAL_METRICS}


def return_curve(customers: pd.DataFrame) -> Any:
    """Kaplan–Meier survival of "not yet back" (``scipy.stats`` ECDF result's ``sf``), or None."""
    from scipy import stats

    second = customers["days_to_second_order"].to_numpy(dtype=float)
    age = customers["age_days"].to_numpy(dtype=float, na_value=np.nan)
    came_back = ~np.isnan(second)
    censored = age[~came_back]
    if not came_back.any() and not len(censored):
        return None
    if not came_back.any():
        return _NeverBack()
    data = stats.CensoredData(uncensored=second[came_back], right=censored)
    return stats.ecdf(data).sf


def km_median(sf: Any) -> float | None:
    """First day where the share still not back falls to 50 % or below."""
    if isinstance(sf, _NeverBack):
        return None
    below = np.flatnonzero(sf.probabilities <= 0.5)
    return float(sf.quantiles[below[0]]) if len(below) else None


class _NeverBack:
    """The survival curve of a group where nobody has come back (yet)."""

    def evaluate(self, _days: float) -> float:
        return 1.0


def interval_table(analysis: Analysis, by: list[str] | None, period: str = "month") -> pd.DataFrame:
    """One row of interval numbers, or one per segment and a total row."""
    from ltvcli.segments import TOTAL, segment_keys

    c = analysis.customers
    buyers = c[c["orders"] > 0]
    r = analysis.reduced
    if not by:
        return pd.DataFrame([interval_stats(buyers, r.gaps)])
    keys = segment_keys(analysis, by, period)
    names = list(keys.columns)
    owner_group = np.full(len(c), -1, dtype=np.int64)
    grouped = buyers.groupby([keys[n] for n in names], sort=True)
    owner_group[buyers.index.to_numpy()] = grouped.ngroup().to_numpy()
    gap_group = owner_group[r.gap_owner]
    order = np.argsort(gap_group, kind="stable")
    bounds = np.searchsorted(gap_group[order], np.arange(grouped.ngroups + 1))
    rows = []
    for gid, (values, group) in enumerate(grouped):
        values = values if isinstance(values, tuple) else (values,)
        gaps = r.gaps[order[bounds[gid] : bounds[gid + 1]]]
        rows.append(dict(zip(names, values, strict=True)) | interval_stats(group, gaps))
    table = pd.DataFrame(rows).sort_values("customers", ascending=False, kind="stable")
    total = dict.fromkeys(names, TOTAL) | interval_stats(buyers, r.gaps)
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)
