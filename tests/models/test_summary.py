"""The customers' distinct histories: found by hashing, the same as sorting finds them, and kept
between the fit and the scoring without ever answering for other data."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ltvcli.models.summary import Summary, compress


def _by_sorting(*columns: np.ndarray):
    """An independent compress: NumPy's row-wise unique."""
    unique, inverse, counts = np.unique(
        np.column_stack(columns), axis=0, return_inverse=True, return_counts=True
    )
    return tuple(unique.T), counts.astype(float), inverse.ravel()


@pytest.mark.parametrize("rows", [0, 1, 7, 5_000])
def test_compress_finds_the_rows_sorting_finds(rows):
    rng = np.random.default_rng(rows)
    columns = (
        rng.integers(0, 6, rows).astype(float),
        rng.integers(0, 40, rows) / 7,
        rng.integers(30, 60, rows) / 7,
        rng.integers(0, 3, rows).astype(float),
    )
    ours, theirs = compress(*columns), _by_sorting(*columns)
    for a, b in zip(ours[0], theirs[0], strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ours[1], theirs[1])
    np.testing.assert_array_equal(ours[2], theirs[2])
    for distinct, column in zip(ours[0], columns, strict=True):  # every row is its history
        np.testing.assert_array_equal(distinct[ours[2]], column)


def _summary() -> Summary:
    x = np.array([0.0, 1, 1, 0, 2])
    return Summary(x, x * 3, np.full(5, 10.0), np.full(5, np.nan), np.arange(5), "week")


def test_histories_are_kept_for_the_same_groups_only():
    summary = _summary()
    group = np.zeros(5)
    first = summary.histories(group)
    assert summary.histories(np.zeros(5)) is first  # the scoring reuses the fit's
    assert len(first[1]) == 3
    group[0] = 1  # the caller's array changes: the kept answer does not follow it
    assert summary.histories(np.zeros(5)) is first
    assert len(summary.histories(group)[1]) == 4
    other = replace(summary, T=np.arange(5.0) + 10)  # other data: its own histories
    assert len(other.histories(np.zeros(5))[1]) == 5


def test_kept_histories_cannot_be_changed_by_a_caller():
    data, weights, inverse = _summary().histories(np.zeros(5))
    with pytest.raises(ValueError, match="read-only"):
        weights /= weights.sum()
    with pytest.raises(ValueError, match="read-only"):
        inverse[0] = 2
    with pytest.raises(ValueError, match="read-only"):
        data[0][0] = 3
