"""``ltv intervals``: days between orders, time to a second order, and who comes back within N days."""

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    By,
    Debug,
    Excel,
    Format,
    Lang,
    Output,
    Period,
    Quiet,
    comma_list,
    command,
    show,
)
from ltvcli.cli.groups import analysis_options
from ltvcli.cli.requests import AnalysisRequest


@command(app, "intervals", analysis_options)
def intervals(
    analysis: AnalysisRequest,
    by: By = None,
    period: Period = "month",
    fmt: Format = None,
    output: Output = None,
    excel: Excel = False,
    lang: Lang = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Days between orders, time to a second order, the share back within N days.

    Gaps between distinct order days (count, mean, p25, median, p75, p90), days to the second
    order, and the share back within 30/60/90/180/365 days.

    The shares are Kaplan–Meier estimates: a customer who has not come back yet counts only
    for the days they have been observed, so recent customers do not drag the shares down.

    Examples:

        ltv intervals orders.csv
        ltv intervals orders.csv --by channel -f csv
    """
    from ltvcli import tables

    result = analysis.run()
    table = tables.intervals(result, comma_list(by, "--by"), period)
    show(table, fmt, output, result.as_of_date, excel=excel, lang=lang)
