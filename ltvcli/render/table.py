"""Rich tables for a terminal: labels, right-aligned numbers, notes under the table."""

from __future__ import annotations

import io
from typing import IO

from rich.console import Console
from rich.table import Table

from ltvcli.render.result import Result
from ltvcli.render.values import human

_NUMERIC = {"money", "count", "rate"}


def build_table(result: Result) -> Table:
    frame, kinds = result.frame, result.kinds
    table = Table(title=result.title or None, title_justify="left", header_style="bold")
    if result.record:
        table.add_column("Metric")
        for header in result.record_headers():
            table.add_column(header, justify="right")
        for column in result.record_rows():
            kind = kinds.get(column, "text")
            table.add_row(result.label(column), *[human(v, kind) for v in frame[column]])
        return table
    for column in frame.columns:
        justify = "right" if kinds.get(column) in _NUMERIC else "left"
        table.add_column(result.label(column), justify=justify)
    for row in frame.itertuples(index=False, name=None):
        cells = [human(v, kinds.get(c, "text")) for v, c in zip(row, frame.columns, strict=True)]
        table.add_row(*cells)
    return table


def print_table(result: Result, stream: IO[str], terminal: bool) -> None:
    console = Console(file=stream, force_terminal=terminal, highlight=False, soft_wrap=False)
    console.print(build_table(result))
    for note in result.notes:
        console.print(f"[dim]{note}[/dim]" if terminal else note)


def table_text(result: Result) -> str:
    buffer = io.StringIO()
    print_table(result, buffer, terminal=False)
    return buffer.getvalue()
