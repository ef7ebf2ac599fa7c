"""What the analyses produce for people and machines: tables (``Result``) and reports.

The lowest layer of output: the analyses and ``ltvcli.tables`` build these, ``ltvcli.render``
writes them; neither imports the other's modules for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

EVERY_COLUMN = ("*",)  # a Result's priority when every column must show


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
    # The columns most worth a narrow terminal's room, most important first (the key columns
    # always show; the others follow in their order). ``EVERY_COLUMN``: all of them, or rows
    # printed as blocks.
    priority: tuple[str, ...] = ()
    choosable: bool = False  # its command takes --columns (the terminal's note then says so)
    total_row: bool = False  # the last row is the total: a terminal showing the head keeps it
    # Further rows of a table too long to hold, in slices: the csv, tsv and parquet writers
    # write them after ``frame``, a slice at a time.
    more: Iterable[pd.DataFrame] = ()

    def label(self, column: str) -> str:
        return self.labels.get(column, column)

    def kind(self, column: str) -> str:
        return self.kinds.get(column, "text")

    def record_headers(self) -> list[str]:
        """Column headers of a transposed record: one per currency ("Value" when unnamed)."""
        currencies = (
            self.frame["currency"] if "currency" in self.frame else [None] * len(self.frame)
        )
        return [c or "Value" for c in currencies]

    def record_rows(self) -> list[str]:
        """The metrics shown as rows of a transposed record (the currency is the header)."""
        return [c for c in self.frame.columns if c != "currency"]


@dataclass
class Chart:
    """A chart's data; ``kind`` picks the drawing (``ltvcli.render.report.charts``)."""

    kind: str  # histogram | bars | heatmap | curves | steps | trend
    title: str
    data: dict[str, object]


@dataclass
class Section:
    key: str
    title: str
    tables: list[Result] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


@dataclass
class Report:
    as_of: dt.date
    currency: str | None
    kpis: dict[str, object]
    sections: list[Section]
    # the same KPIs one churn window earlier (a year by default), for the change on the cards;
    # None when the data does not reach back that far
    previous: dict[str, object] | None = None
    previous_as_of: dt.date | None = None
