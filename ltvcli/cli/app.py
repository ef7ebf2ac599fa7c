"""The Typer application object that every command module registers on."""

import typer

from ltvcli import __version__
from ltvcli.cli.common import CONTEXT


def _version(value: bool) -> None:
    if value:
        print(f"ltv {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="ltv",
    help="Customer lifetime value, CAC ratio, repeat purchases, segments and cohorts "
    "from order exports (CSV, Excel, Parquet).\n\n"
    "Exit codes: 0 success, 1 data error, 2 usage error, 3 report alert (--fail-if), 130 interrupted.",
    context_settings=CONTEXT,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",
)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    pass
