"""Render ``ltv inspect``: rich tables on a terminal, the same data as JSON for machines."""

from __future__ import annotations

import json
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from ltvcli.io.atomic import atomic_output

_DETECTED = (
    "format", "layout", "encoding", "delimiter", "decimal_mark", "header_row", "sheet",
    "date_shapes", "date_order", "files", "ignored",
)  # fmt: skip


def emit_inspection(
    data: dict[str, object], as_json: bool, output: str | None, stdout: IO[str], terminal: bool
) -> None:
    if as_json:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
        if output:
            with atomic_output(output) as handle:
                handle.write(text)
        else:
            stdout.write(text)
        return
    if output:
        with atomic_output(output) as handle:
            _print(data, Console(file=handle, force_terminal=False, width=120))
    else:
        _print(data, Console(file=stdout, force_terminal=terminal, highlight=False))


def _print(data: dict[str, Any], console: Console) -> None:
    """``data``: the JSON-ready dict of ``ltvcli.inspection``."""
    for f in data["files"]:
        detected = Table(title=f"File: {f['file']}", title_justify="left", show_header=False)
        for key in _DETECTED:
            if f.get(key) is not None:
                value = f[key]
                if key == "delimiter":
                    value = {"\t": "tab", " ": "space"}.get(value, value)
                if isinstance(value, list):
                    value = ", ".join(value)
                detected.add_row(key.replace("_", " "), str(value))
        console.print(detected)
        mapping = Table(title="Columns", title_justify="left")
        mapping.add_column("field")
        mapping.add_column("column")
        mapping.add_column("why")
        for field, column in f["columns"].items():
            mapping.add_row(field, column, f["reasons"].get(field, ""))
        for field, why in f.get("rejected", {}).items():
            mapping.add_row(field, "—", why)
        console.print(mapping)
        if f.get("identifiers"):
            keys = Table(title="Customer identifiers, strongest first", title_justify="left")
            keys.add_column("column")
            keys.add_column("holds")
            keys.add_column("rows keyed by it", justify="right")
            for i in f["identifiers"]:
                keys.add_row(i["column"], _KINDS[i["kind"]], f"{i['rows']:,}")
            console.print(keys)
    if "error" in data:
        console.print(f"not settled: {data['error']}")
        return
    rows = Table(title="Rows", title_justify="left", show_header=False)
    rows.add_row("read", f"{data['rows_read']:,}")
    for reason, count in data["rows_skipped"].items():
        rows.add_row(f"skipped: {reason}", f"{count:,}")
    rows.add_row("orders", f"{data['orders']:,}")
    rows.add_row("refund rows", f"{data['refund_rows']:,}")
    rows.add_row("customers", f"{data['customers']:,}")
    linked = data.get("linked") or {}
    if linked.get("merged"):
        rows.add_row("  merged through a shared id, e-mail or phone", f"{linked['merged']:,}")
    for slot, count in (linked.get("placeholders") or {}).items():
        rows.add_row(f"  {slot} values shared too widely to link (placeholders)", f"{count:,}")
    rows.add_row("currencies", ", ".join(data["currencies"]) or "not stated")
    rows.add_row("date range", f"{data['first_order']} … {data['last_order']}")
    console.print(rows)
    for e in data["skipped_examples"]:
        where = f"{e['file']}: row {e['row']}" + (
            f': column "{e["column"]}"' if e["column"] else ""
        )
        console.print(f"{where}: {e['reason']}: {e['value']!r}")
    for warning in data["warnings"]:
        console.print(f"unsure: {warning}")
    for note in data["notes"]:
        console.print(f"note: {note}")


_KINDS = {"id": "ids", "email": "e-mails", "phone": "phones", "name": "names (no other key)"}
