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
    tune_memory()
    try:
        application(_needed(sys.argv[1:]))()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


_M_TOP_PAD = -2  # glibc's mallopt parameters
_M_MMAP_MAX = -4
_PR_SET_THP_DISABLE = 41  # Linux's prctl option


def tune_memory() -> None:
    """Fresh memory costs the kernel's zeroing of every page: at 10^7 orders that was half
    the run's CPU time (``perf``: ``clear_page_erms``), DuckDB's a tenth. Two changes, both
    measured by ``make bench`` (``ltv segments --by city`` at 10^7 orders: 18.8 s -> 13.5 s, the
    same peak memory):

    - No transparent huge pages: the kernel zeroes 2 MB at a first touch, however little of it
      an array or an Arrow buffer then uses (sys time 10 s -> 5 s).
    - Large arrays from glibc's heap, which keeps 256 MB free at its top: glibc maps each
      array over 32 MB afresh and unmaps it when freed, so every next array is zeroed again
      (5 s -> 3 s).

    Elsewhere (macOS, musl, Windows) the C library and the kernel keep their own ways."""
    try:
        libc = ctypes.CDLL(None)
    except (OSError, TypeError):
        return
    if hasattr(libc, "prctl") and sys.platform.startswith("linux"):
        libc.prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0)
    if hasattr(libc, "mallopt"):
        libc.mallopt(_M_MMAP_MAX, 0)
        libc.mallopt(_M_TOP_PAD, 256 << 20)


def _needed(args: list[str]) -> Iterable[str]:
    """Only the command that runs is built: Typer builds every registered command before
    parsing, a twentieth of a second that ``ltv compute`` on a small file need not pay. Help,
    shell completion and anything else get them all."""
    return args[:1] if args and args[0] in COMMANDS else COMMANDS


__all__ = ["COMMANDS", "application", "main"]
