"""Marketing spend files: (period or date, optional channel, amount) rows, read as tolerantly as orders.

A period is a month (``2024-01``, ``01.2024``, ``Jan 2024``, ``январь 2024``), a quarter
(``2024-Q1``), an ISO week (``2024-W05``), a year (``2024``) or a single date (any format the
orders loader reads). Spend of a period counts for the customers acquired in it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.errors import InputError
from ltvcli.fields import ATTRIBUTES, EXACT, match, normalise_header
from ltvcli.io.raw import ReadOptions
from ltvcli.io.readers import read_inputs
from ltvcli.messages import Message
from ltvcli.schema.dates import parse_dates
from ltvcli.schema.identity import EMAIL, share
from ltvcli.schema.money import parse_money

PERIOD_WORDS = ("month", "period", "date", "week", "day", "quarter", "year", "месяц", "период", "дата", "неделя", "квартал", "год", "monat", "datum")  # fmt: skip
AMOUNT_WORDS = ("spend", "spent", "cost", "costs", "amount", "budget", "ad spend", "расход", "расходы", "бюджет", "сумма", "затраты", "стоимость", "kosten", "betrag")  # fmt: skip
CHANNEL_WORDS = ATTRIBUTES["channel"]

MONTHS = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)},
    **{m: i for i, m in enumerate(("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"), 1)},
    "май": 5,
}  # fmt: skip


@dataclass
class Spend:
    """Spend rows: first and last day of the period (day numbers), channel, cents."""

    rows: pd.DataFrame  # start, end, channel, cents
    source: str

    def between(
        self, first: int, last: int, channel: str | None = None
    ) -> tuple[int | None, int, int]:
        """(spend cents, first day, last day) of the periods that overlap ``[first, last]``;
        None for a channel the file has no rows for."""
        r = self.rows
        take = (r["start"] <= last) & (r["end"] >= first)
        if channel is not None:
            take &= r["channel"] == channel
        if not take.any():
            return (None if channel is not None else 0), first, last
        chosen = r[take]
        return int(chosen["cents"].sum()), int(chosen["start"].min()), int(chosen["end"].max())

    def per_day(self) -> pd.Series:
        """Spend spread evenly over the days of each period (cents as floats, by day number)."""
        r = self.rows
        days = (r["end"] - r["start"] + 1).to_numpy()
        index = np.repeat(r["start"].to_numpy(), days) + _ranges(days)
        values = np.repeat(r["cents"].to_numpy() / days, days)
        return pd.Series(values, index=index).groupby(level=0).sum()


def load_spend(path: str) -> Spend:
    [raw] = read_inputs([path], ReadOptions())
    table = raw.table
    names = table.column_names
    # a customer column with an order id, or of e-mails, is an orders export (an ads export's
    # "Customer ID" is the ad account, an agency's "Client" its client: those are spend)
    buyers = [n for n in names if (m := match("customer", n)) and m[0] >= EXACT]
    orders = any((m := match("order_id", n)) and m[0] >= EXACT for n in names)
    emails = any(share(table.column(n), EMAIL) >= 0.8 for n in buyers)
    if buyers and (orders or emails):
        raise InputError(
            Message(
                'this looks like an orders file (it has a customer column, "{column}"), '
                "not a spend file",
                column=buyers[0],
            ),
            file=path,
            hint=Message("a spend file has a period or date, an optional channel and an amount"),
        )
    period = _column(names, PERIOD_WORDS, path, "period or date")
    amount = _column([n for n in names if n != period], AMOUNT_WORDS, path, "amount")
    channel = next((n for n in names if normalise_header(n) in _norm(CHANNEL_WORDS)), None)
    money = parse_money(table.column(amount))
    if money.invalid.any():
        row = int(np.flatnonzero(money.invalid)[0])
        raise InputError(
            Message("not an amount: {value!r}", value=table.column(amount)[row].as_py()),
            file=path, row=row + raw.first_row, column=amount,
        )  # fmt: skip
    start, end, bad = _periods(table.column(period))
    if bad is not None:
        raise InputError(
            Message("not a period or date: {value!r}", value=table.column(period)[bad].as_py()),
            file=path, row=bad + raw.first_row, column=period,
            hint=Message(
                "write months as 2024-01, quarters as 2024-Q1, weeks as 2024-W05, or dates"
            ),
        )  # fmt: skip
    cents = money.cents.to_numpy(zero_copy_only=False)
    keep = ~np.isnan(cents.astype(float))
    channels = (
        pc.utf8_trim_whitespace(table.column(channel).cast(pa.string())).to_numpy(
            zero_copy_only=False
        )
        if channel
        else np.full(len(cents), None, dtype=object)
    )
    rows = pd.DataFrame(
        {"start": start[keep], "end": end[keep], "channel": channels[keep],
         "cents": cents[keep].astype(np.int64)}
    )  # fmt: skip
    if rows.empty:
        raise InputError(Message("no spend rows"), file=path)
    return Spend(rows, path)


def _norm(words: Iterable[str]) -> set[str]:
    return {normalise_header(w) for w in words}


def _column(names: list[str], words: Iterable[str], path: str, what: str) -> str:
    wanted = _norm(words)
    for name in names:
        if normalise_header(name) in wanted:
            return name
    for name in names:
        if any(w in normalise_header(name) for w in wanted):
            return name
    have = ", ".join(names)
    raise InputError(
        Message("no period or date column (have: {columns})", columns=have)
        if what == "period or date"
        else Message("no amount column (have: {columns})", columns=have),
        file=path,
        hint=Message("a spend file has a period or date column, an optional channel and an amount"),
    )


_MONTH = re.compile(r"^(\d{4})[-./](\d{1,2})$|^(\d{1,2})[-./](\d{4})$")
_QUARTER = re.compile(r"^(\d{4})[- ]?q([1-4])$|^q([1-4])[- ]?(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-?w(\d{1,2})$")
_NAMED = re.compile(r"^([a-zа-яё]+)\.?\s+(\d{4})$")


def _periods(column: pa.Array) -> tuple[np.ndarray, np.ndarray, int | None]:
    """First and last day of every period cell, or the index of the first unreadable cell."""
    texts = [None if v is None else str(v).strip().lower() for v in column.to_pylist()]
    start = np.zeros(len(texts), dtype=np.int64)
    end = np.zeros(len(texts), dtype=np.int64)
    dates = None
    for i, text in enumerate(texts):
        span = _period(text) if text else None
        if span is None:
            if dates is None:
                dates = parse_dates(column.cast(pa.string()))
            value = dates.values[i]
            if np.isnat(value):
                return start, end, i
            day = int(value.astype("datetime64[D]").astype(np.int64))
            span = (day, day)
        start[i], end[i] = span
    return start, end, None


def _period(text: str) -> tuple[int, int] | None:
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return _day(year, 1, 1), _day(year + 1, 1, 1) - 1
    if m := _MONTH.match(text):
        year, month = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
        return _month(year, month)
    if m := _QUARTER.match(text):
        year, q = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
        last = _month(year, 3 * q)
        return None if last is None else (_day(year, 3 * q - 2, 1), last[1])
    if m := _WEEK.match(text):
        monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        day = (monday - dt.date(1970, 1, 1)).days
        return day, day + 6
    if (m := _NAMED.match(text)) and (named := MONTHS.get(m[1][:3])):
        return _month(int(m[2]), named)
    return None


def _month(year: int, month: int) -> tuple[int, int] | None:
    if not 1 <= month <= 12:
        return None
    nxt = _day(year + month // 12, month % 12 + 1, 1)
    return _day(year, month, 1), nxt - 1


def _day(year: int, month: int, day: int) -> int:
    return (dt.date(year, month, day) - dt.date(1970, 1, 1)).days


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """0..n-1 for every n in ``lengths``, concatenated."""
    total = int(lengths.sum())
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    ranges: np.ndarray = np.arange(total) - offsets
    return ranges
