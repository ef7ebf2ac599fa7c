"""The account of a load: what was read, what was detected, what was skipped and why."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TypedDict

from ltvcli.errors import located
from ltvcli.messages import Message

MAX_EXAMPLES = 5


class Skip(StrEnum):
    """Why the loader skipped rows, as printed (a member is its text: counts keyed by it read
    as the text; written as a ``Message`` so that the catalog holds its translation, which
    ``Message.literal`` finds). The readers' own reasons (blank lines, short rows) are
    Messages or plain text."""

    UNPARSEABLE_DATE = Message("unparseable date")
    UNPARSEABLE_AMOUNT = Message("unparseable amount")
    UNPARSEABLE_REFUND = Message("unparseable refund")
    UNPARSEABLE_COST = Message("unparseable cost")
    DATE_OUT_OF_RANGE = Message("date out of range")
    AMOUNT_OUT_OF_RANGE = Message("amount out of range")
    REFUND_OUT_OF_RANGE = Message("refund out of range")
    COST_OUT_OF_RANGE = Message("cost out of range")
    EMPTY_ROW = Message("empty row")
    REPEATED_HEADER = Message("repeated header row")
    SUMMARY_ROW = Message("summary row (Итого/Total)")
    DUPLICATE_ROW = Message("duplicate row (the same line twice)")
    NOT_A_SALE = Message("not a sale (fee, transfer, payout...)")
    CANCELLED = Message("cancelled, failed or lost order")
    OPEN = Message("open or pending order (not yet revenue; --include-open)")
    NO_CUSTOMER = Message("no customer (empty or guest key)")
    NO_DATE = Message("no order date")
    NO_AMOUNT = Message("no amount")
    REFUND_UNATTACHED = Message("refund with no customer or date to attach to")

    @classmethod
    def unparseable(cls, value: str) -> Skip:
        """The reason of a cell of the ``value`` column ("date", "amount"...) that is not one."""
        return cls(f"unparseable {value}")

    @classmethod
    def out_of_range(cls, value: str) -> Skip:
        """The reason of a cell of the ``value`` column beyond what ltv takes."""
        return cls(f"{value} out of range")


def other_currency(currency: str) -> str:
    """The reason of orders in another currency than --currency (it names the currency)."""
    return Message("other currency than {currency}", currency=currency)


# Reasons that mean a value could not be read (``--strict`` fails on these); the others are
# business rules (cancelled orders, refunds without a buyer...) and are only counted.
BAD_VALUE_REASONS = frozenset(
    {Skip.UNPARSEABLE_DATE, Skip.UNPARSEABLE_AMOUNT, Skip.UNPARSEABLE_REFUND, Skip.UNPARSEABLE_COST}
    | {Skip.DATE_OUT_OF_RANGE, Skip.AMOUNT_OUT_OF_RANGE, Skip.REFUND_OUT_OF_RANGE}
    | {Skip.COST_OUT_OF_RANGE}
)


@dataclass(frozen=True)
class Example:
    file: str
    row: int | None
    column: str | None
    reason: str
    value: str | None

    def say(self, lang: str) -> str:
        """``orders.csv: row 3: column "Дата": unparseable date: '31/13/2024'`` in ``lang``."""
        reason = Message.literal(self.reason)
        if self.value is not None:
            reason = Message("{reason}: {value}", reason=reason, value=shape(self.value))
        return located(reason, lang, self.file, self.row, self.column or None)

    def __str__(self) -> str:
        return self.say("en")


def shape(value: str) -> str:
    """A cell as messages may show it: short values as they are ('31/13/2024', 'n/a'); what may
    be personal or long only by its shape ("an e-mail address", "11 digits", "48 characters")."""
    if "@" in value:
        return Message("an e-mail address")
    if personal(value):
        return Message("{n} digits", n=sum(ch.isdigit() for ch in value))
    if len(value) > 24:
        return Message("{n} characters of text", n=len(value))
    return repr(value)


def personal(value: str) -> bool:
    """An e-mail address or a phone-like run of digits (not a date): never quoted in a
    message."""
    if "@" in value:
        return True
    digits = sum(ch.isdigit() for ch in value)
    return digits >= 7 and not any(ch.isalpha() for ch in value) and not _DATE.match(value)


_DATE = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}([ T][\d:.]+)?\s*$")


@dataclass
class KeyColumn:
    """A column that keys customers in one input, and how many rows it keyed."""

    column: str
    kind: str  # "id", "email", "phone" or "name"
    rows: int


@dataclass
class Source:
    """What was found in one input: its dialect, its columns and what its cells showed. The
    parse results stay None until the rows are parsed (a file whose columns were not settled
    has none)."""

    file: str
    detected: dict[str, object]  # the reader's account: format, encoding, delimiter...
    rows: int
    columns: dict[str, str]  # field -> column
    reasons: dict[str, str]  # field -> why that column
    rejected: dict[str, str]  # field -> why no column was taken
    identifiers: list[KeyColumn] = field(default_factory=list)
    date_shapes: list[str] | None = None
    dayfirst: bool | None = None  # None: the dates did not tell
    decimal_mark: str | None = None  # of the amount column: ".", "," or "., ,"
    currencies: list[str] | None = None
    unknown_statuses: list[str] | None = None  # None: no status column
    won_stage: bool | None = None  # a CRM pipeline's won stage among the statuses
    lines_differ: list[str] | None = None  # money columns whose order lines differ

    @property
    def parsed(self) -> bool:
        return self.date_shapes is not None

    def merge(self, block: Source) -> None:
        """Add a later block's account of the same input (streaming engine)."""
        self.rows += block.rows
        for mine, theirs in zip(self.identifiers, block.identifiers, strict=True):
            mine.rows += theirs.rows
        if self.dayfirst is None:
            self.dayfirst = block.dayfirst
        if self.decimal_mark is None:
            self.decimal_mark = block.decimal_mark
        for name in ("currencies", "unknown_statuses", "lines_differ"):
            theirs = getattr(block, name)
            if theirs is not None:
                setattr(self, name, sorted({*(getattr(self, name) or ()), *theirs}))
        if block.won_stage is not None:
            self.won_stage = bool(self.won_stage or block.won_stage)

    def display(self) -> dict[str, object]:
        """The input as ``ltv inspect`` shows it (JSON-ready; what was not found is left out)."""
        out: dict[str, object] = {
            "file": self.file,
            **self.detected,
            "rows": self.rows,
            "columns": self.columns,
            "reasons": self.reasons,
            "rejected": self.rejected,
            "identifiers": [asdict(i) for i in self.identifiers],
        }
        if not self.parsed:
            return out
        out["date_shapes"] = self.date_shapes
        if self.dayfirst is not None:
            out["date_order"] = "dd/mm/yyyy" if self.dayfirst else "mm/dd/yyyy"
        if self.columns.get("amount"):
            out["decimal_mark"] = self.decimal_mark
        out["currencies"] = self.currencies
        if self.unknown_statuses is not None:
            out["unknown_statuses"] = self.unknown_statuses
            out["won_stage"] = self.won_stage
        out["lines_differ"] = self.lines_differ
        return out


class CustomerLinks(TypedDict, total=False):
    """How customers were linked across identifier columns (empty until the keys are built)."""

    customers: int  # customers once every identifier is linked
    merged: int  # how many fewer customers linking made
    placeholders: dict[str, int]  # slot -> values shared too widely to be a person's
    alone: dict[str, tuple[int, float]]  # slot -> (customers by it alone, share of rows keyed)


@dataclass
class LoadReport:
    sources: list[Source] = field(default_factory=list)
    rows_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason (a ``Skip`` or a reader's)
    examples: list[Example] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What ltv is unsure of, and the flag that settles it: printed on stderr unless --quiet.
    warnings: list[str] = field(default_factory=list)
    rejected: list[dict[str, object]] = field(default_factory=list)  # for --rejects
    customers: CustomerLinks = field(default_factory=CustomerLinks)
    # the column of each identifier slot (id, e-mail...), as the first file that has it names it
    slot_columns: dict[str, str] = field(default_factory=dict)

    def skip(self, reason: str, count: int, examples: Sequence[Example] = ()) -> None:
        if count <= 0:
            return
        self.skipped[reason] += count
        seen = Counter(e.reason for e in self.examples)
        for e in examples:
            if seen[e.reason] < MAX_EXAMPLES:
                self.examples.append(e)
                seen[e.reason] += 1

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    def bad_values(self) -> list[Example]:
        return [e for e in self.examples if e.reason in BAD_VALUE_REASONS]
