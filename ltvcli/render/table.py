"""Rich tables for a terminal: labels, right-aligned numbers, notes under the table.

A terminal gets the columns that fit its width, most important first (``Result.priority``):
the key columns (the leading text columns: the segment, the customer) always, every number
whole, and a note naming the columns left out and how to see them. A table that cannot show
its key and one number side by side, or whose every column was asked for (``--columns all``)
and does not fit, is printed as records: one block a row, a line a column. Files and pipes get
every column at its natural width.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import IO

import pandas as pd
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ltvcli.render.cells import MISSING, terminal_text
from ltvcli.render.i18n import Words
from ltvcli.results import EVERY_COLUMN, Result

TERMINAL_ROWS = 100  # a terminal shows the head of a long table; files get every row
KEY_WIDTH = 30  # a longer key (an e-mail, several attributes) wraps within this many characters
_EDGES = 3  # what a column takes besides its text: a space each side and a rule


@dataclass
class _Column:
    name: str
    label: str
    cells: list[str]
    text: bool

    @property
    def width(self) -> int:
        """Room for every cell whole (text beyond KEY_WIDTH wraps); the label wraps at spaces
        onto up to three lines."""
        cells = max((cell_len(c) for c in self.cells), default=0)  # wide CJK: 2 cells each
        words = max((cell_len(w) for w in self.label.split()), default=0)
        label = max(words, math.ceil(cell_len(self.label) / 3))
        if self.text:
            return min(max(cells, label), KEY_WIDTH)
        return max(cells, label)

    @property
    def empty(self) -> bool:
        return all(cell == MISSING for cell in self.cells)


def print_table(
    result: Result, stream: IO[str], terminal: bool, words: Words | None = None
) -> None:
    """``words``: the language of the labels, numbers and notes (English when None)."""
    words = words or Words("en", None)
    console = Console(
        file=stream,
        force_terminal=terminal,
        highlight=False,
        soft_wrap=False,
        width=None if terminal else 10_000,
    )
    notes = list(result.notes)
    if result.record:  # transposed: a row a metric, a column a currency; else a block each
        transposed = _record_columns(result, words)
        shown = fit(transposed, EVERY_COLUMN, console.width) if terminal else transposed
        if shown:
            console.print(_table(result, shown, terminal, words))
        else:
            _print_records(console, result, _columns(result, result.frame, words), words)
    else:
        frame = _head(result) if terminal else result.frame
        columns = _columns(result, frame, words)
        shown = fit(columns, result.priority, console.width) if terminal else columns
        if shown:
            console.print(_table(result, shown, terminal, words))
        else:
            _print_records(console, result, columns, words)
        if hidden := [c.name for c in columns if shown and c not in shown]:
            ways = "--columns all, -f csv" if result.choosable else "-f csv"
            notes.insert(
                0,
                words(
                    "hidden_columns",
                    n=words.plural(len(hidden), "columns"),
                    names=", ".join(hidden),
                    ways=ways,
                ),
            )
        if terminal and len(result.frame) > TERMINAL_ROWS:
            rows = (
                f"{len(result.frame):,}" if words.lang == "en" else words.count(len(result.frame))
            )
            notes.insert(0, words("first_rows", shown=TERMINAL_ROWS, rows=rows))
    for note in notes:
        console.print(Text(words.note(note), style="dim" if terminal else ""))


def table_text(result: Result, words: Words | None = None) -> str:
    buffer = io.StringIO()
    print_table(result, buffer, terminal=False, words=words)
    return buffer.getvalue()


def fit(columns: list[_Column], priority: tuple[str, ...], width: int) -> list[_Column]:
    """The key columns, then the others by ``priority`` (the rest after, in their order; empty
    columns last) up to the first that would not fit ``width``; shown in their own order. Empty when not even the key
    and one other column fit, or when every column is wanted (``EVERY_COLUMN``) and they do
    not all fit."""
    keys: list[_Column] = []
    for column in columns:
        if not column.text or len(keys) == len(columns) - 1:
            break
        keys.append(column)
    rest = [c for c in columns if c not in keys]
    rank = {name: i for i, name in enumerate(priority)}
    rest.sort(key=lambda c: (c.empty, rank.get(c.name, len(rank))))
    room = width - 1 - sum(c.width + _EDGES for c in keys)
    chosen: list[_Column] = []
    for column in rest:
        if column.width + _EDGES > room:
            break
        chosen.append(column)
        room -= column.width + _EDGES
    if not chosen or (priority == EVERY_COLUMN and len(chosen) < len(rest)):
        return []
    return [c for c in columns if c in keys or c in chosen]


def _columns(result: Result, frame: pd.DataFrame, words: Words) -> list[_Column]:
    return [
        _Column(
            name,
            terminal_text(words.label(name, result.label(name))),
            _cells(frame[name], result.kind(name), words),
            result.kind(name) == "text",
        )
        for name in frame.columns
    ]


def _cells(values: pd.Series, kind: str, words: Words) -> list[str]:
    return [terminal_text(cell) for cell in words.column(values, kind)]


def _table(result: Result, columns: list[_Column], sized: bool, words: Words) -> Table:
    """``sized``: every column at the width ``fit`` counted on, so rich squeezes none."""
    table = Table(title=_title(result, words), title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(
            Text(column.label, overflow="fold", no_wrap=False),
            justify="left" if column.text else "right",
            overflow="fold",
            no_wrap=not column.text,
            width=column.width if sized else None,
        )
    for row in zip(*(c.cells for c in columns), strict=True):
        table.add_row(*(Text(cell) for cell in row))
    return table


def _print_records(console: Console, result: Result, columns: list[_Column], words: Words) -> None:
    """Each row as a block of ``label  value`` lines: for tables too wide for the terminal."""
    if title := _title(result, words):
        console.print(Text(title, style="bold"))
    for i in range(len(columns[0].cells) if columns else 0):
        block = Table(show_header=False, box=None, padding=(0, 1, 0, 0))
        block.add_column(style="bold", overflow="fold")
        block.add_column(overflow="fold")
        for column in columns:
            block.add_row(Text(column.label), Text(column.cells[i]))
        console.print(block)
        console.print()


def _head(result: Result) -> pd.DataFrame:
    """The rows a terminal shows: the first TERMINAL_ROWS, and the total row if any."""
    frame = result.frame
    if len(frame) <= TERMINAL_ROWS:
        return frame
    if result.total_row:
        return pd.concat([frame.head(TERMINAL_ROWS - 1), frame.tail(1)])
    return frame.head(TERMINAL_ROWS)


def _record_columns(result: Result, words: Words) -> list[_Column]:
    """A KPI record transposed: the metrics' labels, then a column of values per currency."""
    metrics = result.record_rows()
    values = [_cells(result.frame[m], result.kind(m), words) for m in metrics]
    labels = [terminal_text(words.label(m, result.label(m))) for m in metrics]
    return [_Column("metric", words("Metric"), labels, True)] + [
        _Column(header, terminal_text(words(header)), [v[i] for v in values], False)
        for i, header in enumerate(result.record_headers())
    ]


def _title(result: Result, words: Words) -> str | None:
    return terminal_text(words(result.title)) if result.title else None
