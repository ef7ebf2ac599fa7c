"""Whether Russian output has English left: the Latin words a Russian text may hold.

A Latin word is allowed when it is
- a data value: any word of the input files (cities, channels, e-mails, categories, their
  headers) or of their paths;
- a column key shown on purpose (metric keys: the definitions list them after the label, and
  the terminal's note on hidden columns names them as ``--columns`` takes them);
- an acronym or a model's own name (LTV, CAC, AOV, RFM, NPS, CSV, ISO, MAE, RMSE, BG/NBD,
  Pareto/NBD, Gamma-Gamma, P(alive), the BG/NBD parameters r, alpha, a, b);
- a ``--flag``, a file name (docs/metrics.md) or an ``ltv <command>`` to run.
"""

from __future__ import annotations

import csv
import re

ACRONYMS = {"LTV", "CAC", "AOV", "RFM", "NPS", "CSV", "ISO", "MAE", "RMSE", "BG", "NBD", "Pareto",
            "Gamma", "JSON", "alive", "alpha", "r", "a", "b", "Total"}  # fmt: skip
# a flag and the value a hint gives it (--columns all, -f csv), or a command to run
FLAG = re.compile(r"(?<![\w-])--?[a-z][a-z-]*(?: (?:all|csv|tsv|json))?|\bltv [a-z]+")
FILE = re.compile(r"[\w./-]+\.(?:md|csv|png|html|xlsx|json|toml)\b")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
HORIZON = re.compile(r"_\d+[dwmy](?=_low$|_high$|$)")  # predicted_ltv_12m_low: a key at a horizon


def metric_keys() -> set[str]:
    from ltvcli.cohorts import COHORT_METRICS, PREDICTED_CELLS, TREND_METRICS
    from ltvcli.customers import CUSTOMER_COLUMNS
    from ltvcli.drivers import DRIVER_METRICS
    from ltvcli.intervals import INTERVAL_METRICS
    from ltvcli.metrics import METRICS
    from ltvcli.models.forecast import FORECAST_METRICS
    from ltvcli.models.holdout import HOLDOUT_METRICS
    from ltvcli.models.newcomer import NEWCOMER_COLUMNS
    from ltvcli.models.predict import MEAN_BOUNDS, PREDICTED_KPIS, PREDICTION_COLUMNS
    from ltvcli.products import DUE_COLUMNS, PATH_METRICS, PRODUCT_METRICS, TRANSITION_METRICS
    from ltvcli.segments import SEGMENT_METRICS

    groups = (METRICS, SEGMENT_METRICS, CUSTOMER_COLUMNS, INTERVAL_METRICS, COHORT_METRICS,
              TREND_METRICS, HOLDOUT_METRICS, PREDICTION_COLUMNS, PREDICTED_KPIS, FORECAST_METRICS, MEAN_BOUNDS, NEWCOMER_COLUMNS, PREDICTED_CELLS,
              PRODUCT_METRICS, TRANSITION_METRICS, PATH_METRICS, DRIVER_METRICS, DUE_COLUMNS)  # fmt: skip
    return {m.key for group in groups for m in group}


def model_names() -> set[str]:
    """The models a prediction's note names, as --model takes them (bgnbd, pareto...)."""
    from ltvcli.models.predict import MODELS

    return set(MODELS)


def data_words(*paths: str) -> set[str]:
    words: set[str] = set()
    for path in paths:
        words |= set(WORD.findall(path))
        with open(path, encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    words |= set(WORD.findall(cell))
    return words


def latin_words(text: str, allowed: set[str]) -> set[str]:
    """The Latin words of ``text`` that none of the rules above allows."""
    text = FILE.sub(" ", FLAG.sub(" ", text))
    return {
        w
        for w in WORD.findall(text)
        if w not in allowed and HORIZON.sub("", w) not in allowed and w not in ACRONYMS
    }
