"""The streaming engine gives the in-memory engine's answers: the same customer table, the same
account of skipped rows, on every real-looking export, cut into many blocks and partitions."""

from __future__ import annotations

import os
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers.exports import CASES, YOOKASSA_PAYMENTS, YOOKASSA_REFUNDS
from helpers.paths import SAMPLE
from pandas.testing import assert_frame_equal

from ltvcli.analysis import analyse, analyse_files
from ltvcli.engine.options import Engine
from ltvcli.errors import InputError
from ltvcli.load import load_orders
from ltvcli.options import LoadOptions
from ltvcli.settings import Settings


def both(paths, options=None, settings=None, engine=None):
    """(in-memory analysis and report, streamed analysis and report) of the same files."""
    options = options or LoadOptions()
    settings = settings or Settings()
    engine = engine or Engine("stream", partitions=5, block_size=1 << 10, keep_ledger=True)
    try:
        loaded = load_orders(paths, options)
        memory = (analyse(loaded, settings), loaded.report)
    except InputError as exc:
        with pytest.raises(InputError) as streamed:
            analyse_files(paths, options, settings, engine=engine)
        assert str(streamed.value) == str(exc)
        return None, None
    return memory, analyse_files(paths, options, settings, engine=engine)


def assert_same(memory, streamed):
    (a, report_a), (b, report_b) = memory, streamed
    assert_frame_equal(_plain(a.customers), _plain(b.customers))
    assert a.as_of == b.as_of and a.notes == b.notes and a.margin_source == b.margin_source
    assert (a.reduced.gaps == b.reduced.gaps).all()
    assert (a.reduced.gap_owner == b.reduced.gap_owner).all()
    assert dict(report_a.skipped) == dict(report_b.skipped)
    assert report_a.rows_read == report_b.rows_read
    assert sorted(report_a.notes) == sorted(report_b.notes)
    ledger_a, ledger_b = a.reduced.ledger, b.reduced.ledger
    for name in ("owner", "day", "net_cents", "cost_cents", "is_order"):
        assert (getattr(ledger_a, name) == getattr(ledger_b, name)).all(), name


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as their values: the category lists may be ordered differently, and text
    from several files may come as categories, pandas strings or objects (the same cells)."""
    text = (pd.CategoricalDtype, pd.StringDtype)
    return frame.apply(lambda c: c.astype(object) if isinstance(c.dtype, text) else c)


@pytest.mark.parametrize("name", CASES)
def test_every_export_streams_to_the_same_answers(write, name):
    text, encoding, _ = CASES[name]
    memory, streamed = both([str(write(name, text, encoding))])
    if memory is not None:
        assert_same(memory, streamed)


@pytest.mark.parametrize(
    "settings",
    [
        Settings(),
        Settings(as_of=pd.Timestamp("2024-06-30").date(), since=pd.Timestamp("2023-03-01").date()),
    ],
)
def test_sample_in_many_blocks_and_partitions(settings):
    paths = [str(SAMPLE / "orders.csv")]
    engine = Engine("stream", partitions=7, block_size=64 << 10, keep_ledger=True)
    assert_same(*both(paths, settings=settings, engine=engine))


def test_russian_cp1251_export_streams_like_memory(tmp_path):
    text = (SAMPLE / "orders_ru.csv").read_bytes().decode("utf-8-sig")
    path = tmp_path / "ru.csv"
    path.write_bytes(text.encode("cp1251"))
    engine = Engine("stream", partitions=3, block_size=32 << 10, keep_ledger=True)
    memory, streamed = both([str(path)], engine=engine)
    assert_same(memory, streamed)
    assert streamed[1].sources[0].detected["encoding"] == "cp1251"
    assert streamed[1].sources[0].rows == memory[1].sources[0].rows


def test_refunds_registry_in_another_file_finds_its_orders(write):
    paths = [
        str(write("payments.csv", YOOKASSA_PAYMENTS)),
        str(write("refunds.csv", YOOKASSA_REFUNDS)),
    ]
    assert_same(*both(paths))


def test_two_shops_order_numbers_are_different_orders(write):
    """Both shops number their orders 1, 2, ...: an id of several customers is one order per
    customer (lines of one order, a refund row naming it). Streamed alike without the refund
    rows: the streaming engine still gives a refund row every partition holding its order id."""
    shop = (
        "order,email,date,amount,status,refunded\n"
        "1,{a},2024-01-01,100.00,paid,\n1,{a},2024-01-01,100.00,paid,\n"
        "2,{b},2024-01-05,40.00,paid,\n3,{b},2024-02-01,-15.00,refund,\n"
        "3,{b},2024-01-20,60.00,paid,\n"
    )
    paths = [
        str(write("a.csv", shop.format(a="ann@a.example", b="bob@a.example"))),
        str(
            write(
                "b.csv", shop.replace("100.00", "70.00").format(a="cy@b.example", b="di@b.example")
            )
        ),
    ]
    memory, _ = both(paths)
    customers = memory[0].customers.set_index("customer")
    assert customers["orders"].to_dict() == {
        "ann@a.example": 1, "bob@a.example": 2, "cy@b.example": 1, "di@b.example": 2,
    }  # fmt: skip
    assert customers["net_revenue"].to_dict() == {
        "ann@a.example": 10000, "bob@a.example": 8500, "cy@b.example": 7000, "di@b.example": 8500,
    }  # fmt: skip
    for path in paths:
        kept = [line for line in open(path).read().splitlines() if ",-15.00," not in line]
        write(path, "\n".join(kept) + "\n")
    assert_same(*both(paths))


def test_overlapping_exports_count_a_line_once(write):
    lines = ["order,customer,date,amount"] + [
        f"{i},c{i % 7},2024-01-{1 + i % 28:02d},{10 + i}.50" for i in range(60)
    ]
    first = write("jan-a.csv", "\n".join(lines[:41]) + "\n")
    second = write("jan-b.csv", "\n".join([lines[0], *lines[30:]]) + "\n")
    memory, streamed = both([str(first), str(second)])
    assert memory[1].skipped["duplicate row (the same line twice)"] == 11
    assert_same(memory, streamed)


def test_order_lines_without_the_customer_join_their_order(write):
    text = "Order,Email,Date,Total,Item\n1,a@x.io,2024-01-02,30.00,shirt\n1,,,,socks\n2,b@x.io,2024-01-03,5.00,cap\n3,,2024-01-04,9.00,lost\n"
    memory, streamed = both([str(write("lines.csv", text))])
    assert len(memory[0].customers) == 2
    assert_same(memory, streamed)


class Steps:
    """Progress that remembers the reduce's steps: one per partition when each partition is
    reduced as soon as it has its orders, two when the orders had to wait for the as-of day."""

    def reading(self, bytes_done, total, rows):
        pass

    def reducing(self, done, total):
        self.total = total


def _steps(paths, engine, settings=None) -> int:
    steps = Steps()
    analyse_files(paths, LoadOptions(), settings or Settings(), engine=engine, progress=steps)
    return steps.total


@pytest.mark.parametrize(
    ("last_line", "steps"),
    [
        ("9,c3,2024-03-09,15.00,paid", 1),  # the last row is an order: the guess holds
        ("9,c3,2024-03-09,15.00,cancelled", 2),  # the last day's only order drops out
        ("10,c4,2024-03-08,-7.00,refund", 2),  # a refund of an order not in the file
    ],
)
def test_at_once_or_in_two_steps_the_answers_are_the_same(write, last_line, steps):
    lines = ["order,customer,date,amount,status"] + [
        f"{i},c{i % 5},2024-0{1 + i % 2}-{1 + i:02d},{10 + i}.50,paid" for i in range(9)
    ]
    path = str(write("orders.csv", "\n".join([*lines, last_line]) + "\n"))
    engine = Engine("stream", partitions=3, block_size=1 << 10, keep_ledger=True)
    assert_same(*both([path], engine=engine))
    assert _steps([path], engine) == steps * 3


# Order 100 is two customers' (two shops' numbering): the rows that name it go with one of
# them or none, never with both, whichever partitions the two land in.
SHARED_ID = """order,customer,date,amount,status,related transaction id
100,alice,2024-01-05,1000.00,paid,
100,bob,2024-02-05,2000.00,paid,
101,carol,2024-03-05,500.00,paid,
102,dave,2024-03-06,700.00,paid,
103,erin,2024-03-07,900.00,paid,
104,frank,2024-03-08,300.00,paid,
100,,2024-04-01,-300.00,refund,
100,alice,2024-04-02,-100.00,refund,
R1,carol,2024-04-03,-50.00,refund,100
100,,2024-04-04,250.00,paid,
103,,2024-04-05,-90.00,refund,
"""


@pytest.mark.parametrize("partitions", [2, 3, 4, 5, 6])
def test_an_order_id_of_customers_in_several_partitions_is_not_joined_twice(write, partitions):
    path = str(write("shared.csv", SHARED_ID))
    engine = Engine("stream", partitions=partitions, block_size=1 << 10, keep_ledger=True)
    memory, streamed = both([path], engine=engine)
    assert_same(memory, streamed)
    refunds = streamed[0].customers.set_index("customer")["refunds"]
    # alice's own refund of her order 100, carol's refund naming 100 (not hers: her own),
    # erin's order 103's
    assert refunds.to_dict() == {
        "alice": 10000, "bob": 0, "carol": 5000, "dave": 0, "erin": 9000, "frank": 0
    }  # fmt: skip


# Who carries an order id is read off the sales (statuses aside), and a line without a customer
# belongs to its own order id, not to the one it refers to: the same in both engines.
SHARED_CASES = {
    "one holder cancelled": "100,bob,2024-02-05,2000.00,cancelled,\nR1,dave,2024-04-03,-50.00,refund,100",
    "one holder not a sale": "100,bob,2024-02-05,2000.00,fee,\nR1,dave,2024-04-03,-50.00,refund,100",
    "no customer, one holder open": "100,bob,2024-02-05,2000.00,pending,\nR1,,2024-04-03,-50.00,refund,100",
    "refunded status": "100,bob,2024-02-05,2000.00,paid,\nR1,dave,2024-04-03,-50.00,refund,100",
    "a line naming another order": "100,,2024-01-05,3.00,paid,101",
}  # fmt: skip


@pytest.mark.parametrize("case", SHARED_CASES)
@pytest.mark.parametrize("partitions", [2, 4])
def test_shared_order_ids_as_in_memory(write, case, partitions):
    status = "refunded" if case == "refunded status" else "paid"
    text = (
        "order,customer,date,amount,status,related transaction id\n"
        f"100,alice,2024-01-05,1000.00,{status},\n101,dave,2024-03-05,500.00,paid,\n"
        f"{SHARED_CASES[case]}\n"
    )
    path = str(write("shared.csv", text))
    engine = Engine("stream", partitions=partitions, block_size=1 << 10, keep_ledger=True)
    assert_same(*both([path], engine=engine))


def test_no_orders_left_is_the_same_error(write):
    text = "order,customer,date,amount,status\n1,a,2024-01-02,5.00,cancelled\n2,b,not a day,3.00,paid\n"
    path = str(write("none.csv", text))
    memory, _ = both([path])
    assert memory is None  # both raised, with the same message
    with pytest.raises(InputError, match="unparseable date: 1, cancelled, failed or lost order"):
        analyse_files([path], LoadOptions(), engine=Engine("stream", partitions=2))


def test_parquet_file_and_hive_dataset(tmp_path):
    orders = pd.read_csv(SAMPLE / "orders.csv", dtype=str)
    file = tmp_path / "orders.parquet"
    orders.to_parquet(file, row_group_size=5000)
    dataset = tmp_path / "dataset"
    table = pa.Table.from_pandas(orders.assign(year=orders.iloc[:, 2].str[:4]))
    pq.write_to_dataset(table, dataset, partition_cols=["year"])
    engine = Engine("stream", partitions=4, block_size=128 << 10, keep_ledger=True)
    for path in (file, dataset):
        assert_same(*both([str(path)], engine=engine))


def test_spill_files_are_removed_also_after_an_error(tmp_path, write):
    spill = tmp_path / "spill"
    spill.mkdir()
    engine = Engine("stream", partitions=3, spill_dir=str(spill))
    analyse_files([str(SAMPLE / "orders.csv")], LoadOptions(), engine=engine)
    bad = write("bad.csv", "customer,date,amount\nc1,2024-01-01,oops\n")
    with pytest.raises(InputError):
        analyse_files([str(bad)], LoadOptions(strict=True), engine=engine)
    assert os.listdir(spill) == []


def test_cli_stream_engine_prints_what_memory_prints(run_cli, tmp_path):
    path = str(SAMPLE / "orders.csv")
    for command in (
        ["customers", "-f", "csv"],
        ["segments", "--by", "city", "-f", "csv"],
        ["intervals", "-f", "json"],
        ["cohorts", "--long", "-f", "csv"],
        ["compute", "-f", "json", "--spend", str(SAMPLE / "spend.csv")],
        ["compute", "-f", "json", "--since", "2024-01-01", "--until", "2025-03-31"],
    ):
        memory = run_cli(command[0], path, *command[1:], "-q", "--engine", "memory")
        streamed = run_cli(
            command[0], path, *command[1:], "-q", "--memory-limit", "64MB", "--engine", "stream"
        )
        assert streamed.exit_code == 0, streamed.stderr
        assert streamed.stdout == memory.stdout, command


def test_auto_streams_an_input_larger_than_the_limit():
    from ltvcli.io.stream import in_memory_bytes

    engine = Engine(memory_limit=64 << 20)
    sample = str(SAMPLE / "orders.csv")  # 2.4 MB: about 12 MB in memory
    assert in_memory_bytes([sample]) == 5 * os.path.getsize(sample)
    assert not engine.streams(in_memory_bytes([sample]))
    assert engine.streams(in_memory_bytes([sample] * 6))
    assert not engine.streams(None)  # stdin
    assert not Engine("memory", memory_limit=64 << 20).streams(1 << 40)
    assert Engine("stream").streams(0)


def test_cli_auto_streams_what_does_not_fit_the_memory_limit(run_cli, monkeypatch):
    import ltvcli.analysis

    path = str(SAMPLE / "orders.csv")
    memory = run_cli("segments", *[path] * 6, "-q", "-f", "csv", "--engine", "memory")

    def in_memory(*args, **kwargs):
        raise AssertionError("read in memory")

    monkeypatch.setattr(ltvcli.analysis, "analyse", in_memory)
    streamed = run_cli("segments", *[path] * 6, "-q", "-f", "csv", "--memory-limit", "64MB")
    assert streamed.exit_code == 0, streamed.stderr
    assert streamed.stdout == memory.stdout
    fits = run_cli("segments", path, "-q", "-f", "csv", "--memory-limit", "64MB")
    assert fits.exit_code == 1 and "internal error" in fits.stderr  # auto read it in memory


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--memory-limit", "lots"], "--memory-limit: expected a size like 1GB"),
        (["--memory-limit", "1MB"], "--memory-limit: at least 64MB"),
        (["--engine", "spark"], "--engine is one of auto, memory, stream, dask"),
    ],
)
def test_bad_engine_flags_are_usage_errors(run_cli, args, message):
    result = run_cli("compute", SAMPLE / "orders.csv", *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_predict_says_it_reads_in_memory(run_cli):
    result = run_cli("predict", SAMPLE / "orders.csv", "--engine", "stream")
    assert result.exit_code == 2
    assert "reads the orders in memory" in result.stderr


def test_progress_shows_on_a_terminal_only(monkeypatch, capsys):
    from ltvcli.cli.progress import progress_bar
    from ltvcli.engine.options import NoProgress

    with progress_bar(quiet=False) as progress:  # pytest's stderr is not a terminal
        assert isinstance(progress, NoProgress)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with progress_bar(quiet=True) as progress:
        assert isinstance(progress, NoProgress)
    engine = Engine("stream", partitions=2, block_size=64 << 10)
    with progress_bar(quiet=False) as progress:
        assert not isinstance(progress, NoProgress)
        analyse_files([str(SAMPLE / "orders.csv")], LoadOptions(), engine=engine, progress=progress)
        bars = {t.description: t for t in progress._bars.tasks}
    assert bars["reading"].completed == (SAMPLE / "orders.csv").stat().st_size
    assert bars["reducing"].completed == bars["reducing"].total == 2  # a step per partition


def test_customer_table_from_disk_in_slices_is_the_in_memory_table(write):
    from ltvcli.analysis import stream_customers

    lines = ["customer,date,amount,currency,city"]
    for i in range(900):  # numeric and text keys, no currency and two currencies
        key = f"{i * 7919 % 1000}" if i % 3 else f"c{i % 211}@x.io"
        currency = ("", "RUB", "USD")[i % 3 if i % 5 else 0]
        lines.append(
            f"{key},2024-{1 + i % 12:02d}-{1 + i % 28:02d},{100 + i}.25,{currency},city{i % 9}"
        )
    path = str(write("mixed.csv", "\n".join(lines) + "\n"))
    memory = analyse(load_orders(path))
    engine = Engine("stream", partitions=4, block_size=4 << 10, slice_rows=97)
    with stream_customers([path], LoadOptions(), engine=engine) as stream:
        slices = list(stream.tables())
        assert stream.count == len(memory.customers) and stream.margin_known is False
        assert stream.files.has_currency
    assert len(slices) == -(-len(memory.customers) // 97)
    assert_frame_equal(_plain(pd.concat(slices, ignore_index=True)), _plain(memory.customers))


def test_cli_customers_streamed_in_every_sliced_format(run_cli, tmp_path):
    path = str(SAMPLE / "orders.csv")
    for fmt in ("csv", "tsv", "parquet"):
        outputs = []
        for engine in ("memory", "stream"):
            target = tmp_path / f"{engine}.{fmt}"
            result = run_cli("customers", path, "-q", "--engine", engine, "-o", target)
            assert result.exit_code == 0, result.stderr
            outputs.append(target.read_bytes())
        if fmt == "parquet":
            outputs = [pq.read_table(pa.BufferReader(o)) for o in outputs]
            assert outputs[0].equals(outputs[1])
        else:
            assert outputs[0] == outputs[1]


def test_many_slices_through_the_writers(run_cli, write, tmp_path, monkeypatch):
    from ltvcli.render import emit

    lines = ["customer,date,amount,currency"]
    lines += [
        f"{i},2024-01-{1 + i % 28:02d},{i}.50,{'' if i < 300 else 'RUB'}" for i in range(1, 700)
    ]
    path = write("currencies.csv", "\n".join(lines) + "\n")
    expected = {}
    for fmt in ("parquet", "csv"):
        target = tmp_path / f"memory.{fmt}"
        run_cli("customers", path, "-q", "--engine", "memory", "-o", target)
        expected[fmt] = target.read_bytes()
    monkeypatch.setattr(emit, "SLICE_ROWS", 64)  # the first slices have no currency
    for fmt in ("parquet", "csv"):
        target = tmp_path / f"stream.{fmt}"
        result = run_cli("customers", path, "-q", "--engine", "stream", "-o", target)
        assert result.exit_code == 0, result.stderr
        if fmt == "csv":
            assert target.read_bytes() == expected[fmt]
        else:
            table = pq.read_table(target)
            assert table.equals(pq.read_table(pa.BufferReader(expected[fmt])))
            assert pq.ParquetFile(target).metadata.num_row_groups > 5


def test_bad_bytes_past_the_head_are_the_same_one_line_error(write):
    lines = ["customer,date,amount,city"] + [f"{i},2024-01-02,10.00,Omsk" for i in range(60_000)]
    data = ("\n".join(lines) + "\n").encode() + "7,2024-01-03,5.00,Тверь\n".encode("cp1251")
    path = str(write("late.csv", data))
    assert both([path], engine=Engine("stream", partitions=2, block_size=256 << 10)) == (None, None)


def test_line_amounts_are_summed_in_every_partition_when_any_order_shows_them(write):
    # order 1's lines happen to be equal, order 2's differ: these are line amounts, so order 1
    # is 10.00 — in memory, streamed, and with the two orders in separate files
    one = "order,customer,date,amount,item\n1,a,2024-01-01,5.00,Tea\n1,a,2024-01-01,5.00,Cup\n"
    two = "order,customer,date,amount,item\n2,b,2024-01-02,3.00,Tea\n2,b,2024-01-02,4.00,Pot\n"
    paths = [str(write("one.csv", one)), str(write("two.csv", two))]
    memory, streamed = both(paths)
    assert_same(memory, streamed)
    net = memory[0].customers.set_index("customer")["net_revenue"]
    assert net.to_dict() == {"a": 1000, "b": 700}
