"""Load order files into one normalised orders table, with the account of what happened."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ltvcli.errors import InputError
from ltvcli.io.readers import read_inputs
from ltvcli.messages import Message
from ltvcli.options import LoadOptions
from ltvcli.schema import identity
from ltvcli.schema.orders import file_wide, rows_from_raw, to_orders
from ltvcli.schema.report import LoadReport, shape


@dataclass
class Loaded:
    """Orders (one row per order or refund, money in cents) and the load report."""

    orders: pd.DataFrame
    report: LoadReport


def load_orders(paths: list[str] | str, options: LoadOptions | None = None) -> Loaded:
    """Read, detect, parse and normalise the given files (``-`` is stdin)."""
    options = options or LoadOptions()
    paths = [paths] if isinstance(paths, str) else list(paths)
    report = LoadReport()
    raws = read_inputs(paths, options.read)
    names = [raw.name for raw in raws]
    frames = []
    while raws:  # each input's text let go of once it is parsed: a gigabyte at 10^7 orders
        frames.append(rows_from_raw(raws.pop(0), options.normalise, report)[0])
    check_strict(report, options)
    frames = [f for f in frames if len(f)]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    keys = identity.keys_of(rows) if identity.links_in(rows) else None
    if links := identity.settle_customers(keys, report):
        rows["customer"] = links.customers_of(rows)
    # every line of every order is here: to_orders sees itself which money is line amounts
    normalise = replace(file_wide(options.normalise, report), line_money=None)
    orders = to_orders(rows, normalise, report)
    if orders.empty:
        raise no_orders_error(report, names)
    identity.customer_warnings(report)
    return Loaded(orders=orders, report=report)


def check_strict(report: LoadReport, options: LoadOptions) -> None:
    """With --strict, the first unreadable value is an error."""
    if options.strict and (bad := report.bad_values()):
        first = bad[0]
        raise InputError(
            Message(
                "{reason}: {value}",
                reason=Message.literal(first.reason),
                value=shape(first.value or ""),
            ),
            file=first.file,
            row=first.row,
            column=first.column,
            hint=Message("--strict; {n} rows would be skipped", n=report.rows_skipped),
        )


def no_orders_error(report: LoadReport, names: list[str]) -> InputError:
    reasons = Message.joined(
        [
            Message("{reason}: {n:,}", reason=Message.literal(r), n=n)
            for r, n in report.skipped.most_common(3)
        ]
    )
    error = InputError(
        Message("no usable orders (skipped {reasons})", reasons=reasons)
        if reasons
        else Message("no usable orders"),
        file=", ".join(names),
    )

    error.sources = report.sources  # for ltv inspect, which shows what it did find
    return error
