"""Atomic output: a file appears complete or not at all (temp file in the same directory + rename)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Yield a file to write; on success it replaces ``path``, on any error it is removed.

    Parent directories are created. ``mode`` is ``"w"`` (UTF-8 text) or ``"wb"``.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # like a plain open(): mkstemp makes it private
    try:
        with os.fdopen(
            fd, mode, **({"encoding": "utf-8", "newline": ""} if "b" not in mode else {})
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
