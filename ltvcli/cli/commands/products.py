"""``ltv products``: per product, SKU or category — buyers, revenue, who buys it again and when,
and what customers whose first order held it are worth; ``--journey``: what follows what."""

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
    show_document,
)
from ltvcli.cli.groups import analysis_options
from ltvcli.cli.requests import AnalysisRequest


@command(app, "products", analysis_options)
def products(
    analysis: AnalysisRequest,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="product, sku or category (default: product, else category, else sku).",
            rich_help_panel=ANALYSIS,
        ),
    ] = None,
    journey: Annotated[
        bool,
        typer.Option(
            "--journey",
            help="What the 2nd order held given the 1st, and the commonest first three orders.",
            rich_help_panel=ANALYSIS,
        ),
    ] = False,
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
    """Per product: customers, orders, units, revenue, repurchase and replenishment.

    Per product (or SKU, or category; line-level exports, or a cell that packs an order's
    items): customers, orders, units, net revenue and its share; the share who bought it
    again and the days until they do (25th, 50th, 75th percentile, Kaplan–Meier: customers
    still waiting count as waiting); how many are due now; and the customers whose first
    order held it: how many, their repeat rate and LTV (historical and 12-month, with 95 %
    intervals), small groups marked.

    With --journey: for each category (or product) of the first order, what the second order
    held, with counts and shares; and the commonest paths of the first three orders.

    Examples:

        ltv products orders.csv
        ltv products orders.csv --by category --journey
        ltv products orders.csv --by sku --top 20 -o products.xlsx
    """
    from ltvcli import tables
    from ltvcli.products import slot_of

    named = line_columns(product_column, sku_column, category_column)
    analysis.load.lines = named
    result = analysis.run()
    slot = slot_of(result, by, named)
    if journey:
        show_document(*tables.journey(result, slot, top), fmt, output, result.as_of_date)
    else:
        table = tables.select_columns(
            tables.products(result, slot, top), comma_list(columns, "--columns")
        )
        show(table, fmt, output, result.as_of_date, excel=excel, lang=lang)
