"""The command line: a thin layer that parses flags, calls the library and renders the result."""

import ctypes
import importlib
import os
import sys
from collections.abc import Iterable

import typer

from ltvcli.cli.app import app

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
    keep_freed_memory()
    try:
        application(_needed(sys.argv[1:]))()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


# glibc's mallopt parameters
_M_TOP_PAD = -2
_M_MMAP_MAX = -4


def keep_freed_memory() -> None:
    """Large arrays from the heap, whose freed memory the next array reuses: glibc maps each
    array over 32 MB afresh and unmaps it when freed, and the kernel zeroes every page of the
    next one again. At 10^7 orders that was a third of the run's CPU time in the kernel
    (``make bench``: ``ltv segments --by city`` 18.8 s -> 15.9 s, the same peak memory). The
    heap keeps 256 MB free at its top rather than returning and asking again. Other C
    libraries (macOS, musl, Windows) keep their own ways."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        return
    mallopt(_M_MMAP_MAX, 0)
    mallopt(_M_TOP_PAD, 256 << 20)


def _needed(args: list[str]) -> Iterable[str]:
    """Only the command that runs is built: Typer builds every registered command before
    parsing, a twentieth of a second that ``ltv compute`` on a small file need not pay. Help,
    shell completion and anything else get them all."""
    return args[:1] if args and args[0] in COMMANDS else COMMANDS


__all__ = ["COMMANDS", "application", "main"]
