"""Money arithmetic in integer cents: the one place where money is divided or scaled.

Every division rounds half-up (away from zero) to a whole cent, on integers, so the same
inputs give the same cents on every machine.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np


def divide_cents(cents: int, count: int | float) -> int | None:
    """``cents / count`` rounded half-up to a whole cent; None when ``count`` is 0."""
    if not count:
        return None
    if isinstance(count, float) and not count.is_integer():
        return scale_cent(cents, 1 / count)
    count = int(count)
    q, r = divmod(abs(int(cents)), abs(count))
    q += 2 * r >= abs(count)
    return q if (cents >= 0) == (count > 0) else -q


def divide_cents_array(cents: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Vectorised ``divide_cents`` for counts ≥ 1 (rows with a count of 0 give 0: mask them)."""
    cents = np.asarray(cents, dtype=np.int64)
    counts = np.maximum(np.asarray(counts, dtype=np.int64), 1)
    q, r = np.divmod(np.abs(cents), counts)
    q += 2 * r >= counts
    return np.where(cents >= 0, q, -q)


def scale_cent(cents: int, factor: float) -> int:
    """``cents × factor`` rounded half-up, exact for decimal factors such as 0.3."""
    f = Fraction(str(factor))
    q, r = divmod(abs(int(cents)) * abs(f.numerator), f.denominator)
    q += 2 * r >= f.denominator
    return q if (cents >= 0) == (f >= 0) else -q


def scale_cents(cents: np.ndarray, factor: float) -> np.ndarray:
    """Vectorised ``scale_cent`` for int64 arrays (factors with up to 9 decimals stay exact)."""
    f = Fraction(str(factor)).limit_denominator(10**9)
    magnitude = np.abs(cents) * abs(f.numerator)
    q, r = np.divmod(magnitude, f.denominator)
    q += 2 * r >= f.denominator
    scaled: np.ndarray = np.where((cents >= 0) == (f >= 0), q, -q)
    return scaled


def round_cents(value: float) -> int | None:
    """A money amount computed in floating point (a product of rates), half-up to the cent."""
    if value is None or not np.isfinite(value):
        return None
    return int(np.sign(value) * np.floor(abs(value) + 0.5))


def model_cents(values: np.ndarray) -> np.ndarray:
    """A model's estimates in currency (floats) to the nearest cent; NaN (nothing to estimate)
    to 0. Estimates are not sums of money, so no half-up rule applies."""
    cents: np.ndarray = np.round(np.nan_to_num(values) * 100).astype(np.int64)
    return cents
