"""Normalise raw rows into orders: one row per order (or refund), money in cents, one key per customer.

Steps, in order:

1. Drop what is not data: repeated header rows, ``Итого``/``Total`` summary rows, empty rows.
2. Parse each mapped column (dates, money, keys, statuses); unparseable cells reject their row.
   Each row is keyed by its strongest identifier; rows of all files are then linked into
   customers (``ltvcli.schema.identity``), and what needs every row of a file is decided
   (``file_wide``: a CRM pipeline's stages, the one currency a file states).
3. Collapse order lines by order id. Order-level money that stands on the first line only or is
   repeated on every line is taken once; money that differs between lines is summed.
4. Apply statuses: cancelled, failed, lost and open orders are excluded; refunded orders count
   with the refund subtracted. Refund rows (negative amounts, or rows a type column marks as
   refunds) are attached to the customer of the order they refer to.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.fields import FIELD_WORDS, FIELDS, SUMMARY_CELL
from ltvcli.io.raw import RawTable
from ltvcli.messages import Message
from ltvcli.schema import identity, lines
from ltvcli.schema import statuses as st
from ltvcli.schema.dates import parse_dates, plausible_window
from ltvcli.schema.detect import DetectionError, Mapping, date_in_text, detect_columns
from ltvcli.schema.identity import integer_keys
from ltvcli.schema.money import parse_money
from ltvcli.schema.report import Example, KeyColumn, LoadReport, Skip, Source, other_currency

if TYPE_CHECKING:
    from pandas.api.typing import DataFrameGroupBy

ORDER_COLUMNS = (
    "customer", "order_id", "ordered_at", "gross_cents", "refund_cents", "cost_cents",
    "currency", "is_order", "_file", "_row",
)  # fmt: skip


@dataclass(frozen=True)
class NormaliseOptions:
    mapping: dict[str, str]
    dayfirst: bool | None = None
    timezone: str | None = None
    include_open: bool = False
    currency: str | None = None
    link: bool = True  # rows that share an id, e-mail or phone are one customer
    phone_region: str | None = None  # the country of phones written without one
    # (first, last) day an order may have (--date-range); a None side: plausible_window's default
    date_range: tuple[dt.date | None, dt.date | None] = (None, None)
    # Column-wide decisions taken on a first block and kept for the rest (streaming engine):
    decimal_comma: bool | None = None  # "1,234" is one and a quarter; None: decided per column
    decided: Mapping | None = None  # the columns, as detected on the file's first block
    # Decisions that need every row of a file (``file_wide``):
    pipeline: bool = False  # the statuses are a CRM pipeline's stages (a won stage is there)
    stated_currency: str | None = None  # the one currency the files state, for rows without
    # money columns whose order lines differ, so are summed per order (None: decided per call)
    line_money: frozenset[str] | None = None
    # order ids that several customers carry somewhere in the input (``shared_ids``), for a part
    # of it (a streaming partition) that holds only one of them
    shared_order_ids: frozenset[str] = frozenset()
    # Order lines kept (``ltvcli.schema.lines``), with the columns a flag named for their slots
    keep_lines: bool = False
    line_columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Decisions:
    """The column-wide decisions ``rows_from_raw`` took on an input: the streaming engine
    keeps them for the later blocks of the same file, so that every block reads alike."""

    mapping: Mapping
    dayfirst: bool | None  # None: the dates did not tell
    decimal_comma: bool | None  # from the amount column's decimal mark; None: it did not tell

    def keep(self, options: NormaliseOptions) -> NormaliseOptions:
        """``options`` for a later block: these decisions where ``options`` leave them open."""
        return replace(
            options,
            decided=self.mapping,
            dayfirst=self.dayfirst if options.dayfirst is None else options.dayfirst,
            decimal_comma=(
                self.decimal_comma if options.decimal_comma is None else options.decimal_comma
            ),
        )


def rows_from_raw(
    raw: RawTable, options: NormaliseOptions, report: LoadReport
) -> tuple[pd.DataFrame, Decisions | None]:
    """Parse one input's cells into typed rows (one per input row that survives), and what
    was decided about its columns (None when no row was left to decide on)."""
    table = raw.table
    for reason, count in raw.skipped.items():
        report.skip(reason, count)
    report.rows_read += table.num_rows
    if table.num_rows == 0:
        return pd.DataFrame(columns=list(ORDER_COLUMNS)), None
    # Repeated headers go before detection (they would confuse it), the rest after it.
    data = _drop_non_data(table, _repeats_header(table), report)
    kept = np.arange(table.num_rows) if data.all() else np.flatnonzero(data)  # arange: 5x faster
    table = table.take(pa.array(kept)) if len(kept) < table.num_rows else table
    try:
        mapping = options.decided or detect_columns(
            table, options.mapping, raw.name, options.link, options.phone_region
        )
    except DetectionError as error:
        error.sources = [*report.sources, _source(raw, error.found)]
        raise
    keep = _drop_non_data(table, _no_date(table, mapping), report)
    if not keep.all():
        table = table.filter(pa.array(keep))
    row_numbers = kept[keep] + raw.first_row
    if table.num_rows == 0:
        return pd.DataFrame(columns=list(ORDER_COLUMNS)), None
    source = _source(raw, mapping)
    report.sources.append(source)
    for i in mapping.identifiers:
        report.slot_columns.setdefault(i.slot, i.column)
    if (ignored := raw.detected.get("ignored")) and isinstance(ignored, list):
        left_out = ", ".join(f'"{c}"' for c in ignored)
        report.notes.append(
            Message(
                "{file}: left out {columns}: nested or binary values",
                file=raw.name,
                columns=left_out,
            )
        )
    locale_dayfirst = _locale_dayfirst(raw, table)
    decimal_comma = locale_dayfirst if options.decimal_comma is None else options.decimal_comma
    n = table.num_rows
    frame: dict[str, object] = {
        "_file": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), pd.Index([raw.name])),
        "_row": row_numbers,
    }
    bad = np.zeros(table.num_rows, dtype=bool)

    def reject(mask: np.ndarray, reason: Skip, column: str) -> None:
        mask = mask & ~bad
        count = int(mask.sum())
        if not count:
            return
        values = table.column(column).combine_chunks()
        idx = np.flatnonzero(mask)
        examples = [
            Example(raw.name, int(row_numbers[i]), column, reason, _text(values[int(i)]))
            for i in idx[:5]
        ]
        report.skip(reason, count, examples)
        for i in idx[:10_000]:
            report.rejected.append(
                {"file": raw.name, "row": int(row_numbers[i]), "reason": reason,
                 **{n: _text(table.column(n)[int(i)]) for n in table.column_names}}
            )  # fmt: skip
        bad[mask] = True

    col = mapping.column
    used = set(mapping.columns.values())
    region = mapping.phone_region
    # The columns parse independently and Arrow and numpy release the GIL: use both cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        dates_job = pool.submit(
            parse_dates,
            _date_cells(table, mapping),
            options.dayfirst,
            locale_dayfirst,
            plausible_window(*options.date_range),
        )
        money_jobs = {
            name: pool.submit(parse_money, table.column(col(name)), decimal_comma)
            for name in ("amount", "refund", "cost")
            if col(name)
        }
        key_jobs = {
            i.slot: pool.submit(identity.normalise_keys, table.column(i.column), i.kind, region)
            for i in mapping.identifiers
        }
        id_jobs = {name: pool.submit(_ids, table, col(name)) for name in ("order_id", "reference")}
        attribute_jobs = {
            name: pool.submit(_attribute, table.column(name))
            for name in table.column_names
            if name not in used
        }
    parsed = dates_job.result()
    date_column = col("date")
    assert date_column is not None, "detect_columns always finds the date column"
    reject(parsed.out_of_range, Skip.DATE_OUT_OF_RANGE, date_column)
    reject(parsed.invalid, Skip.UNPARSEABLE_DATE, date_column)
    stamps = parsed.values
    if options.timezone and parsed.offsets is not None:
        stamps = _to_zone(stamps, parsed.offsets, options.timezone)
    frame["ordered_at"] = stamps
    report.notes += [Message("{file}: {note}", file=raw.name, note=n) for n in parsed.notes]
    source.date_shapes = parsed.shapes
    source.dayfirst = parsed.dayfirst

    cell_currency = None
    for name in ("amount", "refund", "cost"):
        frame[f"{name}_cents"] = _int_array(pa.nulls(n, pa.int64()))
        money_column = col(name)
        if not money_column:
            continue
        money = money_jobs[name].result()
        reject(money.out_of_range, Skip.out_of_range(name), money_column)
        reject(money.invalid, Skip.unparseable(name), money_column)
        frame[f"{name}_cents"] = _int_array(money.cents)
        report.notes += [
            Message("{file}: {column}: {note}", file=raw.name, column=money_column, note=n)
            for n in money.notes
        ]
        if money.rounded:
            report.notes.append(
                Message(
                    "{file}: {n} {field} cells rounded to the cent",
                    file=raw.name,
                    n=money.rounded,
                    field=FIELD_WORDS[name],
                )
            )
        if name == "amount":
            source.decimal_mark = money.decimal_mark
        cell_currency = cell_currency if cell_currency is not None else money.currency

    frame.update(_customer_keys(mapping, {s: job.result() for s, job in key_jobs.items()}, n))
    slots = frame[identity.SLOT_COLUMN]
    for i in mapping.identifiers:
        keyed = int(np.count_nonzero(slots == identity.SLOTS.index(i.slot)))
        source.identifiers.append(KeyColumn(i.column, i.kind, keyed))
    for name, job in id_jobs.items():
        ids = job.result()
        frame[name] = (pa.nulls(n, pa.string()) if ids is None else ids).to_pandas()
    currency = _currency(table, col("currency"), cell_currency, options.currency)
    source.currencies = sorted(pc.unique(currency.drop_null()).to_pylist())
    frame["currency"] = currency.to_pandas()
    frame["status"] = _nothing(n)
    if col("status"):
        status, unknown = st.classify(table.column(col("status")), st.STATUS_WORDS)
        frame["status"] = status
        source.unknown_statuses = unknown
        source.won_stage = bool((status == st.WON).any())
    frame["kind"] = _nothing(n)
    if col("kind"):
        frame["kind"] = st.classify(table.column(col("kind")), st.KIND_WORDS)[0]
    if not col("amount"):
        frame["kind"] = st.REFUND_ROW
    frame["cancelled"] = (
        st.cancel_flags(table.column(col("cancelled"))) if col("cancelled") else False
    )
    for name, attribute_job in attribute_jobs.items():
        # a column named like an internal one (status, kind...) keeps its values
        frame[name if name not in frame else f"{name}_column"] = attribute_job.result()
    if options.keep_lines:
        frame[lines.LINES] = _row_lines(table, mapping, options, decimal_comma, used)
    rows = pd.DataFrame(frame, copy=False)
    rows = rows[~bad] if bad.any() else rows
    repeats = col("order_id") and _id_repeats(table.column(col("order_id")), id_jobs["order_id"])
    source.lines_differ = lines_differ(rows) if repeats else []
    comma = {".": False, ",": True}.get(source.decimal_mark) if source.decimal_mark else None
    return rows, Decisions(mapping, parsed.dayfirst, comma)


def _row_lines(
    table: pa.Table, mapping: Mapping, options: NormaliseOptions, comma: bool, used: set[str]
) -> pd.Series:
    """Each row's order lines (``ltvcli.schema.lines``); units and price parsed like money."""
    free = [c for c in table.column_names if c not in used]
    columns = lines.line_columns(free, dict(options.line_columns), table.column_names)

    def number(column: str | None) -> np.ndarray | None:
        if column is None:
            return None
        cents = parse_money(table.column(column), comma).cents
        return np.asarray(cents.to_numpy(zero_copy_only=False), dtype=float)

    quantity = mapping.column("quantity")
    units = number(quantity)
    array = lines.row_lines(
        table, columns, None if units is None else units / 100, number(columns.get("price"))
    )
    return lines.series(array, None)


def _id_repeats(column: pa.ChunkedArray, as_text: Future[pa.Array | None]) -> bool:
    """Whether an order id column repeats a value: on the numbers when it holds numbers
    (Parquet), else on the ids as text (the ``_ids`` job)."""
    if pa.types.is_integer(column.type):
        numbers = column.drop_null().to_numpy()
        return (
            len(numbers) > 1
            and not (numbers[1:] > numbers[:-1]).all()
            and (len(np.unique(numbers)) < len(numbers))
        )
    return has_repeats(as_text.result())


def lines_differ(rows: pd.DataFrame, shared: frozenset[str] = frozenset()) -> list[str]:
    """The money columns whose values differ between the sales lines of one order: line
    amounts, to be summed (``file_wide``); otherwise an order total repeated on its lines."""
    if rows.empty:
        return []
    sales = rows[~refund_rows(rows)]
    if not has_repeats(pa.array(sales["order_id"], pa.string())):
        return []
    multi = sales[sales["order_id"].notna()]
    return _differing(multi, multi.groupby(_orders_of(multi, shared), sort=False))


def _differing(multi: pd.DataFrame, groups: DataFrameGroupBy[Any, bool]) -> list[str]:
    """``lines_differ`` of sales rows that all have an order id, grouped by their order."""
    return [
        money
        for money in _MONEY
        if multi[money].notna().any() and (groups[money].nunique(dropna=True) > 1).any()
    ]


def _source(raw: RawTable, mapping: Mapping) -> Source:
    """What ``ltv inspect`` shows of a file: its dialect and the columns found, with reasons."""
    return Source(
        file=raw.name,
        detected=dict(raw.detected),
        rows=raw.table.num_rows,
        columns={f.name: mapping.columns[f.name] for f in FIELDS if f.name in mapping.columns},
        reasons=dict(mapping.reasons),
        rejected=dict(mapping.rejected),
    )


def _customer_keys(mapping: Mapping, keys: dict[str, pa.Array], n: int) -> dict[str, object]:
    """Each row's own key and its slot; with two or more linking identifiers, all their keys
    too, for ``identity.build_links`` (a refunds registry has none: the order gives the key)."""
    key, slot = identity.row_keys(keys, n)
    out: dict[str, object] = {"customer": key.to_pandas(), identity.SLOT_COLUMN: slot}
    if sum(s in identity.LINKED for s in keys) >= 2:
        for name, values in keys.items():
            out[identity.link_column(name)] = values.to_pandas()
    return out


def file_wide(options: NormaliseOptions, report: LoadReport) -> NormaliseOptions:
    """Decide what needs every row, once they have all been parsed: whether the statuses are a
    CRM pipeline's stages (a won stage is in some file — deals exported month by month — then
    every other stage is open), and the one currency the files state (then it is the currency
    of every row)."""
    pipeline = any(s.won_stage for s in report.sources)
    for source in report.sources:
        unknown = source.unknown_statuses
        if unknown:
            statuses = ", ".join(map(repr, unknown[:10]))
            report.notes.append(
                Message(
                    "{file}: stages counted as open (not yet revenue; --include-open): {statuses}",
                    file=source.file,
                    statuses=statuses,
                )
                if pipeline
                else Message(
                    "{file}: statuses counted as sales: {statuses}",
                    file=source.file,
                    statuses=statuses,
                )
            )
    stated = {c for s in report.sources for c in s.currencies or ()}
    one = stated.pop() if len(stated) == 1 else None
    summed = frozenset(m for s in report.sources for m in s.lines_differ or ())
    return replace(options, pipeline=pipeline, stated_currency=one, line_money=summed)


def to_orders(rows: pd.DataFrame, options: NormaliseOptions, report: LoadReport) -> pd.DataFrame:
    """Collapse parsed rows into orders and refunds (see the module docstring)."""
    if rows.empty:
        return _empty_orders()
    rows = rows.drop(columns=identity.identity_columns(rows))  # linked already: the keys go
    rows.index = pd.RangeIndex(len(rows))
    if options.stated_currency:
        rows["currency"] = rows["currency"].fillna(options.stated_currency)
    repeats = has_repeats(pa.array(rows["order_id"], pa.string()))
    if repeats:
        # The same line twice (overlapping exports): equal in every cell, wherever it was read.
        cells = [c for c in rows.columns if c not in ("_file", "_row", lines.LINES)]
        dup = rows["order_id"].notna() & rows.duplicated(subset=cells, keep="first")
        report.skip(Skip.DUPLICATE_ROW, int(dup.sum()))
        rows = rows[~dup.to_numpy()]
    kind = rows["kind"]
    not_sale = (kind == st.NOT_SALE).to_numpy()
    report.skip(Skip.NOT_A_SALE, int(not_sale.sum()))
    rows = rows[~not_sale]
    refund_row = refund_rows(rows)
    # order ids several customers carry, here or elsewhere in the input (``shared_order_ids``):
    # they matter where an id names more than one row (lines, refunds)
    known = options.shared_order_ids
    named_twice = repeats or refund_row.any()
    shared = shared_ids(rows[~refund_row], known) if named_twice else pd.Index(sorted(known))
    sales = _collapse(rows[~refund_row], report, options.line_money, shared, repeats)
    refunds = rows[refund_row]
    named = order_keys(refund_target(refunds), refunds["customer"], shared)
    sales = _apply_status(sales, options, report, named, shared)
    refunds = _attach_refunds(refunds, sales, report, shared)
    orders = pd.concat([sales, refunds], ignore_index=True) if len(refunds) else sales
    if options.currency and orders["currency"].notna().any():
        other = (orders["currency"] != options.currency.upper()).to_numpy()
        report.skip(other_currency(options.currency.upper()), int(other.sum()))
        orders = orders[~other]
    orders = orders.reset_index(drop=True)
    orders["gross_cents"] = orders["gross_cents"].astype("int64")
    orders["refund_cents"] = orders["refund_cents"].astype("int64")
    extra = [c for c in orders.columns if c not in ORDER_COLUMNS]
    return orders[list(ORDER_COLUMNS) + extra]


def refund_rows(rows: pd.DataFrame) -> np.ndarray:
    """Rows that return money: negative amounts, or rows a type column marks as refunds."""
    amount = rows["amount_cents"]
    return ((rows["kind"] == st.REFUND_ROW) | (amount < 0).fillna(False)).to_numpy(bool)


def refund_target(rows: pd.DataFrame) -> pd.Series:
    """The order a row refers to: its reference, else its own order id."""
    return rows["reference"].fillna(rows["order_id"])


_MONEY = ("amount_cents", "refund_cents", "cost_cents")


def _collapse(
    rows: pd.DataFrame,
    report: LoadReport,
    line_money: frozenset[str] | None,
    shared: pd.Index,
    repeats: bool,
) -> pd.DataFrame:
    """One row per order id; rows without an id are orders of their own (``repeats``: whether
    an id repeats among all the rows these are taken from; if none does, none does here).
    Money that differs between the lines of some order of the input (``line_money``) is summed
    per order, else taken once: a decision for the whole input, so a partition of it decides
    the same.
    Kept order lines (``_items``) are concatenated in row order, each valued at its row's
    amount when the amount is line money.

    The order is dated by its earliest line; any other cell is that of its earliest line that
    has one, ties to the smallest value (``earliest``): the same whatever order the lines
    came in."""
    rows = rows.assign(_lines=1)
    if not (repeats and has_repeats(pa.array(rows["order_id"], pa.string()))):
        return rows
    has_id = rows["order_id"].notna()
    multi = rows[has_id]
    key = order_keys(multi["order_id"], multi["customer"], shared)
    groups = multi.groupby(key, sort=False)
    differ = set(_differing(multi, groups) if line_money is None else line_money)
    if lines.LINES in rows and "amount_cents" in differ:
        rows[lines.LINES] = lines.with_line_amounts(rows[lines.LINES], rows["amount_cents"])
        multi = rows[has_id]  # the same rows with their lines valued; ``groups`` reads money
    summed = {}
    several = bool((groups.size() > 1).any())  # an order of two lines or more: a decision to say
    for money in _MONEY:
        if several and multi[money].notna().any():
            if money in differ:
                summed[money] = groups[money].sum(min_count=1)
                report.notes.append(
                    Message(
                        "{field}: order lines summed per order",
                        field=FIELD_WORDS[money.removesuffix("_cents")],
                    )
                )
            elif money == "amount_cents":
                report.notes.append(
                    Message("amount: order total taken once per order (lines repeat it)")
                )

    kept = multi.drop(columns=lines.LINES) if lines.LINES in multi else multi
    first = kept.groupby(key, sort=False).first()
    number = groups.ngroup().to_numpy()
    if lines.LINES in multi:
        first[lines.LINES] = lines.concatenated(multi[lines.LINES], number, len(first)).array
    for money, total in summed.items():
        first[money] = total
    first["_lines"] = groups.size()
    first["_row"] = groups["_row"].min()
    first["ordered_at"] = groups["ordered_at"].min()
    _settle_lines(kept, first, number)
    first = first.reset_index(drop=True)
    return pd.concat([first, rows[~has_id]], ignore_index=True)


def shared_ids(rows: pd.DataFrame, known: frozenset[str] = frozenset()) -> pd.Index:
    """Order ids that rows of several customers carry: two shops' order 1001, two systems'
    numbering in one run. Those are different orders (as the streaming engine, which splits
    rows by customer, finds too). ``known``: such ids found beyond these rows."""
    holders = order_holders(rows)
    shared: pd.Index = pd.Index(holders.index[holders.to_numpy() > 1], dtype=object)
    return shared.union(pd.Index(sorted(known), dtype=object)) if known else shared


def order_holders(rows: pd.DataFrame) -> pd.Series:
    """How many customers carry each order id on their sales rows (whatever the status;
    refund and not-a-sale rows aside): the one count both engines call an id shared by."""
    sales = ~refund_rows(rows) & (rows["kind"] != st.NOT_SALE).to_numpy()
    pairs = rows.loc[sales, ["order_id", "customer"]].dropna().drop_duplicates()
    holders: pd.Series = pairs["order_id"].value_counts()
    return holders


def _orders_of(rows: pd.DataFrame, shared: frozenset[str] = frozenset()) -> pd.Series:
    """The order of each row that has an order id (``order_keys``)."""
    return order_keys(rows["order_id"], rows["customer"], shared_ids(rows, shared))


def order_keys(ids: pd.Series, customers: pd.Series, shared: pd.Index) -> pd.Series:
    """Each row's order: its id, and for an id several customers carry (``shared_ids``), the id
    with the customer (a row without one stays with the bare id)."""
    if shared.empty:
        return ids.rename("_order")
    apart = (ids.isin(shared) & customers.notna()).to_numpy()
    qualified = ids.astype(object).where(~apart, ids.astype(str) + "\x1f" + customers.astype(str))
    return qualified.rename("_order")


def _settle_lines(lines: pd.DataFrame, orders: pd.DataFrame, order: np.ndarray) -> None:
    """Where the lines of an order disagree on a cell, give ``orders`` (one row per order, the
    first non-empty cells in line order; ``order`` numbers the order of each line) the cell
    of the earliest line. Only those orders' lines are looked at again: in most columns the
    lines of an order agree (customer, city, channel), and then any line of them will do."""
    stamps = _seconds(lines["ordered_at"])
    bookkeeping = {*_MONEY, "order_id", "ordered_at", "_file", "_row", "_lines"}
    for column in (c for c in lines.columns if c not in bookkeeping):
        values = lines[column]
        split = np.zeros(len(orders), dtype=bool)
        split[order[_differs(values, orders[column], order)]] = True
        if not split.any():
            continue
        at = np.flatnonzero(split[order])
        dense = np.cumsum(split) - 1  # the split orders numbered 0, 1, ...
        won = at[earliest(dense[order[at]], [stamps[at]], values.iloc[at], skip_missing=True)]
        _put(orders, column, order[won], values.iloc[won])


def _differs(values: pd.Series, per_order: pd.Series, order: np.ndarray) -> np.ndarray:
    """Lines whose cell is not empty and not the one of their order."""
    other = np.asarray(values.array != per_order.array.take(order), dtype=bool)
    return other & values.notna().to_numpy()


def _put(frame: pd.DataFrame, column: str, rows: np.ndarray, values: pd.Series) -> None:
    """``frame[column]`` at positions ``rows`` set to ``values`` (by codes for a categorical:
    no text looked up again)."""
    target = frame[column]
    if isinstance(target.dtype, pd.CategoricalDtype) and target.dtype == values.dtype:
        codes = target.cat.codes.to_numpy().copy()
        codes[rows] = values.cat.codes.to_numpy()
        frame[column] = pd.Categorical.from_codes(codes, dtype=target.dtype)
    else:
        at = cast(int, frame.columns.get_loc(column))  # an int: the column names are unique
        frame.iloc[rows, at] = values.to_numpy()


def earliest(
    group: np.ndarray, keys: list[np.ndarray], values: pd.Series, skip_missing: bool = False
) -> np.ndarray:
    """The one tie rule, so that no answer depends on the order of the rows: the row of each
    group (numbered 0, 1, ...) that its value comes from is the first by ``keys`` (compared in
    turn, the most significant first: the timestamp, or ``sequence_keys``), and among rows
    tied on all of them one with the smallest value (missing values last, or with
    ``skip_missing`` left out). Positions in the rows, one per group that has any, in group
    order. No sort: a minimum per group and key, over the rows still tied."""
    rows = np.flatnonzero(values.notna().to_numpy()) if skip_missing else np.arange(len(group))
    size = int(group.max()) + 1 if len(group) else 0
    for key in (*keys, value_ranks(values)):
        key, owner = key[rows], group[rows]
        best = np.full(size, np.iinfo(np.int64).max)
        np.minimum.at(best, owner, key)
        rows = rows[key == best[owner]]
    first = np.full(size, -1)
    first[group[rows]] = rows  # rows still tied have one value: any of them
    return first[first >= 0]


def sequence_keys(orders: pd.DataFrame) -> list[np.ndarray]:
    """Keys (the most significant first) that put orders in sequence: by timestamp, then by
    order id (plain integer ids by number, before other ids by text, orders without an id
    last). Negated, they put them in reverse."""
    ids = pa.array(orders["order_id"], pa.string())
    plain = _mask(pc.match_substring_regex(ids, r"^(0|[1-9][0-9]{0,17})$"))
    number = np.zeros(len(ids), dtype=np.int64)
    if plain.any():
        number[plain] = pc.cast(ids.filter(pa.array(plain)), pa.int64()).to_numpy()
    text = pd.factorize(ids.to_numpy(zero_copy_only=False), sort=True)[0].astype(np.int64)
    missing = ids.is_null().to_numpy(zero_copy_only=False).astype(np.int64)
    return [_seconds(orders["ordered_at"]), missing, (~plain).astype(np.int64), number, text]


def value_ranks(values: pd.Series) -> np.ndarray:
    """Each value's place in sorted order (equal values equal), missing values after all."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = np.asarray(values.cat.categories, dtype=object)
        place = np.empty(len(categories) + 1, dtype=np.int64)
        place[np.argsort(categories, kind="stable")] = np.arange(len(categories))
        place[-1] = len(categories)  # code −1: missing
        return place[values.cat.codes.to_numpy()]
    codes, uniques = pd.factorize(values, sort=True)
    return np.where(codes < 0, len(uniques), codes).astype(np.int64)


def _seconds(stamps: pd.Series) -> np.ndarray:
    return stamps.to_numpy().astype("datetime64[s]").astype(np.int64)


def _apply_status(
    sales: pd.DataFrame,
    options: NormaliseOptions,
    report: LoadReport,
    refunded: pd.Series,
    shared: pd.Index,
) -> pd.DataFrame:
    """Drop what is not revenue (yet); a refunded status refunds the whole order unless the
    export lists the refund itself (a refund row names the order, or a refunded amount).
    ``refunded``: the orders the refund rows name (``order_keys``)."""
    lines = sales["_lines"].to_numpy()
    status = sales["status"]
    if options.pipeline:  # in a CRM pipeline, a stage nobody listed is not a sale yet
        status = status.where(status != st.UNKNOWN, st.OPEN)
    cancelled = (
        sales["cancelled"].fillna(False).to_numpy(bool) | (status == st.CANCELLED).to_numpy()
    )
    drop = cancelled.copy()
    report.skip(Skip.CANCELLED, int(lines[cancelled].sum()))
    if not options.include_open:
        open_ = (status == st.OPEN).to_numpy() & ~drop
        report.skip(Skip.OPEN, int(lines[open_].sum()))
        drop |= open_
    for column, reason in (
        ("customer", Skip.NO_CUSTOMER),
        ("ordered_at", Skip.NO_DATE),
        ("amount_cents", Skip.NO_AMOUNT),
    ):
        missing = sales[column].isna().to_numpy() & ~drop
        report.skip(reason, int(lines[missing].sum()))
        drop |= missing
    sales = sales[~drop] if drop.any() else sales
    refund = sales["refund_cents"].fillna(0).astype("int64")
    own = order_keys(sales["order_id"], sales["customer"], shared)
    listed = own.isin(refunded.dropna()).to_numpy()
    full = (sales["status"] == st.REFUNDED) & (refund == 0) & ~listed
    refund = refund.where(~full, sales["amount_cents"].astype("int64"))
    sales["gross_cents"] = sales["amount_cents"].astype("int64")
    sales["refund_cents"] = refund.clip(lower=0)
    sales["is_order"] = True
    return _finish(sales)


def _attach_refunds(
    refunds: pd.DataFrame,
    sales: pd.DataFrame,
    report: LoadReport,
    shared: pd.Index,
) -> pd.DataFrame:
    """Refund rows belong to the customer of the order they refer to, else to their own row's
    (``shared``: order ids several customers carry, which name an order only with the
    customer)."""
    if refunds.empty:
        return _empty_orders()
    refunds = refunds.copy()
    sold = sales.dropna(subset=["order_id"])
    target = order_keys(refund_target(refunds), refunds["customer"], shared)
    by_order = sold.set_index(order_keys(sold["order_id"], sold["customer"], shared))
    by_order = by_order[~by_order.index.duplicated()]
    linked = target.map(by_order["customer"]) if len(by_order) else target.map(lambda _: None)
    refunds["customer"] = linked.fillna(refunds["customer"])
    if len(by_order):
        refunds["currency"] = refunds["currency"].fillna(target.map(by_order["currency"]))
        when = target.map(by_order["ordered_at"])
        refunds["ordered_at"] = refunds["ordered_at"].fillna(when)
    amount = refunds["amount_cents"].fillna(refunds["refund_cents"])
    no_customer = refunds["customer"].isna() | refunds["ordered_at"].isna() | amount.isna()
    report.skip(Skip.REFUND_UNATTACHED, int(no_customer.sum()))
    refunds = refunds[~no_customer.to_numpy()].copy()
    if lines.LINES in refunds and len(by_order):
        refunds[lines.LINES] = _refund_lines(refunds, target[~no_customer], by_order)
    refunds["gross_cents"] = 0
    refunds["refund_cents"] = amount[~no_customer].abs().astype("int64")
    refunds["is_order"] = False
    return _finish(refunds)


def _refund_lines(refunds: pd.DataFrame, target: pd.Series, sales: pd.DataFrame) -> pd.Series:
    """A refund row's lines: its own when it names what was returned, else those of the order
    it refunds (its money is then split over that order's lines)."""
    found = sales.index.get_indexer(pd.Index(target))
    borrow = ~lines.named(refunds[lines.LINES]) & (found >= 0)
    if not borrow.any():
        return refunds[lines.LINES]
    own = lines.list_array(refunds[lines.LINES])
    theirs = lines.list_array(sales[lines.LINES]).take(pa.array(np.maximum(found, 0)))
    chosen = pc.if_else(pa.array(borrow), theirs, own)
    return lines.series(chosen, refunds.index)


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    drop = ["amount_cents", "status", "kind", "cancelled", "reference", "_lines"]
    return frame.drop(columns=[c for c in drop if c in frame.columns])


def _empty_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer": pd.Series(dtype="object"),
            "order_id": pd.Series(dtype="object"),
            "ordered_at": pd.Series(dtype="datetime64[s]"),
            "gross_cents": pd.Series(dtype="int64"),
            "refund_cents": pd.Series(dtype="int64"),
            "cost_cents": pd.Series(dtype="Int64"),
            "currency": pd.Series(dtype="object"),
            "is_order": pd.Series(dtype="bool"),
            "_file": pd.Series(dtype="object"),
            "_row": pd.Series(dtype="int64"),
        }
    )


def _repeats_header(table: pa.Table) -> np.ndarray:
    """Rows whose first cell is the first column's name (a header pasted again)."""
    first = table.column_names[0]
    values = table.column(first)
    if not pa.types.is_string(values.type):
        return np.zeros(table.num_rows, dtype=bool)
    return _mask(pc.equal(pc.utf8_trim_whitespace(values), first.strip()))


def _no_date(table: pa.Table, mapping: Mapping) -> np.ndarray:
    """Rows whose date cell is blank or does not start with a digit (text dates aside, the
    only rows that can be empty, a header or a summary line)."""
    dates = table.column(mapping.column("date"))
    if mapping.date_in_text:
        return ~_mask(date_in_text(dates.combine_chunks()).is_valid())
    if not pa.types.is_string(dates.type):
        return np.zeros(table.num_rows, dtype=bool)  # typed dates: no text rows among them
    return ~_starts_with_digit(dates.combine_chunks())


def _starts_with_digit(values: pa.StringArray) -> np.ndarray:
    """Whether each cell's first character after blanks is a digit (a null cell: no). Read off
    the first byte where it is an ASCII character other than a blank, as in nearly every cell
    (ten times faster than trimming every cell); Arrow's Unicode rules settle the others."""
    n = len(values)
    offsets = np.frombuffer(values.buffers()[1], np.int32, n + 1, values.offset * 4)
    text = values.buffers()[2]
    data = (
        np.frombuffer(text, np.uint8) if text is not None and text.size else np.zeros(1, np.uint8)
    )
    first = data[np.minimum(offsets[:-1], len(data) - 1)]
    filled = offsets[1:] > offsets[:-1]
    if values.null_count:
        filled &= _mask(values.is_valid())
    digit = filled & (first >= ord("0")) & (first <= ord("9"))
    unsure = filled & ((first >= 0x80) | (first <= ord(" ")))  # blanks and control bytes too
    if unsure.any():
        rows = np.flatnonzero(unsure)
        cells = pc.utf8_trim_whitespace(values.take(pa.array(rows)))
        digit[rows] = _mask(pc.utf8_is_digit(pc.utf8_slice_codeunits(cells, 0, 1)))
    return digit


def _drop_non_data(table: pa.Table, maybe: np.ndarray, report: LoadReport) -> np.ndarray:
    """Mask of rows to keep: not empty, not a repeated header, not a summary line.

    Only the ``maybe`` rows are examined cell by cell, which keeps this cheap on big files.
    """
    keep = np.ones(table.num_rows, dtype=bool)
    if not maybe.any():
        return keep
    idx = np.flatnonzero(maybe)
    subset = table.take(pa.array(idx))
    text_cols = {c for c in table.column_names if pa.types.is_string(table.schema.field(c).type)}
    empty = np.ones(len(idx), dtype=bool)
    header_like = np.full(len(idx), bool(text_cols))
    summary = np.zeros(len(idx), dtype=bool)
    for name in subset.column_names:
        values = subset.column(name)
        blank = _blank(values)
        empty &= blank
        if name in text_cols:
            own = pc.match_substring_regex(values, _own_header(name), ignore_case=True)
            header_like &= _mask(own) | blank
            summary |= _mask(pc.match_substring_regex(values, SUMMARY_CELL, ignore_case=True))
    header_like &= ~empty
    summary &= ~empty & ~header_like
    for mask, reason in (
        (empty, Skip.EMPTY_ROW),
        (header_like, Skip.REPEATED_HEADER),
        (summary, Skip.SUMMARY_ROW),
    ):
        report.skip(reason, int(mask.sum()))
        keep[idx[mask]] = False
    return keep


def _own_header(name: str) -> str:
    return rf"^\s*{re.escape(name.strip())}\s*$"


def _blank(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if not pa.types.is_string(values.type):
        return _mask(values.is_null())
    return _mask(pc.or_kleene(values.is_null(), pc.match_substring_regex(values, r"^\s*$")))


def _mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow column as numpy, null as False."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    mask: np.ndarray = pc.fill_null(values, False).to_numpy(zero_copy_only=False)
    return mask


def _date_cells(table: pa.Table, mapping: Mapping) -> pa.Array:
    """The date column, joined with a separate time column when the export splits them."""
    dates = table.column(mapping.column("date")).combine_chunks()
    if mapping.date_in_text:
        return date_in_text(dates)
    time_col = mapping.column("time")
    if not time_col or not pa.types.is_string(dates.type):
        return dates
    times = pc.fill_null(table.column(time_col).combine_chunks().cast(pa.string()), "")
    return pc.utf8_trim_whitespace(pc.binary_join_element_wise(dates, times, " "))


def _locale_dayfirst(raw: RawTable, table: pa.Table) -> bool:
    """European evidence: a ``;`` delimiter or Cyrillic headers mean dd/mm and decimal commas."""
    if raw.detected.get("delimiter") == ";":
        return True
    return any(any("а" <= ch <= "я" for ch in n.lower()) for n in table.column_names)


def has_repeats(ids: pa.Array) -> bool:
    """Whether any non-null id occurs twice. Plain integer ids take a sort instead of a hash."""
    ids = ids.drop_null()
    if len(ids) < 2:
        return False
    if (ints := integer_keys(ids)) is not None:
        if (ints[1:] > ints[:-1]).all():
            return False
        ints = np.sort(ints)
        return bool((ints[1:] == ints[:-1]).any())
    return bool(pc.count_distinct(ids).as_py() < len(ids))


def _int_array(values: pa.Array) -> pd.arrays.IntegerArray:
    """Nullable int64 for pandas straight from Arrow (no round trip through floats)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    data = pc.fill_null(values, 0).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return pd.arrays.IntegerArray(data, values.is_null().to_numpy(zero_copy_only=False))


def _attribute(values: pa.ChunkedArray) -> pd.Series:
    """A passed-through column as a categorical of text: segment labels (city, store 7...)
    with few distinct values, cheap to take per customer."""
    values = values.combine_chunks()
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.string())
    categories: pd.Series = pc.dictionary_encode(values).to_pandas()
    return categories


def _nothing(n: int) -> pd.Categorical:
    """A column with no values, cheap to build and to compare (unlike n Python ``None``)."""
    return pd.Categorical.from_codes(
        np.full(n, -1, dtype=np.int8), categories=pd.Index([], dtype=object)
    )


def _ids(table: pa.Table, column: str | None) -> pa.Array | None:
    if not column:
        return None
    values = table.column(column).combine_chunks()
    if pa.types.is_floating(values.type):
        values = pc.cast(pc.round(values), pa.int64())
    if pa.types.is_integer(values.type):
        return values.cast(pa.string())  # nothing to trim
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _currency(
    table: pa.Table, column: str | None, from_cells: pa.Array | None, fallback: str | None
) -> pa.Array:
    n = table.num_rows
    values = pa.nulls(n, pa.string())
    if column:
        values = pc.utf8_upper(pc.utf8_trim_whitespace(table.column(column).combine_chunks()))
        values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
        values = pc.if_else(pc.equal(values, "RUR"), "RUB", values)
    if from_cells is not None:
        values = pc.coalesce(values, from_cells)
    if fallback:
        values = pc.coalesce(values, pa.scalar(fallback.upper()))
    return values


def _to_zone(stamps: np.ndarray, offsets: np.ndarray, zone: str) -> np.ndarray:
    utc = stamps - offsets.astype("timedelta64[m]")
    local = pd.DatetimeIndex(utc).tz_localize("UTC").tz_convert(zone).tz_localize(None)
    return local.to_numpy().astype("datetime64[s]")


def _text(value: pa.Scalar) -> str | None:
    try:
        v = value.as_py()
    except (OverflowError, ValueError):  # a timestamp beyond what Python's datetime holds
        return f"{value.cast(pa.int64()).as_py()} {value.type.unit} since 1970"
    return None if v is None else str(v)
