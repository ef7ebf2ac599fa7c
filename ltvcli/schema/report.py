"""The account of a load: what was read, what was detected, what was skipped and why."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

MAX_EXAMPLES = 5

# Reasons that mean a value could not be read (``--strict`` fails on these); the others are
# business rules (cancelled orders, refunds without a buyer...) and are only counted.
BAD_VALUE_REASONS = frozenset(
    {"unparseable date", "unparseable amount", "unparseable refund", "unparseable cost"}
    | {"date out of range", "amount out of range", "refund out of range", "cost out of range"}
)


@dataclass(frozen=True)
class Example:
    file: str
    row: int | None
    column: str | None
    reason: str
    value: str | None

    def __str__(self) -> str:
        where = self.file + (f": row {self.row}" if self.row is not None else "")
        col = f': column "{self.column}"' if self.column else ""
        val = f": {shape(self.value)}" if self.value is not None else ""
        return f"{where}{col}: {self.reason}{val}"


def shape(value: str) -> str:
    """A cell as messages may show it: short values as they are ('31/13/2024', 'n/a'); what may
    be personal or long only by its shape ("an e-mail address", "11 digits", "48 characters")."""
    if "@" in value:
        return "an e-mail address"
    if personal(value):
        return f"{sum(ch.isdigit() for ch in value)} digits"
    if len(value) > 24:
        return f"{len(value)} characters of text"
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
class LoadReport:
    sources: list[dict[str, object]] = field(default_factory=list)
    rows_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    examples: list[Example] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What ltv is unsure of, and the flag that settles it: printed on stderr unless --quiet.
    warnings: list[str] = field(default_factory=list)
    rejected: list[dict[str, object]] = field(default_factory=list)  # for --rejects
    customers: dict[str, object] = field(default_factory=dict)  # how customers were linked
    decided: dict[str, object] = field(default_factory=dict)  # file -> its column Mapping

    def skip(self, reason: str, count: int, examples: list[Example] = ()) -> None:
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
