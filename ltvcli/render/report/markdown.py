"""The report as Markdown, with its charts as PNG files in ``<name>_files/`` beside it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ltvcli.io.atomic import atomic_output
from ltvcli.render.cells import markdown_text
from ltvcli.render.i18n import Words
from ltvcli.render.report import cells, kpi_cards, verdict_text, versus
from ltvcli.render.report.charts import draw
from ltvcli.render.report.html import section_text
from ltvcli.results import Report


def markdown(report: Report, words: Words, generated: dt.datetime, path: Path) -> str:
    folder = path.with_name(f"{path.stem}_files")
    lines = [f"# {words('title')}", "", f"{words('as_of')} {words.date(report.as_of)} · "
             f"{words('generated')} {words.moment(generated)}", ""]  # fmt: skip
    cards = kpi_cards(report, words)
    lines += ["| " + " | ".join(markdown_text(c["label"]) for c in cards) + " |",
              "|" + "---|" * len(cards),
              "| " + " | ".join(f"**{markdown_text(c['value'])}**" for c in cards) + " |"]  # fmt: skip
    if report.previous_as_of:
        lines.append("| " + " | ".join(markdown_text(c["change"]) for c in cards) + " |")
        lines += ["", markdown_text(versus(report, words))]
    lines.append("")
    for section in report.sections:
        lines += [f"## {words(section.title)}", ""]
        if section.key == "headline":
            lines += [f"**{verdict_text(report, words)}**", ""]
        lines += [*(f"{markdown_text(t)}\n" for t in section_text(section, words))]
        for i, chart in enumerate(section.charts):
            name = f"{section.key}-{i + 1}.png"
            with atomic_output(folder / name, "wb") as handle:
                handle.write(draw(chart, words, "png"))
            lines += [f"![{words(chart.title)}]({folder.name}/{name})", ""]
        for table in section.tables:
            header, rows = cells(table, words)
            lines.append("| " + " | ".join(markdown_text(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines) + "\n"
