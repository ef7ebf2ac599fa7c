"""The one dispatch from a ``Result`` to output, for every command and format."""

from __future__ import annotations

import json
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.errors import ConfigError
from ltvcli.io.atomic import atomic_output
from ltvcli.render.cells import arrow, human_text, json_values, machine_text
from ltvcli.render.formats import BINARY, OutputFormat
from ltvcli.render.result import Result

XLSX_MAX_ROWS = 1_048_575


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
    if fmt in BINARY:
        if output is None and terminal:
            raise ConfigError(f"{fmt} output is binary: give -o FILE or pipe it")
        data = render_bytes(result, fmt)
        if output is None:
            stdout.flush()
            stdout.buffer.write(data)
            stdout.buffer.flush()
        else:
            with atomic_output(output, "wb") as handle:
                handle.write(data)
        return
    _write(render_text(result, fmt), output, stdout)


def render_text(result: Result, fmt: OutputFormat) -> str:
    if fmt in (OutputFormat.csv, OutputFormat.tsv):
        return _delimited(result, "," if fmt is OutputFormat.csv else "\t")
    if fmt is OutputFormat.json:
        return json.dumps(_json(result), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt is OutputFormat.jsonl:
        return "".join(
            json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n" for row in rows(result)
        )
    if fmt is OutputFormat.markdown:
        return _markdown(result)
    from ltvcli.render.table import table_text

    return table_text(result)


def render_bytes(result: Result, fmt: OutputFormat) -> bytes:
    if fmt is OutputFormat.parquet:
        import pyarrow.parquet as pq

        sink = pa.BufferOutputStream()
        table = typed_table(result)
        few = [f.name for f in table.schema if f.name in _few_values(result)]
        pq.write_table(
            table, sink, compression="snappy", use_dictionary=few, write_statistics=False
        )
        return sink.getvalue().to_pybytes()
    from ltvcli.render.xlsx import workbook_bytes

    if len(result.frame) > XLSX_MAX_ROWS:
        raise ConfigError(
            f"{len(result.frame):,} rows do not fit in an Excel sheet; use --top, csv or parquet"
        )
    return workbook_bytes([result])


def _few_values(result: Result) -> set[str]:
    """Text columns worth dictionary-encoding in Parquet (categoricals: city, status...)."""
    frame = result.frame
    return {c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}


def typed_table(result: Result) -> pa.Table:
    """The result as an Arrow table with real types (decimal money, date32 dates)."""
    return pa.table({c: arrow(result.frame[c], result.kind(c)) for c in result.frame.columns})


def rows(result: Result) -> list[dict[str, object]]:
    columns = list(result.frame.columns)
    values = [json_values(result.frame[c], result.kind(c)) for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _json(result: Result) -> object:
    records = rows(result)
    if not result.record:
        return records
    if len(records) == 1:
        return records[0]
    return {
        "currencies": [r.get("currency") for r in records],
        "by_currency": {r.get("currency") or "": r for r in records},
    }


def _delimited(result: Result, delimiter: str) -> str:
    """RFC 4180 text, quoting only the cells that need it, built column-wise in Arrow."""
    frame = result.frame
    names = pa.array([str(c) for c in frame.columns], pa.string())
    header = delimiter.join(_quote(names, delimiter).to_pylist()) + "\n"
    if frame.empty:
        return header
    cells = [
        _quote(machine_text(frame[c], result.kind(c), spreadsheet=True), delimiter)
        for c in frame.columns
    ]
    lines = pc.binary_join_element_wise(*cells, delimiter, null_handling="replace")
    lines = pc.binary_join_element_wise(lines, "\n", "")
    return header + "".join(lines.to_pylist())


def _quote(text: pa.Array, delimiter: str) -> pa.Array:
    needs = pc.fill_null(pc.match_substring_regex(text, f'[{delimiter}"\\n\\r]'), False)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(needs, quoted, text), "")


def _markdown(result: Result) -> str:
    frame = result.frame
    if result.record:
        header = ["Metric", *result.record_headers()]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for c in result.record_rows():
            cells = human_text(frame[c], result.kind(c))
            lines.append("| " + " | ".join([result.label(c), *cells]) + " |")
    else:
        cols = list(frame.columns)
        lines = ["| " + " | ".join(result.label(c) for c in cols) + " |", "|" + "---|" * len(cols)]
        cells = [human_text(frame[c], result.kind(c)) for c in cols]
        lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in zip(*cells, strict=True)]
    title = f"## {result.title}\n\n" if result.title else ""
    notes = "".join(f"\n{note}\n" for note in result.notes)
    return title + "\n".join(lines) + "\n" + notes


def _md(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def emit_document(
    document: dict[str, object],
    results: list[Result],
    fmt: OutputFormat,
    output: str | None,
    stdout: IO[str],
    terminal: bool = False,
) -> None:
    """A report of several tables: JSON gets ``document`` whole, Excel one sheet per table,
    CSV/TSV/Parquet the first table, a terminal and Markdown every table in turn."""
    if fmt in (OutputFormat.json, OutputFormat.jsonl):
        indent = 2 if fmt is OutputFormat.json else None
        text = json.dumps(json_safe(document), ensure_ascii=False, indent=indent, allow_nan=False)
        _write(text + "\n", output, stdout)
    elif fmt is OutputFormat.xlsx:
        from ltvcli.render.xlsx import workbook_bytes

        if output is None and terminal:
            raise ConfigError("xlsx output is binary: give -o FILE or pipe it")
        data = workbook_bytes(results)
        if output is None:
            stdout.flush()
            stdout.buffer.write(data)
        else:
            with atomic_output(output, "wb") as handle:
                handle.write(data)
    elif fmt in (OutputFormat.csv, OutputFormat.tsv, OutputFormat.parquet):
        emit(results[0], fmt, output, stdout, terminal)
    elif fmt is OutputFormat.table and output is None:
        for result in results:
            emit(result, fmt, None, stdout, terminal)
    else:
        _write("\n".join(render_text(r, fmt) for r in results), output, stdout)


def _write(text: str, output: str | None, stdout: IO[str]) -> None:
    if output is None:
        stdout.write(text)
        stdout.flush()
    else:
        with atomic_output(output) as handle:
            handle.write(text)


def json_safe(value: object) -> object:
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return json_safe(value.item())
    return value
