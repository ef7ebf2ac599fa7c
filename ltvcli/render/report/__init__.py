"""Reports for people and for cron: one ``Report`` as HTML, Markdown (+ PNG charts), XLSX or JSON.

The format comes from the output's extension. Every file is written atomically; the same input
gives the same bytes apart from the generation timestamp.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import cast

from ltvcli.errors import ConfigError
from ltvcli.io.atomic import atomic_output
from ltvcli.render.cells import json_values
from ltvcli.render.report.i18n import Words
from ltvcli.results import Report, Result, Section

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".xlsx": "xlsx", ".json": "json"}


def report_format(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ConfigError(f"a report is .html, .md, .xlsx or .json, not {Path(path).name!r}")
    return FORMATS[suffix]


def write_report(report: Report, path: str, lang: str, generated: dt.datetime) -> None:
    words = Words(lang, report.currency)
    fmt = report_format(path)
    if fmt == "html":
        from ltvcli.render.report.html import html

        _write(path, html(report, words, generated))
    elif fmt == "markdown":
        from ltvcli.render.report.markdown import markdown

        _write(path, markdown(report, words, generated, Path(path)))
    elif fmt == "xlsx":
        from ltvcli.render.xlsx import workbook_bytes

        tables = [_titled(t, words, s) for s in report.sections for t in s.tables]
        with atomic_output(path, "wb") as handle:
            handle.write(workbook_bytes(tables))
    else:
        _write(path, json.dumps(document(report, generated), ensure_ascii=False, indent=2) + "\n")


def document(report: Report, generated: dt.datetime) -> dict[str, object]:
    """The report as data: the KPIs, then every table as a list of rows (money in currency
    units)."""
    from ltvcli.render.emit import json_safe, rows

    sections: dict[str, dict[str, object]] = {}
    kpis = None  # the headline record, also at the top: where a script looks first
    for section in report.sections:
        if section.key == "headline" and section.tables:
            kpis = rows(section.tables[0])[0]
        sections[section.key] = {
            t.title: (rows(t)[0] if t.record else rows(t)) for t in section.tables
        }
        if section.key == "data_quality":  # what ltv is unsure of, and its notes, for cron too
            sections[section.key]["notes"] = list(section.text[1:])
    data = json_safe(
        {"as_of": report.as_of.isoformat(), "generated": generated.isoformat(timespec="seconds"),
         "currency": report.currency, "kpis": kpis, "sections": sections}
    )  # fmt: skip
    return cast(dict[str, object], data)  # json_safe keeps a dict a dict


def cells(result: Result, words: Words) -> tuple[list[str], list[list[str]]]:
    """Header and body of a table for people, transposed for a record."""
    frame = result.frame
    columns = list(frame.columns)
    values = {c: json_values(frame[c], result.kind(c)) for c in columns}
    text = {c: [words.cell(v, result.kind(c)) for v in values[c]] for c in columns}
    if result.record:
        return ["", ""], [
            [words.label(c, result.label(c)), text[c][0]] for c in columns if c != "currency"
        ]
    header = [words.label(c, result.label(c)) for c in columns]
    return header, [list(row) for row in zip(*(text[c] for c in columns), strict=True)]


def verdict_text(report: Report, words: Words) -> str:
    verdict, ratio = report.kpis.get("verdict"), report.kpis.get("ltv_cac_ratio")
    if verdict is None:
        return words("verdict_none")
    return words(str(verdict), ratio=words.number(float(cast(float, ratio)), 1))


def _titled(result: Result, words: Words, section: Section) -> Result:
    """A table named for its sheet: "By segment city" rather than "segments"."""
    title = words(result.title)
    if result.title == "segments":
        title = f"{title} {section.text[0]}"
    labels = {c: words.label(c, result.label(c)) for c in result.frame.columns}
    return Result(result.frame, result.kinds, labels, title[:31], result.notes, result.record)


def _write(path: str, text: str) -> None:
    with atomic_output(path) as handle:
        handle.write(text)
