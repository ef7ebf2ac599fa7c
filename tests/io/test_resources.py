"""Hostile input and resources: wide files, compression bombs, warnings under ``-q``.

No timing here: the header matcher's work is counted, and the engine is told by which code path
ran (the in-memory ``analyse`` is made to fail).
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
import subprocess
import sys
import textwrap
import warnings

import pyarrow as pa
import pytest

import ltvcli.analysis
import ltvcli.load
from ltvcli import fields
from ltvcli.io import stream
from ltvcli.io.raw import ReadOptions
from ltvcli.io.readers import read_inputs
from ltvcli.schema import detect
from ltvcli.schema.detect import detect_columns

# -- wide files: header matching does the same work for every column --------------------------


def _wide_csv(path, columns: int, rows: int = 20) -> str:
    names = ["customer id", "order date", "total"]
    names += [f"metric {i:05d} value" if i % 3 else f"col_{i:05d}" for i in range(columns - 3)]
    lines = [",".join(names)]
    for r in range(rows):
        cells = [f"c{r % 5}", f"2024-01-{r + 1:02d}", f"{r * 3 + 1}.50"]
        cells += [str((r * 7919 + i) % 1000) for i in range(columns - 3)]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n")
    return str(path)


class _CountingDict(dict):
    lookups = 0

    def get(self, key, default=None):
        _CountingDict.lookups += 1
        return super().get(key, default)


def _detection_work(path: str, monkeypatch) -> tuple[int, int]:
    """(synonym look-ups, calls of ``match``) to find the header and detect the columns."""
    fields.normalise_header.cache_clear()
    fields._partial_matches.cache_clear()
    _CountingDict.lookups = 0
    monkeypatch.setattr(fields, "_PARTIAL", _CountingDict(fields._PARTIAL))
    calls = 0
    real_match = fields.match

    def counting_match(field: str, header: str):
        nonlocal calls
        calls += 1
        return real_match(field, header)

    monkeypatch.setattr(detect, "match", counting_match)
    (raw,) = read_inputs([path], ReadOptions())
    mapping = detect_columns(raw.table, {}, path)
    assert mapping.columns["customer"] == "customer id"
    assert mapping.columns["date"] == "order date"
    assert mapping.columns["amount"] == "total"
    fields.normalise_header.cache_clear()
    fields._partial_matches.cache_clear()
    return _CountingDict.lookups, calls


def test_header_matching_work_grows_linearly_with_the_columns(tmp_path, monkeypatch):
    lookups_1k, calls_1k = _detection_work(_wide_csv(tmp_path / "w1k.csv", 1_000), monkeypatch)
    lookups_10k, calls_10k = _detection_work(_wide_csv(tmp_path / "w10k.csv", 10_000), monkeypatch)
    # a bounded number of matcher calls per column (each field, exact then partial) ...
    assert calls_10k <= (2 * len(fields.FIELDS) + 2) * 10_000
    assert calls_10k <= 10 * calls_1k * 1.05
    # ... each doing a bounded number of synonym look-ups, however many columns there are
    assert lookups_10k <= 40 * 10_000
    assert lookups_10k <= 10 * lookups_1k * 1.05


def test_header_row_scoring_stops_at_two_known_names(monkeypatch):
    from ltvcli.io import delimited

    scored = []
    real = delimited.header_score
    monkeypatch.setattr(delimited, "header_score", lambda c: scored.append(c) or real(c))
    row = ["customer id", "order date", *(f"x{i}" for i in range(10_000))]
    assert delimited.find_header([["Report"], row, ["c1", "2024-01-01", *["1"] * 10_000]]) == 1
    assert len(scored) == 2


def _reference_match(field: str, header: str):
    """``match`` as it was: a regular expression per synonym (the definition it must keep)."""
    h = fields.normalise_header(header)
    if not h:
        return None
    not_amount = {fields.normalise_header(s) for s in fields.NOT_AMOUNT}
    if field == "amount" and h in not_amount:
        return None
    synonyms = tuple(fields.normalise_header(s) for s in fields.FIELD_BY_NAME[field].synonyms)
    if h in synonyms:
        return fields.EXACT + 1000 - synonyms.index(h), f'header "{header}" is a known name for it'
    if fields.attribute_kind(header) or fields.line_kind(header) == "packed":
        return None  # a known attribute ("Product type") is no other field's partial match
    for rank, syn in enumerate(synonyms):
        if len(syn) >= 4 and re.search(rf"(?<!\w){re.escape(syn)}(?!\w)", h):
            if field == "date" and fields._is_other_timestamp(h):
                return None
            if field == "amount" and any(w in h.split() for w in not_amount):
                return None
            if field == "time" and any(w in h for w in ("date", "дата", "datum")):
                return None
            if field == "kind" and any(w in h for w in fields._PERSON_WORDS):
                return None
            return 1000 - rank, f'header "{header}" contains "{syn}"'
    return None


def test_match_agrees_with_the_regular_expression_definition():
    headers = {"", "  ", "Кол. шт", "кол.", "кол.во", "E-Mail", "e-mail адрес", "Update_Date_Time"}
    for f in fields.FIELDS:
        for s in f.synonyms:
            headers |= {s, s.upper(), f"x {s}", f"{s} y", f"pre_{s}_post", f"re{s}", f"{s}s"}
            headers |= {f"({s})", f"№ {s}", f"{s}-1", f"billing {s} date", f"customer {s}"}
    for s in fields.NOT_AMOUNT:
        headers |= {s, f"{s} total", f"total {s}"}
    for header in sorted(headers):
        for f in fields.FIELDS:
            assert fields.match(f.name, header) == _reference_match(f.name, header), (f, header)
        expected = max(
            (m[0] for f in fields.FIELDS if (m := _reference_match(f.name, header))), default=0
        )
        assert fields.header_score(header) == expected, header


# -- compressed input: the in-memory estimate is read from the data --------------------------


def _orders_text(rows: int) -> bytes:
    body = "".join(
        f"c{i % 997},2024-{1 + i % 12:02d}-{1 + i % 28:02d},{10 + i % 90}.50\n" for i in range(rows)
    )
    return ("customer,date,amount\n" + body).encode()


def test_gzip_estimate_is_the_isize_trailer(tmp_path, monkeypatch):
    data = _orders_text(60_000)
    path = tmp_path / "orders.csv.gz"
    path.write_bytes(gzip.compress(data))
    assert stream.inflated_bytes(str(path)) == len(data)  # inflated whole: small enough
    monkeypatch.setattr(stream, "_SAMPLE_OUT", 64 << 10)  # a sample of a big file: the trailer
    assert stream.inflated_bytes(str(path)) == len(data)
    assert stream.in_memory_bytes([str(path)]) == len(data) * stream.IN_MEMORY_FACTOR["text"]


def test_multi_member_gzip_is_not_taken_for_its_last_member(tmp_path, monkeypatch):
    data = _orders_text(60_000)
    path = tmp_path / "members.csv.gz"
    path.write_bytes(gzip.compress(data[: len(data) - 1000]) + gzip.compress(data[-1000:]))
    assert stream.inflated_bytes(str(path)) == len(data)
    monkeypatch.setattr(stream, "_SAMPLE_OUT", 64 << 10)
    assert stream.inflated_bytes(str(path)) == pytest.approx(len(data), rel=0.25)


@pytest.mark.parametrize(
    "compress",
    [bz2.compress, lzma.compress, lambda d: pa.compress(d, "zstd", asbytes=True)],
    ids=["bz2", "xz", "zstd"],
)
def test_other_compressions_are_estimated_from_the_data(tmp_path, compress):
    data = _orders_text(60_000)
    path = tmp_path / "orders.csv.x"
    path.write_bytes(compress(data))
    assert stream.inflated_bytes(str(path)) == len(data)


def test_sampled_ratio_estimates_a_file_bigger_than_the_sample(tmp_path, monkeypatch):
    data = _orders_text(120_000)
    path = tmp_path / "orders.csv.xz"
    path.write_bytes(lzma.compress(data))
    monkeypatch.setattr(stream, "_SAMPLE_IN", len(path.read_bytes()) // 3)
    assert stream.inflated_bytes(str(path)) == pytest.approx(len(data), rel=0.25)


def test_damaged_or_plain_files_keep_the_old_estimate(tmp_path):
    plain = tmp_path / "orders.csv"
    plain.write_bytes(_orders_text(100))
    damaged = tmp_path / "damaged.csv.gz"
    damaged.write_bytes(gzip.compress(_orders_text(100))[:40])
    assert stream.inflated_bytes(str(plain)) is None
    assert stream.inflated_bytes(str(damaged)) is None
    size = damaged.stat().st_size
    assert stream.in_memory_bytes([str(damaged)]) == size * stream.IN_MEMORY_FACTOR["compressed"]


def test_auto_streams_a_gzip_that_inflates_past_the_memory_limit(run_cli, tmp_path, monkeypatch):
    block = _orders_text(1_200)
    header, rows = block.split(b"\n", 1)
    big = tmp_path / "big.csv.gz"
    with gzip.open(big, "wb") as out:  # 17 MB of text in a few hundred KB: 85 MB in memory
        out.write(header + b"\n" + rows * 640)
    assert big.stat().st_size * stream.IN_MEMORY_FACTOR["compressed"] < 64 << 20  # old estimate
    small = tmp_path / "small.csv.gz"
    small.write_bytes(gzip.compress(block))
    memory = run_cli("compute", big, "-q", "-f", "csv", "--engine", "memory")
    assert memory.exit_code == 0, memory.stderr

    def in_memory(*args, **kwargs):
        raise AssertionError("read in memory")

    monkeypatch.setattr(ltvcli.analysis, "analyse", in_memory)
    streamed = run_cli("compute", big, "-q", "-f", "csv", "--memory-limit", "64MB")
    assert streamed.exit_code == 0, streamed.stderr
    assert streamed.stdout == memory.stdout
    fits = run_cli("compute", small, "-q", "-f", "csv", "--memory-limit", "64MB")
    assert fits.exit_code == 1 and "internal error" in fits.stderr  # auto read it in memory


# -- -q: Python's warnings are not printed ---------------------------------------------------


def _noisy_load(monkeypatch):
    real = ltvcli.load.load_orders

    def noisy(*args, **kwargs):
        warnings.warn("a library warning", FutureWarning, stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(ltvcli.load, "load_orders", noisy)


def test_quiet_silences_python_warnings(run_cli, tmp_path, monkeypatch):
    path = tmp_path / "orders.csv"
    path.write_bytes(_orders_text(50))
    _noisy_load(monkeypatch)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        loud = run_cli("compute", path, "-f", "csv")
        assert loud.exit_code == 0, loud.stderr
        assert any("a library warning" in str(w.message) for w in shown)
        shown.clear()
        quiet = run_cli("compute", path, "-f", "csv", "-q")
        assert quiet.exit_code == 0 and quiet.stderr == ""
        assert shown == []
        again = run_cli("compute", path, "-f", "csv")  # only for the command run with -q
        assert again.exit_code == 0
        assert any("a library warning" in str(w.message) for w in shown)


_NOISY_LTV = textwrap.dedent(
    """
    import sys, warnings
    import ltvcli.load

    real = ltvcli.load.load_orders

    def noisy(*args, **kwargs):
        warnings.warn("a library warning", FutureWarning, stacklevel=2)
        return real(*args, **kwargs)

    ltvcli.load.load_orders = noisy
    from ltvcli.cli import main

    sys.argv = ["ltv", *sys.argv[1:]]
    main()
    """
)


def test_quiet_prints_nothing_on_stderr_when_a_library_warns(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(_orders_text(50))

    def ltv(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", _NOISY_LTV, "compute", str(path), "-f", "csv", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    loud = ltv()
    assert loud.returncode == 0 and "a library warning" in loud.stderr
    quiet = ltv("-q")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout == loud.stdout
