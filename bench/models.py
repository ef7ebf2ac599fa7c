"""Model speed for ``make bench``: fit and score about a million customers with BG/NBD +
Gamma-Gamma and with Pareto/NBD + Gamma-Gamma, the cost of ``--interval``, and the same fits
with lifetimes' defaults (``BetaGeoFitter().fit``, ``ParetoNBDFitter().fit``,
``GammaGammaFitter().fit`` and their predictions) on the same customer summary, in one process.

    python bench/models.py /tmp/ltv-bench/models-1m.parquet
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from ltvcli.analysis import analyse
from ltvcli.cli.memory import no_huge_pages, reuse_freed_memory
from ltvcli.load import load_orders
from ltvcli.models.predict import fit_models, score
from ltvcli.models.spread import DeltaValues
from ltvcli.models.summary import summarise
from ltvcli.models.uncertainty import Interval


def lifetimes_fit(summary, model: str) -> tuple[float, dict[str, float]]:
    """Seconds lifetimes takes to fit and score with its defaults, and its parameters."""
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

    x, t_x, T, m = summary.x, summary.t_x, summary.T, summary.m
    start = time.perf_counter()
    count = (BetaGeoFitter() if model == "bgnbd" else ParetoNBDFitter()).fit(x, t_x, T)
    repeat = (x > 0) & (m > 0)
    spend = GammaGammaFitter().fit(x[repeat], m[repeat])
    count.conditional_probability_alive(x, t_x, T)
    count.conditional_expected_number_of_purchases_up_to_time(52, x, t_x, T)
    spend.conditional_expected_average_profit(pd.Series(x), pd.Series(np.nan_to_num(m)))
    return time.perf_counter() - start, count.params_.to_dict()


def main() -> None:
    no_huge_pages()  # the process as the ltv command sets it up for a run in memory
    reuse_freed_memory()
    analysis = analyse(load_orders(sys.argv[1]))
    summary = summarise(analysis.customers, "week")
    n = len(summary)

    def fit_and_score(model: str, interval: Interval | None = None):
        """As ``ltv predict`` does: the fit's summary is the scoring's."""
        start = time.perf_counter()
        models = fit_models(summary, model)
        table = score(
            analysis.customers, models, analysis.as_of_date, 365, interval=interval, summary=summary
        )
        return time.perf_counter() - start, models, table

    for model in ("bgnbd", "pareto"):
        ours, models, _ = fit_and_score(model)
        try:
            theirs, params = lifetimes_fit(summary, model)
        except ImportError:
            print(f"models: {model}: ltv fit+score of {n:,} customers {ours:.2f} s "
                  "(install lifetimes to compare)", flush=True)  # fmt: skip
            continue
        gap = max(
            abs(a - b) / abs(b) for a, b in zip(models.count.vector(), params.values(), strict=True)
        )
        print(
            f"models: {model} + gammagamma, {n:,} customers: ltv fit+score {ours:.2f} s, "
            f"lifetimes' defaults {theirs:.2f} s = {ours / theirs:.2f}x; parameters agree within "
            f"{gap:.1e}",
            flush=True,
        )
    rounds = []  # paired: without and with the bounds, alternately
    for _ in range(3):
        plain, _, _ = fit_and_score("bgnbd")
        bounded, models, delta = fit_and_score("bgnbd", Interval(0.9))
        rounds.append((plain, bounded))
    plain, bounded = np.median(rounds, axis=0)
    added = sorted(b / p - 1 for p, b in rounds)
    method = "delta method" if isinstance(models.drawn, DeltaValues) else "200 parameter draws"
    print(
        f"models: --interval 0.9 ({method}): fit+score {bounded:.2f} s against {plain:.2f} s "
        f"without (medians of 3 paired runs) = +{added[1]:.0%} ({added[0]:+.0%} to {added[-1]:+.0%})",
        flush=True,
    )
    sampled, _, drawn = fit_and_score("bgnbd", Interval(0.9, method="draws"))
    gaps = []
    for key in ("p_alive", "expected_orders", "predicted_ltv"):
        low, high = f"{key}_low", f"{key}_high"
        width = (drawn[high] - drawn[low]).astype(float)
        moved = (delta[[low, high]] - drawn[[low, high]]).abs().max(axis=1)[width > 0]
        gaps.append(f"{key} {float((moved / width[width > 0]).median()):.3f}")
    print(
        f"models: --interval 0.9 by 200 parameter draws: fit+score {sampled:.2f} s; the bounds "
        f"differ from those by a median share of the draws' width of {', '.join(gaps)}",
        flush=True,
    )


if __name__ == "__main__":
    main()
