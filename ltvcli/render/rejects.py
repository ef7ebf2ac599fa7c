"""``--rejects FILE``: the skipped rows with file, row and reason, for the user to fix."""

from __future__ import annotations

import csv

from ltvcli.io.atomic import atomic_output
from ltvcli.schema.report import LoadReport


def write_rejects(report: LoadReport, path: str) -> None:
    columns: dict[str, None] = {"file": None, "row": None, "reason": None}
    for row in report.rejected:
        columns.update(dict.fromkeys(row))
    with atomic_output(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(report.rejected)
