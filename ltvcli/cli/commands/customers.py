"""``ltv customers``: the per-customer table, filtered and sorted for a call list."""

from typing import TYPE_CHECKING, Annotated

import typer

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    OUTPUT,
    AnalysisRequest,
    Columns,
    Debug,
    Format,
    Output,
    Quiet,
    Sort,
    Top,
    comma_list,
    command,
    show,
)

if TYPE_CHECKING:
    from ltvcli.models.predict import Forecast


@command(app, "customers")
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
    forecast: "Forecast | None" = None,
    fmt: Format = None,
    output: Output = None,
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
    """
    from ltvcli.customers import (
        CUSTOMER_COLUMNS,
        RFM_COLUMNS,
        rfm_scores,
        select_customers,
        status_with_p_alive,
        visible_columns,
    )
    from ltvcli.definition import kinds, labels
    from ltvcli.render.result import Result

    if not (status or sort or top or rfm or forecast is not None):
        with analysis.stream_customers(fmt, output) as stream:
            if stream is not None:  # more customers than memory holds: a slice at a time
                tables = stream.tables()
                first = next(tables)
                shown = comma_list(columns, "--columns") or visible_columns(
                    first, stream.margin_known, stream.files.has_currency
                )
                notes = [
                    f"as of {stream.as_of_date}; {stream.count:,} of {stream.count:,} customers"
                ]
                more = (select_customers(t, shown) for t in tables)
                frame = select_customers(first, shown)
                result = Result(
                    frame,
                    kinds(CUSTOMER_COLUMNS),
                    labels(CUSTOMER_COLUMNS),
                    "Customers",
                    notes,
                    more=more,
                )
                show(result, fmt, output)
                return
    result = analysis.run()
    table = result.customers
    extra = RFM_COLUMNS if rfm else ()
    if rfm:
        table = table.join(rfm_scores(table[table["orders"] > 0]))
    if forecast is not None:
        from ltvcli.models.predict import forecast_customers, prediction_columns

        predictions, _ = forecast_customers(result, forecast)
        table = table.join(forecast.columns(predictions))
        table["status"] = status_with_p_alive(table["status"], table["p_alive"])
        extra += prediction_columns(forecast.label)
    shown = comma_list(columns, "--columns") or (
        visible_columns(result.customers, result.margin_known) + [m.key for m in extra]
    )
    statuses = comma_list(status, "--status")
    frame = select_customers(table, shown, statuses, sort, ascending, top)
    notes = [f"as of {result.as_of_date}; {len(frame):,} of {len(table):,} customers"]
    definitions = CUSTOMER_COLUMNS + extra
    show(Result(frame, kinds(definitions), labels(definitions), "Customers", notes), fmt, output)
