"""Repeat-purchase intervals: the gaps between orders, the time to a second order, and the share of
customers who come back within N days.

The return shares are Kaplan–Meier estimates (``ltvcli.survival``, the estimate
``scipy.stats.ecdf`` gives on right-censored data): a customer who has not ordered again is
censored at their age (as_of − first order), so someone who joined last week counts as "not
yet known", not as "did not return". Percentiles interpolate
linearly between order statistics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ltvcli.analysis import Analysis
from ltvcli.definition import Metric
from ltvcli.survival import kaplan_meier, quantiles, share_at

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


# The customer-table columns ``interval_stats`` reads: a split by segment takes only these.
INTERVAL_COLUMNS = ("days_to_second_order", "age_days")


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
        back = 1 - share_at(returned, np.asarray(RETURN_DAYS))
        out |= {f"returned_{d}d": float(b) for d, b in zip(RETURN_DAYS, back, strict=True)}
    return {m.key: out.get(m.key) for m in INTERVAL_METRICS}


def return_curve(customers: pd.DataFrame) -> pd.DataFrame | None:
    """The Kaplan–Meier curve of "not yet back" (``ltvcli.survival``): a customer with a second
    order day is an event at the days to it, one without is censored at their age; None for
    no customers."""
    second = customers["days_to_second_order"].to_numpy(dtype=float)
    age = customers["age_days"].to_numpy(dtype=float, na_value=np.nan)
    came_back = ~np.isnan(second)
    time = np.where(came_back, second, age)
    known = ~np.isnan(time)
    if not known.any():
        return None
    return kaplan_meier(np.zeros(int(known.sum()), dtype=np.int64), time[known], came_back[known])


def km_median(curve: pd.DataFrame) -> float | None:
    """First day where the share still not back falls to 50 % or below."""
    median = quantiles(curve, 0.5).iloc[0]
    return None if np.isnan(median) else float(median)


def interval_table(analysis: Analysis, by: list[str] | None, period: str = "month") -> pd.DataFrame:
    """One row of interval numbers, or one per segment and a total row."""
    from ltvcli.segments import TOTAL, Grouping, runs, segment_keys

    c = analysis.customers
    buyers = c[c["orders"] > 0]
    r = analysis.reduced
    if not by:
        return pd.DataFrame([interval_stats(buyers, r.gaps)])
    keys = segment_keys(analysis, by, period)
    names = list(keys.columns)
    grouping = Grouping.of(keys, sort=True)
    gap_group = grouping.of_customers(len(c))[r.gap_owner]
    order, bounds = runs(gap_group, len(grouping.values))
    rows = []
    used = buyers[list(INTERVAL_COLUMNS)]  # the keys' rows: the buyers'
    for gid, (values, group) in enumerate(zip(grouping.values, grouping.split(used), strict=True)):
        gaps = r.gaps[order[bounds[gid] : bounds[gid + 1]]]
        rows.append(dict(zip(names, values, strict=True)) | interval_stats(group, gaps))
    table = pd.DataFrame(rows).sort_values("customers", ascending=False, kind="stable")
    total = dict.fromkeys(names, TOTAL) | interval_stats(buyers, r.gaps)
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)
