"""The documentation is true to the code: every defined number is in docs/metrics.md, every
command in the README."""

from __future__ import annotations

from helpers.paths import ROOT

from ltvcli.cohorts import COHORT_METRICS, PREDICTED_CELLS, TREND_METRICS
from ltvcli.customers import CUSTOMER_COLUMNS, RFM_COLUMNS
from ltvcli.drivers import DRIVER_METRICS
from ltvcli.intervals import INTERVAL_METRICS
from ltvcli.metrics import METRICS
from ltvcli.models.forecast import FORECAST_METRICS
from ltvcli.models.holdout import HOLDOUT_METRICS
from ltvcli.models.newcomer import NEWCOMER_COLUMNS
from ltvcli.models.predict import MEAN_BOUNDS, PREDICTED_KPIS, PREDICTION_COLUMNS
from ltvcli.products import DUE_COLUMNS, PATH_METRICS, PRODUCT_METRICS, TRANSITION_METRICS
from ltvcli.segments import SEGMENT_METRICS


def test_every_definition_is_documented():
    doc = (ROOT / "docs" / "metrics.md").read_text()
    registries = (
        CUSTOMER_COLUMNS,
        RFM_COLUMNS,
        METRICS,
        SEGMENT_METRICS,
        INTERVAL_METRICS,
        COHORT_METRICS,
        TREND_METRICS,
        PREDICTION_COLUMNS,
        PREDICTED_KPIS,
        HOLDOUT_METRICS,
        FORECAST_METRICS,
        MEAN_BOUNDS,
        NEWCOMER_COLUMNS,
        PREDICTED_CELLS,
        PRODUCT_METRICS,
        TRANSITION_METRICS,
        PATH_METRICS,
        DRIVER_METRICS,
        DUE_COLUMNS,
    )
    missing = [m.key for r in registries for m in r if f"| `{m.key}` | {m.label} |" not in doc]
    assert missing == []


def test_readme_shows_every_command(run_cli):
    readme = (ROOT / "README.md").read_text()
    for command in (
        "compute",
        "customers",
        "segments",
        "intervals",
        "cohorts",
        "predict",
        "forecast",
        "products",
        "drivers",
        "inspect",
    ):
        assert f"ltv {command} " in readme
        assert run_cli(command, "-h").exit_code == 0


def test_readme_examples_print_what_the_readme_shows(run_cli, monkeypatch):
    import re

    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text()
    examples = re.findall(r"```console\n\$ (ltv [^\n|]+)\n(.*?)```", readme, re.S)
    checked = 0
    for command, shown in examples:
        if command.startswith("ltv report"):
            continue
        result = run_cli(*command.split()[1:], "-f", "table", "-q")
        got = "\n".join(line.rstrip() for line in result.stdout.rstrip().splitlines())
        assert got == "\n".join(line.rstrip() for line in shown.rstrip().splitlines()), command
        checked += 1
    assert checked >= 6
