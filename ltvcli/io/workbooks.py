"""Excel workbooks (.xlsx, .xls, .xlsb, .ods) through calamine: first sheet or ``--sheet``."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from ltvcli.errors import InputError
from ltvcli.io.delimited import find_header, is_data, unique_names
from ltvcli.io.raw import Bytes, RawTable, ReadOptions
from ltvcli.messages import Message

if TYPE_CHECKING:
    from python_calamine import CalamineSheet, CalamineWorkbook

_HEAD_ROWS = 60


def read_workbook(data: Bytes, name: str, options: ReadOptions) -> RawTable:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = _sheet(book, options.sheet, name)
        rows = sheet.to_python(skip_empty_area=True)
    except CalamineError as exc:
        raise InputError(
            Message("cannot read the workbook: {error}", error=str(exc)), file=name
        ) from None
    except (ValueError, OSError) as exc:
        raise InputError(
            Message("cannot read the workbook: {error}", error=str(exc)), file=name
        ) from None
    rows = [r for r in rows if any(c not in ("", None) for c in r)]
    if not rows:
        raise InputError(Message('sheet "{sheet}" is empty', sheet=sheet.name), file=name)
    head = [[_text(c) or "" for c in r] for r in rows[:_HEAD_ROWS]]
    found = None if options.no_header else find_header(head)
    if found is None or is_data(head[found]):  # no header row: the first row is an order
        header_index, names = (
            0,
            list(options.names or [f"column{i + 1}" for i in range(len(head[0]))]),
        )
        data_rows = rows
    else:
        header_index = found
        names = unique_names(head[header_index])
        data_rows = rows[header_index + 1 :]
    if not data_rows:
        raise InputError(Message("the sheet has a header but no data rows"), file=name)
    width = len(names)
    columns = [[r[i] if i < len(r) else None for r in data_rows] for i in range(width)]
    table = pa.table({n: _column(c) for n, c in zip(names, columns, strict=True)})
    raw = RawTable(
        name=name,
        table=table,
        first_row=header_index + (1 if options.no_header else 2),
        detected={"format": "xlsx", "sheet": sheet.name, "header_row": header_index + 1},
    )
    if header_index:
        raw.skipped["title line before the header"] = header_index
    return raw


def _sheet(book: CalamineWorkbook, wanted: str | None, name: str) -> CalamineSheet:
    names = book.sheet_names
    if wanted is None:
        return book.get_sheet_by_index(0)
    if wanted in names:
        return book.get_sheet_by_name(wanted)
    if wanted.isdigit() and 1 <= int(wanted) <= len(names):
        return book.get_sheet_by_index(int(wanted) - 1)
    raise InputError(
        Message(
            "no sheet {sheet!r}; the sheets are: {sheets}", sheet=wanted, sheets=", ".join(names)
        ),
        file=name,
    )


def _column(cells: Sequence[object]) -> pa.Array:
    """Typed where the sheet is typed (numbers, dates), text otherwise."""
    present = [c for c in cells if c not in ("", None)]
    if present and all(isinstance(c, int | float) and not isinstance(c, bool) for c in present):
        # the other cells are "" or None (a tuple: isinstance is faster than on int | float)
        return pa.array(
            [float(c) if isinstance(c, (int, float)) else None for c in cells], pa.float64()
        )
    if present and all(isinstance(c, dt.datetime | dt.date) for c in present):
        return pa.array(
            [_as_datetime(c) if isinstance(c, dt.date) else None for c in cells], pa.timestamp("s")
        )
    return pa.array([_text(c) for c in cells], pa.string())


def _as_datetime(c: dt.date) -> dt.datetime:
    return c if isinstance(c, dt.datetime) else dt.datetime(c.year, c.month, c.day)


def _text(c: object) -> str | None:
    if c is None or c == "":
        return None
    if isinstance(c, float):
        return str(int(c)) if c.is_integer() else repr(c)
    if isinstance(c, dt.datetime):
        return c.isoformat(sep=" ")
    return str(c)
