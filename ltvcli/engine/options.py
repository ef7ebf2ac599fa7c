"""How the reduce runs: which engine, within which memory budget, and how it reports progress.

``auto`` keeps small inputs in memory (fastest) and streams an input whose in-memory form
(``ltvcli.io.stream.in_memory_bytes``) would not fit the budget.

``--memory-limit`` bounds the whole process: the budget the engine sizes its blocks, partitions
and output slices from is the limit less what the process already holds (Python and its
libraries take about 130 MB before the first row is read), never less than ``MIN_BUDGET``.
"""

from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import dataclass
from typing import Protocol

from ltvcli.errors import ConfigError
from ltvcli.messages import Message

ENGINES = ("auto", "memory", "stream", "dask")
DEFAULT_SHARE = 0.5  # of the machine's memory, when no --memory-limit is given
MIN_BUDGET = 32 << 20  # the least the engine works in, whatever the limit leaves
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


@dataclass(frozen=True)
class Engine:
    """``--engine``, ``--memory-limit``, ``--scheduler`` and where spill files go."""

    kind: str = "auto"
    memory_limit: int | None = None  # bytes; None: DEFAULT_SHARE of the machine's memory
    scheduler: str | None = None  # a Dask scheduler address; None: a local cluster
    spill_dir: str | None = None  # default: the system's temporary directory ($TMPDIR)
    keep_ledger: bool = False  # the streaming engine keeps every order row only when asked
    partitions: int | None = None  # default: from the input's size and the budget
    block_size: int | None = None  # bytes of text per block; default: from the budget
    slice_rows: int | None = None  # customers per slice written from disk; default: from the budget

    def __post_init__(self) -> None:
        if self.kind not in ENGINES:
            raise ConfigError(
                Message(
                    "--engine is one of {engines}, not {kind!r}",
                    engines=", ".join(ENGINES),
                    kind=self.kind,
                )
            )

    @property
    def budget(self) -> int:
        """Bytes the engine may still take: the limit less what the process holds now."""
        limit = self.memory_limit or int(machine_memory() * DEFAULT_SHARE)
        return max(MIN_BUDGET, limit - process_memory())

    def streams(self, in_memory: int | None) -> bool:
        """Whether to use the streaming engine for inputs that take this much in memory."""
        if self.kind != "auto":
            return self.kind in ("stream", "dask")
        if in_memory is None:  # stdin: size unknown, read in memory
            return False
        return in_memory > self.budget


class Progress(Protocol):
    """Where the engine reports how far it has come (a progress bar on a terminal)."""

    def reading(self, bytes_done: int, total: int | None, rows: int) -> None: ...

    def reducing(self, done: int, total: int) -> None: ...


class NoProgress:
    def reading(self, bytes_done: int, total: int | None, rows: int) -> None:
        pass

    def reducing(self, done: int, total: int) -> None:
        pass


def parse_size(text: str) -> int:
    """``1GB``, ``512M``, ``2.5g``, ``1073741824`` (binary units: 1 GB = 1024³ bytes)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", text.lower())
    if not match:
        raise ConfigError(
            Message("--memory-limit: expected a size like 1GB or 512MB, not {text!r}", text=text)
        )
    size = int(float(match.group(1)) * _UNITS[match.group(2)])
    if size < 64 << 20:
        raise ConfigError(Message("--memory-limit: at least 64MB, not {text!r}", text=text))

    return size


def machine_memory() -> int:
    """Physical memory, or the container's limit when lower (cgroup v2 / v1)."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                value = f.read().strip()
        except OSError:
            continue
        if value.isdigit():
            total = min(total, int(value))
    return total


def process_memory() -> int:
    """The process's resident memory now (Linux), else its peak so far."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # Windows: nothing to subtract
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def partitions_for(in_memory: int | None, budget: int) -> int:
    """Enough partitions that one partition's rows, normalised in memory, take a sixth of the
    budget: two partitions are in memory at once (one reduced, the next read meanwhile), and
    the rest is for the customers collected so far and the reader's blocks."""
    if not in_memory:
        return 16
    return max(2, math.ceil(in_memory / (budget / 6)))


def block_size_for(budget: int) -> int:
    """Bytes of text per block: 32 MB, less under a small budget. pyarrow's streaming reader
    holds parsed blocks ahead of the one being read, about 35 times a block's size in all
    (measured on a 12-column export), and the rows of a block take about ten times its size
    once normalised: a block of 1/100 of the budget keeps the reading to about half of it
    (512 KB at least: smaller blocks cost more in per-block work than they save)."""
    return int(min(32 << 20, max(512 << 10, budget // 100)))


def slice_rows_for(budget: int) -> int:
    """Customers per slice of a table written a slice at a time: a slice is held about four
    times over (read from its pieces, built, converted to Arrow, being written), about 1 KB a
    customer each time."""
    return int(min(250_000, max(4096, budget // 4096)))
