"""Find the input files, open them (stdin, compressed) and tell their format from their bytes.

Only this module knows about paths, globs, stdin and compression; readers get plain bytes.
"""

from __future__ import annotations

import bz2
import glob
import gzip
import lzma
import os
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from ltvcli.errors import InputError
from ltvcli.io import remote

STDIN = "-"

COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")

_MAGIC = (
    (b"PAR1", "parquet"),
    (b"PK\x03\x04", "xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
)
_COMPRESSION_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)


@dataclass(frozen=True)
class Source:
    """One input: a display name for messages, its bytes and its format."""

    name: str
    data: bytes
    format: str  # "csv", "parquet", "xlsx" or "xls"
    compression: str | None = None


def expand(paths: list[str]) -> list[str]:
    """Turn arguments into file paths: globs expand, Parquet dataset directories stay whole."""
    out: list[str] = []
    for path in paths:
        if path == STDIN:
            out.append(path)
        elif glob.has_magic(path):
            matches = (
                remote.glob(path)
                if remote.is_remote(path)
                else sorted(glob.glob(path, recursive=True))
            )
            if not matches:
                raise InputError("no file matches this pattern", file=path)
            out.extend(matches)
        else:
            out.append(path)
    return out


def is_dataset_dir(path: str) -> bool:
    if remote.is_remote(path):
        return remote.is_dir(path)
    return path != STDIN and os.path.isdir(path)


def read_source(path: str, input_format: str | None = None) -> Source:
    """Read one file (or stdin) into memory, decompressed, with its format decided."""
    if path == STDIN:
        raw = sys.stdin.buffer.read()
        name = "<stdin>"
    elif remote.is_remote(path):
        raw = remote.read_bytes(path)
        name = path
    else:
        p = Path(path)
        if not p.exists():
            raise InputError("no such file", file=path)
        if p.is_dir():
            raise InputError("is a directory with no Parquet files", file=path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", file=path) from None
        name = path
    compression = compression_of(raw)
    data = _decompress(raw, compression, name) if compression else raw
    fmt = input_format or sniff_format(data, name)
    return Source(name=name, data=data, format=fmt, compression=compression)


def sniff_format(data: bytes, name: str) -> str:
    """Decide the format from the bytes, and refuse a file whose name says otherwise.

    A workbook renamed ``.csv`` is refused rather than guessed at: the user should know which
    file they exported.
    """
    sniffed = next((fmt for magic, fmt in _MAGIC if data.startswith(magic)), "csv")
    suffix = _suffix(name)
    if suffix in (".csv", ".tsv", ".txt") and sniffed != "csv":
        kind = {"parquet": "a Parquet file", "xlsx": "an Excel workbook", "xls": "an Excel 97 file"}
        raise InputError(
            f"this is {kind[sniffed]}, not a text file",
            file=name,
            hint=f"rename it to .{sniffed} or pass --input-format {sniffed}",
        )
    return sniffed


def _suffix(name: str) -> str:
    p = Path(name)
    suffix = p.suffix.lower()
    if suffix in COMPRESSED_SUFFIXES:
        suffix = Path(p.stem).suffix.lower()
    return suffix


def compression_of(raw: bytes) -> str | None:
    return next((kind for magic, kind in _COMPRESSION_MAGIC if raw.startswith(magic)), None)


def _decompress(raw: bytes, compression: str, name: str) -> bytes:
    try:
        if compression == "gzip":
            return gzip.decompress(raw)
        if compression == "bz2":
            return bz2.decompress(raw)
        if compression == "xz":
            return lzma.decompress(raw)
        import pyarrow as pa

        with pa.input_stream(pa.py_buffer(raw), compression="zstd") as stream:
            return stream.read()
    except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError) as exc:
        raise InputError(f"damaged {compression} file ({exc})", file=name) from None
