"""``ltv customers``: the per-customer table, filtered and sorted for a call list."""

from typing import TYPE_CHECKING, Annotated

import typer

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    OUTPUT,
    Columns,
    Debug,
    Excel,
    Format,
    Lang,
    Output,
    Quiet,
    Sort,
    Top,
    comma_list,
    command,
    show,
)
from ltvcli.cli.groups import analysis_options, forecast_options
from ltvcli.cli.requests import AnalysisRequest

if TYPE_CHECKING:
    from ltvcli.models.predict import Forecast


@command(app, "customers", analysis_options, forecast_options)
def customers(
    analysis: AnalysisRequest,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Keep customers with this status (comma-separated): new, active, at-risk, lapsed.",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    sort: Sort = None,
    ascending: Annotated[
        bool, typer.Option("--ascending", help="Sort smallest first.", rich_help_panel=OUTPUT)
    ] = False,
    top: Top = None,
    rfm: Annotated[
        bool,
        typer.Option(
            "--rfm",
            help="Add R, F, M scores (1-5) and the RFM segment name.",
            rich_help_panel=OUTPUT,
        ),
    ] = False,
    columns: Columns = None,
    due_product: Annotated[
        str | None,
        typer.Option(
            "--due-product",
            help="Only the buyers of this product (or SKU, or category), with when they last "
            "bought it and are due to buy it again.",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    forecast: "Forecast | None" = None,
    fmt: Format = None,
    output: Output = None,
    excel: Excel = False,
    lang: Lang = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """One row per customer: orders, revenue, margin, AOV, recency, intervals, LTV, status.

    Status: new (first order within --new-days), lapsed (silent beyond --churn-window), at-risk
    (silent over --risk-factor × their median interval; one-time buyers: over the population's
    75th percentile of days to a 2nd order), else active. Attribute columns (city, channel...)
    come from the first order (--attr); contact columns from the last. With --predict the
    model's columns are added and P(alive) < 0.5 decides who is at risk.

    Examples:

        ltv customers orders.csv --status at-risk --sort ltv_historical --top 50
        ltv customers orders.csv --predict --status at-risk --sort total_ltv --top 50
        ltv customers orders.csv -o customers.parquet
        ltv customers orders.csv --rfm --columns customer,r_score,f_score,m_score,rfm_segment
        ltv customers orders.csv --columns customer,orders,net_revenue,status -f csv
        ltv customers orders.csv --due-product "Sencha 100 g" --columns customer,email,due
    """
    from ltvcli import tables

    if due_product is not None:
        analysis.load.lines = {}
    elif not (status or sort or top or rfm or forecast is not None):
        with analysis.stream_customers(fmt, output) as stream:
            if stream is not None:  # more customers than memory holds: a slice at a time
                table = tables.customer_slices(stream, comma_list(columns, "--columns"))
                show(table, fmt, output, stream.as_of_date, excel=excel, lang=lang)
                return
    result = analysis.run()
    wanted = comma_list(columns, "--columns")
    statuses = comma_list(status, "--status")
    table = tables.customers(
        result, statuses, sort, ascending, top, rfm, wanted, forecast, due_product
    )
    show(table, fmt, output, result.as_of_date, excel=excel, lang=lang)
