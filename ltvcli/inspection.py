"""``ltv inspect``: what was detected and what happened to every row, as plain data."""

from __future__ import annotations

from ltvcli.errors import InputError
from ltvcli.load import Loaded
from ltvcli.metrics import day_text


def inspection(loaded: Loaded) -> dict[str, object]:
    """A JSON-ready account of a load: files, dialects, mapping with reasons, rows by fate."""
    report, orders = loaded.report, loaded.orders
    sales = orders[orders["is_order"]]
    return {
        "files": [s.display() for s in report.sources],
        "rows_read": report.rows_read,
        "rows_skipped": dict(report.skipped.most_common()),
        "skipped_examples": [
            {"file": e.file, "row": e.row, "column": e.column, "reason": e.reason, "value": e.value}
            for e in report.examples
        ],
        "orders": len(sales),
        "refund_rows": int((~orders["is_order"]).sum()),
        "customers": int(orders.loc[orders["is_order"], "customer"].nunique()),
        "currencies": sorted(c for c in orders["currency"].dropna().unique()),
        "first_order": day_text(sales["ordered_at"].min()),
        "last_order": day_text(sales["ordered_at"].max()),
        "linked": report.customers,
        "warnings": report.warnings,
        "notes": report.notes,
    }


def unfinished_inspection(error: InputError) -> dict[str, object]:
    """What was found in files that give no orders (a column not settled, every row skipped),
    and why: inspect shows it before it fails."""
    sources = getattr(error, "sources", [])
    return {"files": [s.display() for s in sources], "error": str(error)}
