"""Date and time cells to timestamps, vectorised, whatever shape the export wrote them in.

Shapes: ISO (with ``T``, fractions, ``Z`` and ``+03:00``/``-0400`` offsets, which may change
with daylight saving inside one file), ``dd.mm.yyyy`` and ``dd.mm.yy`` (with 1C's ``0:00:00``),
``dd/mm/yyyy`` or ``mm/dd/yyyy`` (decided from the values, ``--dayfirst`` overrides), with
``AM/PM``, month names in English, Russian and German (``22 нояб. 2024``, ``22 ноября 2024 г.``,
``Mar 15, 2024 10:05:33 AM``), ``YYYYMMDD``, Unix epochs (s, ms, µs), Excel serial numbers, and
dates inside text (``Реализация 0000-000123 от 15.01.2024 12:30:45``).

Times carry the wall clock as written: a UTC offset is parsed (so a file whose offset changes
with daylight saving reads fine) and used only when ``--timezone`` asks for one zone.

Order dates have a plausible window (``plausible_window``): from 1990-01-01 to tomorrow by
default, widened by ``--date-range FROM:TO``. A date outside it (``9999-12-31``, ``1066-10-14``)
is *out of range*: NaT, flagged in ``ParsedDates.out_of_range`` (not in ``invalid``), so that
no order, and no as-of date, comes from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ltvcli.messages import Message, template
from ltvcli.schema.casts import attempt, try_cast

_TIME = r"(?:[T ,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
_ZONE = r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2})?"
_YEAR_SUFFIX = r"(?:\s*(?:г\.?|года?))?"

# name -> regex; every regex yields y, m (or mon) and d, optionally the time and zone groups.
SHAPES: dict[str, str] = {
    "iso": rf"^(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_TIME}{_ZONE}$",
    "iso-slash": rf"^(?P<y>\d{{4}})/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}}){_TIME}{_ZONE}$",
    "dotted": rf"^(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}}|\d{{2}}){_YEAR_SUFFIX}{_TIME}{_ZONE}$",
    "slashed": rf"^(?P<a>\d{{1,2}})[/-](?P<b>\d{{1,2}})[/-](?P<y>\d{{4}}|\d{{2}}){_TIME}{_ZONE}$",
    "day-month-name": rf"^(?P<d>\d{{1,2}})[ .-]+(?P<mon>\pL+)\.?[ .,-]+(?P<y>\d{{4}}){_YEAR_SUFFIX}{_TIME}{_ZONE}$",
    "month-name-day": rf"^(?:\pL+,\s*)?(?P<mon>\pL+)\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}}){_TIME}{_ZONE}$",
    "compact": r"^(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)$",
    "in-text": rf"(?:^|\D)(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}}){_TIME}",
}  # fmt: skip

_DAY_ORDERS = {True: template("dd/mm/yyyy"), False: template("mm/dd/yyyy")}

MONTHS = {
    **dict.fromkeys(("jan", "january", "januar", "янв", "январь", "января", "jän"), 1),
    **dict.fromkeys(("feb", "february", "februar", "фев", "февр", "февраль", "февраля"), 2),
    **dict.fromkeys(("mar", "march", "mär", "märz", "maerz", "мар", "март", "марта"), 3),
    **dict.fromkeys(("apr", "april", "апр", "апрель", "апреля"), 4),
    **dict.fromkeys(("may", "mai", "май", "мая"), 5),
    **dict.fromkeys(("jun", "june", "juni", "июн", "июнь", "июня"), 6),
    **dict.fromkeys(("jul", "july", "juli", "июл", "июль", "июля"), 7),
    **dict.fromkeys(("aug", "august", "авг", "август", "августа"), 8),
    **dict.fromkeys(("sep", "sept", "september", "сен", "сент", "сентябрь", "сентября"), 9),
    **dict.fromkeys(("oct", "october", "okt", "oktober", "окт", "октябрь", "октября"), 10),
    **dict.fromkeys(("nov", "november", "ноя", "нояб", "ноябрь", "ноября"), 11),
    **dict.fromkeys(("dec", "december", "dez", "dezember", "дек", "декабрь", "декабря"), 12),
}

EXCEL_SERIAL = (20000, 80000)  # 1954 .. 2119
# With a window, larger whole numbers up to 10000-01-01 are read as Excel serials too (so that
# ``2958465``, 9999-12-31, is a date out of range rather than a number).
_EXCEL_LAST = 2958466
EARLIEST = dt.date(1990, 1, 1)  # the default start of the plausible window
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")


@dataclass
class ParsedDates:
    """Naive wall-clock timestamps (null where empty or invalid) and how they were read."""

    values: np.ndarray  # datetime64[s], NaT where missing
    invalid: np.ndarray  # bool: a non-empty cell that is not a date
    shapes: list[str] = field(default_factory=list)
    offsets: np.ndarray | None = None  # minutes east of UTC where the cell had an offset
    notes: list[str] = field(default_factory=list)
    dayfirst: bool | None = None  # how dd/mm vs mm/dd was read, when the column had such dates
    # bool: a date outside the window parse_dates was given (NaT in values); set by parse_dates
    out_of_range: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.out_of_range = np.zeros(len(self.invalid), bool)


def plausible_window(
    start: dt.date | None = None, end: dt.date | None = None, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The first and last day an order may have: ``start``/``end`` (``--date-range``), each
    defaulting to 1990-01-01 and tomorrow (a day of slack for time zones)."""
    today = today or dt.date.today()
    return start or EARLIEST, end or today + dt.timedelta(days=1)


def parse_dates(
    values: pa.Array,
    dayfirst: bool | None = None,
    locale_dayfirst: bool = True,
    window: tuple[dt.date, dt.date] | None = None,
) -> ParsedDates:
    """Parse one column of date cells of any Arrow type; with a ``window`` (first and last
    day), a date outside it is NaT and flagged ``out_of_range``."""
    parsed = _parse_dates(values, dayfirst, locale_dayfirst, window is not None)
    if window is None:
        return parsed
    first = np.datetime64(window[0], "s")
    after = (np.datetime64(window[1], "D") + 1).astype("datetime64[s]")
    stamps = parsed.values
    known = ~np.isnat(stamps)
    outside = known & ((stamps < first) | (stamps >= after))
    if outside.any():
        parsed.values = np.where(outside, np.datetime64("NaT", "s"), stamps)
        parsed.out_of_range = outside
        parsed.invalid = parsed.invalid & ~outside
    return parsed


def _parse_dates(
    values: pa.Array | pa.ChunkedArray,
    dayfirst: bool | None,
    locale_dayfirst: bool,
    late_serials: bool,
) -> ParsedDates:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    n = len(values)
    if pa.types.is_timestamp(values.type):
        if values.type.tz is not None:
            values = pc.local_timestamp(values)
        # to whole seconds (12:00:01.500 is 12:00:01), whatever the stored unit
        ts = pc.cast(values, pa.timestamp("s"), safe=False).to_numpy(zero_copy_only=False)
        return ParsedDates(ts.astype("datetime64[s]"), np.zeros(n, bool), ["timestamp"])
    if pa.types.is_date(values.type):
        ts = values.cast(pa.timestamp("s")).to_numpy(zero_copy_only=False)
        return ParsedDates(ts.astype("datetime64[s]"), np.zeros(n, bool), ["date"])
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
        # numbers beyond 2**53 are no dates: their last digits may round
        numbers = pc.cast(values, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        return _parse_numbers(numbers, late_serials)
    fast = _common_formats(values.cast(pa.string()))
    if fast is not None:
        return fast
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    text = pc.replace_substring_regex(text, r"\s+", " ")
    present = pc.fill_null(pc.not_equal(text, ""), False).to_numpy(zero_copy_only=False)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    offsets = np.full(n, np.iinfo(np.int32).min, dtype=np.int32)
    done = ~present
    shapes: list[str] = []
    notes: list[str] = []
    decided: list[bool] = []
    numeric = pc.fill_null(pc.match_substring_regex(text, r"^\d+(?:[.,]\d+)?$"), False)
    numeric = numeric.to_numpy(zero_copy_only=False)
    for shape, pattern in SHAPES.items():
        todo = ~done
        if not todo.any():
            break
        parts = pc.extract_regex(text, pattern)
        matched = pc.is_valid(parts).to_numpy(zero_copy_only=False) & todo
        if not matched.any():
            continue
        comps = _components(parts, matched, shape, dayfirst, locale_dayfirst, notes, decided)
        stamps, ok, offs = comps
        out[ok] = stamps[ok]
        offsets[ok] = offs[ok]
        done |= matched  # a cell matching a shape but impossible (31.02) stays invalid
        out[matched & ~ok] = np.datetime64("NaT")
        shapes.append(shape)
    rest = ~done & numeric
    if rest.any():
        num = pc.cast(
            pc.replace_substring(pc.if_else(pa.array(rest), text, "0"), ",", "."), pa.float64()
        ).to_numpy(zero_copy_only=False)
        parsed = _parse_numbers(np.where(rest, num, np.nan), late_serials)
        take = rest & ~np.isnat(parsed.values)
        out[take] = parsed.values[take]
        done |= rest
        shapes += parsed.shapes
    invalid = present & np.isnat(out)
    has_offset = offsets != np.iinfo(np.int32).min
    offsets_or_none = np.where(has_offset, offsets, 0) if has_offset.any() else None
    return ParsedDates(
        out, invalid, shapes, offsets_or_none, notes, decided[0] if decided else None
    )


# Whole-column fast paths, tried before the regex shapes: (name, strptime format or None for ISO).
_COMMON = (
    ("iso", None),
    ("dotted", "%d.%m.%Y"),
    ("dotted", "%d.%m.%Y %H:%M"),
    ("dotted", "%d.%m.%Y %H:%M:%S"),
)


def _common_formats(text: pa.Array) -> ParsedDates | None:
    """Most exports write one plain format; Arrow parses those whole columns at C speed."""
    for shape, fmt in _COMMON:
        if fmt is None:
            stamps = try_cast(text, pa.timestamp("s"))
        else:
            stamps = attempt(partial(pc.strptime, format=fmt, unit="s", error_is_null=False), text)
        if stamps is None:
            continue
        values = stamps.to_numpy(zero_copy_only=False).astype("datetime64[s]")
        if (values < np.datetime64("1900-01-01")).any():
            continue  # "15.01.24" parses as the year 24: leave two-digit years to the shapes
        return ParsedDates(values, np.zeros(len(text), bool), [shape])
    return None


def _components(
    parts: pa.StructArray,
    matched: np.ndarray,
    shape: str,
    dayfirst: bool | None,
    locale_dayfirst: bool,
    notes: list[str],
    decided: list[bool],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn the regex groups into timestamps; returns (datetime64[s], ok mask, offset minutes)."""
    names = {f.name for f in parts.type}

    def col(name: str, default: int = 0) -> np.ndarray:
        if name not in names:
            return np.full(len(matched), default, dtype=np.int64)
        s = pc.struct_field(parts, name)
        s = pc.if_else(pc.fill_null(pc.equal(s, ""), True), str(default), s)
        numbers: np.ndarray = pc.cast(s, pa.int64()).to_numpy(zero_copy_only=False)
        return numbers

    year = col("y", 1970)
    if shape == "slashed":
        a, b = col("a", 1), col("b", 1)
        first_is_day = _decide_dayfirst(a[matched], b[matched], dayfirst, locale_dayfirst, notes)
        decided.append(first_is_day)
        day, month = (a, b) if first_is_day else (b, a)
    else:
        day = col("d", 1)
        month = _month_names(parts, matched) if "mon" in names else col("m", 1)
    # a two-digit year (24) is 2024, one of 1970..1999 above 69; 0001 (1C's empty date) stays 1
    short = (
        pc.fill_null(pc.less_equal(pc.utf8_length(pc.struct_field(parts, "y")), 2), False).to_numpy(
            zero_copy_only=False
        )
        if "y" in names
        else np.zeros(len(year), dtype=bool)
    )
    year = np.where(short & (year < 100), np.where(year < 70, 2000 + year, 1900 + year), year)
    hour, minute, second = col("H"), col("M"), col("S")
    if "ampm" in names:
        ampm = pc.utf8_lower(pc.fill_null(pc.struct_field(parts, "ampm"), ""))
        pm = pc.starts_with(ampm, "p").to_numpy(zero_copy_only=False)
        am = pc.starts_with(ampm, "a").to_numpy(zero_copy_only=False)
        hour = np.where(pm & (hour < 12), hour + 12, np.where(am & (hour == 12), 0, hour))
    ok = (
        matched
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (day <= 31)
        & (hour < 24)
        & (minute < 60)
        & (second < 61)
    )
    frame = pd.DataFrame(
        {
            "year": np.where(ok, year, 1970),
            "month": np.where(ok, month, 1),
            "day": np.where(ok, day, 1),
            "hour": np.where(ok, hour, 0),
            "minute": np.where(ok, minute, 0),
            "second": np.where(ok, np.minimum(second, 59), 0),
        }
    )
    stamps = pd.to_datetime(frame, errors="coerce").to_numpy().astype("datetime64[s]")
    ok &= ~np.isnat(stamps)
    offsets = np.zeros(len(matched), dtype=np.int32)
    if "tz" in names:
        offsets = _offset_minutes(pc.struct_field(parts, "tz"))
    return stamps, ok, offsets


def _month_names(parts: pa.StructArray, matched: np.ndarray) -> np.ndarray:
    names = pc.utf8_lower(pc.struct_field(parts, "mon"))
    names = pc.replace_substring_regex(names, r"\.$", "")
    keys = pa.array(list(MONTHS))
    numbers = pa.array(list(MONTHS.values()), type=pa.int64())
    found = pc.take(numbers, pc.index_in(names, keys))
    months: np.ndarray = pc.fill_null(found, 0).to_numpy(zero_copy_only=False)
    return months


def _decide_dayfirst(
    a: np.ndarray, b: np.ndarray, dayfirst: bool | None, locale_dayfirst: bool, notes: list[str]
) -> bool:
    """``03/04/2024``: decided by a value > 12 in either place, then the flag, then the locale."""
    if dayfirst is not None:
        return dayfirst
    if (a > 12).any() and not (b > 12).any():
        return True
    if (b > 12).any() and not (a > 12).any():
        return False
    notes.append(
        Message(
            "dd/mm or mm/dd could not be told from the values; read as {order} from the file's "
            "locale (--dayfirst / --monthfirst to choose)",
            order=Message(_DAY_ORDERS[locale_dayfirst]),
        )
    )

    return locale_dayfirst


def _offset_minutes(tz: pa.Array) -> np.ndarray:
    text = pc.fill_null(tz, "").to_pylist()
    cache: dict[str, int] = {}
    out = np.zeros(len(text), dtype=np.int32)
    for i, t in enumerate(text):
        if t not in cache:
            cache[t] = _one_offset(t)
        out[i] = cache[t]
    return out


def _one_offset(t: str) -> int:
    if t in ("", "Z", "UTC", "GMT"):
        return 0
    sign = -1 if t[0] == "-" else 1
    digits = t[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4] or 0)
    return sign * (hours * 60 + minutes)


def _parse_numbers(x: np.ndarray, late_serials: bool = False) -> ParsedDates:
    """Numbers in a date column: YYYYMMDD, Excel serials, or Unix epochs in s, ms or µs
    (``late_serials``: also Excel serials after 2119, up to 10000-01-01)."""
    n = len(x)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    finite = np.isfinite(x)
    shapes = []
    compact = finite & (x >= 19000101) & (x <= 21001231) & (x == np.floor(x))
    if compact.any():
        s = pd.to_datetime(
            pd.Series(np.where(compact, x, 19700101).astype(np.int64).astype(str)),
            format="%Y%m%d",
            errors="coerce",
        ).to_numpy()
        out[compact] = s[compact].astype("datetime64[s]")
        shapes.append("compact")
    rest = finite & ~compact
    excel = rest & (x >= EXCEL_SERIAL[0]) & (x < EXCEL_SERIAL[1])
    if excel.any():
        seconds = np.round(x[excel] * 86400).astype(np.int64)
        out[excel] = _EXCEL_EPOCH + seconds.astype("timedelta64[s]")
        shapes.append("excel-serial")
    for name, low, high, scale in (
        ("epoch-s", 3e8, 5e9, 1),
        ("epoch-ms", 3e11, 5e12, 1_000),
        ("epoch-us", 3e14, 5e15, 1_000_000),
    ):
        hit = rest & ~excel & (x >= low) & (x < high)
        if hit.any():
            out[hit] = (x[hit] // scale).astype(np.int64).astype("datetime64[s]")
            shapes.append(name)
    if late_serials:
        late = rest & np.isnat(out) & (x >= EXCEL_SERIAL[1]) & (x <= _EXCEL_LAST)
        if late.any():
            seconds = np.round(x[late] * 86400).astype(np.int64)
            out[late] = _EXCEL_EPOCH + seconds.astype("timedelta64[s]")
    invalid = finite & np.isnat(out)
    return ParsedDates(out, invalid, shapes)
