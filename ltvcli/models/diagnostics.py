"""What shows whether a model can be believed: P(alive) over every history a customer can
have (``p_alive_grid``); the tracking numbers are ``holdout.tracking``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ltvcli.models.predict import Models
from ltvcli.models.summary import Summary

MAX_PURCHASES = 30  # rows of the grid: 0 … this many repeat purchases
COLUMNS = 40  # times of the last purchase


def p_alive_grid(
    models: Models, summary: Summary, customers: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(alive) of a customer observed as long as the longest-known one (T = the largest T),
    by repeat purchases x (rows) and the time of the last one t_x (columns, time units since
    the first purchase; with no repeat purchase, t_x is 0 whatever the column). With
    covariates, the average over the ``customers``' (the summarised ones') groups."""
    T = float(summary.T.max())
    purchases = np.arange(min(MAX_PURCHASES, int(summary.x.max())) + 1, dtype=float)
    recency = np.linspace(0.0, T, COLUMNS)
    x, t_x = np.meshgrid(purchases, recency, indexing="ij")
    t_x = np.where(x > 0, t_x, 0.0)
    alive = sum(
        group.share(len(customers))
        * models.module.p_alive(group.count, x.ravel(), t_x.ravel(), np.full(x.size, T))
        for group in models.groups(customers)
    )
    return purchases, recency, np.asarray(alive).reshape(x.shape)
