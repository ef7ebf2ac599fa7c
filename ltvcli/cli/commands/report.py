"""``ltv report``: everything in one file for people (HTML, XLSX, Markdown) or machines (JSON)."""

from typing import TYPE_CHECKING, Annotated

import typer

from ltvcli.cli.alerting import CompareTo, FailIf, alerts_from
from ltvcli.cli.app import app
from ltvcli.cli.common import (
    MODEL,
    OUTPUT,
    By,
    Debug,
    Lang,
    Period,
    Quiet,
    comma_list,
    command,
    fill_output,
)
from ltvcli.cli.errors import say
from ltvcli.cli.groups import analysis_options, forecast_options
from ltvcli.cli.requests import AnalysisRequest
from ltvcli.messages import Message

if TYPE_CHECKING:
    from ltvcli.models.predict import Forecast


@command(app, "report", analysis_options, forecast_options)
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
    lang: Lang = None,
    fail_if: FailIf = None,
    compare_to: CompareTo = None,
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

    Exit codes: 0 written, 1 data error, 2 usage error, 3 written and a --fail-if holds,
    4 written and a --fail-if KPI is unknown for the data.

    Examples:

        ltv report orders.csv --spend spend.csv -o report.html
        ltv report orders.csv --lang ru -o отчёт.xlsx
        ltv report orders.csv --predict -o 'reports/ltv-{as_of:%Y-%m-%d}.html' --fail-if 'ltv_cac_ratio < 3' -q
    """
    import datetime as dt

    from ltvcli.errors import ConfigError
    from ltvcli.metrics import METRICS
    from ltvcli.render.i18n import LANGUAGES, default_language
    from ltvcli.render.report import report_format, write_report
    from ltvcli.report import build_report, report_predictions

    alerts = alerts_from(fail_if, compare_to, METRICS, "--fail-if")
    language = lang or default_language()
    if language not in LANGUAGES:
        raise ConfigError(
            Message("{flag} is one of {choices}", flag="--lang", choices=", ".join(LANGUAGES))
        )
    report_format(output)  # a bad extension is a usage error before any work
    fill_output(output, dt.date.today())  # and so is a bad template
    analysis.load.lines = {}  # the products section, when the orders name products
    prepared = analysis.prepare()
    result = analysis.run(prepared, keep_ledger=True)  # the cohorts section
    if result.customers["currency"].nunique() > 1:
        raise ConfigError(Message("a report covers one currency: pass --currency"))
    predictions = (
        report_predictions(result, prepared[0], prepared[1], forecast, holdout)
        if forecast
        else None
    )
    if predictions is not None:  # at-risk is P(alive) < 0.5 in every section, the call list too
        result = result.with_p_alive(predictions.table["p_alive"])
    keys = comma_list(by, "--by")
    content = build_report(result, prepared[0], keys, period, predictions)
    generated = dt.datetime.now().astimezone()
    path = fill_output(output, content.as_of, generated.date())
    write_report(content, path, language, generated)
    if not quiet:
        say(Message("wrote {path}", path=path))
    alerts.raise_if([("", content.kpis, alerts.previous_kpis(content.currency))])
