"""Rich tables for a terminal: labels, right-aligned numbers, notes under the table."""

from __future__ import annotations

import io
from typing import IO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ltvcli.render.cells import human_text, terminal_text
from ltvcli.render.result import Result

TERMINAL_ROWS = 100  # a terminal shows the head of a long table; files get every row


def build_table(result: Result, max_rows: int | None = None) -> Table:
    frame = result.frame
    title = _texts([result.title])[0] if result.title else None
    table = Table(title=title, title_justify="left", header_style="bold")
    if result.record:
        table.add_column("Metric")
        for header in result.record_headers():
            table.add_column(header, justify="right")
        for column in result.record_rows():
            table.add_row(
                *_texts([result.label(column), *human_text(frame[column], result.kind(column))])
            )
        return table
    shown = frame if max_rows is None else frame.head(max_rows)
    for column in frame.columns:
        text = result.kind(column) == "text"
        justify = "left" if text else "right"
        table.add_column(
            _texts([result.label(column)])[0], justify=justify, overflow="fold", no_wrap=not text
        )
    cells = [human_text(shown[c], result.kind(c)) for c in shown.columns]
    for row in zip(*cells, strict=True):
        table.add_row(*_texts(row))
    return table


def _texts(cells) -> list[Text]:
    """Cells as plain text: no rich markup read from the data, no control characters."""
    return [Text(terminal_text(str(c))) for c in cells]


def print_table(result: Result, stream: IO[str], terminal: bool) -> None:
    # A terminal wraps text to its width; a file or pipe gets the table at its natural width.
    width = None if terminal else 10_000
    console = Console(
        file=stream, force_terminal=terminal, highlight=False, soft_wrap=False, width=width
    )
    limit = TERMINAL_ROWS if terminal else None
    console.print(build_table(result, limit))
    notes = list(result.notes)
    if limit is not None and not result.record and len(result.frame) > limit:
        notes.insert(
            0, f"first {limit} of {len(result.frame):,} rows; --top N, -f csv or -o FILE for all"
        )
    for note in notes:
        console.print(f"[dim]{note}[/dim]" if terminal else note)


def table_text(result: Result) -> str:
    buffer = io.StringIO()
    print_table(result, buffer, terminal=False)
    return buffer.getvalue()
