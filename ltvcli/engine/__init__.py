"""The reduce from order rows to per-customer tables: the one step that touches every order."""

from ltvcli.engine.reduce import customer_table

__all__ = ["customer_table"]
