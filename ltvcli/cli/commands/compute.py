"""``ltv compute``: the headline KPIs and the LTV:CAC verdict."""

from typing import TYPE_CHECKING, cast

from ltvcli.cli.alerting import CompareTo, FailIf, Record, alerts_from
from ltvcli.cli.app import app
from ltvcli.cli.common import (
    Columns,
    Debug,
    Excel,
    Format,
    Lang,
    Output,
    Quiet,
    comma_list,
    command,
    show,
)
from ltvcli.cli.groups import analysis_options, forecast_options
from ltvcli.cli.requests import AnalysisRequest

if TYPE_CHECKING:
    from ltvcli.models.predict import Forecast


@command(app, "compute", analysis_options, forecast_options)
def compute(
    analysis: AnalysisRequest,
    forecast: "Forecast | None" = None,
    columns: Columns = None,
    fail_if: FailIf = None,
    compare_to: CompareTo = None,
    fmt: Format = None,
    output: Output = None,
    excel: Excel = False,
    lang: Lang = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Headline KPIs: customers, revenue, AOV, frequency, repeat rate, churn, LTV, CAC, LTV:CAC.

    Money is exact to the cent; several currencies give one result each. Definitions:
    docs/metrics.md.

    Examples:

        ltv compute sample_data/orders.csv
        ltv compute orders.csv --spend spend.csv --format json
        ltv compute orders.csv --cac 1500 --margin 0.3 --since 2024-01-01
        ltv compute orders.csv --spend spend.csv --predict --horizon 2y
        cat orders.csv | ltv compute - -f csv
        ltv compute orders.csv --columns customers,repeat_rate,ltv_historical -f csv
        ltv compute orders.csv --spend spend.csv --fail-if 'ltv_cac_ratio < 3' -q
        ltv compute orders.csv -f json --compare-to last.json --fail-if 'repeat_rate down 10%'
    """
    from ltvcli import tables
    from ltvcli.metrics import METRICS

    alerts = alerts_from(fail_if, compare_to, METRICS, "--fail-if")
    analysed = analysis.run()
    result = tables.compute(analysed, forecast)
    shown = tables.select_columns(result, comma_list(columns, "--columns"))
    show(shown, fmt, output, analysed.as_of_date, excel=excel, lang=lang)
    records = cast(list[Record], result.frame.to_dict("records"))  # every KPI, shown or not
    currencies = [r["currency"] if isinstance(r["currency"], str) else None for r in records]
    alerts.raise_if(
        (currency or "" if len(records) > 1 else "", r, alerts.previous_kpis(currency))
        for r, currency in zip(records, currencies, strict=True)
    )
