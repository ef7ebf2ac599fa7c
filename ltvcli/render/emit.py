"""The one dispatch from a ``Result`` to output, for every command and format."""

from __future__ import annotations

import codecs
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import IO, TextIO, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.errors import ConfigError
from ltvcli.io.atomic import atomic_output
from ltvcli.messages import Message
from ltvcli.render.cells import (
    arrow,
    json_values,
    machine_text,
    markdown_text,
    neutral_name,
)
from ltvcli.render.formats import BINARY, OutputFormat
from ltvcli.render.i18n import Words
from ltvcli.results import Result

XLSX_MAX_ROWS = 1_048_575
DECIMAL_KINDS = ("money", "rate", "number", "precise")  # cells with a decimal point
SLICE_ROWS = 250_000  # long tables are rendered and written this many rows at a time


def emit(
    result: Result,
    fmt: OutputFormat,
    output: str | None,
    stdout: TextIO,
    terminal: bool = False,
    excel: bool = False,
    words: Words | None = None,
) -> None:
    """Render ``result`` as ``fmt`` to the file ``output`` (atomically) or to ``stdout``;
    ``excel``: CSV as a Russian (or German...) Excel opens it with a double click."""
    if fmt is OutputFormat.table and output is None:
        from ltvcli.render.table import print_table

        print_table(result, stdout, terminal, words)
        return
    if fmt in BINARY and output is None and terminal:
        raise ConfigError(Message("{fmt} output is binary: give -o FILE or pipe it", fmt=fmt))
    if fmt is OutputFormat.parquet:
        _write_bytes(lambda handle: write_parquet(result, handle), output, stdout)
    elif fmt is OutputFormat.xlsx:
        _write_bytes(lambda handle: handle.write(render_bytes(result, fmt)), output, stdout)
    elif fmt in (OutputFormat.csv, OutputFormat.tsv):
        excel = excel and fmt is OutputFormat.csv
        delimiter = ";" if excel else "," if fmt is OutputFormat.csv else "\t"
        _write_bytes(
            lambda handle: write_delimited(result, delimiter, handle, excel), output, stdout
        )
    else:
        _write(render_text(result, fmt, words), output, stdout)


def render_text(result: Result, fmt: OutputFormat, words: Words | None = None) -> str:
    """The result as text; ``words``: the language of the formats for people (table,
    Markdown), English when None; CSV and JSON are the same in every language."""
    words = words or Words("en", None)
    if fmt in (OutputFormat.csv, OutputFormat.tsv):
        return _delimited(result, "," if fmt is OutputFormat.csv else "\t")
    if fmt is OutputFormat.json:
        return json.dumps(_json(result), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt is OutputFormat.jsonl:
        return "".join(
            json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n" for row in rows(result)
        )
    if fmt is OutputFormat.markdown:
        return _markdown(result, words)
    from ltvcli.render.table import table_text

    return table_text(result, words)


def render_bytes(result: Result, fmt: OutputFormat) -> bytes:
    if fmt is OutputFormat.parquet:
        sink = pa.BufferOutputStream()
        write_parquet(result, sink)
        return cast(bytes, sink.getvalue().to_pybytes())
    from ltvcli.render.xlsx import workbook_bytes

    if len(result.frame) > XLSX_MAX_ROWS:
        raise ConfigError(
            Message(
                "{rows:,} rows do not fit in an Excel sheet; use --top, csv or parquet",
                rows=len(result.frame),
            )
        )
    return workbook_bytes([result])


def _few_values(result: Result) -> set[str]:
    """Text columns worth dictionary-encoding in Parquet (categoricals: city, status...)."""
    frame = result.frame
    return {c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}


def typed_table(result: Result, frame: pd.DataFrame | None = None) -> pa.Table:
    """The result (or a slice of its rows) as an Arrow table with real types (decimal money,
    date32 dates)."""
    frame = result.frame if frame is None else frame
    return pa.table({c: arrow(frame[c], result.kind(c)) for c in frame.columns})


def _slices(result: Result) -> Iterator[pd.DataFrame]:
    """The result's rows a slice at a time: its frame cut up, then its further slices."""
    frame = result.frame
    for start in range(0, len(frame), SLICE_ROWS):
        yield frame.iloc[start : start + SLICE_ROWS]
    yield from result.more


def write_parquet(result: Result, sink: IO[bytes]) -> None:
    """Parquet written a slice at a time: memory holds two slices' Arrow columns, one being
    encoded and compressed (in a thread: Arrow releases the GIL) while the next is converted."""
    import pyarrow.parquet as pq

    writer = None
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            writing = None
            for part in itertools.chain(_slices(result), [result.frame.iloc[:0]]):
                if writer is not None and not len(part):
                    continue  # the empty frame only gives an empty table its schema
                table = typed_table(result, part)
                if writer is None:
                    few = [f.name for f in table.schema if f.name in _few_values(result)]
                    # a text column empty in the first slice has no type of its own: text
                    schema = pa.schema(
                        [
                            f.with_type(pa.string()) if pa.types.is_null(f.type) else f
                            for f in table.schema
                        ]
                    )
                    writer = pq.ParquetWriter(
                        sink, schema, compression="snappy", use_dictionary=few,
                        write_statistics=False,
                    )  # fmt: skip
                table = table.cast(writer.schema)
                if writing is not None:
                    writing.result()
                writing = pool.submit(writer.write_table, table)
            if writing is not None:
                writing.result()
    finally:  # also on Ctrl-C: a writer left open complains from its destructor
        if writer is not None:
            writer.close()


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
    sink = pa.BufferOutputStream()
    write_delimited(result, delimiter, sink)
    return cast(bytes, sink.getvalue().to_pybytes()).decode("utf-8")


def write_delimited(result: Result, delimiter: str, sink: IO[bytes], excel: bool = False) -> None:
    """RFC 4180 text, quoting only the cells that need it, built column-wise in Arrow a slice
    of rows at a time and written from Arrow's buffer (no Python string per line). ``excel``:
    a UTF-8 byte-order mark first and decimal commas (with ``;`` between cells), which is what
    Excel in a Russian, German or French locale reads without the import wizard."""
    frame = result.frame
    names = pa.array([neutral_name(str(c)) for c in frame.columns], pa.string())
    if excel:
        sink.write(codecs.BOM_UTF8)
    sink.write((delimiter.join(_quote(names, delimiter).to_pylist()) + "\n").encode("utf-8"))
    for part in _slices(result):
        cells = [
            _quote(_cell_text(part[c], result.kind(c), excel), delimiter) for c in part.columns
        ]
        lines = pc.binary_join_element_wise(*cells, delimiter, null_handling="replace")
        lines = (
            pc.binary_join_element_wise(lines, "\n", "").combine_chunks()
            if isinstance(lines, pa.ChunkedArray)
            else pc.binary_join_element_wise(lines, "\n", "")
        )
        sink.write(_text_bytes(lines))


def _cell_text(values: pd.Series, kind: str, excel: bool) -> pa.Array:
    text = machine_text(values, kind, spreadsheet=True)
    if excel and kind in DECIMAL_KINDS:
        return pc.replace_substring(text, ".", ",")
    return text


def _text_bytes(lines: pa.Array) -> memoryview:
    """The concatenated text of a string array without nulls: its data buffer, as is."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset :]
    start, end = int(offsets[0]), int(offsets[len(lines)])
    return memoryview(lines.buffers()[2])[start:end]


def _quote(text: pa.Array, delimiter: str) -> pa.Array:
    needs = pc.fill_null(pc.match_substring_regex(text, f'[{delimiter}"\\n\\r]'), False)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(needs, quoted, text), "")


def _markdown(result: Result, words: Words) -> str:
    frame = result.frame
    rows: Iterable[Sequence[str]]
    if result.record:
        header = [words("Metric"), *(words(h) for h in result.record_headers())]
        rows = [
            [words.label(c, result.label(c)), *words.column(frame[c], result.kind(c))]
            for c in result.record_rows()
        ]
    else:
        cols = list(frame.columns)
        header = [words.label(c, result.label(c)) for c in cols]
        rows = zip(*[words.column(frame[c], result.kind(c)) for c in cols], strict=True)
    lines = [_md_row(header), "|" + "---|" * len(header), *(_md_row(row) for row in rows)]
    title = f"## {markdown_text(words(result.title))}\n\n" if result.title else ""
    notes = "".join(f"\n{markdown_text(words.note(note))}\n" for note in result.notes)
    return title + "\n".join(lines) + "\n" + notes


def _md_row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(markdown_text(str(c)) for c in cells) + " |"


def emit_document(
    document: dict[str, object],
    results: list[Result],
    fmt: OutputFormat,
    output: str | None,
    stdout: TextIO,
    terminal: bool = False,
    words: Words | None = None,
) -> None:
    """A report of several tables: JSON gets ``document`` whole, Excel one sheet per table,
    CSV/TSV/Parquet the first table, a terminal and Markdown every table in turn (in
    ``words``' language)."""
    if fmt in (OutputFormat.json, OutputFormat.jsonl):
        indent = 2 if fmt is OutputFormat.json else None
        text = json.dumps(json_safe(document), ensure_ascii=False, indent=indent, allow_nan=False)
        _write(text + "\n", output, stdout)
    elif fmt is OutputFormat.xlsx:
        from ltvcli.render.xlsx import workbook_bytes

        if output is None and terminal:
            raise ConfigError(
                Message("{fmt} output is binary: give -o FILE or pipe it", fmt="xlsx")
            )
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
            emit(result, fmt, None, stdout, terminal, words=words)
    else:
        _write("\n".join(render_text(r, fmt, words) for r in results), output, stdout)


def _write_bytes(write: Callable[[IO[bytes]], object], output: str | None, stdout: TextIO) -> None:
    """Call ``write(handle)`` on the output file (atomically) or on stdout's bytes."""
    if output is None:
        stdout.flush()
        write(stdout.buffer)
        stdout.buffer.flush()
    else:
        with atomic_output(output, "wb") as handle:
            write(handle)


def _write(text: str, output: str | None, stdout: TextIO) -> None:
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
