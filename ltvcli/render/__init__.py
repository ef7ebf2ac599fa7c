"""Turning results into tables, files and reports; the only place that formats numbers.

Import the submodules (``render.emit``, ``render.formats``...) directly: this package stays
empty so that importing the CLI does not import pandas.
"""
