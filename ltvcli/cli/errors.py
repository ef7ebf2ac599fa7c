"""What ltv prints on stderr: the one boundary where exceptions become a line and an exit
code, and every warning and note, in the run's language (``--lang``, else the locale's)."""

import contextlib
import sys
import traceback
from collections.abc import Iterator

import typer
from typer.exceptions import TyperException

from ltvcli.errors import ExitCode, LtvError, os_reason
from ltvcli.messages import Message, translate

_language: list[str | None] = [None]  # set by ``speak``: --lang, else the locale's


def speak(lang: str | None) -> None:
    """Say everything from now on in ``lang`` (``None``: the locale's language)."""
    from ltvcli.render.i18n import default_language

    _language[0] = lang or default_language()


def language() -> str:
    if _language[0] is None:
        speak(None)
    return _language[0] or "en"


def say(text: str) -> None:
    """One line on stderr, ``ltv: `` first, in the run's language."""
    print(f"ltv: {translate(text, language())}", file=sys.stderr)


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
        _fail(Message("interrupted"), ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # the reader of a pipe stopped early (| head): like other Unix tools, stop quietly
        _quiet_exit(ExitCode.BROKEN_PIPE)
    except LtvError as exc:
        if debug:
            raise
        _fail(Message("error: {error}", error=exc.say(language())), exc.exit_code)
    except OSError as exc:  # a directory for -o, a full disk, a read-only place...
        if debug:
            raise
        where = [str(exc.filename)] if exc.filename else []
        error = ": ".join([*where, translate(os_reason(exc), language())])
        _fail(Message("error: {error}", error=error), ExitCode.DATA_ERROR)
    except Exception as exc:
        if debug:
            raise
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        _fail(
            Message(
                "internal error: {error} at {place} (run again with --debug for details, "
                "and please report it)",
                error=type(exc).__name__,
                place=":".join((frame.filename.rsplit("/", 1)[-1], str(frame.lineno))),
            ),
            ExitCode.DATA_ERROR,
        )


def _quiet_exit(code: int) -> None:
    """Exit without a word, and without Python's complaint when it flushes the closed pipe."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(int(code))


def _fail(message: Message, code: int) -> None:
    say(message)
    raise SystemExit(int(code))
