"""Excel workbooks: one sheet per table, real numeric cells with number formats, frozen header, filters."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, cast

import pandas as pd

from ltvcli.render.cells import json_values, machine_text, neutral_name
from ltvcli.results import Result

if TYPE_CHECKING:
    from ltvcli.render.i18n import Words

SHEET_NAME = 31  # Excel's limit

NUMBER_FORMATS = {
    "money": "#,##0.00",
    "count": "#,##0",
    "rate": "0.0%",
    "number": "#,##0.00",
    "date": "yyyy-mm-dd",
}


def workbook_bytes(results: list[Result], words: Words | None = None) -> bytes:
    """The workbook of ``results``; with ``words`` of a language other than English, ltv's own
    text values (verdicts, statuses, bases) in that language and dates as it writes them."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})  # fmt: skip
    header = book.add_format({"bold": True, "bottom": 1})
    number_formats = dict(NUMBER_FORMATS)
    if words is not None and words.lang == "ru":
        number_formats["date"] = "dd.mm.yyyy"
    formats = {k: book.add_format({"num_format": f}) for k, f in number_formats.items()}
    used: set[str] = set()
    for result in results:
        sheet = book.add_worksheet(_sheet_name(result.title or "ltv", used))
        frame = result.frame
        for col, name in enumerate(frame.columns):
            kind = result.kind(name)
            sheet.write_string(0, col, neutral_name(result.label(name)), header)
            values = _cells(frame[name], kind, words)
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


def _cells(values: pd.Series, kind: str, words: Words | None = None) -> list[object]:
    if kind == "date":
        return [
            None if v is None else pd.Timestamp(cast(str, v)).to_pydatetime()  # ISO dates
            for v in json_values(values, kind)
        ]
    if kind == "text":
        text = cast(list[object], machine_text(values, kind, spreadsheet=True).to_pylist())
        if words is None or words.lang == "en":
            return text
        return [v if v is None else words.value(str(v)) for v in text]
    return json_values(values, kind)


def _sheet_name(title: str, used: set[str]) -> str:
    """A sheet name Excel takes: no []:*?/\\, at most 31 characters, shortened by whole words
    (a single longer word is cut), unique in the workbook (`` 2``, `` 3``... added)."""
    clean = " ".join("".join(ch for ch in title if ch not in "[]:*?/\\").split()) or "Sheet"
    name, n = _fit(clean, SHEET_NAME), 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = _fit(clean, SHEET_NAME - len(suffix)) + suffix, n + 1
    used.add(name.lower())
    return name


def _fit(text: str, size: int) -> str:
    """The longest run of ``text``'s first words within ``size`` characters."""
    if len(text) <= size:
        return text
    words = text.split(" ")
    kept = words[0][:size]
    for word in words[1:]:
        if len(kept) + 1 + len(word) > size:
            break
        kept = f"{kept} {word}"
    return kept.rstrip(" ,;.-–—")
