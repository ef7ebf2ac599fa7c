"""Shared fixtures: the CLI runner and helpers to write small export files."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from ltvcli.cli import application

app = application()  # every command registered

# CI runs the property tests with a fixed seed (HYPOTHESIS_PROFILE=ci in .ci/run), so a run is
# reproducible; locally every run explores new examples.
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The tests read English output, and ltv's default language follows the locale: a machine set
# to Russian would switch it (here and in the installed ltv the tests run).
for _name in ("LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def run_cli():
    """Run ``ltv ARGS`` through the real Typer app; stdout and stderr kept apart."""

    def run(*args: str, input: str | bytes | None = None) -> CliResult:
        result = CliRunner().invoke(app, [str(a) for a in args], input=input)
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def write(tmp_path):
    """Write text (with an encoding) or bytes to a file in the test's temp dir."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write
