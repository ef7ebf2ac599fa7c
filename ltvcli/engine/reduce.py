"""Orders to the customer table: one row per (currency, customer), by sorting instead of hashing.

Every order row gets an integer customer code; one ``np.sort`` of packed int64 keys
``code | refund flag | day | row`` puts each customer's orders together in date order (sales
before refund rows), and the row bits give the permutation back. Sums are ``np.add.reduceat``
over the sorted int64 cents, so money stays exact; a second packed sort of ``(code, gap)``
gives exact median intervals. pandas only builds the small per-customer frame at the end.
Within a day the rows keep their input order, so the first (last) order's attributes are
settled apart where a customer's first (last) day holds several sales (``_End``).
(``../docs/metrics.md`` defines every column; ``research/performance.md`` explains the choice.)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from ltvcli.engine.days import DayNumber, day_numbers
from ltvcli.engine.lines import Lines, combine_lines, lines_of
from ltvcli.fields import attribute_kind
from ltvcli.schema.identity import integer_keys
from ltvcli.schema.lines import LINES
from ltvcli.schema.orders import ORDER_COLUMNS, earliest, sequence_keys

CONTACT_WORDS = ("name", "email", "e-mail", "phone", "имя", "фио", "телефон", "почта", "контакт")


_PARALLEL_SORT = 1 << 20  # elements; below this one thread sorts faster
_PARALLEL_REDUCE = 1 << 20  # order rows; below this one thread reduces faster


@dataclass
class Ledger:
    """Every order and refund row, in customer order: for cohorts and intervals by period."""

    owner: np.ndarray  # index into the customer table
    day: np.ndarray  # days since 1970-01-01
    net_cents: np.ndarray  # gross − refund of the row
    cost_cents: np.ndarray  # 0 where unknown
    is_order: np.ndarray


class _KeyColumns(TypedDict):
    """The key columns of the customer table, for some of its rows."""

    currency: np.ndarray | None  # None: no row has a currency
    customer: pd.Series | np.ndarray


# rows of the customer table (positions in the sorted orders) -> their key columns
_KeyDecoder = Callable[[np.ndarray], _KeyColumns]


@dataclass
class Reduced:
    """The customer table and the per-customer arrays that the analyses need beyond it.

    ``gaps`` are the days between consecutive distinct order days, grouped by owner (index into
    ``customers``) and in date order within an owner.
    """

    customers: pd.DataFrame
    gap_owner: np.ndarray
    gaps: np.ndarray
    ledger: Ledger | None  # None when not kept (the streaming engine keeps it on request)
    has_cost: bool
    lines: Lines | None = None  # the order lines, when the orders kept them


def reduce_orders(
    orders: pd.DataFrame,
    as_of: DayNumber,
    churn_window: int,
    attr: str = "first",
    keep_ledger: bool = True,
) -> Reduced:
    """Reduce normalised orders (``ltvcli.schema.orders``) to one row per customer.

    ``as_of`` (a day number) and ``churn_window`` (days) mark the two trailing windows that
    churn and purchase frequency are measured over; ``keep_ledger``: keep every order row's
    day and money (``Ledger``), which only the cohorts need. Many orders are reduced on both
    cores: the sorted rows are cut in two at a customer's first row, each half reduced in a
    thread (numpy lets go of the GIL), and the two tables joined in order.
    """
    key, decode = _customer_keys(orders)
    cost = orders["cost_cents"]
    rows = _Rows(
        day=day_numbers(orders["ordered_at"]),
        is_order=orders["is_order"].to_numpy(bool),
        gross=orders["gross_cents"].to_numpy(np.int64),
        refund=orders["refund_cents"].to_numpy(np.int64),
        cost=cost.to_numpy(np.int64, na_value=0),
        has_cost=bool(cost.notna().any()),
        decode=decode,
    )
    perm = _sort_rows(key, rows.day, ~rows.is_order)
    key_s = key[perm]
    first_of_customer = np.r_[True, key_s[1:] != key_s[:-1]]
    del key, key_s
    cuts = [0, len(perm)]
    if len(perm) >= _PARALLEL_REDUCE:  # the first customer from the middle on starts the 2nd run
        middle = int(np.argmax(first_of_customer[len(perm) // 2 :])) + len(perm) // 2
        cuts = [0, middle, len(perm)] if first_of_customer[middle] and middle else cuts
    runs = list(itertools.pairwise(cuts))

    def run(bounds: tuple[int, int]) -> Reduced:
        a, b = bounds
        return _reduce_sorted(
            orders, rows, perm[a:b], first_of_customer[a:b], as_of, churn_window, attr, keep_ledger
        )

    if len(runs) == 1:
        return run(runs[0])
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        return combine(list(pool.map(run, runs)), ordered=True)


@dataclass
class _Rows:
    """Per order row (in the orders' order), what the reduce reads; and the customer keys."""

    day: np.ndarray
    is_order: np.ndarray
    gross: np.ndarray
    refund: np.ndarray
    cost: np.ndarray  # 0 where unknown
    has_cost: bool
    decode: _KeyDecoder


def _reduce_sorted(
    orders: pd.DataFrame,
    rows: _Rows,
    perm: np.ndarray,
    first_of_customer: np.ndarray,
    as_of: DayNumber,
    churn_window: int,
    attr: str,
    keep_ledger: bool,
) -> Reduced:
    """The customers of a run of the sorted rows (``perm``: their rows in ``orders``, each
    customer's rows together, the run starting at a customer's first)."""
    starts = np.flatnonzero(first_of_customer)
    code_s = np.cumsum(first_of_customer)
    code_s -= 1  # dense customer numbers, in sorted order
    n_customers = len(starts)
    keys = rows.decode(perm[starts])
    day_s = rows.day[perm]
    sale_s = rows.is_order[perm]
    # Row arrays are ten million long: each kept only while it is needed, money summed as it
    # is gathered in order (both halves' arrays are in memory at once).
    sums = {
        name: np.add.reduceat(values[perm], starts)
        for name, values in (
            ("gross_cents", rows.gross), ("refund_cents", rows.refund), ("cost_cents", rows.cost)
        )
    }  # fmt: skip
    net = rows.gross[perm]
    net -= rows.refund[perm]
    n_orders = np.add.reduceat(sale_s, starts, dtype=np.int64)
    buyer = n_orders > 0
    first_row = starts
    last_row = starts + np.maximum(n_orders, 1) - 1

    first_day = np.where(buyer, day_s[first_row], np.iinfo(np.int64).min)
    last_day = np.where(buyer, day_s[last_row], np.iinfo(np.int64).min)

    # Gaps between consecutive distinct order days of one customer (sales rows come first).
    step = np.diff(day_s)
    is_gap = (code_s[1:] == code_s[:-1]) & sale_s[1:] & sale_s[:-1] & (step > 0)
    gap_owner = code_s[1:][is_gap]
    gaps = step[is_gap]
    del step, is_gap
    n_gaps = np.bincount(gap_owner, minlength=n_customers)
    gap_starts = np.r_[0, np.cumsum(n_gaps)[:-1]]
    has_gap = n_gaps > 0
    second = gaps[np.minimum(gap_starts, len(gaps) - 1)] if len(gaps) else np.zeros(n_customers)

    recent = sale_s & (day_s > as_of - churn_window)
    previous = sale_s & (day_s > as_of - 2 * churn_window) & (day_s <= as_of - churn_window)
    sales_net = np.where(sale_s, net, 0)  # refund rows aside
    first_day_net = np.where(day_s == first_day[code_s], sales_net, 0)

    frame = pd.DataFrame(
        {
            **keys,
            "first_order": _dates(first_day, buyer),
            "last_order": _dates(last_day, buyer),
            "orders": n_orders,
            "order_days": np.where(buyer, n_gaps + 1, 0),
            **sums,
            "mean_interval_days": np.where(
                has_gap, (last_day - first_day) / np.maximum(n_gaps, 1), np.nan
            ),
            "median_interval_days": median_by_owner(gap_owner, gaps, n_customers),
            "days_to_second_order": np.where(has_gap, second, np.nan),
            "_first_day": first_day,
            "_last_day": last_day,
            "_recent_orders": np.add.reduceat(recent, starts, dtype=np.int64),
            # Spend of the orders (refund rows aside), and of the first order day: the
            # repeat-purchase spend the predictive models use.
            "_sales_cents": np.add.reduceat(sales_net, starts),
            "_first_day_cents": np.add.reduceat(first_day_net, starts),
            "_active_before": np.add.reduceat(previous, starts, dtype=np.int64) > 0,
        },
        copy=False,
    )
    del recent, previous, sales_net, first_day_net
    frame["net_cents"] = frame["gross_cents"] - frame["refund_cents"]
    ends: dict[str, _End] = {}

    def end(which: str) -> _End:
        """Where the first (or last) orders' attributes are, made when first asked for."""
        if which not in ends:
            latest = which == "last"
            row = last_row if latest else first_row
            ends[which] = _End(orders, perm, code_s, day_s, sale_s, row, n_orders > 1, latest)
        return ends[which]

    for column in _attribute_columns(orders):
        values = orders[column]
        if _is_contact(column):
            frame[column] = _take(values, end("last").rows(values))
        elif attr == "mode":
            sold = perm[sale_s]
            frame[column] = _mode_by_owner(code_s[sale_s], values.take(sold), n_customers)
        else:
            frame[column] = _take(values, end(attr).rows(values))
    ledger = None
    if keep_ledger:
        ledger = Ledger(
            owner=code_s, day=day_s, net_cents=net, cost_cents=rows.cost[perm], is_order=sale_s
        )
    lines = None
    if LINES in orders:
        lines = lines_of(
            orders,
            perm,
            code_s,
            day_s,
            _sale_numbers(orders, perm, code_s, sale_s, starts),
            net,
        )
    return Reduced(frame, gap_owner, gaps, ledger, rows.has_cost, lines)


def _sale_numbers(
    orders: pd.DataFrame,
    perm: np.ndarray,
    code_s: np.ndarray,
    sale_s: np.ndarray,
    starts: np.ndarray,
) -> np.ndarray:
    """Each sorted row's number among its customer's sales (0: the first order), -1 for refund
    rows: in the sequence the first-order attributes use (time of day, then order id), so that
    "the first order" of the order lines is the one whose city and channel the customer has.
    The sort has sales in day order already; only a customer's sales of one day (few) are put
    in sequence again."""
    number = np.arange(len(perm)) - starts[code_s]
    day = day_numbers(orders["ordered_at"].take(perm))
    tie = sale_s[1:] & sale_s[:-1] & (code_s[1:] == code_s[:-1]) & (day[1:] == day[:-1])
    if tie.any():
        rows = np.flatnonzero(np.r_[tie, False] | np.r_[False, tie])  # sorted positions
        run = np.cumsum(~np.r_[False, tie][rows])  # one number per customer's day
        keys = sequence_keys(orders[["ordered_at", "order_id"]].take(perm[rows]))
        order = np.lexsort([*reversed(keys), run])
        number[rows[order]] = number[rows]
    return np.where(sale_s, number, -1)


class _End:
    """The order row each customer's attributes come from, at one end of their history (the
    first order, or the last): the row the sort put there, unless the customer has more than
    one sale on that day: the sort orders a day's rows as they stood in the input, so those
    rows (few) are compared again by time of day and order id, ties to the smallest value
    (``earliest``). No pass over all rows: only the customers with two sales or more."""

    def __init__(
        self,
        orders: pd.DataFrame,
        perm: np.ndarray,
        code_s: np.ndarray,
        day_s: np.ndarray,
        sale_s: np.ndarray,
        end_row: np.ndarray,
        several: np.ndarray,
        latest: bool,
    ) -> None:
        self.picked: np.ndarray = perm[end_row]  # one row per customer
        step = -1 if latest else 1
        run = end_row[several]  # rows of customers with two sales or more
        tie: list[np.ndarray] = []
        while len(run):  # the next row, while it is a sale of the customer on the same day
            near = run + step
            inside = (near >= 0) & (near < len(perm))
            run, near = run[inside], near[inside]
            same = sale_s[near] & (code_s[near] == code_s[run]) & (day_s[near] == day_s[run])
            tie += [near[same]] if tie else [run[same], near[same]]
            run = near[same]
        at = np.concatenate(tie) if tie else np.zeros(0, dtype=np.int64)
        self.rows_at = perm[at]
        self.owner = code_s[at]
        self.group = np.unique(self.owner, return_inverse=True)[1]  # numbered 0, 1, ...
        keys = sequence_keys(orders[["ordered_at", "order_id"]].take(self.rows_at))
        self.keys = [-k for k in keys] if latest else keys

    def rows(self, values: pd.Series) -> np.ndarray:
        """The row of each customer to take ``values`` from."""
        if not len(self.owner):
            return self.picked
        won = earliest(self.group, self.keys, values.take(self.rows_at))
        picked = self.picked.copy()
        picked[self.owner[won]] = self.rows_at[won]
        return picked


def _customer_keys(orders: pd.DataFrame) -> tuple[np.ndarray, _KeyDecoder]:
    """An int64 per row, equal exactly for one (currency, customer), and a way back from rows to
    the key text. Plain integer ids are their own numbers (sorting numbers is cheaper than
    hashing millions of strings); other keys are numbered in text order. Either way the customer
    table comes out ordered by (currency, key), whatever order the rows came in."""
    customers = orders["customer"]
    numbers = integer_keys(pa.array(customers, pa.string()))
    if numbers is not None:
        smallest = int(numbers.min())
        key = own = numbers - smallest  # and the numbers let go of: 80 MB at 10^7 orders
        del numbers

        def customer_of(rows: np.ndarray) -> pd.Series | np.ndarray:
            text: pd.Series = pa.array(own[rows] + smallest).cast(pa.string()).to_pandas()
            return text
    else:
        numbered, uniques = pd.factorize(customers, sort=True)
        key = numbered.astype(np.int64)

        def customer_of(rows: np.ndarray) -> pd.Series | np.ndarray:
            text: np.ndarray = np.asarray(uniques, dtype=object)[numbered[rows]]
            return text

    currency = orders["currency"]
    if currency.isna().all():
        return key, lambda rows: {"currency": None, "customer": customer_of(rows)}
    codes, currencies = pd.factorize(currency.fillna(""), sort=True)
    names = np.asarray([c or None for c in currencies], dtype=object)
    key = codes.astype(np.int64) * (int(key.max()) + 1) + key
    return key, lambda rows: {"currency": names[codes[rows]], "customer": customer_of(rows)}


def _sort_rows(codes: np.ndarray, day: np.ndarray, refund: np.ndarray) -> np.ndarray:
    """Row permutation ordered by (customer key, sales before refunds, day, row)."""
    n = len(codes)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    day0 = day - day.min()
    row_bits = _bits(n)
    day_bits = _bits(int(day0.max()) + 1)
    code_bits = _bits(int(codes.max()) + 1)
    if code_bits + 1 + day_bits + row_bits > 63:
        return np.lexsort((np.arange(n), day0, refund, codes))
    key = codes << (1 + day_bits + row_bits)
    key |= refund.astype(np.int64) << (day_bits + row_bits)
    key |= day0 << row_bits
    key |= np.arange(n, dtype=np.int64)
    sort_in_place(key)
    return key & ((1 << row_bits) - 1)


def sort_in_place(values: np.ndarray) -> None:
    """Sort a big array on two cores: each half sorted in a thread (numpy lets go of the GIL
    while it sorts), then a stable sort, which merges the two sorted runs in one pass."""
    if len(values) < _PARALLEL_SORT:
        values.sort()
        return
    half = len(values) // 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(np.ndarray.sort, (values[:half], values[half:])))
    values.sort(kind="stable")


def median_by_owner(owner: np.ndarray, values: np.ndarray, owners: int) -> np.ndarray:
    """Exact median of the non-negative integer ``values`` per owner (0 to ``owners`` - 1;
    NaN for owners without values). Few owners (segments): a count of each value per owner.
    Many (customers): one or two values are their mean; only owners of three or more are
    sorted, as (owner, value) packed in an int64."""
    out = np.full(owners, np.nan)
    if len(values) == 0:
        return out
    counts = np.bincount(owner, minlength=owners)
    span = int(values.max()) + 1
    if owners * span <= max(len(values), 1 << 16):
        cells = np.bincount(owner * span + values, minlength=owners * span)
        below = cells.reshape(owners, span).cumsum(axis=1)  # values up to each one, per owner
        has = counts > 0
        ranks = below[has]
        lo = (ranks <= ((counts[has] - 1) // 2)[:, None]).sum(axis=1)
        hi = (ranks <= (counts[has] // 2)[:, None]).sum(axis=1)
        out[has] = (lo + hi) / 2
        return out
    few = (counts > 0) & (counts <= 2)
    out[few] = np.bincount(owner, weights=values, minlength=owners)[few] / counts[few]
    many = counts > 2
    if not many.any():
        return out
    kept = many[owner]
    owner, values = owner[kept], values[kept]
    sizes = counts[many]
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    value_bits = _bits(span)
    packed = (owner.astype(np.int64) << value_bits) | values
    sort_in_place(packed)
    ordered = packed & ((1 << value_bits) - 1)
    out[many] = (ordered[starts + (sizes - 1) // 2] + ordered[starts + sizes // 2]) / 2
    return out


def _take(values: pd.Series, rows: np.ndarray) -> pd.Categorical[Any] | np.ndarray:
    """``values`` at ``rows``; categoricals stay categorical (no strings are copied)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()[rows]
        return pd.Categorical.from_codes(codes, dtype=values.dtype)
    taken: np.ndarray = values.to_numpy(object)[rows]
    return taken


def _mode_by_owner(
    codes: np.ndarray, values: pd.Series, n_owners: int
) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """Most frequent non-empty value per owner; ties go to the alphabetically first value."""
    value_codes, uniques = pd.factorize(values.astype(object), sort=True)
    present = value_codes >= 0
    pairs = pd.DataFrame({"owner": codes[present], "value": value_codes[present]})
    counts = pairs.value_counts().reset_index(name="n")
    best = counts.sort_values(["owner", "n", "value"], ascending=[True, False, True])
    best = best.drop_duplicates("owner")
    out = np.full(n_owners, None, dtype=object)
    out[best["owner"].to_numpy()] = np.asarray(uniques, dtype=object)[best["value"].to_numpy()]
    if isinstance(values.dtype, pd.CategoricalDtype | pd.StringDtype):
        return pd.array(out, dtype=values.dtype)  # the column's type, whatever owners it has
    return out


def _attribute_columns(orders: pd.DataFrame) -> list[str]:
    return [c for c in orders.columns if c not in ORDER_COLUMNS and not c.startswith("_")]


def _is_contact(column: str) -> bool:
    """Contact details (name, e-mail, phone) are taken from the latest order: the freshest."""
    if attribute_kind(column):
        return False
    header = column.lower()
    return any(word in header for word in CONTACT_WORDS)


def _dates(days: np.ndarray, present: np.ndarray) -> np.ndarray:
    out = np.where(present, days, 0).astype("datetime64[D]")
    out[~present] = np.datetime64("NaT")
    return out


def _bits(n: int) -> int:
    return max(int(n - 1).bit_length(), 1)


def combine(pieces: list[Reduced], ordered: bool = False) -> Reduced:
    """Reductions of disjoint sets of customers as one, ordered as ``reduce_orders`` orders its
    customers: by (currency, key), integer keys as numbers. ``ordered``: the pieces are
    consecutive runs of that order already (``reduce_orders``' own), so they are only joined."""
    if len(pieces) == 1:
        return pieces[0]
    frames = [p.customers for p in pieces]
    order = rank = None
    if not ordered:
        keys = _concat([f[["currency", "customer"]] for f in frames])
        order = key_order(
            pa.array(keys["currency"], pa.string()), pa.array(keys["customer"], pa.string())
        )
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
    offsets = np.cumsum([0] + [len(p.customers) for p in pieces[:-1]])

    def owners(arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray | slice]:
        """Owners renumbered to the combined table, and the stable order that groups them."""
        owner = np.concatenate([a + o for a, o in zip(arrays, offsets, strict=True)])
        if rank is None:
            return owner, slice(None)
        owner = rank[owner]
        return owner, np.argsort(owner, kind="stable")

    gap_owner, by_gap = owners([p.gap_owner for p in pieces])
    gaps = np.concatenate([p.gaps for p in pieces])[by_gap]
    ledger = None
    ledgers = [p.ledger for p in pieces if p.ledger is not None]
    if len(ledgers) == len(pieces):
        owner, by_row = owners([part.owner for part in ledgers])
        ledger = Ledger(
            owner=owner[by_row],
            **{
                name: np.concatenate([getattr(part, name) for part in ledgers])[by_row]
                for name in ("day", "net_cents", "cost_cents", "is_order")
            },
        )
    lines = None
    kept = [p.lines for p in pieces if p.lines is not None]
    if len(kept) == len(pieces):
        owners_of = [k.frame["owner"].to_numpy() + o for k, o in zip(kept, offsets, strict=True)]
        lines = combine_lines(kept, owners_of if rank is None else [rank[o] for o in owners_of])
    return Reduced(
        _concat(frames, order),
        gap_owner[by_gap],
        gaps,
        ledger,
        any(p.has_cost for p in pieces),
        lines,
    )


def key_order(
    currency: pa.Array | pa.ChunkedArray, customer: pa.Array | pa.ChunkedArray
) -> np.ndarray:
    """The order of ``reduce_orders``' customer table: by currency (none first), then by key,
    plain integer keys as numbers. Arrow sorts the text as it is: by its UTF-8 bytes, which is
    the order of code points, as Python sorts."""
    numbers = integer_keys(customer)
    currency = currency.fill_null("")
    one_currency = pc.min_max(currency)
    order: pa.Array | np.ndarray
    if customer.null_count == 0 and one_currency["min"] == one_currency["max"]:
        # one currency (the usual case): the keys alone, without a table sort's extra copies
        if numbers is not None:
            return np.argsort(numbers, kind="stable")
        order = pc.sort_indices(customer)
    else:
        keys = pa.table({
            "currency": currency,
            # no key sorts first (as ``_customer_keys``' factorize numbers it −1): a column rather
            # than a null placement, which newer pyarrow takes per key and older only for all
            "missing": pc.is_null(customer),
            "key": customer if numbers is None else numbers,
        })  # fmt: skip
        by = [("currency", "ascending"), ("missing", "descending"), ("key", "ascending")]
        order = pc.sort_indices(keys, sort_keys=by)
    rows: np.ndarray = order.to_numpy().view(np.int64)  # indices, far below 2**63
    return rows


def _concat(frames: list[pd.DataFrame], order: np.ndarray | None = None) -> pd.DataFrame:
    """Row-wise concatenation (rows taken in ``order`` when given) that keeps text attributes
    categorical (their categories united). Each column is dropped from the pieces once it is
    built, so that memory holds one copy of the table plus one column."""
    columns = list(dict.fromkeys(c for f in frames for c in f.columns))
    out = {}
    for name in columns:
        parts = [f[name] if name in f.columns else pd.Series([None] * len(f)) for f in frames]
        if any(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            cats = [
                p.array if isinstance(p.dtype, pd.CategoricalDtype) else pd.Categorical(p)
                for p in parts
            ]
            column = pd.Series(union_categoricals(cats, ignore_order=True))
        else:
            column = pd.concat(parts, ignore_index=True)
        del parts
        if order is not None:
            column = column.take(order).reset_index(drop=True)
        for frame in frames:
            if name in frame.columns:
                del frame[name]
        out[name] = column
    return pd.DataFrame(out, copy=False)
