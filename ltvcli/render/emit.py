"""The one dispatch from a ``Result`` to output, for every command and format."""

from __future__ import annotations

import csv
import io
import json
from typing import IO

from ltvcli.io.atomic import atomic_output
from ltvcli.render.formats import OutputFormat
from ltvcli.render.result import Result
from ltvcli.render.values import human, json_value, machine


def emit(
    result: Result,
    fmt: OutputFormat,
    output: str | None,
    stdout: IO[str],
    terminal: bool = False,
) -> None:
    """Render ``result`` as ``fmt`` to the file ``output`` (atomically) or to ``stdout``."""
    if fmt is OutputFormat.table and output is None:
        from ltvcli.render.table import print_table

        print_table(result, stdout, terminal)
        return
    text = render_text(result, fmt)
    if output is None:
        stdout.write(text)
        stdout.flush()
    else:
        with atomic_output(output) as handle:
            handle.write(text)


def render_text(result: Result, fmt: OutputFormat) -> str:
    if fmt in (OutputFormat.csv, OutputFormat.tsv):
        return _delimited(result, "," if fmt is OutputFormat.csv else "\t")
    if fmt is OutputFormat.json:
        return json.dumps(_json(result), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt is OutputFormat.jsonl:
        return "".join(
            json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n" for row in _rows(result)
        )
    if fmt is OutputFormat.markdown:
        return _markdown(result)
    from ltvcli.render.table import table_text

    return table_text(result)


def _rows(result: Result) -> list[dict[str, object]]:
    columns = list(result.frame.columns)
    return [
        {c: json_value(v, result.kinds.get(c, "text")) for c, v in zip(columns, row, strict=True)}
        for row in result.frame.itertuples(index=False, name=None)
    ]


def _json(result: Result) -> object:
    rows = _rows(result)
    if not result.record:
        return rows
    if len(rows) == 1:
        return rows[0]
    return {
        "currencies": [r.get("currency") for r in rows],
        "by_currency": {r.get("currency") or "": r for r in rows},
    }


def _delimited(result: Result, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    columns = list(result.frame.columns)
    writer.writerow(columns)
    kinds = [result.kinds.get(c, "text") for c in columns]
    for row in result.frame.itertuples(index=False, name=None):
        writer.writerow([machine(v, k) for v, k in zip(row, kinds, strict=True)])
    return buffer.getvalue()


def _markdown(result: Result) -> str:
    frame, kinds = result.frame, result.kinds
    if result.record:
        header = ["Metric", *result.record_headers()]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for c in result.record_rows():
            cells = [human(v, kinds.get(c, "text")) for v in frame[c]]
            lines.append("| " + " | ".join([result.label(c), *cells]) + " |")
    else:
        cols = list(frame.columns)
        lines = ["| " + " | ".join(result.label(c) for c in cols) + " |", "|" + "---|" * len(cols)]
        for row in frame.itertuples(index=False, name=None):
            cells = [human(v, kinds.get(c, "text")) for v, c in zip(row, cols, strict=True)]
            lines.append("| " + " | ".join(cells) + " |")
    title = f"## {result.title}\n\n" if result.title else ""
    return title + "\n".join(lines) + "\n"
