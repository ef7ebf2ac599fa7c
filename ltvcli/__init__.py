"""ltv: customer lifetime value, CAC ratio, repeat purchases, segments and cohorts from order exports.

The library is what the CLI runs::

    import ltvcli
    analysis = ltvcli.analyse(ltvcli.load_orders("orders.csv"), ltvcli.Settings(margin=0.3))
    analysis.customers          # the per-customer table (money in cents)
    analysis.kpis()             # the headline KPIs, one record per currency

``ltvcli.tables`` shapes each command's table from an analysis, as ``ltv`` prints it
(``tables.segments(analysis, ["city"])``).
"""

__version__ = "0.1.0"

_LAZY = {
    "load_orders": "ltvcli.load",
    "LoadOptions": "ltvcli.options",
    "Settings": "ltvcli.settings",
    "analyse": "ltvcli.analysis",
    "analyse_files": "ltvcli.analysis",
    "Engine": "ltvcli.engine.options",
    "load_spend": "ltvcli.spend",
}


def __getattr__(name: str) -> object:
    # Lazy, so that `ltv --help` does not pay for importing pandas.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)


__all__ = [
    "Engine",
    "LoadOptions",
    "Settings",
    "__version__",
    "analyse",
    "analyse_files",
    "load_orders",
    "load_spend",
]
