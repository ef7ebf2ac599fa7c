"""A seeded corpus of hostile inputs for ``test_fuzz``: real-looking exports mutated, odd
encodings, compressed junk, hostile Parquet schemas, extreme numbers and dates, wide and ragged
files. Deterministic for a seed: the same cases on every machine."""

from __future__ import annotations

import bz2
import gzip
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True)
class Case:
    name: str  # a file name whose suffix says what it is
    data: bytes
    why: str


EXTREME_AMOUNTS = (
    "1e20", "-1e20", "9999999999999.99", "1234567890123456.78", "0.001", "-0", "NaN", "inf",
    "1,2,3", "(76.50)", "12 345,67 ₽", "$-5", "٣٤٥", "1e-9", "99999999999999999999999",
)  # fmt: skip
EXTREME_DATES = (
    "9999-12-31", "31.12.9999", "2958466", "1066-10-14", "2262-04-11", "0000-00-00",
    "2024-02-30", "1970-01-01", "24/13/2024", "2024-01-01T25:00:00", "yesterday", "",
)  # fmt: skip
HOSTILE_TEXT = (
    "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "\x1b[31mred", "a|b`c`", "[bold]x",
    "Розничный покупатель", "0", "guest", "\u202eevil", "x" * 300, "null", "\t",
)  # fmt: skip


def corpus(seeds: list[str], count: int, seed: int = 20261130) -> Iterator[Case]:
    """``count`` cases made from the real-looking exports ``seeds`` (their text)."""
    rnd = random.Random(seed)
    makers = (
        _mutated, _mutated, _mutated, _extreme_cells, _extreme_cells, _ragged, _encoded,
        _compressed, _parquet, _wide, _junk,
    )  # fmt: skip
    for i in range(count):
        maker = makers[i % len(makers)]
        yield maker(rnd, rnd.choice(seeds), i)


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")


def _mutated(rnd: random.Random, text: str, i: int) -> Case:
    """Real text with bytes flipped, lines dropped, doubled or shuffled, or cut short."""
    lines = _lines(text)
    how = rnd.choice(("flip", "drop", "double", "shuffle", "cut", "header"))
    if how == "flip":
        data = bytearray(text.encode("utf-8"))
        for _ in range(rnd.randint(1, 8)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        return Case(f"case{i}-flip.csv", bytes(data), "flipped bytes")
    if how == "drop":
        lines = [ln for ln in lines if rnd.random() > 0.3]
    elif how == "double":
        lines = [ln for ln in lines for _ in range(rnd.choice((1, 2)))]
    elif how == "shuffle":
        head, body = lines[:1], lines[1:]
        rnd.shuffle(body)
        lines = head + body
    elif how == "header":
        lines = lines[1:] + lines[:1]
    else:
        text = text[: rnd.randrange(1, max(len(text), 2))]
        return Case(f"case{i}-cut.csv", text.encode("utf-8"), "cut short")
    return Case(f"case{i}-{how}.csv", "\n".join(lines).encode("utf-8"), f"lines {how}")


def _extreme_cells(rnd: random.Random, text: str, i: int) -> Case:
    """A plain export whose cells are extreme amounts, dates and hostile text."""
    rows = ["customer,date,amount,city,status"]
    for n in range(rnd.randint(3, 30)):
        rows.append(
            ",".join(
                _csv_cell(v)
                for v in (
                    rnd.choice((f"c{n % 5}", f"u{n}@x.example", *HOSTILE_TEXT)),
                    rnd.choice((f"2024-0{1 + n % 9}-1{n % 9}", *EXTREME_DATES)),
                    rnd.choice((f"{n}.50", *EXTREME_AMOUNTS)),
                    rnd.choice(("Moscow", *HOSTILE_TEXT)),
                    rnd.choice(("paid", "cancelled", "refunded", "Сделка успешна", "???")),
                )
            )
        )
    return Case(f"case{i}-extreme.csv", "\n".join(rows).encode("utf-8"), "extreme cells")


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value


def _ragged(rnd: random.Random, text: str, i: int) -> Case:
    """Rows with too many or too few fields, stray quotes, and a wrong delimiter."""
    lines = _lines(text)
    out = []
    for line in lines:
        r = rnd.random()
        if r < 0.15:
            line += ",extra,cells"
        elif r < 0.3:
            line = line.rsplit(",", 1)[0]
        elif r < 0.4:
            line = '"' + line
        out.append(line)
    delimiter = rnd.choice((",", ";", "\t", "|"))
    return Case(f"case{i}-ragged.csv", "\n".join(out).replace(",", delimiter).encode(), "ragged")


def _encoded(rnd: random.Random, text: str, i: int) -> Case:
    """The same text in other encodings, some of them lying (a BOM over cp1251)."""
    how = rnd.choice(("cp1251", "utf-16", "bom-cp1251", "latin-1", "utf-8-sig"))
    if how == "bom-cp1251":
        data = b"\xef\xbb\xbf" + text.encode("cp1251", errors="replace")
    else:
        data = text.encode(how, errors="replace")
    return Case(f"case{i}-{how}.csv", data, f"encoded {how}")


def _compressed(rnd: random.Random, text: str, i: int) -> Case:
    """Compressed text, compressed junk, and compressed files cut short or corrupted."""
    packed = rnd.choice((gzip.compress, bz2.compress))(text.encode("utf-8"))
    suffix = ".gz" if packed[:2] == b"\x1f\x8b" else ".bz2"
    how = rnd.choice(("whole", "cut", "corrupt", "junk"))
    if how == "cut":
        packed = packed[: rnd.randrange(10, max(len(packed), 11))]
    elif how == "corrupt":
        data = bytearray(packed)
        for _ in range(5):
            data[rnd.randrange(10, len(data))] = rnd.randrange(256)
        packed = bytes(data)
    elif how == "junk":
        packed = packed[:3] + rnd.randbytes(200)
    return Case(f"case{i}-{how}.csv{suffix}", packed, f"compressed, {how}")


def _parquet(rnd: random.Random, text: str, i: int) -> Case:
    """Parquet with nested, binary, extreme and out-of-range columns."""
    n = rnd.randint(1, 20)
    columns = {
        "customer": pa.array([f"c{k % 4}" for k in range(n)]),
        "date": rnd.choice(
            (
                pa.array([f"2024-01-{1 + k % 28:02d}" for k in range(n)]),
                pa.array([k * 10**12 for k in range(n)], pa.timestamp("ms")),
                pa.array([253402214400 + k for k in range(n)], pa.timestamp("s")),  # year 9999
                pa.array([-(10**10)] * n, pa.timestamp("s")),
            )
        ),
        "amount": rnd.choice(
            (
                pa.array([1.5 * k for k in range(n)]),
                pa.array([2**62 + k for k in range(n)], pa.int64()),
                pa.array([1e20] * n),
                pa.array([float("nan")] * n),
                pa.array([None] * n, pa.float64()),
            )
        ),
        "tags": pa.array([[k] for k in range(n)]),
        "blob": pa.array([bytes([k]) for k in range(n)]),
        "meta": pa.array([{"k": k} for k in range(n)]),
    }
    drop = rnd.sample(sorted(columns), rnd.randint(0, 2))
    table = pa.table({k: v for k, v in columns.items() if k not in drop})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return Case(f"case{i}.parquet", sink.getvalue(), f"parquet without {drop}")


def _wide(rnd: random.Random, text: str, i: int) -> Case:
    """Hundreds of columns around the real ones."""
    lines = _lines(text)
    width = rnd.randint(100, 400)
    pad = [f"col{k}" for k in range(width)]
    out = [",".join([*pad, lines[0]])] + [",".join(["x"] * width + [ln]) for ln in lines[1:] if ln]
    return Case(f"case{i}-wide.csv", "\n".join(out).encode("utf-8"), f"{width} extra columns")


def _junk(rnd: random.Random, text: str, i: int) -> Case:
    """Not an export at all: random bytes, an empty file, a lone header, HTML, NULs."""
    how = rnd.choice(("random", "empty", "header", "html", "nul", "xlsx-ish"))
    data = {
        "random": rnd.randbytes(rnd.randint(1, 500)),
        "empty": b"",
        "header": _lines(text)[0].encode("utf-8"),
        "html": b"<html><body><table><tr><td>1</td></tr></table></body></html>",
        "nul": b"customer,date,amount\na,2024-01-01,1\x00\x00\n",
        "xlsx-ish": b"PK\x03\x04" + rnd.randbytes(100),
    }[how]
    return Case(f"case{i}-{how}.csv", data, f"junk: {how}")
