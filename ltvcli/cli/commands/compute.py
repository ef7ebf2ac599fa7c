"""``ltv compute``: the headline KPIs and the LTV:CAC verdict."""

from typing import TYPE_CHECKING

from ltvcli.cli.app import app
from ltvcli.cli.common import AnalysisRequest, Debug, Format, Output, Quiet, command, show

if TYPE_CHECKING:
    from ltvcli.models.predict import Forecast


@command(app, "compute")
def compute(
    analysis: AnalysisRequest,
    forecast: "Forecast | None" = None,
    fmt: Format = None,
    output: Output = None,
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
    """
    import pandas as pd

    from ltvcli.definition import kinds, labels
    from ltvcli.metrics import METRICS, headline
    from ltvcli.render.result import Result

    result = analysis.run()
    records = result.kpis()
    notes = [(f"{r['currency']}: " if len(records) > 1 else "") + headline(r) for r in records]
    margin = result.margin_source or "unknown (give a cost column or --margin)"
    notes.append(f"margin from: {margin}")
    definitions = METRICS
    if forecast is not None:
        from ltvcli.errors import ConfigError
        from ltvcli.models.predict import (
            PREDICTED_KPIS,
            forecast_customers,
            predicted_kpis,
            prediction_columns,
        )

        if len(records) > 1:
            raise ConfigError("--predict with several currencies: pass --currency to choose one")
        predictions, models = forecast_customers(result, forecast)
        records[0] |= predicted_kpis(predictions, records[0]["cac"], forecast.label)
        definitions = METRICS + prediction_columns(forecast.label, PREDICTED_KPIS)
        notes.append(
            f"predictions: {models.count.model}, horizon {forecast.label} (ltv predict --summary)"
        )
    show(
        Result(
            frame=pd.DataFrame(records, columns=[m.key for m in definitions]),
            kinds=kinds(definitions),
            labels=labels(definitions),
            title="Customer lifetime value",
            notes=notes,
            record=True,
        ),
        fmt,
        output,
    )
