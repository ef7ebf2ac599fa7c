"""``ltv drivers``: which first-order products, categories, channels, cities... go with
valuable customers, ranked by lift in 12-month LTV and repeat rate."""

from typing import Annotated

import typer

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    ANALYSIS,
    CategoryColumn,
    Columns,
    Debug,
    Excel,
    Format,
    Lang,
    Output,
    ProductColumn,
    Quiet,
    SkuColumn,
    Top,
    comma_list,
    command,
    line_columns,
    show,
)
from ltvcli.cli.groups import analysis_options
from ltvcli.cli.requests import AnalysisRequest
from ltvcli.settings import DRIVER_MIN_CUSTOMERS


@command(app, "drivers", analysis_options)
def drivers(
    analysis: AnalysisRequest,
    min_customers: Annotated[
        int,
        typer.Option(
            "--min-customers",
            min=1,
            help="Leave out values with fewer first-order customers.",
            rich_help_panel=ANALYSIS,
        ),
    ] = DRIVER_MIN_CUSTOMERS,
    product_column: ProductColumn = None,
    sku_column: SkuColumn = None,
    category_column: CategoryColumn = None,
    top: Top = None,
    columns: Columns = None,
    fmt: Format = None,
    output: Output = None,
    excel: Excel = False,
    lang: Lang = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Which first-order values go with valuable customers: lift in 12-month LTV and repeat rate.

    Every value of the first order — each product, SKU and category its lines held, the
    channel, the city, a discount code, any other column — is a group of customers; each is
    ranked by how far its 12-month LTV lies above everyone's (the lift), with its repeat rate
    and lift, customer counts, 95 % intervals, and small groups marked.

    Examples:

        ltv drivers orders.csv
        ltv drivers orders.csv --min-customers 30 --top 20
        ltv drivers orders.csv -o drivers.xlsx
    """
    from ltvcli import tables

    analysis.load.lines = line_columns(product_column, sku_column, category_column)
    result = analysis.run()
    table = tables.select_columns(
        tables.drivers(result, min_customers, top), comma_list(columns, "--columns")
    )
    show(table, fmt, output, result.as_of_date, excel=excel, lang=lang)
