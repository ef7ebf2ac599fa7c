"""How sure a group's numbers are: 95 % intervals for a share and for a mean.

- A share (repeat rate): the Wilson score interval, which stays inside [0, 1] and is honest
  for small groups and shares near 0 or 1, where the normal approximation is not.
- A mean (mean LTV in cents): a percentile bootstrap for groups of up to ``BOOTSTRAP_MAX``
  customers (LTV is skewed: a few big customers make the mean of a small group unsure), seeded
  so that the same data gives the same interval; for larger groups the normal approximation
  (mean ± 1.96 standard errors, kept within the smallest and largest value), which the
  central limit theorem makes as good there.
"""

from __future__ import annotations

import math

import numpy as np

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal
BOOTSTRAP_MAX = 500  # customers; a larger group's mean is near normal
RESAMPLES = 1000
SEED = 20240101


def wilson_interval(successes: int, trials: int) -> tuple[float | None, float | None]:
    """The 95 % Wilson score interval of ``successes / trials``; (None, None) for no trials."""
    if trials <= 0:
        return None, None
    p = successes / trials
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = Z95 * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values: np.ndarray) -> tuple[int | None, int | None]:
    """The 95 % interval of the mean of ``values`` (cents), rounded to whole cents; (None,
    None) for fewer than two values."""
    n = len(values)
    if n < 2:
        return None, None
    values = values.astype(np.float64)
    if n <= BOOTSTRAP_MAX:
        rng = np.random.default_rng(SEED)
        means = values[rng.integers(0, n, size=(RESAMPLES, n))].mean(axis=1)
        low, high = np.percentile(means, [2.5, 97.5])
    else:
        mean, error = values.mean(), values.std(ddof=1) / np.sqrt(n)
        # a mean lies between the smallest and the largest value: a skewed group's normal
        # interval would reach past them (below zero for positive LTVs)
        low = max(mean - Z95 * error, values.min())
        high = min(mean + Z95 * error, values.max())
    return round(float(low)), round(float(high))
