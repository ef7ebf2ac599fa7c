"""Excel workbooks: one sheet per table, real numeric cells with number formats, frozen header, filters."""

from __future__ import annotations

import io
from typing import cast

import pandas as pd

from ltvcli.render.cells import json_values, machine_text, neutral_name
from ltvcli.results import Result

NUMBER_FORMATS = {
    "money": "#,##0.00",
    "count": "#,##0",
    "rate": "0.0%",
    "number": "#,##0.00",
    "date": "yyyy-mm-dd",
}


def workbook_bytes(results: list[Result]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})  # fmt: skip
    header = book.add_format({"bold": True, "bottom": 1})
    formats = {k: book.add_format({"num_format": f}) for k, f in NUMBER_FORMATS.items()}
    used: set[str] = set()
    for result in results:
        sheet = book.add_worksheet(_sheet_name(result.title or "ltv", used))
        frame = result.frame
        for col, name in enumerate(frame.columns):
            kind = result.kind(name)
            sheet.write_string(0, col, neutral_name(result.label(name)), header)
            values = _cells(frame[name], kind)
            for row, value in enumerate(values, start=1):
                if value is not None:
                    sheet.write(row, col, value, formats.get(kind))
            width = max([len(result.label(name)), *(len(str(v)) for v in values[:200])])
            sheet.set_column(col, col, min(max(width + 2, 8), 50))
        sheet.freeze_panes(1, 0)
        if len(frame.columns):
            sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    book.close()
    return buffer.getvalue()


def _cells(values: pd.Series, kind: str) -> list[object]:
    if kind == "date":
        return [
            None if v is None else pd.Timestamp(cast(str, v)).to_pydatetime()  # ISO dates
            for v in json_values(values, kind)
        ]
    if kind == "text":
        return cast(list[object], machine_text(values, kind, spreadsheet=True).to_pylist())
    return json_values(values, kind)


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name.lower())
    return name
