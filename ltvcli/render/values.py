"""Cell formatting by kind: the one place that turns cents, rates and dates into text."""

from __future__ import annotations

import math

import pandas as pd


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def cents_text(cents: int) -> str:
    """Exact decimal text of an amount in cents: ``-1234.50``."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{frac:02d}"


def machine(value: object, kind: str) -> str:
    """Text for CSV/TSV: plain numbers, ISO dates, empty for missing."""
    if is_missing(value):
        return ""
    if kind == "money":
        return cents_text(int(value))
    if kind == "rate":
        return f"{float(value):.6g}"
    return str(value)


def json_value(value: object, kind: str) -> object:
    """JSON value: money as a number of currency units (exact to the cent), missing as null."""
    if is_missing(value):
        return None
    if kind == "money":
        return int(value) / 100  # correctly rounded, so it prints as the exact 2-decimal value
    if kind == "count":
        return int(value)
    if kind == "rate":
        return round(float(value), 6)
    if hasattr(value, "item"):
        return value.item()
    return value


def human(value: object, kind: str) -> str:
    """Text for a terminal or Markdown: thousands separators, percentages."""
    if is_missing(value):
        return "—"
    if kind == "money":
        whole, frac = divmod(abs(int(value)), 100)
        return f"{'-' if int(value) < 0 else ''}{whole:,}.{frac:02d}"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "rate":
        return f"{float(value) * 100:.1f}%"
    return str(value)
