"""``ltv compute``: the headline KPIs and the LTV:CAC verdict."""

from ltvcli.cli.app import app
from ltvcli.cli.common import AnalysisRequest, Debug, Format, Output, Quiet, command, show


@command(app, "compute")
def compute(
    analysis: AnalysisRequest,
    fmt: Format = None,
    output: Output = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Headline KPIs: customers, revenue, AOV, frequency, repeat rate, churn, LTV, CAC, LTV:CAC.

    Money is exact to the cent; several currencies give one result each. Definitions:
    docs/metrics.md.

    \b
    Examples:
        ltv compute sample_data/orders.csv
        ltv compute orders.csv --spend spend.csv --format json
        ltv compute orders.csv --cac 1500 --margin 0.3 --since 2024-01-01
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
    show(
        Result(
            frame=pd.DataFrame(records, columns=[m.key for m in METRICS]),
            kinds=kinds(METRICS),
            labels=labels(METRICS),
            title="Customer lifetime value",
            notes=notes,
            record=True,
        ),
        fmt,
        output,
    )
