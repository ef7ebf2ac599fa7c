"""``ltv report``: everything in one file for people (HTML, XLSX, Markdown) or machines (JSON)."""

from typing import TYPE_CHECKING, Annotated

import typer

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    MODEL,
    OUTPUT,
    AnalysisRequest,
    By,
    Debug,
    Period,
    Quiet,
    comma_list,
    command,
)

if TYPE_CHECKING:
    from ltvcli.models.predict import Forecast


@command(app, "report")
def report(
    analysis: AnalysisRequest,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="The report file: .html, .xlsx, .md or .json; {as_of:%Y-%m-%d} and {today:...} are filled in.",
            rich_help_panel=OUTPUT,
        ),
    ] = "report.html",
    by: By = None,
    period: Period = "month",
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="en or ru [default: from the locale].", rich_help_panel=OUTPUT),
    ] = None,
    fail_if: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-if",
            help="Exit 3 after writing when a KPI condition holds, e.g. 'ltv_cac_ratio < 3' (repeatable).",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    forecast: "Forecast | None" = None,
    holdout: Annotated[
        str,
        typer.Option(
            "--holdout",
            help="With --predict: the holdout checked, the last 90d, 26w..., or the days after a date.",
            rich_help_panel=MODEL,
        ),
    ] = "90d",
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Everything in one file: HTML with charts, XLSX, Markdown or JSON, in English or Russian.

    Headline KPIs and the LTV:CAC verdict, LTV distribution, segments,
    cohorts (retention heatmap, LTV curves with CAC), repeat-purchase intervals, monthly trend,
    the at-risk call list, predictions with their holdout check (--predict), data quality and
    the definitions. One self-contained HTML file (no network needed), or XLSX, Markdown, JSON.

    Exit codes: 0 written, 1 data error, 2 usage error, 3 written and a --fail-if holds.

    Examples:

        ltv report orders.csv --spend spend.csv -o report.html
        ltv report orders.csv --lang ru -o отчёт.xlsx
        ltv report orders.csv --predict -o 'reports/ltv-{as_of:%Y-%m-%d}.html' --fail-if 'ltv_cac_ratio < 3' -q
    """
    import datetime as dt
    import sys

    from ltvcli.alerts import check, parse_condition
    from ltvcli.errors import ConfigError, ExitCode
    from ltvcli.render.report import report_format, write_report
    from ltvcli.render.report.i18n import LANGUAGES, default_language
    from ltvcli.report import build_report, report_predictions

    conditions = [parse_condition(c) for c in fail_if or []]
    language = lang or default_language()
    if language not in LANGUAGES:
        raise ConfigError(f"--lang is one of {', '.join(LANGUAGES)}")
    report_format(output)  # a bad extension is a usage error before any work
    prepared = analysis.prepare()
    result = analysis.run(prepared)
    if result.customers["currency"].nunique() > 1:
        raise ConfigError("a report covers one currency: pass --currency")
    predictions = (
        report_predictions(result, prepared[0], prepared[1], forecast, holdout)
        if forecast
        else None
    )
    keys = comma_list(by, "--by")
    content = build_report(result, prepared[0], keys, period, predictions)
    generated = dt.datetime.now().astimezone()
    path = _fill(output, content.as_of, generated)
    write_report(content, path, language, generated)
    fired = check(conditions, content.kpis)
    if not quiet:
        print(f"ltv: wrote {path}", file=sys.stderr)
    for message in fired:
        print(f"ltv: alert: {message}", file=sys.stderr)
    if fired:
        raise typer.Exit(ExitCode.ALERT)


def _fill(template: str, as_of, generated) -> str:
    """``reports/ltv-{as_of:%Y-%m-%d}.html`` → ``reports/ltv-2025-06-30.html``. Only
    ``{as_of:FORMAT}`` and ``{today:FORMAT}`` with strftime codes: no attributes, no indexes, no
    conversions, and nothing that would put a path separator or a control character in a name."""
    import string

    from ltvcli.errors import ConfigError

    dates = {"as_of": as_of, "today": generated.date()}
    out = []
    try:
        for text, field, spec, conversion in string.Formatter().parse(template):
            out.append(text)
            if field is None:
                continue
            if field not in dates or conversion or "{" in (spec or ""):
                raise ValueError(f"{{{field}}} is not {{as_of:...}} or {{today:...}}")
            value = dates[field].strftime(spec) if spec else dates[field].isoformat()
            if any(ch in value for ch in "/\\") or any(ord(ch) < 32 for ch in value):
                raise ValueError(f"{{{field}:{spec}}} gives {value!r}, not a file name")
            out.append(value)
    except ValueError as exc:
        raise ConfigError(
            f"-o {template!r}: only {{as_of:FORMAT}} and {{today:FORMAT}} can be filled in ({exc})"
        ) from None
    return "".join(out)
