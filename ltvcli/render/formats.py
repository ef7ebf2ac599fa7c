"""One ``--format`` option, resolved in one place."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from ltvcli.errors import ConfigError
from ltvcli.messages import Message


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    parquet = "parquet"
    xlsx = "xlsx"


BINARY = (OutputFormat.parquet, OutputFormat.xlsx)


_EXTENSIONS = {
    ".csv": OutputFormat.csv,
    ".tsv": OutputFormat.tsv,
    ".txt": OutputFormat.table,
    ".json": OutputFormat.json,
    ".jsonl": OutputFormat.jsonl,
    ".ndjson": OutputFormat.jsonl,
    ".md": OutputFormat.markdown,
    ".parquet": OutputFormat.parquet,
    ".xlsx": OutputFormat.xlsx,
}


def extension_format(output: str | None) -> OutputFormat | None:
    """The format ``-o``'s extension names, if it names one."""
    return _EXTENSIONS.get(Path(output).suffix.lower()) if output else None


def choose_format(
    fmt: OutputFormat | None, output: str | None, stdout_isatty: bool
) -> OutputFormat:
    """An explicit ``--format``; else the extension of ``-o``; else a table on a terminal, CSV in a pipe."""
    if fmt is not None:
        return OutputFormat(fmt)
    if output:
        suffix = Path(output).suffix.lower()
        if suffix not in _EXTENSIONS:
            known = ", ".join(sorted(_EXTENSIONS))
            raise ConfigError(
                Message(
                    "cannot tell the format of {output!r} (known: {known}); pass --format",
                    output=output,
                    known=known,
                )
            )
        return _EXTENSIONS[suffix]
    return OutputFormat.table if stdout_isatty else OutputFormat.csv
