"""``ltv forecast``: expected orders and revenue per coming period, with bounds."""

from typing import Annotated

import typer

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    MODEL,
    Bootstrap,
    Columns,
    Covariates,
    Debug,
    Excel,
    Format,
    Horizon,
    IntervalLevel,
    Lang,
    ModelName,
    Output,
    Period,
    Plot,
    Quiet,
    Seed,
    TimeUnit,
    comma_list,
    command,
    show,
    write_charts,
)
from ltvcli.cli.errors import say
from ltvcli.cli.groups import analysis_options, forecast_plan
from ltvcli.cli.requests import AnalysisRequest


@command(app, "forecast", analysis_options)
def forecast(
    analysis: AnalysisRequest,
    horizon: Horizon = "12m",
    period: Period = "month",
    new_customers: Annotated[
        str | None,
        typer.Option(
            "--new-customers",
            help="Add customers yet to come: a number a period (300, 300/month, 70/week) or "
            "'observed' (the last year's rate).",
            rich_help_panel=MODEL,
        ),
    ] = None,
    model: ModelName = "bgnbd",
    interval: IntervalLevel = 0.9,
    bootstrap: Bootstrap = 0,
    seed: Seed = 0,
    covariates: Covariates = None,
    time_unit: TimeUnit = "week",
    columns: Columns = None,
    plot: Plot = None,
    fmt: Format = None,
    output: Output = None,
    excel: Excel = False,
    lang: Lang = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Expected repeat orders and revenue per coming period, with bounds.

    The existing customers' expected purchases and revenue in each calendar period of the
    horizon (the purchase model and Gamma-Gamma), with the --interval bounds of simulated
    futures; --new-customers adds what customers yet to come will buy. Not discounted.

    Examples:

        ltv forecast orders.csv
        ltv forecast orders.csv --horizon 2y --period quarter --new-customers observed
        ltv forecast orders.csv --new-customers 300/month -o forecast.xlsx
        ltv forecast orders.csv --plot charts/
    """
    from ltvcli import tables
    from ltvcli.models.forecast import parse_new_customers

    plan = forecast_plan(
        model, horizon, 0.0, interval, bootstrap, seed, time_unit, covariates=covariates
    )
    newcomers = parse_new_customers(new_customers)
    result = analysis.run()
    table, models = tables.forecast(result, plan, period, newcomers)
    if not quiet:
        for note in models.notes:
            say(note)
    if plot:
        from ltvcli.report import forecast_chart

        write_charts(plot, [forecast_chart(table)], quiet)
    table = tables.select_columns(table, comma_list(columns, "--columns"))
    show(table, fmt, output, result.as_of_date, excel=excel, lang=lang)
