"""Text encodings: detect UTF-8 (with or without BOM), UTF-16 and Windows-1251; decode.

Russian exports from 1C, old Bitrix sites and Excel on a Russian Windows are cp1251. We never
guess Latin-1: a file that is neither valid UTF-8 nor plausible cp1251 is an error that names
``--encoding``.
"""

from __future__ import annotations

import codecs

from ltvcli.errors import InputError
from ltvcli.io.raw import Bytes
from ltvcli.messages import Message

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SAMPLE_BYTES = 1 << 20


def detect_encoding(data: Bytes, name: str) -> str:
    """Return the encoding of ``data``: from a BOM, else UTF-8 if valid, else cp1251. A UTF-8
    mark before Windows-1251 text (an editor added it to an old export) is cp1251."""
    data = data[: SAMPLE_BYTES + 4]  # as bytes: the sample, and whether more follows it
    for bom, encoding in _BOMS:
        if data.startswith(bom) and (bom != codecs.BOM_UTF8 or _utf8(data[3:SAMPLE_BYTES], data)):
            return encoding
    sample = without_bom(data)[:SAMPLE_BYTES]
    if b"\x00" in sample:
        raise InputError(Message("not a text file (it contains NUL bytes)"), file=name)
    if _utf8(sample, data):
        return "utf-8"
    if _looks_like_cp1251(sample):
        return "cp1251"
    raise InputError(
        Message("the file is neither UTF-8 nor Windows-1251 text"),
        file=name,
        hint=Message("pass --encoding, e.g. --encoding latin-1"),
    )


def _utf8(sample: bytes, data: bytes) -> bool:
    """Whether the sample is UTF-8 (a multi-byte character may be cut at its end)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def without_bom(data: Bytes) -> Bytes:
    return data[len(codecs.BOM_UTF8) :] if data[:3] == codecs.BOM_UTF8 else data


_CP1251_PUNCTUATION = frozenset(b"\xa0\xab\xbb\x96\x97\xb9\x93\x94\x84\x85\x88\xb0\xa7\x91\x92")


def _looks_like_cp1251(sample: bytes) -> bool:
    """Cyrillic letters (0xC0-0xFF, Ёё) and the usual punctuation (NBSP, «», dashes, №) only."""
    high = [b for b in sample if b >= 0x80]
    if not high:
        return False
    typical = sum(1 for b in high if b >= 0xC0 or b in (0xA8, 0xB8) or b in _CP1251_PUNCTUATION)
    controls = sum(1 for b in sample if b < 0x20 and b not in (9, 10, 13))
    return typical / len(high) > 0.9 and controls == 0


def to_utf8(data: Bytes, encoding: str, name: str) -> Bytes:
    """Return ``data`` as UTF-8 bytes without a BOM (the form the CSV parser reads)."""
    if encoding in ("utf-8", "utf8"):
        return data
    if encoding == "utf-8-sig":
        return without_bom(data)
    try:
        return str(without_bom(data), encoding).lstrip("\ufeff").encode("utf-8")
    except LookupError:
        raise InputError(
            Message("unknown encoding {encoding!r}", encoding=encoding), file=name
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            Message("not valid {encoding} text at byte {byte}", encoding=encoding, byte=exc.start),
            file=name,
            hint=Message("pass the right --encoding"),
        ) from None
