"""Model speed for ``make bench``: fit BG/NBD + Gamma-Gamma and score about a million customers,
against the same fit done the textbook way (scipy's default optimiser, numerical gradients, the
uncompressed per-customer rows), in one process on the same customer summary.

    python bench/models.py /tmp/ltv-bench/orders-2.3e6.parquet
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy.optimize import minimize

from ltvcli.analysis import analyse
from ltvcli.load import load_orders
from ltvcli.models import bgnbd, gammagamma
from ltvcli.models.predict import fit_models, score
from ltvcli.models.summary import summarise


def textbook(summary) -> tuple[np.ndarray, np.ndarray]:
    """The fit a hand-written script would do: minimize() with its defaults, every row."""
    data = (summary.x, summary.t_x, summary.T)

    def negative(log_params, loglik, rows):
        with np.errstate(all="ignore"):
            value = -loglik(np.exp(log_params), *rows).mean()
        return value if np.isfinite(value) else 1e10

    count = minimize(negative, np.zeros(4), args=(bgnbd.log_likelihood, data)).x
    repeat = (summary.x > 0) & (summary.m > 0)
    spend = minimize(
        negative,
        np.zeros(3),
        args=(gammagamma.log_likelihood, (summary.x[repeat], summary.m[repeat])),
    ).x
    return np.exp(count), np.exp(spend)


def main() -> None:
    analysis = analyse(load_orders(sys.argv[1]))
    summary = summarise(analysis.customers, "week")
    start = time.perf_counter()
    models = fit_models(summary, "bgnbd")
    table = score(analysis.customers, models, analysis.as_of_date, 365)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    count, spend = textbook(summary)
    alive = bgnbd.p_alive(count, summary.x, summary.t_x, summary.T)
    expected = bgnbd.expected(count, 52, summary.x, summary.t_x, summary.T)
    value = expected * gammagamma.expected_spend(spend, summary.x, np.nan_to_num(summary.m))
    reference = time.perf_counter() - start
    gap = max(abs(a - b) / b for a, b in zip(models.count.vector(), count, strict=True))
    print(
        f"models: {len(table):,} customers: ltv fit+score {ours:.2f} s, scipy defaults on every "
        f"row {reference:.2f} s = {ours / reference:.2f}x; parameters agree within {gap:.1e} "
        f"(P(alive) mean {alive.mean():.3f}, 1y value {value.sum():,.0f})",
        flush=True,
    )


if __name__ == "__main__":
    main()
