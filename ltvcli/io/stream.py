"""Inputs as a stream of record batches: the reader of the streaming engine.

``read_inputs`` (``ltvcli.io.readers``) holds a whole file in memory; this module reads the same
files block by block so that memory does not grow with the file. The head of a text file is
sniffed exactly as ``read_delimited`` does (the same ``Dialect``), then pyarrow's streaming CSV
reader parses the rest. Encodings other than UTF-8 are converted in blocks by Python's codecs
(pyarrow's own transcoding is slow and has been seen to abort on cp1251). Parquet files and
datasets are read a row group at a time. Workbooks and whitespace-aligned text are small by
nature and are read whole, then cut into batches.
"""

from __future__ import annotations

import codecs
import io
import lzma
import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv

from ltvcli.errors import InputError
from ltvcli.io import remote
from ltvcli.io.delimited import (
    HEAD_BYTES,
    WHITESPACE,
    Dialect,
    parse_error,
    read_delimited,
    sniff_dialect,
)
from ltvcli.io.delimited import csv_options as delimited_options
from ltvcli.io.raw import RawTable, ReadOptions
from ltvcli.io.readers import open_dataset, parquet_raw, refuse_html
from ltvcli.io.sources import (
    COMPRESSED_SUFFIXES,
    OPENERS,
    STDIN,
    ByteStream,
    Chained,
    compression_of,
    damage_reported,
    expand,
    is_dataset_dir,
    open_input,
    sniff_format,
)
from ltvcli.io.text import SAMPLE_BYTES, detect_encoding
from ltvcli.io.workbooks import read_workbook
from ltvcli.messages import Message

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer
    from fsspec.spec import AbstractBufferedFile

# The position reached in the input as stored, in bytes (for progress).
Position = Callable[[], int]
# A block of an input and the position after it.
Block = tuple[RawTable, int]

_DECODE_BLOCK = 8 << 20
# Bytes in memory per byte on disk, once parsed and normalised: measured on the benchmark's
# orders (``make bench``); a compressed file whose inflated size is not read from it (a
# remote one: ``inflated_bytes``) is counted at gzip's usual ratio of 6.
IN_MEMORY_FACTOR = {"text": 5, "compressed": 30, "parquet": 12}
_BYTES_PER_PARQUET_ROW = 64  # a Parquet batch of block_size / this rows ≈ a CSV block's rows


@dataclass
class Batch:
    """One block of one input, and how far the whole read has come (for progress)."""

    raw: RawTable
    bytes_done: int


def in_memory_bytes(paths: list[str]) -> int | None:
    """About how much memory the inputs take once read whole (None when unknown: stdin).

    A local compressed file counts as the text it inflates to (``inflated_bytes``, read from
    the file itself); a remote one, or one whose inflated size cannot be told, at
    ``IN_MEMORY_FACTOR["compressed"]`` times its size."""
    total = 0
    for path in expand(paths):
        size = input_bytes([path])
        if size is None:
            return None
        if path.endswith((".parquet", ".pq")) or is_dataset_dir(path):
            total += size * IN_MEMORY_FACTOR["parquet"]
            continue
        local = os.path.isfile(path) and not remote.is_remote(path)
        inflated = inflated_bytes(path) if local else None
        if inflated is not None:
            total += inflated * IN_MEMORY_FACTOR["text"]
        elif path.endswith(COMPRESSED_SUFFIXES):
            total += size * IN_MEMORY_FACTOR["compressed"]
        else:
            total += size * IN_MEMORY_FACTOR["text"]
    return total


# The inflate ratio of a compressed file is measured on its first _SAMPLE_IN bytes, or on as
# many as inflate to _SAMPLE_OUT bytes (a bomb stops early); the output is counted, not kept.
_SAMPLE_IN = 2 << 20
_SAMPLE_OUT = 16 << 20
_GZIP_WRAP = 1 << 32  # gzip's ISIZE trailer is the inflated size modulo 2^32
_ZSTD_FRAME = 0xFD2FB528
_ZSTD_MAX_BLOCKS = 1 << 20


def inflated_bytes(path: str) -> int | None:
    """About how many bytes a local compressed file inflates to; None when it is not
    compressed (by its first bytes) or cannot be read. Gzip: its ISIZE trailer, unless the
    file has several members or more than 4 GiB, which the sampled ratio tells; zstd: the
    content sizes its frames carry; otherwise (bz2, xz, zstd without sizes): the sampled
    ratio times the file's size."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            kind = compression_of(f.read(6))
            if kind == "gzip":
                return _gzip_inflated(f, size)
            if kind == "zstd" and (known := _zstd_content_size(f, size)) is not None:
                return known
            if kind is not None:
                return _sampled_inflate(f, size, OPENERS[kind])[0]
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError, pa.ArrowException):
        return None  # damaged: the reader will say so
    return None


def _gzip_inflated(f: BinaryIO, size: int) -> int:
    f.seek(size - 4)
    isize = int.from_bytes(f.read(4), "little")
    sampled, whole = _sampled_inflate(f, size, OPENERS["gzip"])
    if whole:
        return sampled
    # one member: the inflated size is ISIZE plus some multiple of 4 GiB, the one nearest
    # the sampled estimate; a much smaller ISIZE is the last of several members'.
    estimate = isize + max(0, round((sampled - isize) / _GZIP_WRAP)) * _GZIP_WRAP
    return sampled if estimate < sampled / 2 else estimate


def _sampled_inflate(
    f: BinaryIO, size: int, opener: Callable[[Any], ByteStream]
) -> tuple[int, bool]:
    """(the inflated size estimated from the file's first bytes, whether that is all of it)."""
    f.seek(0)
    data = f.read(_SAMPLE_IN)
    whole = len(data) == size
    sample = io.BytesIO(data)
    stream = opener(sample)
    # read1: no buffering, so no output is lost at the cut
    read: Callable[[int], bytes] = getattr(stream, "read1", stream.read)
    out = 0
    try:
        while out < _SAMPLE_OUT:
            chunk = read(1 << 16)
            if not chunk:
                if whole:
                    return out, True
                break
            out += len(chunk)
    except (EOFError, OSError, pa.ArrowException):
        if whole:
            raise  # damaged
        # else the sample ends inside the compressed stream: what came out is the measure
    return int(out * size / max(sample.tell(), 1)), False


def _zstd_content_size(f: BinaryIO, size: int) -> int | None:
    """The sum of the content sizes in the headers of a zstd file's frames, found by walking
    its block headers; None when a frame does not carry its size."""
    total, pos, blocks = 0, 0, 0
    while pos < size:
        f.seek(pos)
        head = f.read(18)
        magic = int.from_bytes(head[:4], "little")
        if magic & 0xFFFFFFF0 == 0x184D2A50:  # a skippable frame
            pos += 8 + int.from_bytes(head[4:8], "little")
            continue
        if magic != _ZSTD_FRAME or len(head) < 6:
            return None
        descriptor = head[4]
        single, checksum = descriptor >> 5 & 1, descriptor >> 2 & 1
        start = 5 + (0 if single else 1) + (0, 1, 2, 4)[descriptor & 3]
        width = (single, 2, 4, 8)[descriptor >> 6]
        if not width:
            return None
        total += int.from_bytes(head[start : start + width], "little") + (256 if width == 2 else 0)
        pos = start + width + pos
        while True:
            f.seek(pos)
            block = f.read(3)
            blocks += 1
            if len(block) < 3 or blocks > _ZSTD_MAX_BLOCKS:
                return None
            header = int.from_bytes(block, "little")
            kind = header >> 1 & 3
            if kind == 3:
                return None
            pos += 3 + (1 if kind == 1 else header >> 3)
            if header & 1:
                break
        pos += 4 * checksum
    return total


def input_bytes(paths: list[str]) -> int | None:
    """The inputs' total size on disk (compressed as stored), or None when it cannot be known."""
    total = 0
    for path in expand(paths):
        if path == STDIN:
            return None
        if remote.is_remote(path):
            fs, inner = remote.filesystem(path)
            try:
                total += (
                    sum(fs.du(inner, total=False).values()) if fs.isdir(inner) else fs.size(inner)
                )
            except (OSError, TypeError):
                return None
        elif os.path.isdir(path):
            total += sum(
                os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files
            )
        elif os.path.exists(path):
            total += os.path.getsize(path)
    return total


def stream_inputs(paths: list[str], options: ReadOptions, block_size: int) -> Iterator[Batch]:
    """Every input as ``RawTable`` blocks of about ``block_size`` bytes, in file order."""
    if not paths:
        raise InputError(Message("no input file given"))
    done = 0
    for path in expand(paths):
        last = 0
        for raw, position in _blocks(path, options, block_size):
            done += position - last
            last = position
            yield Batch(raw, done)


def _blocks(path: str, options: ReadOptions, block_size: int) -> Iterator[Block]:
    if is_dataset_dir(path):
        yield from _dataset(path, block_size)
        return
    opened = open_input(path)
    with closing(opened), damage_reported(opened):
        yield from _file_blocks(path, _Counting(opened.stream), options, block_size, opened.stored)


def _file_blocks(
    path: str, stream: _Counting, options: ReadOptions, block_size: int, stored: str | None
) -> Iterator[Block]:
    name = "<stdin>" if path == STDIN else path
    head = read_full(stream, SAMPLE_BYTES + 1)
    fmt = options.input_format or sniff_format(head, name)
    if fmt == "parquet":
        yield from _parquet(path, name, head + stream.read() if path == STDIN else None, block_size)
    elif fmt in ("xlsx", "xls"):
        whole = read_workbook(head + stream.read(), name, options)
        yield from _slices(whole, block_size, lambda: stream.count)
    else:
        yield from _csv(
            Chained(head, stream), name, options, block_size, lambda: stream.count, stored
        )


def _csv(
    stream: ByteStream,
    name: str,
    options: ReadOptions,
    block_size: int,
    position: Position,
    plain: str | None = None,
) -> Iterator[Block]:
    """``plain``: the path of a local uncompressed file, which pyarrow then reads itself when
    it needs no conversion (no Python on the parser's read path)."""
    head = read_full(stream, SAMPLE_BYTES + 1)
    encoding = options.encoding or detect_encoding(head, name)
    text = _Utf8(Chained(head, stream), encoding, name)
    text_head = read_full(text, HEAD_BYTES + 1)
    if not re.search(rb"\S", text_head) and not text.peek_more():
        raise InputError(Message("the file is empty"), file=name)
    dialect = sniff_dialect(text_head, name, options, encoding)
    if dialect.layout == WHITESPACE:  # re-spaced as tabs: needs the whole text, read whole
        data = text_head + text.read()
        refuse_html(data, name)
        whole = read_delimited(data, name, replace(options, encoding="utf-8"))
        whole.detected["encoding"] = encoding
        yield from _slices(whole, block_size, position)
        return
    refuse_html(text_head, name)
    collector = dialect.raw_table(name)
    quoted = text_head.find(b'"', dialect.offset) >= 0  # decided from the head
    body = Chained(text_head[dialect.offset :], text)
    if plain and text.passthrough:
        body = pa.OSFile(plain)
        body.seek(
            dialect.offset + (len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)
        )
        position = body.tell
    with body:
        yield from _csv_batches(body, name, dialect, quoted, collector, block_size, position)


def _csv_batches(
    body: Chained | pa.NativeFile,
    name: str,
    dialect: Dialect,
    quoted: bool,
    collector: RawTable,
    block_size: int,
    position: Position,
) -> Iterator[Block]:
    try:
        reader = pacsv.open_csv(body, **delimited_options(dialect, quoted, collector, block_size))
        first_row = dialect.first_row
        for batch in reader:
            raw = dialect.raw_table(name, pa.Table.from_batches([batch]))
            raw.first_row = first_row
            raw.skipped = dict(collector.skipped)  # what was skipped up to here
            raw.examples = collector.examples[:]
            collector.skipped.clear()
            collector.examples.clear()
            first_row += batch.num_rows
            yield raw, position()
    except pa.ArrowInvalid as exc:
        raise parse_error(exc, name) from None
    if collector.skipped:  # rows skipped after the last batch
        raw = dialect.raw_table(
            name, pa.table({n: pa.array([], pa.string()) for n in dialect.names})
        )
        raw.skipped, raw.examples, raw.first_row = (
            dict(collector.skipped),
            collector.examples,
            first_row,
        )
        yield raw, position()


def _parquet(path: str, name: str, data: bytes | None, block_size: int) -> Iterator[Block]:
    import pyarrow.parquet as pq

    source = pa.BufferReader(data) if data is not None else _seekable(path)
    try:
        file = pq.ParquetFile(source)
        total = file.metadata.num_rows
        size = input_bytes([path]) if data is None else len(data)
        rows = max(block_size // _BYTES_PER_PARQUET_ROW, 1024)
        first_row = 1
        for batch in file.iter_batches(batch_size=rows):
            raw = parquet_raw(pa.Table.from_batches([batch]), name, files=1, first_row=first_row)
            first_row += batch.num_rows
            yield raw, int((size or 0) * (first_row - 1) / max(total, 1))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            Message("cannot read the Parquet file: {error}", error=str(exc)), file=name
        ) from None


def _dataset(path: str, block_size: int) -> Iterator[Block]:
    dataset = open_dataset(path)
    size = input_bytes([path]) or 0
    total = max(dataset.count_rows(), 1)
    rows = max(block_size // _BYTES_PER_PARQUET_ROW, 1024)
    first_row = 1
    try:
        for batch in dataset.to_batches(batch_size=rows):
            if not batch.num_rows:
                continue
            table = pa.Table.from_batches([batch])
            raw = parquet_raw(table, path, files=len(dataset.files), first_row=first_row)
            first_row += batch.num_rows
            yield raw, int(size * (first_row - 1) / total)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            Message("cannot read the Parquet dataset: {error}", error=str(exc)), file=path
        ) from None


def read_full(stream: ByteStream, size: int) -> bytes:
    """``size`` bytes, or fewer only at the end of the stream (a raw read may return less)."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        data = stream.read(size - got)
        if not data:
            break
        parts.append(data)
        got += len(data)
    return b"".join(parts)


def _slices(whole: RawTable, block_size: int, position: Position) -> Iterator[Block]:
    """A table read whole, handed on in blocks like the streamed ones."""
    rows = max(block_size // _BYTES_PER_PARQUET_ROW, 1024)
    table = whole.table
    for start in range(0, max(table.num_rows, 1), rows):
        part = replace(whole, table=table.slice(start, rows), first_row=whole.first_row + start)
        if start:
            part.skipped, part.examples = {}, []
        yield part, position()


def _seekable(path: str) -> AbstractBufferedFile | pa.MemoryMappedFile:
    if remote.is_remote(path):
        fs, inner = remote.filesystem(path)
        return fs.open(inner, "rb")
    return pa.memory_map(path)


class _Counting(io.RawIOBase):
    """Counts the bytes read from the file as stored (before decompression): the progress."""

    def __init__(self, raw: ByteStream) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read() if size is None or size < 0 else self._raw.read(size)
        self.count += len(data)
        return data

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer)  # io passes a bytearray or a byte memoryview
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)


class _Utf8(io.RawIOBase):
    """Text in any encoding, read as UTF-8 without a BOM (what the CSV parser reads), converted
    a few megabytes at a time."""

    def __init__(self, raw: ByteStream, encoding: str, name: str) -> None:
        self._raw = raw
        self._name = name
        self.passthrough = encoding in ("utf-8", "utf8", "utf-8-sig")
        try:
            self._decoder = codecs.getincrementaldecoder(encoding)()
            self._encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(
                Message("unknown encoding {encoding!r}", encoding=encoding), file=name
            ) from None
        self._pending = memoryview(b"")
        self._consumed = 0
        self._started = False
        self._eof = False

    def readable(self) -> bool:
        return True

    def peek_more(self) -> bool:
        """Whether anything is left to read."""
        if not self._pending and not self._eof:
            self._fill()
        return bool(self._pending)

    def _fill(self) -> None:
        chunk = self._raw.read(_DECODE_BLOCK)
        self._eof = not chunk
        if not self._started and not self.passthrough:
            chunk = chunk.removeprefix(codecs.BOM_UTF8)  # a UTF-8 mark before other text
        if self.passthrough:
            out = chunk
        else:
            try:
                out = self._decoder.decode(chunk, final=self._eof).encode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    Message(
                        "not valid {encoding} text at byte {byte}",
                        encoding=self._encoding,
                        byte=self._consumed + exc.start,
                    ),
                    file=self._name,
                    hint=Message("pass the right --encoding"),
                ) from None

        self._consumed += len(chunk)
        if not self._started and out:
            self._started = True
            out = out.removeprefix(codecs.BOM_UTF8)
        self._pending = memoryview(out)  # called only when everything before was read

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        while not self._pending and not self._eof:
            self._fill()
        view = memoryview(buffer)  # io passes a bytearray or a byte memoryview
        n = min(len(view), len(self._pending))
        view[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n
