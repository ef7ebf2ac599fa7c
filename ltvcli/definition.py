"""The shape of a definition: every number the tool prints has a key, a label, a unit and a formula.

The registries (``customers.CUSTOMER_COLUMNS``, ``metrics.METRICS``, ``segments``, ``intervals``
and ``cohorts``) are lists of these; renderers take labels and kinds from them and
``docs/metrics.md`` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: (
        str  # money (cents) | count | rate (fraction) | number | precise (unrounded) | date | text
    )
    formula: str


def kinds(metrics: tuple[Metric, ...]) -> dict[str, str]:
    return {m.key: m.kind for m in metrics}


def labels(metrics: tuple[Metric, ...]) -> dict[str, str]:
    return {m.key: m.label for m in metrics}
