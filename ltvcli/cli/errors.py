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
    except LtvError as exc:
        if debug:
            raise
        _fail(f"error: {exc}", exc.exit_code)
    except Exception as exc:
        if debug:
            raise
        where = traceback.extract_tb(exc.__traceback__)[-1]
        _fail(
            f"internal error: {type(exc).__name__} at {where.filename.rsplit('/', 1)[-1]}:"
            f"{where.lineno} (run again with --debug for details, and please report it)",
            ExitCode.DATA_ERROR,
        )


def _fail(message: str, code: int) -> None:
    print(f"ltv: {message}", file=sys.stderr)
    raise SystemExit(int(code))
