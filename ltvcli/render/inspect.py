"""Render ``ltv inspect``: rich tables on a terminal, the same data as JSON for machines."""

from __future__ import annotations

import json
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from ltvcli.errors import located
from ltvcli.io.atomic import atomic_output
from ltvcli.messages import Message
from ltvcli.render.i18n import Words

_DETECTED = (
    "format", "layout", "encoding", "delimiter", "decimal_mark", "header_row", "sheet",
    "date_shapes", "date_order", "files", "ignored",
)  # fmt: skip


def emit_inspection(
    data: dict[str, object],
    as_json: bool,
    output: str | None,
    stdout: IO[str],
    terminal: bool,
    words: Words,
) -> None:
    """``data`` as JSON (the same in every language) or as tables for people in ``words``'
    language."""
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
            _print(data, Console(file=handle, force_terminal=False, width=120), words)
    else:
        _print(data, Console(file=stdout, force_terminal=terminal, highlight=False), words)


def _print(data: dict[str, Any], console: Console, words: Words) -> None:
    """``data``: the JSON-ready dict of ``ltvcli.inspection``."""
    w = words
    for f in data["files"]:
        console.print(w("file", file=f["file"]), markup=False)
        detected = Table(show_header=False)
        for key in _DETECTED:
            if f.get(key) is not None:
                value = f[key]
                if key == "delimiter":
                    value = {"\t": w("tab"), " ": w("space")}.get(value, value)
                if key in ("layout", "date_shapes", "date_order"):
                    value = (
                        [w.value(v) for v in value] if isinstance(value, list) else w.value(value)
                    )
                if isinstance(value, list):
                    value = ", ".join(value)
                detected.add_row(w(key), str(value))
        console.print(detected)
        mapping = Table(title=w("columns"), title_justify="left")
        for key in ("field", "column", "why"):
            mapping.add_column(w(key))
        for field, column in f["columns"].items():
            mapping.add_row(w.field(field), column, w.note(f["reasons"].get(field, "")))
        for field, why in f.get("rejected", {}).items():
            mapping.add_row(w.field(field), "—", w.note(why))
        console.print(mapping)
        if f.get("identifiers"):
            keys = Table(title=w("identifiers"), title_justify="left")
            keys.add_column(w("column"))
            keys.add_column(w("holds"))
            keys.add_column(w("rows_keyed"), justify="right")
            for i in f["identifiers"]:
                keys.add_row(i["column"], w(i["kind"]), w.count(i["rows"]))
            console.print(keys)
    if "error" in data:
        console.print(w("not_settled", error=w.note(data["error"])), markup=False)
        return
    rows = Table(title=w("rows"), title_justify="left", show_header=False)
    rows.add_row(w("read"), w.count(data["rows_read"]))
    for reason, count in data["rows_skipped"].items():
        rows.add_row(w("skipped_because", reason=w.value(reason)), w.count(count))
    rows.add_row(w("orders"), w.count(data["orders"]))
    rows.add_row(w("refund_rows"), w.count(data["refund_rows"]))
    rows.add_row(w("customers"), w.count(data["customers"]))
    linked = data.get("linked") or {}
    if linked.get("merged"):
        rows.add_row(w("merged"), w.count(linked["merged"]))
    for slot, count in (linked.get("placeholders") or {}).items():
        rows.add_row(w("placeholders", slot=w(slot)), w.count(count))
    rows.add_row(w("currencies"), ", ".join(data["currencies"]) or w("not_stated"))
    first, last = data["first_order"], data["last_order"]
    rows.add_row(
        w("date_range"), f"{w.date(first) if first else first} … {w.date(last) if last else last}"
    )
    console.print(rows)
    for e in data["skipped_examples"]:
        what = Message("{reason}: {value!r}", reason=w.value(e["reason"]), value=e["value"])
        console.print(located(what, w.lang, e["file"], e["row"], e["column"]), markup=False)
    for warning in data["warnings"]:
        console.print(w("unsure", text=w.note(warning)), markup=False)
    for note in data["notes"]:
        console.print(w("note", text=w.note(note)), markup=False)
