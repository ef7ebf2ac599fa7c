"""ltv: customer lifetime value, CAC ratio, repeat purchases, segments and cohorts from order exports.

The library is what the CLI runs::

    import ltvcli
    loaded = ltvcli.load_orders("orders.csv")
    customers = ltvcli.customer_table(loaded.orders)
    print(ltvcli.kpis(customers))
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    # Lazy, so that `ltv --help` does not pay for importing pandas.
    if name == "load_orders":
        from ltvcli.load import load_orders

        return load_orders
    if name == "customer_table":
        from ltvcli.engine import customer_table

        return customer_table
    if name == "kpis":
        from ltvcli.metrics import kpis

        return kpis
    if name == "LoadOptions":
        from ltvcli.options import LoadOptions

        return LoadOptions
    raise AttributeError(name)


__all__ = ["LoadOptions", "__version__", "customer_table", "kpis", "load_orders"]
