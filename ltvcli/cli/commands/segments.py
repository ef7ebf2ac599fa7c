"""``ltv segments``: the KPIs per city, channel, RFM segment, frequency band, LTV tier, cohort..."""

from typing import TYPE_CHECKING, Annotated, cast

import typer

from ltvcli.cli.alerting import CompareTo, FailIfAny, Record, alerts_from
from ltvcli.cli.app import app
from ltvcli.cli.common import (
    ANALYSIS,
    By,
    Columns,
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
from ltvcli.cli.groups import analysis_options, forecast_options
from ltvcli.cli.requests import AnalysisRequest
from ltvcli.messages import Message

if TYPE_CHECKING:
    from ltvcli.models.predict import Forecast


@command(app, "segments", analysis_options, forecast_options)
def segments(
    analysis: AnalysisRequest,
    by: By = None,
    period: Period = "month",
    min_customers: Annotated[
        int,
        typer.Option(
            "--min-customers",
            min=0,
            help='Fold segments smaller than this into "(other)".',
            rich_help_panel=ANALYSIS,
        ),
    ] = 0,
    columns: Columns = None,
    forecast: "Forecast | None" = None,
    customers_file: Annotated[
        str | None,
        typer.Option(
            "--customers",
            help="Customers file to join (customer key, attributes, NPS score).",
            rich_help_panel=ANALYSIS,
        ),
    ] = None,
    fail_if_any: FailIfAny = None,
    compare_to: CompareTo = None,
    fmt: Format = None,
    output: Output = None,
    excel: Excel = False,
    lang: Lang = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """The KPIs per city, channel, RFM segment, frequency band, LTV tier, cohort or status.

    Per segment: customers and share, orders, revenue and share, AOV, repeat rate, LTV
    (historical mean and median, formula), median days between orders, at-risk share, CAC and
    LTV:CAC (per channel with a spend file that has channels), NPS; then a total row.

    Attributes are taken at the customer's first order (--attr last|mode for the others).
    Without --by: the acquisition channel column, else the city, else frequency bands.

    Examples:

        ltv segments orders.csv --by city
        ltv segments orders.csv --by channel --spend spend.csv
        ltv segments orders.csv --by city,channel --min-customers 30
        ltv segments orders.csv --by rfm
        ltv segments orders.csv --by cohort --period quarter
        ltv segments orders.csv --by city --customers customers.csv
        ltv segments orders.csv --by channel --predict --horizon 1y
        ltv segments orders.csv --by channel --fail-if-any 'repeat_rate < 0.2' -q
    """

    from ltvcli import tables
    from ltvcli.alerts import why_unknown_in_segments
    from ltvcli.customer_file import join_customer_file
    from ltvcli.segments import SEGMENT_METRICS, TOTAL

    alerts = alerts_from(fail_if_any, compare_to, SEGMENT_METRICS, "--fail-if-any", rows=True)

    keys = comma_list(by, "--by")
    if keys and "main-category" in keys:
        analysis.load.lines = {}
    result = analysis.run()
    joined = []
    if customers_file:
        result.customers, matched = join_customer_file(result.customers, customers_file)
        joined.append(
            Message(
                "{file}: {matched:,} of {total:,} customers matched",
                file=customers_file,
                matched=matched,
                total=len(result.customers),
            )
        )
    wanted = comma_list(columns, "--columns")
    full = tables.segments(result, keys, period, min_customers, None, forecast)
    full.notes[:0] = joined  # what the join matched, before the table's own notes
    show(
        tables.select_columns(full, wanted), fmt, output, result.as_of_date, excel=excel, lang=lang
    )
    names = [c for c in full.frame.columns if c not in full.kinds]  # the segment keys
    before = alerts.previous_rows(names)
    records = cast(list[Record], full.frame.to_dict("records"))  # every column, as shown or not
    alerts.raise_if(
        (
            (" / ".join(k), row, before.get(k))
            for row in records
            if (k := tuple(str(row[n]) for n in names))[0] != TOTAL
        ),
        why_unknown_in_segments(result.spend is not None, names == [result.channel]),
    )
