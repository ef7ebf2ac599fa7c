"""The one boundary where exceptions become a line on stderr and an exit code."""

import contextlib
import sys
import traceback
from collections.abc import Iterator

import typer
from typer.exceptions import TyperException

from ltvcli.errors import ExitCode, LtvError


@contextlib.contextmanager
def handle_errors(debug: bool) -> Iterator[None]:
    """Library errors: one line, their exit code. Anything else: one line without data, exit 1.

    ``--debug`` shows the traceback instead. Click's own exits and aborts pass through.
    """
    try:
        yield
    except (typer.Exit, typer.Abort, TyperException):
        raise
    except KeyboardInterrupt:
        _fail("interrupted", ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # the reader of a pipe stopped early (| head): like other Unix tools, stop quietly
        _quiet_exit(ExitCode.BROKEN_PIPE)
    except LtvError as exc:
        if debug:
            raise
        _fail(f"error: {exc}", exc.exit_code)
    except OSError as exc:  # a directory for -o, a full disk, a read-only place...
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"error: {where}{exc.strerror or exc}", ExitCode.DATA_ERROR)
    except Exception as exc:
        if debug:
            raise
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        _fail(
            f"internal error: {type(exc).__name__} at {frame.filename.rsplit('/', 1)[-1]}:"
            f"{frame.lineno} (run again with --debug for details, and please report it)",
            ExitCode.DATA_ERROR,
        )


def _quiet_exit(code: int) -> None:
    """Exit without a word, and without Python's complaint when it flushes the closed pipe."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(int(code))


def _fail(message: str, code: int) -> None:
    print(f"ltv: {message}", file=sys.stderr)
    raise SystemExit(int(code))
