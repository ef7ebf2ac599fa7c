"""One self-contained HTML file: inline CSS and SVG, no script, no font or file from elsewhere.

Readable on a phone (the tables scroll sideways in their own box), printable (print CSS), and
every string that comes from the data is escaped by the template engine.
"""

from __future__ import annotations

import datetime as dt

from ltvcli.render.i18n import Words
from ltvcli.render.report import cells, kpi_cards, segment_keys, verdict_text, versus
from ltvcli.render.report.charts import draw
from ltvcli.results import Report, Section

TEMPLATE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · {{ as_of }}</title>
<style>
  :root { --ink: #1a202c; --muted: #4a5568; --line: #e2e8f0; --accent: #2b6cb0; }
  body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
         color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 16px; }
  header { border-bottom: 3px solid var(--accent); margin-bottom: 12px; }
  h1 { font-size: 1.6em; margin: 0 0 4px; }
  h2 { font-size: 1.25em; margin: 28px 0 8px; border-bottom: 1px solid var(--line); }
  .meta, .note { color: var(--muted); font-size: 0.9em; }
  .verdict { font-size: 1.15em; font-weight: 600; padding: 10px 14px; border-radius: 6px;
             background: #ebf8ff; border-left: 5px solid var(--accent); }
  .verdict.loses { background: #fff5f5; border-color: #c53030; }
  .verdict.barely { background: #fffaf0; border-color: #dd6b20; }
  .scroll { overflow-x: auto; margin: 8px 0 16px; }
  table { border-collapse: collapse; font-size: 0.88em; }
  th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
  th { background: #f7fafc; }
  .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr));
           gap: 10px; margin: 14px 0 6px; }
  .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
  .card .label { color: var(--muted); font-size: 0.85em; }
  .card .value { font-size: 1.45em; font-weight: 600; white-space: nowrap; }
  .card .change { font-size: 0.85em; color: var(--muted); }
  .card .good { color: #2f855a; } .card .bad { color: #c53030; }
  figure { margin: 8px 0 16px; }
  figure svg { width: 100%; height: auto; max-width: 820px; }
  @media print { body { max-width: none; font-size: 11px; } h2 { break-after: avoid; }
                 figure, table { break-inside: avoid; } .scroll { overflow: visible; } }
</style>
</head>
<body>
<header>
  <h1>{{ title }}</h1>
  <p class="meta">{{ words("as_of") }} {{ as_of }} · {{ words("generated") }} {{ generated }}</p>
</header>
<div class="cards">
{% for card in cards %}
  <div class="card"><div class="label">{{ card.label }}</div><div class="value">{{ card.value }}</div>
  {% if card.change %}<div class="change"><span class="{{ card.tone }}">{{ card.change }}</span> {{ versus }}</div>{% endif %}</div>
{% endfor %}
</div>
{% for section in sections %}
<section id="{{ section.key }}">
  <h2>{{ section.title }}</h2>
  {% if section.verdict %}<p class="verdict {{ section.verdict_class }}">{{ section.verdict }}</p>{% endif %}
  {% for line in section.text %}<p class="note">{{ line }}</p>{% endfor %}
  {% for chart in section.charts %}<figure>{{ chart }}</figure>{% endfor %}
  {% for table in section.tables %}
  <div class="scroll"><table>
    {% if table.header and table.header[0] %}<thead><tr>{% for h in table.header %}<th>{{ h }}</th>{% endfor %}</tr></thead>{% endif %}
    <tbody>{% for row in table.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</tbody>
  </table></div>
  {% endfor %}
</section>
{% endfor %}
</body>
</html>
"""


def html(report: Report, words: Words, generated: dt.datetime) -> str:
    from jinja2 import Environment
    from markupsafe import Markup

    environment = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    sections = []
    for section in report.sections:
        tables = []
        for table in section.tables:
            header, rows = cells(table, words)
            tables.append({"header": header, "rows": rows})
        charts = [Markup(_svg(draw(chart, words, "svg"))) for chart in section.charts]
        sections.append(
            {"key": section.key, "title": words(section.title), "tables": tables, "charts": charts,
             "text": section_text(section, words), **_verdict(section, report, words)}
        )  # fmt: skip
    return environment.from_string(TEMPLATE).render(
        lang=words.lang, title=words("title"), as_of=words.date(report.as_of),
        generated=words.moment(generated), sections=sections, words=words,
        cards=kpi_cards(report, words), versus=versus(report, words),
    )  # fmt: skip


def section_text(section: Section, words: Words) -> list[str]:
    """The sentences under a section's title (shared with the Markdown report)."""
    if section.key == "headline" or section.key == "predictions":
        return [words(t) for t in section.text if t != "verdict"]
    if section.key.startswith("segments"):
        many = "segments_by_many" if ", " in section.text[0] and words.lang != "en" else ""
        return [words(many or "segments_by", keys=segment_keys(section.text[0], words))]
    if section.key == "cohorts":
        return [words("cohorts_by", period=words.period(section.text[0]))]
    if section.key == "call_list":
        n = int(section.text[0])
        return [words("call_list_intro", n=section.text[0], customers=words.plural(n, "customers"))]
    if section.key == "data_quality":
        rows = words.count(int(section.text[0].replace(",", "")))  # "21,585" (ltvcli.report)
        return [words("rows_read", n=rows), *(words.note(t) for t in section.text[1:])]
    if section.key == "definitions":
        return [words("definitions_intro")]
    return list(section.text)


def _verdict(section: Section, report: Report, words: Words) -> dict[str, str]:
    if section.key != "headline":
        return {}
    css = {"loses money": "loses", "barely pays": "barely"}.get(str(report.kpis.get("verdict")), "")
    return {"verdict": verdict_text(report, words), "verdict_class": css}


def _svg(data: bytes) -> str:
    """The SVG element alone (no XML declaration or doctype) to sit inside the page."""
    text = data.decode("utf-8")
    return text[text.index("<svg") :]
