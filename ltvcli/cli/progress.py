"""Progress bars on stderr for the streaming engine: only on a terminal, never with --quiet."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ltvcli.cli.errors import language
from ltvcli.engine.options import NoProgress, Progress
from ltvcli.messages import Message, translate

if TYPE_CHECKING:
    import rich.progress


class _Bars:
    """Reading: bytes of the input read, rows and rows per second. Reducing: partitions done."""

    def __init__(self, bars: rich.progress.Progress) -> None:
        self._bars = bars
        self._read: rich.progress.TaskID | None = None
        self._reduce: rich.progress.TaskID | None = None
        self._start = time.monotonic()

    def reading(self, bytes_done: int, total: int | None, rows: int) -> None:
        from rich.filesize import decimal

        if self._read is None:
            self._read = self._bars.add_task(_said(Message("reading")), total=total, detail="")
        rate = rows / max(time.monotonic() - self._start, 1e-3)
        size = decimal(bytes_done)
        if total:
            size = Message("{done} of {total}", done=size, total=decimal(total))
        detail = Message(
            "{size}, {rows:,} rows, {rate:,.0f} rows/s", size=size, rows=rows, rate=rate
        )
        self._bars.update(self._read, completed=bytes_done, detail=_said(detail))

    def reducing(self, done: int, total: int) -> None:
        if self._reduce is None:
            if self._read is not None:
                task = self._bars.tasks[self._read]
                self._bars.update(self._read, completed=task.total or task.completed)
            self._reduce = self._bars.add_task(_said(Message("reducing")), total=total, detail="")
        detail = Message("{done} of {total} steps", done=done, total=total)
        self._bars.update(self._reduce, completed=done, detail=_said(detail))


def _said(message: Message) -> str:
    return translate(message, language())


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Progress]:
    """Rich bars on stderr when it is a terminal (transient: they vanish when done)."""
    if quiet or not sys.stderr.isatty():
        yield NoProgress()
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("ltv: {task.description:<9}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bars:
        yield _Bars(bars)
