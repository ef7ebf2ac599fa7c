"""What a command computed, before it is rendered: rows, column kinds and labels, notes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Result:
    """A table of results.

    Money columns hold integer cents, dates ISO strings, rates fractions (0.25 = 25 %).
    ``record`` marks a KPI record (one row per currency): shown transposed on a terminal and
    as one JSON object (or one per currency).
    """

    frame: pd.DataFrame
    kinds: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)
    title: str = ""
    notes: list[str] = field(default_factory=list)
    record: bool = False

    def label(self, column: str) -> str:
        return self.labels.get(column, column)
