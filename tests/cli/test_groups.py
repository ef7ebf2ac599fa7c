"""Option groups: the column-mapping flags come from ``FIELDS``, and each command takes the
groups it lists."""

from __future__ import annotations

import inspect

import pytest
import typer.main

from ltvcli.cli import application
from ltvcli.cli.common import flag_parameter
from ltvcli.cli.groups import LOAD_FLAGS, analysis_options, input_options
from ltvcli.cli.requests import LoadRequest
from ltvcli.fields import FIELDS
from ltvcli.options import MAPPED_FIELDS

app = application()  # every command registered

MAPPED = [f for f in FIELDS if f.flag]
INPUT_COMMANDS = ("compute", "customers", "segments", "intervals", "cohorts", "predict", "forecast", "report", "inspect")  # fmt: skip


def _options(command: str) -> dict[str, object]:
    [info] = [c for c in app.registered_commands if c.name == command]
    click_command = typer.main.get_command_from_info(
        info, pretty_exceptions_short=True, rich_markup_mode="markdown"
    )
    return {opt: p for p in click_command.params for opt in getattr(p, "opts", [])}


@pytest.mark.parametrize("command", INPUT_COMMANDS)
def test_every_mapped_field_has_its_flag(command):
    options = _options(command)
    for field in MAPPED:
        param = options[field.flag]
        assert param.help == field.flag_help
        assert param.rich_help_panel == "Column mapping"


def test_a_mapping_flag_maps_its_field():
    flags = {name: default for name, (_, default) in LOAD_FLAGS.items()}
    for field in MAPPED:
        flags[flag_parameter(field.flag)] = f"col {field.name}"
    options = LoadRequest(["x.csv"], flags).options()
    assert options.columns == {f.name: f"col {f.name}" for f in MAPPED}
    assert MAPPED_FIELDS == tuple(f.name for f in MAPPED)


def test_a_group_replaces_its_parameter_by_its_flags():
    def command(request, *, fmt: str | None = None, quiet: bool = False):
        return request

    wrapped = input_options(command)
    names = list(inspect.signature(wrapped).parameters)
    assert names == ["files", "fmt", "quiet", *LOAD_FLAGS]
    values = {n: None for n in names} | {"files": ["a.csv"], "quiet": True}
    request = wrapped(**values)
    assert isinstance(request, LoadRequest)
    assert (request.files, request.quiet) == (["a.csv"], True)
    assert "analysis" not in inspect.signature(analysis_options(lambda analysis: None)).parameters
