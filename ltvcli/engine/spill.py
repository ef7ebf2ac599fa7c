"""Temporary partition files: frames of rows written by customer, read back one partition at a time.

A customer's rows all land in one partition (``partition_of`` depends on the key text only), so
each partition can be normalised and reduced on its own. Files are Arrow IPC streams compressed
with LZ4 in a private temporary directory, ``ltv-spill-<pid>-XXXXXXXX``, that is removed when
the engine is done, also on errors, Ctrl-C, SIGTERM and at exit. A directory left by a run that
was killed (``kill -9``) is removed by the next run once its process is gone.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.io.atomic import alive, hold_sigterm, release_sigterm
from ltvcli.schema.casts import try_cast

_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")
MAX_OPEN = 64  # files kept open for appending, far below the usual limit of 256 or 1024
_TEXT = pa.dictionary(pa.int32(), pa.string())


def partition_of(customers: pa.Array, partitions: int) -> np.ndarray:
    """The partition of each key: a plain integer key modulo the count, other text hashed.

    Decided per value (not per block), so a key goes to the same partition in every block.
    Missing keys get -1.
    """
    customers = customers.cast(pa.string()) if customers.type != pa.string() else customers
    if (numbers := _all_plain(customers)) is not None:
        valid = customers.is_valid().to_numpy(zero_copy_only=False)
        return np.where(valid, numbers % partitions, -1)
    plain = pc.fill_null(pc.match_substring_regex(customers, r"^[1-9][0-9]{0,17}$"), False)
    plain = plain.to_numpy(zero_copy_only=False)
    out = np.full(len(customers), -1, dtype=np.int64)
    if plain.any():
        numbers = pc.cast(customers.filter(pa.array(plain)), pa.int64()).to_numpy()
        out[plain] = numbers % partitions
    text = ~plain & customers.is_valid().to_numpy(zero_copy_only=False)
    if text.any():
        values = np.asarray(customers.filter(pa.array(text)).to_pylist(), dtype=object)
        out[text] = (pd.util.hash_array(values) % np.uint64(partitions)).astype(np.int64)
    return out


def _all_plain(customers: pa.Array) -> np.ndarray | None:
    """The numbers of a column of only plain integer keys (``^[1-9][0-9]{0,17}$`` or missing,
    the usual case) without a regular expression, else None. Missing keys become 0."""
    if len(customers) == 0 or customers.null_count == len(customers):
        return None
    if pc.max(pc.binary_length(customers)).as_py() > 18:
        return None
    numbers = try_cast(customers, pa.int64())
    if numbers is None:
        return None
    first = pc.utf8_slice_codeunits(customers, 0, 1)
    if pc.any(pc.is_in(first, value_set=pa.array(["0", "+", "-", ""]))).as_py():
        return None
    plain: np.ndarray = pc.fill_null(numbers, 0).to_numpy(zero_copy_only=False)
    return plain


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A frame of rows in one fixed shape per column, so that every block fits one file schema."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        kind = field.type
        if pa.types.is_dictionary(kind):
            column = column.cast(_TEXT)
        elif pa.types.is_null(kind) or pa.types.is_large_string(kind):
            column = column.cast(pa.string())
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def to_frame(table: pa.Table, plain: tuple[str, ...]) -> pd.DataFrame:
    """Back to pandas with the frame's dtypes: integers nullable (Int64) except ``plain`` ones."""
    frame: pd.DataFrame = table.to_pandas(types_mapper=_pandas_type)
    for name in plain:
        if name in frame.columns:
            frame[name] = frame[name].to_numpy(np.int64)
    return frame


def _pandas_type(kind: pa.DataType) -> object:
    """Integers nullable; lists (order lines) stay Arrow lists rather than arrays of objects."""
    if kind == pa.int64():
        return pd.Int64Dtype()
    return pd.ArrowDtype(kind) if pa.types.is_list(kind) else None


class SpillFiles:
    """Partition files in a temporary directory: blocks written by partition, read back whole.

    A partition's blocks are appended to one open file while they have the same columns; a
    block with other columns (another input's) starts a new file, and a partition's files are
    put together with the columns of all of them. One file per block would be simpler, but
    under a small memory budget (small blocks, many partitions) opening tens of thousands of
    tiny files costs more than the work.
    """

    def __init__(self, count: int, directory: str | None = None) -> None:
        self.count = count
        self.path = private_directory("spill", directory)
        self._files: list[list[str]] = [[] for _ in range(count)]  # per partition, unread
        self._made = 0
        self._open: dict[int, tuple[pa.OSFile, pa.ipc.RecordBatchStreamWriter, pa.Schema]] = {}
        self._writer: ThreadPoolExecutor | None = None
        self._writing: Future[None] | None = None

    def __enter__(self) -> SpillFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def remove(self) -> None:
        if self._writer is not None:
            self._writer.shutdown()
        for partition in list(self._open):
            self._close(partition)
        remove_private(self.path)

    def write(self, partition: int, table: pa.Table) -> None:
        if partition not in self._open or not self._open[partition][2].equals(table.schema):
            self._close(partition)
            if len(self._open) >= MAX_OPEN:  # the least recently written goes on in a new file
                self._close(next(iter(self._open)))
            path = os.path.join(self.path, f"part-{partition:05d}-{self._made:06d}.arrows")
            self._made += 1
            self._files[partition].append(path)
            sink = pa.OSFile(path, "wb")
            writer = pa.ipc.new_stream(sink, table.schema, options=_OPTIONS)
            self._open[partition] = (sink, writer, table.schema)
        else:
            self._open[partition] = self._open.pop(partition)  # now the most recently written
        self._open[partition][1].write_table(table)

    def _close(self, partition: int) -> None:
        if (open_file := self._open.pop(partition, None)) is not None:
            sink, writer, _ = open_file
            writer.close()
            sink.close()

    def write_split(self, table: pa.Table, partition: np.ndarray) -> None:
        """Write each row of ``table`` to its partition (``partition`` per row), in a thread
        while the caller parses the next block (Arrow releases the GIL); one block at a time."""
        self._wait()
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1)
        self._writing = self._writer.submit(self._split, table, partition)

    def _wait(self) -> None:
        if self._writing is not None:
            writing, self._writing = self._writing, None
            writing.result()

    def _split(self, table: pa.Table, partition: np.ndarray) -> None:
        order = np.argsort(partition, kind="stable")
        bounds = np.searchsorted(partition[order], np.arange(self.count + 1))
        table = table.take(pa.array(order))  # one copy; each partition is then a slice of it
        for p in range(self.count):
            if bounds[p] < bounds[p + 1]:
                self.write(p, table.slice(bounds[p], bounds[p + 1] - bounds[p]))

    def read(self, partition: int, keep: bool = False) -> pa.Table | None:
        """One partition's rows in the order written (None when no row went there). The files
        are deleted once read (freeing the disk as we go) unless ``keep``."""
        self._wait()
        self._close(partition)
        tables = []
        for path in self._files[partition]:
            with pa.OSFile(path, "rb") as source:
                tables.append(pa.ipc.open_stream(source).read_all())
            if not keep:
                os.remove(path)
        if not keep:
            self._files[partition] = []
        if not tables:
            return None
        return pa.concat_tables(tables, promote_options="permissive")


_LIVE: dict[str, bool] = {}  # private directories of this process -> their SIGTERM hold
_STALE = re.compile(r"ltv-(?:spill|customers)-([0-9]+)-.+")


def private_directory(kind: str, directory: str | None) -> str:
    """A temporary directory ``ltv-<kind>-<pid>-XXXXXXXX``, removed by ``remove_private``, at
    exit, on SIGTERM (which then unwinds like Ctrl-C); stale ones of dead runs are swept."""
    _remove_stale(directory or tempfile.gettempdir())
    hold = hold_sigterm()
    try:
        path = tempfile.mkdtemp(prefix=f"ltv-{kind}-{os.getpid()}-", dir=directory)
    except BaseException:
        release_sigterm(hold)
        raise
    _LIVE[path] = hold
    return path


def remove_private(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)
    if path in _LIVE:
        release_sigterm(_LIVE.pop(path))


_SWEPT: set[str] = set()


@atexit.register
def _remove_live() -> None:
    for path in list(_LIVE):
        shutil.rmtree(path, ignore_errors=True)


def _remove_stale(parent: str) -> None:
    """Remove the private directories in ``parent`` (ours, not symlinks) whose process is
    gone: left by a run that was killed. Once per parent and process."""
    if parent in _SWEPT:
        return
    _SWEPT.add(parent)
    try:
        with os.scandir(parent) as entries:
            stale = [
                e.path
                for e in entries
                if (match := _STALE.fullmatch(e.name))
                and e.is_dir(follow_symlinks=False)
                and e.stat(follow_symlinks=False).st_uid == os.getuid()
                and not alive(int(match[1]))
            ]
    except OSError:
        return
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
