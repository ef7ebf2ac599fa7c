"""The holdout check's period."""

from __future__ import annotations

import pytest


def test_holdout_cutoff_from_a_duration_or_a_date():
    import datetime as dt

    from ltvcli.errors import ConfigError
    from ltvcli.models.holdout import holdout_cutoff

    end = dt.date(2025, 6, 30)
    assert holdout_cutoff("180d", end) == dt.date(2025, 1, 1)
    assert holdout_cutoff("2w", end) == dt.date(2025, 6, 16)
    assert holdout_cutoff("2025-03-31", end) == dt.date(2025, 3, 31)
    with pytest.raises(ConfigError):
        holdout_cutoff("soon", end)
