"""Exit codes and the exceptions the library raises.

The library never prints and never exits: it raises one of these, and the CLI turns it into
one line on stderr and an exit code at a single boundary (``ltvcli.cli.errors``).
"""

from __future__ import annotations

import errno
from collections.abc import Sequence
from enum import IntEnum

from ltvcli.messages import Message, translate


class ExitCode(IntEnum):
    """What ``ltv`` returns to the shell (documented in the README)."""

    OK = 0
    DATA_ERROR = 1  # the input cannot be used, or --strict met a bad row
    USAGE = 2  # bad flags or arguments (Click's own usage errors exit 2 too)
    ALERT = 3  # --fail-if: the output was written and a condition holds
    UNKNOWN_KPI = 4  # --fail-if: no condition holds, but a KPI is unknown for the data
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    BROKEN_PIPE = 141  # the reader of the output pipe stopped early (128 + SIGPIPE)


class LtvError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code: ExitCode = ExitCode.DATA_ERROR

    def say(self, lang: str) -> str:
        """The error as one line in ``lang`` (``str(error)`` is the English)."""
        text = self.args[0] if self.args and isinstance(self.args[0], str) else str(self)
        return translate(text, lang)


class InputError(LtvError):
    """A file, a row or a value that cannot be used.

    Renders as one line: ``orders.csv: row 17: column "Дата": expected a date, got "31/13/2024"``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.hint = hint
        # what the loader had found when it stopped (``schema.report.Source``s), for ltv inspect
        self.sources: Sequence[object] = []
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.say("en")

    def say(self, lang: str) -> str:
        text = located(self.message, lang, self.file, self.row, self.column)
        if self.hint:
            text += f" ({translate(self.hint, lang)})"
        return " ".join(text.split())  # one line, whatever the file's cells held


def located(
    text: str, lang: str, file: str | None, row: int | None = None, column: str | None = None
) -> str:
    """``orders.csv: row 17: column "Дата": text``, in ``lang``: where a message is about."""
    parts = [file] if file else []
    if row is not None:
        parts.append(translate(Message("row {row}", row=row), lang))
    if column is not None:
        parts.append(translate(Message('column "{column}"', column=column), lang))
    return ": ".join([*parts, translate(text, lang)])


# the system's own words (as strerror says them), so that they can be said in another language
_OS_ERRORS = {
    errno.ENOENT: Message("No such file or directory"),
    errno.EACCES: Message("Permission denied"),
    errno.EISDIR: Message("Is a directory"),
    errno.ENOTDIR: Message("Not a directory"),
    errno.ENOSPC: Message("No space left on device"),
    errno.EROFS: Message("Read-only file system"),
}


def os_reason(error: OSError) -> str:
    """Why the system refused, said in the run's language where it is a common reason."""
    return _OS_ERRORS.get(error.errno or 0) or str(error.strerror or error)


class ConfigError(LtvError):
    """A bad option value or ``ltv.toml`` entry: a usage error, exit 2."""

    exit_code = ExitCode.USAGE
