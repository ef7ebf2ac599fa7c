"""``ltv cohorts``: acquisition cohorts (retention and LTV curves, CAC and payback) and the trend."""

from typing import Annotated

import typer

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    OUTPUT,
    Debug,
    Excel,
    Format,
    Horizon,
    Lang,
    ModelName,
    Output,
    Period,
    Predict,
    Quiet,
    command,
    show,
)
from ltvcli.cli.groups import analysis_options, forecast_plan
from ltvcli.cli.requests import AnalysisRequest
from ltvcli.messages import Message

MATRIX_METRICS = ("retention", "ltv_cumulative", "ltv_cumulative_margin", "active", "orders", "net_revenue", "margin")  # fmt: skip


@command(app, "cohorts", analysis_options)
def cohorts(
    analysis: AnalysisRequest,
    period: Period = "month",
    metric: Annotated[
        str,
        typer.Option(
            "--metric",
            help=f"What the cells show: {', '.join(MATRIX_METRICS)}.",
            rich_help_panel=OUTPUT,
        ),
    ] = "retention",
    long: Annotated[
        bool,
        typer.Option(
            "--long",
            help="One row per (cohort, age) with every number, for pipelines.",
            rich_help_panel=OUTPUT,
        ),
    ] = False,
    show_trend: Annotated[
        bool,
        typer.Option(
            "--trend",
            help="Per period: active, new and returning customers, orders, revenue, AOV.",
            rich_help_panel=OUTPUT,
        ),
    ] = False,
    predict: Predict = False,
    model: ModelName = "bgnbd",
    horizon: Horizon = "12m",
    fmt: Format = None,
    output: Output = None,
    excel: Excel = False,
    lang: Lang = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Acquisition cohorts: retention, LTV curves, CAC and payback; --trend by period.

    Per cohort: size, retention by age, cumulative net revenue (and margin) per customer (the
    LTV curve), CAC and payback with --spend or --cac. Cells not observable yet are empty.

    Examples:

        ltv cohorts orders.csv
        ltv cohorts orders.csv --metric ltv_cumulative --spend spend.csv
        ltv cohorts orders.csv --period quarter --long -f csv
        ltv cohorts orders.csv --trend
        ltv cohorts orders.csv --metric ltv_cumulative --predict --horizon 12m
    """
    from ltvcli import tables
    from ltvcli.errors import ConfigError
    from ltvcli.periods import PERIODS

    if period not in PERIODS:
        raise ConfigError(
            Message("{flag} is one of {choices}", flag="--period", choices=", ".join(PERIODS))
        )
    if metric not in MATRIX_METRICS:
        raise ConfigError(
            Message(
                "{flag} is one of {choices}", flag="--metric", choices=", ".join(MATRIX_METRICS)
            )
        )
    forecast = forecast_plan(model, horizon, 0.0) if predict else None
    result = analysis.run(keep_ledger=True)
    if show_trend:
        show(tables.trend(result, period), fmt, output, result.as_of_date, excel=excel, lang=lang)
    else:
        show(
            tables.cohorts(result, period, metric, long, forecast=forecast),
            fmt,
            output,
            result.as_of_date,
            excel=excel,
            lang=lang,
        )
