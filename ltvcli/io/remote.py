"""Paths with a scheme (``s3://``, ``gs://``, ``https://`` …) read through fsspec.

fsspec and the storage drivers are an optional extra (``pip install 'ltvcli[cloud]'``); without
them a remote path is a usage error that says what to install. Credentials come from the
drivers' usual places (environment variables, ``~/.aws``, ``GOOGLE_APPLICATION_CREDENTIALS``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from ltvcli.errors import ConfigError, InputError
from ltvcli.messages import Message

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem
    from pyarrow.fs import PyFileSystem

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")


def is_remote(path: str) -> bool:
    return bool(_SCHEME.match(path)) and not path.startswith("file://")


def filesystem(path: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec filesystem of ``path`` and the path as that filesystem names it."""
    try:
        import fsspec
    except ImportError:
        raise ConfigError(
            Message(
                "{path}: reading remote paths needs the cloud extra: pip install 'ltvcli[cloud]'",
                path=path,
            )
        ) from None
    try:
        fs, inner = fsspec.core.url_to_fs(path)
        return fs, inner
    except (ImportError, ValueError) as exc:
        raise ConfigError(
            Message(
                "{path}: {error} (pip install 'ltvcli[cloud]' has s3, gs and https)",
                path=path,
                error=str(exc),
            )
        ) from None


def read_bytes(path: str) -> bytes:
    fs, inner = filesystem(path)
    try:
        return cast(bytes, fs.cat_file(inner))  # fsspec has no type hints
    except FileNotFoundError:
        raise InputError(Message("no such file"), file=path) from None
    except (OSError, PermissionError) as exc:
        raise InputError(Message("cannot read: {error}", error=str(exc)), file=path) from None


def glob(pattern: str) -> list[str]:
    fs, inner = filesystem(pattern)
    return sorted(fs.unstrip_protocol(p) for p in fs.glob(inner))


def is_dir(path: str) -> bool:
    fs, inner = filesystem(path)
    try:
        return bool(fs.isdir(inner))
    except (OSError, PermissionError):
        return False


def arrow_filesystem(path: str) -> tuple[PyFileSystem, str]:
    """(pyarrow filesystem, inner path) for reading a Parquet dataset in place."""
    from pyarrow.fs import FSSpecHandler, PyFileSystem

    fs, inner = filesystem(path)
    return PyFileSystem(FSSpecHandler(fs)), inner
