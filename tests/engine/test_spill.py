"""Partition files: a key always lands in the same partition, and rows come back as written."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ltvcli.engine.spill import SpillFiles, partition_of

KEYS = ["12", "999999999999999999", "7", "0012", "+7", "-3", "0x5", "1000000000000000000", "a@b.c"]


def test_plain_integer_keys_go_by_their_number_in_any_block():
    plain = ["12", "999999999999999999", "7", None]
    alone = partition_of(pa.array(plain), 7)  # a block of plain keys only
    mixed = partition_of(pa.array([*plain, "a@b.c"]), 7)[:-1]  # the same keys among others
    expected = [12 % 7, 999999999999999999 % 7, 0, -1]
    assert alone.tolist() == mixed.tolist() == expected


def test_other_keys_are_hashed_the_same_way_in_any_block():
    together = partition_of(pa.array(KEYS), 5)
    for key, partition in zip(KEYS, together, strict=True):
        assert partition_of(pa.array([key]), 5).tolist() == [partition]
        assert 0 <= partition < 5


def test_rows_come_back_from_their_partition_in_the_order_written():
    keys = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3])
    with SpillFiles(3) as spill:
        for block in (keys[:6], keys[6:]):
            table = pa.table({"key": block, "row": np.arange(len(block))})
            spill.write_split(table, block % 3)
        for p in range(3):
            back = spill.read(p)
            expected = [k for k in keys if k % 3 == p]
            assert back.column("key").to_pylist() == expected


def test_blocks_with_the_same_columns_share_a_file_and_other_columns_start_one():
    import os

    text = pa.dictionary(pa.int32(), pa.string())
    with SpillFiles(2) as spill:
        for block in (["a", "b"], ["c", "a"], ["d"]):  # each block has its own dictionary
            column = pa.array(block).dictionary_encode().cast(text)
            spill.write_split(pa.table({"city": column}), np.zeros(len(block), dtype=np.int64))
        other = pa.table({"city": pa.array(["e"]).dictionary_encode().cast(text), "n": [1]})
        spill.write_split(other, np.zeros(1, np.int64))
        spill.write_split(pa.table({"city": pa.array(["f"])}), np.ones(1, np.int64))
        assert spill.read(1, keep=True).column("city").to_pylist() == ["f"]
        assert len(os.listdir(spill.path)) == 3  # partition 0: two schemas; partition 1: one
        back = spill.read(0)
        assert back.column("city").cast(pa.string()).to_pylist() == ["a", "b", "c", "a", "d", "e"]
        assert back.column("n").to_pylist() == [None] * 5 + [1]
        spill.write_split(pa.table({"city": pa.array(["g"])}), np.zeros(1, np.int64))
        assert spill.read(0).column("city").to_pylist() == ["g"]  # written after the read
        assert spill.read(1).column("city").to_pylist() == ["f"]


def test_no_more_files_open_than_the_bound(monkeypatch):
    from ltvcli.engine import spill as module

    monkeypatch.setattr(module, "MAX_OPEN", 3)
    keys = np.arange(40) % 10  # ten partitions written in turn, four times each
    with SpillFiles(10) as spill:
        for block in np.split(keys, 4):
            spill.write_split(pa.table({"key": block}), block)
            spill._wait()
            assert len(spill._open) <= 3
        for p in range(10):
            assert spill.read(p).column("key").to_pylist() == [p] * 4
