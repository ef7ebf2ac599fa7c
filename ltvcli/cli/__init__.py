"""The command line: a thin layer that parses flags, calls the library and renders the result."""

import importlib
import os
import sys
from collections.abc import Iterable

import typer

from ltvcli.cli.app import app
from ltvcli.cli.memory import no_huge_pages

# one module per command in ltvcli/cli/commands, named as the command; the order of `ltv --help`
COMMANDS = (
    "cohorts",
    "compute",
    "customers",
    "drivers",
    "forecast",
    "inspect",
    "intervals",
    "predict",
    "products",
    "report",
    "segments",
)


def application(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The application with these commands registered: importing a command's module
    registers it."""
    for name in names:
        importlib.import_module(f"ltvcli.cli.commands.{name}")
    return app


def main() -> None:
    """Console-script entry point: quiet on a closed pipe (``ltv ... | head``)."""
    no_huge_pages()
    try:
        application(_needed(sys.argv[1:]))()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


def _needed(args: list[str]) -> Iterable[str]:
    """Only the command that runs is built: Typer builds every registered command before
    parsing, a twentieth of a second that ``ltv compute`` on a small file need not pay. Help,
    shell completion and anything else get them all."""
    return args[:1] if args and args[0] in COMMANDS else COMMANDS


__all__ = ["COMMANDS", "application", "main"]
