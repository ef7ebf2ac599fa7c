"""One entry point for every input format: paths in, ``RawTable`` objects out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from ltvcli.errors import InputError
from ltvcli.io.delimited import read_delimited
from ltvcli.io.raw import Bytes, RawTable, ReadOptions
from ltvcli.io.sources import expand, is_dataset_dir, read_source
from ltvcli.io.workbooks import read_workbook
from ltvcli.messages import Message

if TYPE_CHECKING:
    import pyarrow.dataset as ds


def read_inputs(paths: list[str], options: ReadOptions) -> list[RawTable]:
    """Read every input (files, globs, Parquet dataset directories, ``-`` for stdin)."""
    if not paths:
        raise InputError(Message("no input file given"))
    tables = []
    for path in expand(paths):
        if is_dataset_dir(path):
            tables.append(read_parquet_dataset(path))
            continue
        source = read_source(path, options.input_format)
        if source.format == "parquet":
            tables.append(_parquet(pa.py_buffer(source.data), source.name))
        elif source.format in ("xlsx", "xls"):
            tables.append(read_workbook(source.data, source.name, options))
        else:
            refuse_html(source.data, source.name)
            tables.append(read_delimited(source.data, source.name, options, source.path))
    return tables


def read_parquet_dataset(path: str) -> RawTable:
    """A directory of Parquet files, hive partitions (``year=2024/``) becoming columns."""
    dataset = open_dataset(path)
    try:
        table = dataset.to_table()
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            Message("cannot read the Parquet dataset: {error}", error=str(exc)), file=path
        ) from None
    return parquet_raw(table, path, files=len(dataset.files))


def open_dataset(path: str) -> ds.Dataset:
    import pyarrow.dataset as ds

    from ltvcli.io import remote

    filesystem, where = remote.arrow_filesystem(path) if remote.is_remote(path) else (None, path)
    try:
        dataset = ds.dataset(where, format="parquet", partitioning="hive", filesystem=filesystem)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            Message("cannot read the Parquet dataset: {error}", error=str(exc)), file=path
        ) from None
    if not dataset.files:
        raise InputError(Message("the directory holds no Parquet files"), file=path)

    return dataset


def _parquet(buffer: pa.Buffer, name: str) -> RawTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(buffer))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(
            Message("cannot read the Parquet file: {error}", error=str(exc)), file=name
        ) from None
    return parquet_raw(table, name, files=1)


def parquet_raw(table: pa.Table, name: str, files: int, first_row: int = 1) -> RawTable:
    """Parquet columns as the normaliser reads them: plain values, no dictionaries. Columns of
    nested or binary values (lists, structs, maps, bytes) are left out, named in ``ignored``:
    no field or segment can use them."""
    columns, ignored = {}, []
    for field, column in zip(table.schema, table.columns, strict=True):
        if (
            pa.types.is_nested(field.type)
            or pa.types.is_binary(field.type)
            or (pa.types.is_large_binary(field.type) or pa.types.is_fixed_size_binary(field.type))
        ):
            ignored.append(field.name)
            continue
        if pa.types.is_dictionary(field.type):
            column = column.cast(field.type.value_type)
        if pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
        columns[field.name] = column
    if not columns:
        raise InputError(
            Message("no column holds plain values ({columns})", columns=", ".join(ignored)),
            file=name,
        )
    table = pa.table(columns)
    if table.num_rows == 0:
        raise InputError(Message("the Parquet data has no rows"), file=name)
    detected = {"format": "parquet", "files": files} | ({"ignored": ignored} if ignored else {})
    return RawTable(name=name, table=table, first_row=first_row, detected=detected)


def refuse_html(data: Bytes, name: str) -> None:
    """Bitrix and other admin panels save HTML tables with an .xls name."""
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise InputError(
            Message("this is an HTML or XML page, not a table export"),
            file=name,
            hint=Message("open it in Excel or LibreOffice and save it as .xlsx or .csv"),
        )
