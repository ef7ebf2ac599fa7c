"""The Typer application object that every command module registers on."""

import warnings
from typing import TYPE_CHECKING

import typer
from typer.core import TyperGroup

from ltvcli import __version__
from ltvcli.cli.common import CONTEXT

if TYPE_CHECKING:
    # the Click that Typer vendors: the types a TyperGroup is given
    from typer._click import Command, Context


def _version(value: bool) -> None:
    if value:
        print(f"ltv {__version__}")
        raise typer.Exit()


class _Commands(TyperGroup):
    """The command group; a command run with ``-q`` runs with Python's warnings (pandas',
    pyarrow's, numpy's) silenced, so that it prints nothing on stderr unless it fails."""

    def resolve_command(
        self, ctx: "Context", args: list[str]
    ) -> "tuple[str | None, Command | None, list[str]]":
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and _asks_quiet(command, name, rest, ctx):
            ctx.with_resource(warnings.catch_warnings(action="ignore"))  # until the command ends
        return name, command, rest


def _asks_quiet(command: "Command", name: str | None, args: list[str], parent: "Context") -> bool:
    """Whether the command's arguments set ``--quiet``: parsed leniently (no errors, no help)
    before the command parses them for real."""
    if not any(p.name == "quiet" for p in command.params):
        return False
    try:
        with command.make_context(name, list(args), parent=parent, resilient_parsing=True) as probe:
            return bool(probe.params.get("quiet"))
    except Exception:  # a usage error: the real parse reports it
        return False


app = typer.Typer(
    name="ltv",
    help="Customer lifetime value, CAC ratio, repeat purchases, segments and cohorts "
    "from order exports (CSV, Excel, Parquet).\n\n"
    "Exit codes: 0 success, 1 data error, 2 usage error, 3 alert (--fail-if holds), "
    "4 a --fail-if KPI is unknown for the data, "
    "130 interrupted, 141 output pipe closed early, 143 terminated.",
    cls=_Commands,
    context_settings=CONTEXT,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
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
