"""Delimited and whitespace-aligned text: sniff the dialect, find the header, parse with pyarrow.

The head of the file (a few hundred KB) is read with Python's csv module to decide the
delimiter and where the header is (1C reports and registries put title lines above it); the
whole file is then parsed by pyarrow, every column as text, in large blocks.
"""

from __future__ import annotations

import csv
import mmap
import re
from collections import Counter
from dataclasses import dataclass, replace

import pyarrow as pa
import pyarrow.csv as pacsv

from ltvcli.errors import InputError
from ltvcli.fields import SUMMARY_CELL, header_score
from ltvcli.io.raw import Bytes, RawTable, ReadOptions
from ltvcli.io.text import detect_encoding, to_utf8
from ltvcli.messages import Message

DELIMITERS = (",", ";", "\t", "|")
WHITESPACE = "whitespace"
HEAD_BYTES = 256 * 1024
_HEAD_ROWS = 60
_BLOCK_SIZE = 64 << 20


@dataclass(frozen=True)
class Dialect:
    """What the head of a text file says about all of it: how to cut it into cells."""

    encoding: str
    delimiter: str
    layout: str  # "delimited" or "whitespace"
    names: list[str]
    offset: int  # byte offset of the first data record in the UTF-8 text
    first_row: int  # file row number of that record
    header_row: int | None
    title_lines: int  # lines before the header

    def raw_table(self, name: str, table: pa.Table | None = None) -> RawTable:
        raw = RawTable(
            name=name,
            table=table if table is not None else pa.table({}),
            first_row=self.first_row,
            detected={
                "format": "csv",
                "layout": self.layout,
                "encoding": self.encoding,
                "delimiter": self.delimiter,
                "header_row": self.header_row,
            },
        )
        if self.title_lines:
            raw.skipped["title line before the header"] = self.title_lines
        return raw


def read_delimited(
    data: Bytes, name: str, options: ReadOptions, path: str | None = None
) -> RawTable:
    """Parse delimited text into a table of text columns. ``path``: the file ``data`` maps,
    which Arrow reads itself when the text needs no conversion."""
    encoding = options.encoding or detect_encoding(data, name)
    text = to_utf8(data, encoding, name)
    if not re.search(rb"\S", text):
        raise InputError(Message("the file is empty"), file=name)
    dialect = sniff_dialect(text[: HEAD_BYTES + 1], name, options, encoding)
    if dialect.layout == WHITESPACE:
        text = _whitespace_to_tabs(text)
        tabs = replace(options, delimiter="\t")
        dialect = sniff_dialect(text[: HEAD_BYTES + 1], name, tabs, encoding, WHITESPACE)
    raw = dialect.raw_table(name)
    # Quoted newlines need pyarrow's slower quote-aware chunking: only when the body has quotes.
    quoted = text.find(b'"', dialect.offset) >= 0
    if isinstance(text, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):  # not on Windows
        text.madvise(mmap.MADV_DONTNEED)  # the pages the search read: not the process's memory
    try:
        with _body(text, dialect.offset, path if text is data else None) as body:
            raw.table = pacsv.read_csv(body, **csv_options(dialect, quoted, raw))
    except pa.ArrowInvalid as exc:
        raise parse_error(exc, name) from None
    return raw


def _body(text: Bytes, offset: int, path: str | None) -> pa.NativeFile:
    """The text after the header: the file itself when it is given (Arrow reads it a block at a
    time: 1.3 s at 10^7 orders, the same bytes from a buffer 3.1 s; and a file it maps counts
    in the process's memory, 0.7 GB more at the peak), else the text."""
    if path is None:
        return pa.BufferReader(pa.py_buffer(text)[offset:])
    body = pa.OSFile(path)
    body.seek(offset)
    return body


def sniff_dialect(
    head: bytes, name: str, options: ReadOptions, encoding: str, layout: str = "delimited"
) -> Dialect:
    """Delimiter, header and first data record from the file's first ``HEAD_BYTES`` (UTF-8).

    A whitespace-aligned file comes back with layout ``whitespace``: its text must be turned
    into tabs (``_whitespace_to_tabs``) and sniffed again.
    """
    head_lines = _head_lines(head)
    delimiter = options.delimiter or _sniff_delimiter(head_lines)
    if delimiter == WHITESPACE:
        return Dialect(encoding, "\t", WHITESPACE, [], 0, 1, None, 0)
    rows, starts = _parse_head(head_lines, delimiter)
    if not rows:
        raise InputError(Message("no rows of data could be read"), file=name)
    header_index = None if options.no_header else find_header(rows)
    skip_lines: int | None
    if header_index is None or is_data(rows[header_index]):
        # no header row (or the "header" is an order: an e-mail, a date, an amount)
        header_index = _first_data_index(rows)
        width = max((len(r) for r in rows[header_index:]), default=0)
        names = list(options.names or ())
        if names and len(names) != width:
            raise InputError(
                Message(
                    "--names gives {names} names but the rows have {width} columns",
                    names=len(names),
                    width=width,
                ),
                file=name,
            )
        names = names or [f"column{i + 1}" for i in range(width)]
        skip_lines = starts[header_index] if header_index < len(starts) else 0
        header_row = None
    else:
        names = unique_names(rows[header_index])
        skip_lines = starts[header_index] + 1 if header_index + 1 < len(starts) else None
        if skip_lines is None or header_index + 1 >= len(rows):
            raise InputError(Message("the file has a header but no data rows"), file=name)
        header_row = starts[header_index] + 1
    return Dialect(
        encoding=encoding,
        delimiter=delimiter,
        layout=layout,
        names=names,
        offset=_offset_of_line(head, skip_lines),
        first_row=skip_lines + 1,
        header_row=header_row,
        title_lines=header_index,
    )


def _head_lines(text: bytes) -> list[str]:
    head = text[:HEAD_BYTES].decode("utf-8", errors="ignore")
    lines = head.splitlines(keepends=True)
    if len(text) > HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    return lines


def _parse_head(lines: list[str], delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Parse the head into records; ``starts[i]`` is the line index where record i begins."""
    reader = csv.reader(iter(lines), delimiter=delimiter)
    rows: list[list[str]] = []
    starts: list[int] = []
    line = 0
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                rows.append(record)
                starts.append(line)
            line = reader.line_num
            if len(rows) >= _HEAD_ROWS:
                break
    except csv.Error:
        pass
    return rows, starts


def _sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the most rows into the same number (>1) of fields."""
    best, best_score = None, (0.0, 0)
    for delimiter in DELIMITERS:
        rows, _ = _parse_head(lines, delimiter)
        rows = rows[-40:] if len(rows) > 5 else rows
        counts = Counter(len(r) for r in rows if len(r) >= 2)  # title lines have one field
        if not counts:
            continue
        width, freq = counts.most_common(1)[0]
        score = (freq / len(rows), width)
        if score > best_score:
            best, best_score = delimiter, score
    spaced = [ln.split() for ln in lines if ln.strip()][-40:]
    if spaced:
        counts = Counter(len(r) for r in spaced)
        width, freq = counts.most_common(1)[0]
        if width >= 2 and freq / len(spaced) > 0.95 and freq / len(spaced) > best_score[0]:
            return WHITESPACE
    if best is None:
        return ","  # a single column: any delimiter reads it the same
    return best


def _whitespace_to_tabs(text: Bytes) -> bytes:
    """Turn space-aligned columns (old research data, fixed-width dumps) into tab-separated."""
    return re.sub(rb"[ \t]+", b"\t", re.sub(rb"(?m)^[ \t]+|[ \t]+(?=\r?$)", b"", text))


def find_header(rows: list[list[str]]) -> int:
    """The header is the first row that names known fields; else the first full-width row."""
    if not rows:
        return 0
    widths = Counter(len(r) for r in rows[len(rows) // 2 :] or rows)
    width = widths.most_common(1)[0][0]
    for i, row in enumerate(rows[:-1]):
        cells = [c for c in row if c.strip()]
        if len(cells) < 2 or len(row) < width * 0.6:
            continue
        # two known names make a header: stop scoring there (a wide row is scored once)
        known = (c for c in cells if header_score(c) > 0)
        if next(known, None) is not None and next(known, None) is not None:
            return i
    for i, row in enumerate(rows):
        filled = sum(1 for c in row if c.strip())
        if len(row) == width and filled >= max(2, width * 0.6):
            return i
    return 0


_VALUE = re.compile(
    r"^\s*([-+]?[\d\s\u00a0.,']+|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}([ T][\d:.]+)?"
    r"|[^@\s]+@[^@\s]+\.\w+)\s*$"
)


def is_data(row: list[str]) -> bool:
    """Whether a row is an order, not a header: most of its cells are numbers, dates or
    e-mail addresses, and none is a known field name."""
    cells = [c for c in row if c.strip()]
    values = sum(1 for c in cells if _VALUE.match(c))
    if values < 2 or values < len(cells) / 2:
        return False
    return not any(header_score(c) > 0 for c in cells)  # "Клиент;2023;2024" is a header


def _first_data_index(rows: list[list[str]]) -> int:
    widths = Counter(len(r) for r in rows)
    width = widths.most_common(1)[0][0] if widths else 0
    return next((i for i, r in enumerate(rows) if len(r) == width), 0)


def unique_names(header: list[str]) -> list[str]:
    names: list[str] = []
    seen: Counter[str] = Counter()
    for i, cell in enumerate(header):
        base = cell.strip().lstrip("\ufeff") or f"column{i + 1}"
        seen[base] += 1
        names.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return names


def _offset_of_line(text: bytes, line: int) -> int:
    offset = 0
    for _ in range(line):
        nl = text.find(b"\n", offset)
        if nl < 0:
            return len(text)
        offset = nl + 1
    return offset


def csv_options(
    dialect: Dialect, quoted: bool, raw: RawTable, block_size: int = _BLOCK_SIZE
) -> dict[str, object]:
    """pyarrow's options for the body: every column as text; blank lines ignored, malformed
    rows counted in ``raw.skipped`` and skipped."""
    width = len(dialect.names)
    delimiter = dialect.delimiter

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if row.actual_columns == 1 and not row.text.strip(delimiter + " \r"):
            reason = "blank line"
        elif re.match(SUMMARY_CELL, row.text.strip().strip('"'), re.IGNORECASE):
            reason = "summary row (Итого/Total)"
        elif row.actual_columns < width and not row.text.strip(delimiter + " \r").count(delimiter):
            reason = Message("title or summary line")
        else:
            reason = Message(
                "row with {fields} fields where the header has {width}",
                fields=row.actual_columns,
                width=width,
            )
        raw.skipped[reason] = raw.skipped.get(reason, 0) + 1
        if len(raw.examples) < 5:
            raw.examples.append((row.number, f"{reason}: {row.text[:80]}"))
        return "skip"

    return {
        "read_options": pacsv.ReadOptions(
            column_names=dialect.names, block_size=block_size, use_threads=True
        ),
        "parse_options": pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=quoted, invalid_row_handler=on_invalid
        ),
        "convert_options": pacsv.ConvertOptions(
            column_types={n: pa.string() for n in dialect.names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    }


def parse_error(exc: pa.ArrowInvalid, name: str) -> InputError:
    message = str(exc)
    if "UTF8" in message or "utf8" in message.lower():
        return InputError(
            Message("the file is not valid UTF-8 past its beginning"),
            file=name,
            hint=Message("pass --encoding cp1251 or the file's real encoding"),
        )
    # pyarrow quotes the row it stopped at ("... got 5: ann@x.example,+7..."): not in messages
    message = re.sub(r"(?s)(got \d+|columns)\s*:.*$", r"\1", message)
    return InputError(
        Message("cannot parse as delimited text: {error}", error=message[:200]), file=name
    )
