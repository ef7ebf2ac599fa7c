"""The customer table kept on disk is read back a slice at a time, each record batch once (the
slices' content is checked against the in-memory table in test_partitioned)."""

from __future__ import annotations

import pyarrow as pa
from helpers.paths import SAMPLE

from ltvcli.analysis import analyse, stream_customers
from ltvcli.engine import customer_files
from ltvcli.engine.options import Engine
from ltvcli.load import load_orders
from ltvcli.options import LoadOptions


def test_slices_read_every_batch_once(monkeypatch):
    reads: list[tuple[str, int]] = []
    opened = customer_files._Piece.__init__

    class Counting:
        def __init__(self, reader, path):
            self.reader, self.path = reader, path

        def get_batch(self, number):
            reads.append((self.path, number))
            return self.reader.get_batch(number)

    def counting(self, path):
        opened(self, path)
        self._reader = Counting(self._reader, path)

    monkeypatch.setattr(customer_files._Piece, "__init__", counting)
    monkeypatch.setattr(customer_files, "_BATCH_ROWS", 64)
    path = str(SAMPLE / "orders.csv")
    engine = Engine("stream", partitions=5, slice_rows=300)
    with stream_customers([path], LoadOptions(), engine=engine) as stream:
        slices = list(stream.tables())
        batches = sum(pa.ipc.open_file(p).num_record_batches for p in {p for p, _ in reads})
    assert len({p for p, _ in reads}) == 5
    assert len(reads) == len(set(reads)) == batches  # every batch read, and once
    assert [len(s) for s in slices[:-1]] == [300] * (len(slices) - 1)
    assert sum(len(s) for s in slices) == len(analyse(load_orders(path)).customers)


def test_pieces_joined_from_two_halves_read_back_whole(monkeypatch):
    """A partition's reduce cut in two (as above a million rows) leaves columns in two chunks:
    the kept batches are still of one size, and every customer reads back as in memory."""
    from ltvcli.engine import reduce

    monkeypatch.setattr(reduce, "_PARALLEL_REDUCE", 2)
    monkeypatch.setattr(customer_files, "_BATCH_ROWS", 64)
    path = str(SAMPLE / "orders.csv")
    engine = Engine("stream", partitions=3, slice_rows=500)
    with stream_customers([path], LoadOptions(), engine=engine) as stream:
        streamed = pa.concat_tables(pa.Table.from_pandas(s) for s in stream.tables())
    memory = analyse(load_orders(path)).customers
    assert streamed.column("customer").to_pylist() == memory["customer"].tolist()
    assert streamed.column("net_revenue").to_pylist() == memory["net_revenue"].tolist()
