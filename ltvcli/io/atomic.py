"""Outputs that respect the file system.

A regular file (or a new one) is written atomically: a temporary file next to it
(``.NAME.ltv-<pid>.tmp``) renamed over it on success, removed on any error, Ctrl-C and SIGTERM,
so the file appears complete or not at all and a failed run never destroys the previous one.
The new file keeps the old one's mode (and owner and group when we may set them).

A symlink is written through to its target (resolved, then the target replaced atomically, as
``sort -o`` does); the link stays. ``-``, ``/dev/stdout`` and other ``/dev/fd/N`` paths, devices
(``/dev/null``), FIFOs and sockets are not replaced: the output streams to them directly.

Temporary outputs of a run that was killed (``kill -9``) are removed by the next write into the
same directory once their process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any, BinaryIO

_TEMP = re.compile(r"\..+\.ltv-([0-9]+)\.tmp")
_FD = re.compile(r"/(?:dev|proc/self|proc/thread-self|proc/([0-9]+))/fd/([0-9]+)")


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Yield a file to write; on success it replaces ``path``, on any error it is removed.

    Parent directories are created. ``mode`` is ``"w"`` (UTF-8 text) or ``"wb"``. ``path`` may
    be ``-`` (stdout), a device or a FIFO: then the output is written to it as it comes.
    """
    # UTF-8 text with newlines as written, or bytes
    encoding, newline = ("utf-8", "") if "b" not in mode else (None, None)
    fd = _descriptor(str(path))
    if fd is not None:
        with _to_descriptor(fd, mode, encoding, newline) as handle:
            yield handle
        return
    target = Path(os.path.realpath(path))  # through symlinks: the link stays, its target changes
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None and stat.S_ISDIR(old.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if old is not None and not stat.S_ISREG(old.st_mode):  # a device, a FIFO: stream to it
        with sigterm_unwinds(), open(target, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_outputs(target.parent)
    with sigterm_unwinds():
        tmp = target.parent / f".{target.name}.ltv-{os.getpid()}.tmp"
        try:
            with (
                _create(tmp, old) as raw,
                os.fdopen(raw, mode, encoding=encoding, newline=newline) as handle,
            ):
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


@contextlib.contextmanager
def _create(tmp: Path, old: os.stat_result | None) -> Iterator[int]:
    """The temporary file, with the mode (and owner) of the file it replaces, else a plain
    open()'s mode. A leftover of this very process id (reused after a crash) is replaced."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except FileExistsError:
        os.unlink(tmp)
        fd = os.open(tmp, flags, 0o600)
    try:
        if old is None:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
        else:
            if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, -1, old.st_gid)  # a group we belong to
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, old.st_uid, old.st_gid)  # as root
            os.fchmod(fd, stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits
    except BaseException:
        os.close(fd)
        raise
    yield fd


def _descriptor(path: str) -> int | None:
    """The descriptor that ``-``, ``/dev/stdout``, ``/dev/fd/N`` or ``/proc/self/fd/N`` name
    (following symlinks such as /dev/stdout → /proc/self/fd/1), else None."""
    if path == "-":
        return 1
    path = os.path.abspath(path)
    for _ in range(40):
        match = _FD.fullmatch(path)
        if match and (match[1] is None or int(match[1]) == os.getpid()):
            return int(match[2])
        if not os.path.islink(path):
            return None
        path = os.path.normpath(os.path.join(os.path.dirname(path), os.readlink(path)))
    return None


@contextlib.contextmanager
def _to_descriptor(
    fd: int, mode: str, encoding: str | None, newline: str | None
) -> Iterator[IO[Any]]:
    """Write to an open descriptor: stdout and stderr through their Python streams (flushed
    first, so the order of output holds), others through a duplicate (left open)."""
    stream = {1: sys.stdout, 2: sys.stderr}.get(fd)
    with sigterm_unwinds():
        if stream is None:
            with os.fdopen(os.dup(fd), mode, encoding=encoding, newline=newline) as handle:
                yield handle
            return
        stream.flush()
        raw: BinaryIO | None = getattr(stream, "buffer", None)
        if "b" in mode:
            # binary output to a text-only stream (an embedding program's) was never supported
            assert raw is not None, "binary output to a stream without a buffer"
            yield raw
            raw.flush()
            return
        if raw is None:  # a text-only stream (an embedding program's)
            yield stream
            stream.flush()
            return
        import io

        handle = io.TextIOWrapper(raw, write_through=True, encoding=encoding, newline=newline)
        try:
            yield handle
            handle.flush()
        finally:
            handle.detach()  # leave stdout open


def remove_stale_outputs(folder: Path) -> None:
    """Remove ``.NAME.ltv-<pid>.tmp`` files in ``folder`` whose process is gone (a killed run)."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMP.fullmatch(entry.name)
            if match and entry.is_file(follow_symlinks=False) and not alive(int(match[1])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (ours, or another user's)."""
    if pid <= 0 or pid == os.getpid():
        return pid > 0
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's process
        return True
    return True


class Terminated(SystemExit):
    """SIGTERM: unwinds like Ctrl-C (every ``finally`` and context exit runs, so temporary
    files are removed), then the process exits 143 (128 + SIGTERM), as a killed one would."""


_sigterm_lock = threading.Lock()
_sigterm_depth = 0


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the cleanup short
    try:
        sys.stderr.write("ltv: terminated\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    raise Terminated(128 + signum)


def hold_sigterm() -> bool:
    """Make SIGTERM raise ``Terminated`` until ``release_sigterm``; nested holds count.

    Only from the main thread and only over the default handler (an embedding program's own
    handler is left alone). Returns whether the hold was taken (pass it to ``release_sigterm``).
    """
    global _sigterm_depth
    if threading.current_thread() is not threading.main_thread():
        return False
    with _sigterm_lock:
        if _sigterm_depth == 0:
            if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, _on_sigterm):
                return False
            signal.signal(signal.SIGTERM, _on_sigterm)
        _sigterm_depth += 1
        return True


def release_sigterm(held: bool) -> None:
    global _sigterm_depth
    if not held:
        return
    with _sigterm_lock:
        _sigterm_depth -= 1
        if _sigterm_depth == 0:
            with contextlib.suppress(ValueError):  # not the main thread: the handler stays
                signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Within: SIGTERM raises ``Terminated`` (see ``hold_sigterm``)."""
    held = hold_sigterm()
    try:
        yield
    finally:
        release_sigterm(held)
