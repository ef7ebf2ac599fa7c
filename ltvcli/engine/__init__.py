"""The reduce from order rows to per-customer tables: the one step that touches every order."""

from ltvcli.engine.reduce import Reduced, reduce_orders

__all__ = ["Reduced", "reduce_orders"]
