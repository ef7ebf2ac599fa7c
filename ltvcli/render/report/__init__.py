"""Reports for people and for cron: one ``Report`` as HTML, Markdown (+ PNG charts), XLSX or JSON.

The format comes from the output's extension. Every file is written atomically; the same input
gives the same bytes apart from the generation timestamp.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import cast

from ltvcli.errors import ConfigError
from ltvcli.io.atomic import atomic_output
from ltvcli.messages import Message
from ltvcli.render.cells import json_values
from ltvcli.render.i18n import Words
from ltvcli.results import Report, Result, Section

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".xlsx": "xlsx", ".json": "json"}


def report_format(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ConfigError(
            Message("a report is .html, .md, .xlsx or .json, not {name!r}", name=Path(path).name)
        )
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
            handle.write(workbook_bytes(tables, words))
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
         "currency": report.currency, "kpis": kpis, "previous": _previous(report),
         "sections": sections}
    )  # fmt: skip
    return cast(dict[str, object], data)  # json_safe keeps a dict a dict


def localised(result: Result, words: Words) -> Result:
    """The report's own tables whose text cells are ltv's words rather than data: the
    definitions (the metric's label before its key, the formula in the language) and the
    canonical field names of the detected columns. English tables are left as they are."""
    if words.lang == "en" or result.title not in ("definitions", "detected"):
        return result
    frame = result.frame.copy()
    if result.title == "detected":
        frame["field"] = [words.field(str(f)) for f in frame["field"]]
    else:
        english = _english_labels()
        keys = [str(k) for k in frame["key"]]
        frame["formula"] = [
            words.formula(k, str(f)) for k, f in zip(keys, frame["formula"], strict=True)
        ]
        frame["key"] = [f"{words.label(k, english.get(k, k))} ({k})" for k in keys]
    return replace(result, frame=frame)


def _english_labels() -> dict[str, str]:
    from ltvcli.metrics import METRICS

    return {m.key: m.label for m in METRICS}


def cells(result: Result, words: Words) -> tuple[list[str], list[list[str]]]:
    """Header and body of a table for people, transposed for a record."""
    result = localised(result, words)
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


# The KPI cards on the report's first screen; "ltv" is the LTV that LTV:CAC uses.
CARDS = ("ltv", "ltv_cac_ratio", "repeat_rate", "cac", "payback_months", "customers")
LOWER_IS_BETTER = ("cac", "payback_months")
_LTV_OF_BASIS = {
    "formula-margin": "ltv_formula_margin", "formula-revenue": "ltv_formula",
    "historical-margin": "ltv_historical_margin", "historical-revenue": "ltv_historical",
}  # fmt: skip


def kpi_cards(report: Report, words: Words) -> list[dict[str, str]]:
    """Label, value and change against the previous period of each card (HTML, Markdown)."""
    import pandas as pd

    from ltvcli.metrics import METRIC_BY_KEY

    cards = []
    for card in CARDS:
        key = _LTV_OF_BASIS.get(str(report.kpis.get("ltv_basis")), "ltv_historical")
        key = key if card == "ltv" else card
        metric = METRIC_BY_KEY[key]
        now, before = (
            json_values(pd.Series([record.get(key) if record else None]), metric.kind)[0]
            for record in (report.kpis, report.previous)
        )
        change = words.change(_number(now), _number(before), metric.kind)
        up = change.startswith("+")
        good = up != (key in LOWER_IS_BETTER)
        cards.append({
            "label": words.label(key, metric.label), "value": words.cell(now, metric.kind),
            "change": change, "tone": ("good" if good else "bad") if change else "",
        })  # fmt: skip
    return cards


def _previous(report: Report) -> dict[str, object] | None:
    """The KPIs one churn window earlier, as the JSON of ``kpis`` has them (currency units)."""
    import pandas as pd

    from ltvcli.metrics import METRIC_BY_KEY

    if report.previous is None or report.previous_as_of is None:
        return None
    kpis = {
        key: json_values(pd.Series([value]), METRIC_BY_KEY[key].kind)[0]
        for key, value in report.previous.items()
        if key in METRIC_BY_KEY
    }
    return {"as_of": report.previous_as_of.isoformat(), "kpis": kpis}


def versus(report: Report, words: Words) -> str:
    """``vs 2024-06-30``: the date the cards' changes compare with."""
    return words("versus", date=words.date(report.previous_as_of)) if report.previous_as_of else ""


def _number(value: object) -> float | None:
    return float(cast(float, value)) if isinstance(value, int | float) else None


def verdict_text(report: Report, words: Words) -> str:
    verdict, ratio = report.kpis.get("verdict"), report.kpis.get("ltv_cac_ratio")
    if verdict is None:
        return words("verdict_none")
    return words(str(verdict), ratio=words.number(float(cast(float, ratio)), 1))


def _titled(result: Result, words: Words, section: Section) -> Result:
    """A table named for its sheet: "By segment city" rather than "segments" (the workbook
    shortens a long name by whole words)."""
    title = words(result.title)
    if result.title == "segments":
        title = f"{title} {segment_keys(section.text[0], words, quoted=False)}"
    result = localised(result, words)
    labels = {c: words.label(c, result.label(c)) for c in result.frame.columns}
    return replace(result, labels=labels, title=title)


def segment_keys(keys: str, words: Words, quoted: bool = True) -> str:
    """The segment keys of a section (``city, channel``) as a sentence names them: as they are
    in English, by their label (``«Город», «Канал»``) in Russian."""
    if words.lang == "en":
        return keys
    names = [words.label(k, k) for k in keys.split(", ")]
    return ", ".join(f"«{n}»" if quoted else n for n in names)


def _write(path: str, text: str) -> None:
    with atomic_output(path) as handle:
        handle.write(text)
