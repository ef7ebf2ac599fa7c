"""What every reader returns: the cells of one input as an Arrow table, plus what was detected."""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field

import pyarrow as pa

# A whole input's bytes: a local uncompressed file is mapped rather than read (no copy of it in
# memory; ``ltvcli.io.sources.read_source``). Readers slice it, search it and hand it to Arrow,
# which a map and bytes both allow.
Bytes = bytes | mmap.mmap


@dataclass(frozen=True)
class ReadOptions:
    """How to read files; every field is optional and detected when left as None."""

    encoding: str | None = None
    delimiter: str | None = None
    input_format: str | None = None
    sheet: str | None = None
    no_header: bool = False
    names: tuple[str, ...] | None = None


@dataclass
class RawTable:
    """The cells of one input, before any interpretation.

    ``table`` holds text columns for text formats (so ids keep their leading zeros) and the
    file's own types for Parquet and Excel. ``first_row`` is the file row number of the first
    data record, used in messages.
    """

    name: str
    table: pa.Table
    first_row: int
    detected: dict[str, object] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows skipped while reading
    examples: list[tuple[int | None, str]] = field(default_factory=list)  # (row, text)
