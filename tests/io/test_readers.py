"""Every input shape reads to the same orders: compression, Parquet, Excel, stdin, no header."""

from __future__ import annotations

import bz2
import gzip
import lzma

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers.loads import totals
from helpers.paths import DATA

from ltvcli.errors import InputError
from ltvcli.load import load_orders
from ltvcli.options import LoadOptions

ORDERS = (
    "customer_id,order_date,amount\nc1,2024-01-05,10.50\nc2,2024-01-06,20.00\nc1,2024-02-01,5.25\n"
)
EXPECTED = (2, 3, 3575)


def _zstd(data: bytes) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.output_stream(sink, compression="zstd") as out:
        out.write(data)
    return sink.getvalue().to_pybytes()


@pytest.mark.parametrize(
    ("suffix", "pack"),
    [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress), (".zst", _zstd)],
)
def test_compressed_csv(write, suffix, pack):
    assert totals(load_orders(str(write("o.csv" + suffix, pack(ORDERS.encode()))))) == EXPECTED


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_any_delimiter_is_sniffed(write, delimiter):
    path = write("o.txt", ORDERS.replace(",", delimiter))
    assert totals(load_orders(str(path))) == EXPECTED


def test_utf8_bom_and_utf16(write):
    assert totals(load_orders(str(write("bom.csv", "\ufeff" + ORDERS)))) == EXPECTED
    utf16 = ("\ufeff" + ORDERS.replace(",", "\t")).encode("utf-16-le")
    assert totals(load_orders(str(write("excel_unicode.txt", utf16)))) == EXPECTED


def _table() -> pa.Table:
    return pa.table(
        {
            "customer_id": ["c1", "c2", "c1"],
            "order_date": pa.array([19727, 19728, 19754], pa.date32()),
            "amount": [10.5, 20.0, 5.25],
        }
    )


def test_parquet_file_directory_glob_and_hive_partitions(tmp_path):
    table = _table()
    pq.write_table(table, tmp_path / "one.parquet")
    assert totals(load_orders(str(tmp_path / "one.parquet"))) == EXPECTED
    parts = tmp_path / "parts"
    parts.mkdir()
    pq.write_table(table.slice(0, 2), parts / "a.parquet")
    pq.write_table(table.slice(2), parts / "b.parquet")
    assert totals(load_orders(str(parts))) == EXPECTED
    assert totals(load_orders(str(parts / "*.parquet"))) == EXPECTED
    hive = tmp_path / "hive"
    for month, piece in (("01", table.slice(0, 2)), ("02", table.slice(2))):
        (hive / f"month={month}").mkdir(parents=True)
        pq.write_table(piece, hive / f"month={month}" / "part.parquet")
    loaded = load_orders(str(hive))
    assert totals(loaded) == EXPECTED
    assert "month" in loaded.orders.columns


def test_parquet_on_stdin(tmp_path, monkeypatch):
    import io
    import sys

    sink = io.BytesIO()
    pq.write_table(_table(), sink)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(sink.getvalue())))
    assert totals(load_orders("-")) == EXPECTED


def test_excel_first_sheet_and_named_sheet_with_title_rows(tmp_path):
    import datetime as dt

    import xlsxwriter

    path = tmp_path / "orders.xlsx"
    book = xlsxwriter.Workbook(str(path))
    notes = book.add_worksheet("Notes")
    notes.write(0, 0, "nothing here")
    sheet = book.add_worksheet("Заказы")
    date_format = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write(0, 0, "Отчёт по заказам")
    for col, name in enumerate(["Клиент", "Дата заказа", "Сумма"]):
        sheet.write(2, col, name)
    rows = [
        ("c1", dt.date(2024, 1, 5), 10.5),
        ("c2", dt.date(2024, 1, 6), 20),
        ("c1", dt.date(2024, 2, 1), 5.25),
    ]
    for r, (c, d, a) in enumerate(rows, start=3):
        sheet.write(r, 0, c)
        sheet.write_datetime(r, 1, dt.datetime.combine(d, dt.time()), date_format)
        sheet.write_number(r, 2, a)
    book.close()
    assert totals(load_orders(str(path), LoadOptions(sheet="Заказы"))) == EXPECTED
    assert totals(load_orders(str(path), LoadOptions(sheet="2"))) == EXPECTED
    with pytest.raises(InputError, match="no sheet"):
        load_orders(str(path), LoadOptions(sheet="Missing"))


def test_cdnow_whitespace_aligned_without_header():
    path = DATA / "cdnow_sample.txt"
    options = LoadOptions(no_header=True, names=("master", "customer", "date", "cds", "amount"))
    loaded = load_orders(str(path), options)
    customers, orders, net = totals(loaded)
    assert (customers, orders, net) == (2357, 6919, 24409194)
    assert loaded.report.sources[0].detected["layout"] == "whitespace"
    with pytest.raises(InputError, match="several columns could be ids"):
        load_orders(str(path), LoadOptions(no_header=True))
    mapped = load_orders(str(path), LoadOptions(no_header=True, columns={"customer": "column2"}))
    assert totals(mapped) == (2357, 6919, 24409194)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("header_only.csv", b"customer,date,amount\n", "no data rows"),
        ("binary.csv", bytes(range(256)) * 4, "not a text file"),
        ("renamed.csv", b"PK\x03\x04" + b"\x00" * 100, "Excel workbook"),
        ("page.xls", b"<html><table><tr><td>1</td></tr></table></html>", "HTML"),
        ("no_date.csv", b"customer,amount\na,1.00\nb,2.00\n", "no date column"),
        (
            "wildberries.csv",
            "Предмет;Баркод;Дата продажи;Цена розничная;Обоснование для оплаты\n"
            "Кофе;2000000000001;15.03.2024;1234,5;Продажа\n".encode(),
            "no customer column",
        ),
    ],
)
def test_unusable_files_get_one_clear_error(write, name, content, message):
    with pytest.raises(InputError, match=message):
        load_orders(str(write(name, content)))


def test_missing_file():
    with pytest.raises(InputError, match="no such file"):
        load_orders("does/not/exist.csv")


@pytest.mark.parametrize("engine", ["memory", "stream"])
def test_a_file_without_a_header_row_keeps_its_first_order(run_cli, write, engine):
    # the first row holds an e-mail, a date and an amount: an order, not a header
    text = "ann@x.example,+7 916 555 12 34,2024-01-01,10\nbob@x.example,+7 916 555 00 00,2024-01-02,20\n"
    result = run_cli("compute", write("plain.csv", text), "--engine", engine, "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    assert (result.json["customers"], result.json["net_revenue"]) == (2, 30.0)


@pytest.mark.parametrize("kind", ["gzip", "bz2", "xz"])
@pytest.mark.parametrize("engine", ["memory", "stream"])
def test_a_damaged_compressed_file_is_named_damaged_by_both_readers(write, kind, engine):
    from ltvcli.analysis import analyse_files
    from ltvcli.engine.options import Engine

    compress = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[kind]
    text = "customer,date,amount\n" + "".join(f"c{i},2024-01-02,{i}.50\n" for i in range(2000))
    packed = compress(text.encode())
    path = str(write(f"o.csv.{kind}", packed[: len(packed) // 2]))
    with pytest.raises(InputError, match=f"damaged {kind} file"):
        if engine == "memory":
            load_orders(path)
        else:
            analyse_files([path], LoadOptions(), engine=Engine("stream", partitions=2))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_a_mapped_file_reads_as_its_bytes_on_stdin(tmp_path, monkeypatch, encoding):
    """A local file is mapped and parsed by Arrow from the file; stdin is read into memory:
    the same rows either way (a title line, a quoted newline, Cyrillic)."""
    import io
    import sys

    from ltvcli.io.raw import ReadOptions
    from ltvcli.io.readers import read_inputs
    from ltvcli.io.sources import read_source

    text = 'Выгрузка заказов\norder_id,email,date,amount,note\n1,a@x.ru,2024-01-05,"1,50","две\nстроки"\n2,b@x.ru,2024-02-05,3.00,Москва\n'
    path = tmp_path / "orders.csv"
    path.write_bytes(text.encode(encoding))
    assert read_source(str(path)).path == str(path)  # mapped, not read
    mapped = read_inputs([str(path)], ReadOptions())[0].table
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode(encoding))))
    piped = read_inputs(["-"], ReadOptions())[0].table
    assert mapped.equals(piped) and mapped.num_rows == 2
    assert mapped.column("note").to_pylist() == ["две\nстроки", "Москва"]


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes")
def test_a_named_pipe_whose_writer_has_finished_is_read(tmp_path):
    """A named pipe is read, not mapped: opening it a second time would wait forever for a
    writer that has already written everything and gone."""
    import os
    import subprocess
    import sys

    fifo = tmp_path / "orders.csv"
    os.mkfifo(fifo)
    text = "order_id,email,date,amount\n1,a@x.ru,2024-01-05,10.00\n2,b@x.ru,2024-02-05,3.00\n"
    script = (
        "import sys\n"
        "from ltvcli.io.raw import ReadOptions\n"
        "from ltvcli.io.readers import read_inputs\n"
        "print(read_inputs([sys.argv[1]], ReadOptions())[0].table.num_rows)"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", script, str(fifo)], stdout=subprocess.PIPE, text=True
    )
    try:
        with open(fifo, "w") as writer:  # opens once the reader has; closed before it reads on
            writer.write(text)
        out, _ = reader.communicate(timeout=60)
    finally:
        reader.kill()
    assert out.strip() == "2"
