"""``ltv compute``: the headline KPIs."""

import sys

from ltvcli.cli.app import app
from ltvcli.cli.common import Debug, Format, LoadRequest, Output, Quiet, command


@command(app, "compute")
def compute(
    request: LoadRequest,
    fmt: Format = None,
    output: Output = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Headline KPIs: customers, orders, revenue, refunds, AOV, repeat rate, historical LTV.

    Money is exact to the cent; several currencies give one result each.

    \b
    Examples:
        ltv compute sample_data/orders.csv
        ltv compute jan.csv feb.csv --format json
        cat orders.csv | ltv compute - -f csv
    """
    import pandas as pd

    from ltvcli.engine import customer_table
    from ltvcli.metrics import METRICS, kpis
    from ltvcli.render.emit import emit
    from ltvcli.render.formats import choose_format
    from ltvcli.render.result import Result

    loaded = request.load()
    rows = kpis(customer_table(loaded.orders))
    result = Result(
        frame=pd.DataFrame(rows, columns=[m.key for m in METRICS]),
        kinds={m.key: m.kind for m in METRICS},
        labels={m.key: m.label for m in METRICS},
        title="Customer lifetime value",
        record=True,
    )
    terminal = sys.stdout.isatty()
    emit(result, choose_format(fmt, output, terminal), output, sys.stdout, terminal)
