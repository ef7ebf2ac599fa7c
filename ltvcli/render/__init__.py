"""Turning results into tables, files and reports; the only place that formats numbers."""

from ltvcli.render.emit import emit
from ltvcli.render.formats import OutputFormat, choose_format
from ltvcli.render.result import Result

__all__ = ["OutputFormat", "Result", "choose_format", "emit"]
