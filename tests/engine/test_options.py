"""The engine's budget: what --memory-limit leaves once the process itself is counted, and the
block, partition and slice sizes taken from it."""

from __future__ import annotations

import pytest

from ltvcli.engine import options
from ltvcli.engine.options import Engine, block_size_for, partitions_for, slice_rows_for


def test_the_limit_bounds_the_whole_process(monkeypatch):
    monkeypatch.setattr(options, "process_memory", lambda: 130 << 20)
    assert Engine(memory_limit=400 << 20).budget == 270 << 20
    assert Engine(memory_limit=140 << 20).budget == options.MIN_BUDGET  # the least it works in
    monkeypatch.setattr(options, "machine_memory", lambda: 8 << 30)
    assert Engine().budget == (4 << 30) - (130 << 20)  # half of the machine, less the process


def test_process_memory_is_this_process_resident_size():
    import mmap

    before = options.process_memory()
    # fresh pages of its own, touched: resident (malloc might hand back memory already resident)
    block = mmap.mmap(-1, 64 << 20)
    block[::4096] = b"x" * len(block[::4096])
    assert options.process_memory() - before >= 60 << 20
    block.close()


@pytest.mark.parametrize("budget", [32 << 20, 270 << 20, 1 << 30, 12 << 30])
def test_sizes_follow_the_budget(budget):
    block = block_size_for(budget)
    assert 256 << 10 <= block <= 32 << 20
    assert block * 35 <= max(budget / 2, 35 * (512 << 10))  # the reader's read-ahead
    in_memory = 10 << 30
    assert in_memory / partitions_for(in_memory, budget) <= budget / 6
    rows = slice_rows_for(budget)
    assert 4096 <= rows <= 250_000 and (rows == 4096 or rows * 4096 <= budget)
