"""Kaplan–Meier curves of many groups at once against SciPy's, one group at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ltvcli.survival import kaplan_meier, quantiles, share_at


def test_curves_equal_scipy_group_by_group():
    rng = np.random.default_rng(7)
    n = 3000
    key = rng.choice(np.array(["a", "b", "c", "d"], dtype=object), size=n)
    time = rng.integers(0, 60, size=n)  # many ties, events and censorings at the same days
    event = rng.random(n) < np.where(key == "d", 0.0, 0.6)  # d: nobody has the event
    curves = kaplan_meier(key, time, event)
    days = np.arange(0, 70)
    for name in ("a", "b", "c", "d"):
        mine = key == name
        curve = curves[curves["key"] == name]
        if event[mine].any():
            data = stats.CensoredData(uncensored=time[mine & event], right=time[mine & ~event])
            sf = stats.ecdf(data).sf
            assert np.allclose(share_at(curve, days), sf.evaluate(days))
        else:
            assert (share_at(curve, days) == 1).all()
    medians = quantiles(curves, 0.5)
    assert np.isnan(medians["d"])
    for name in ("a", "b", "c"):
        curve = curves[curves["key"] == name]
        assert medians[name] == curve["time"][curve["share"] <= 0.5].min()


def test_share_at_is_one_before_the_first_time():
    curve = kaplan_meier(np.zeros(3, dtype=int), np.array([5, 5, 9]), np.array([True, False, True]))
    shares = share_at(curve, np.array([0, 4, 5, 8, 9]))
    assert np.allclose(shares, [1.0, 1.0, 2 / 3, 2 / 3, 0.0])
    assert isinstance(curve, pd.DataFrame)
