"""The command line: a thin layer that parses flags, calls the library and renders the result."""

import os
import sys

from ltvcli.cli.app import app
from ltvcli.cli.commands import (  # noqa: F401  (registration)
    cohorts,
    compute,
    customers,
    drivers,
    forecast,
    inspect,
    intervals,
    predict,
    products,
    report,
    segments,
)


def main() -> None:
    """Console-script entry point: quiet on a closed pipe (``ltv ... | head``)."""
    try:
        app()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


__all__ = ["app", "main"]
