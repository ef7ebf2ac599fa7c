"""``ltv cohorts``: acquisition cohorts (retention and LTV curves, CAC and payback) and the trend."""

from typing import Annotated

import typer

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    OUTPUT,
    AnalysisRequest,
    Debug,
    Format,
    Output,
    Period,
    Quiet,
    command,
    show,
)

MATRIX_METRICS = ("retention", "ltv_cumulative", "ltv_cumulative_margin", "active", "orders", "net_revenue", "margin")  # fmt: skip


@command(app, "cohorts")
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
    fmt: Format = None,
    output: Output = None,
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
    """
    from ltvcli.cohorts import COHORT_METRICS, TREND_METRICS, cohort_cells, cohort_matrix, trend
    from ltvcli.definition import kinds, labels
    from ltvcli.errors import ConfigError
    from ltvcli.periods import PERIODS
    from ltvcli.render.result import Result

    if period not in PERIODS:
        raise ConfigError(f"--period is one of {', '.join(PERIODS)}")
    if metric not in MATRIX_METRICS:
        raise ConfigError(f"--metric is one of {', '.join(MATRIX_METRICS)}")
    result = analysis.run(keep_ledger=True)
    notes = [f"as of {result.as_of_date}; the last {period} is observed up to that day"]
    if show_trend:
        table = trend(result, period)
        if not result.margin_known:
            table = table.drop(columns="margin")
        out = Result(
            table, kinds(TREND_METRICS), labels(TREND_METRICS), f"Trend by {period}", notes
        )
        show(out, fmt, output)
        return
    if metric.endswith("margin") and not result.margin_known:
        raise ConfigError("margin is unknown: the orders have no cost column; give --margin")
    cells = cohort_cells(result, period)
    if long:
        table, cell_kinds = cells, kinds(COHORT_METRICS)
    else:
        table = cohort_matrix(cells, metric)
        ages = [c for c in table.columns if c.isdigit()]
        cell_kinds = kinds(COHORT_METRICS) | dict.fromkeys(ages, kinds(COHORT_METRICS)[metric])
        notes.append(
            f"cells: {labels(COHORT_METRICS)[metric].lower()} by {period}s since acquisition"
        )
    if table["cac"].isna().all():
        table = table.drop(columns=["cac", "payback_age"])
    if not result.margin_known and long:
        table = table.drop(columns=["margin", "ltv_cumulative_margin"])
    title = f"Cohorts by {period}"
    show(Result(table, cell_kinds, labels(COHORT_METRICS), title, notes), fmt, output)
