"""``ltv segments``: the KPIs per city, channel, RFM segment, frequency band, LTV tier, cohort..."""

from typing import TYPE_CHECKING, Annotated

import typer

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    ANALYSIS,
    AnalysisRequest,
    By,
    Columns,
    Debug,
    Format,
    Output,
    Period,
    Quiet,
    comma_list,
    command,
    show,
)

if TYPE_CHECKING:
    from ltvcli.models.predict import Forecast


@command(app, "segments")
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
    fmt: Format = None,
    output: Output = None,
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
    """
    from ltvcli.customer_file import join_customer_file
    from ltvcli.definition import kinds, labels
    from ltvcli.errors import ConfigError
    from ltvcli.render.result import Result
    from ltvcli.segments import SEGMENT_METRICS, default_keys, segment_table

    result = analysis.run()
    notes = []
    if customers_file:
        result.customers, matched = join_customer_file(result.customers, customers_file)
        notes.append(
            f"{customers_file}: {matched:,} of {len(result.customers):,} customers matched"
        )
    keys = comma_list(by, "--by") or default_keys(result)
    definitions = SEGMENT_METRICS
    means = None
    if forecast is not None:
        from ltvcli.models.predict import (
            PREDICTION_COLUMNS,
            forecast_customers,
            prediction_columns,
        )

        predictions, _ = forecast_customers(result, forecast)
        means = forecast.columns(predictions[["p_alive", "predicted_ltv", "total_ltv"]])
        averaged = tuple(
            m for m in PREDICTION_COLUMNS if m.key in ("p_alive", "predicted_ltv", "total_ltv")
        )
        definitions = SEGMENT_METRICS + prediction_columns(forecast.label, averaged)
    table = segment_table(result, keys, period, min_customers, means)
    if not result.margin_known:
        table = table.drop(columns=["margin", "ltv_historical_margin", "ltv_formula_margin"])
    if "nps_score" not in result.customers:
        table = table.drop(columns="nps")
    if columns:
        wanted = comma_list(columns, "--columns")
        unknown = [c for c in wanted if c not in table.columns]
        if unknown:
            have = ", ".join(table.columns)
            raise ConfigError(f"--columns: no column {unknown[0]!r} (have: {have})")
        metric_keys = {m.key for m in definitions}
        table = table[[c for c in table.columns if c not in metric_keys] + wanted]
    notes.append(
        f"attributes from each customer's {result.settings.attr} order; as of {result.as_of_date}"
    )
    show(
        Result(table, kinds(definitions), labels(definitions), "Segments", notes),
        fmt,
        output,
    )
