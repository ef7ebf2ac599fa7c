"""Whole columns to output values by kind, vectorised: the one place that formats cells.

Kinds (``ltvcli.definition``): money in integer cents, count, rate (a fraction), number, date,
text. Machine text is plain (``-1234.50``, ISO dates, floats rounded to 6 decimals); human
text has thousands separators and percentages. Spreadsheet formulas coming from the data
(``=HYPERLINK(...)``, ``+7 ...`` in a name, ``@SUM``) are neutralised with a leading ``'``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from pandas.api.typing import NAType

FORMULA_START = r"^[=+\-@\t\r]"
DECIMALS = 6
MISSING = "—"  # a missing value in human text


def arrow(values: pd.Series, kind: str) -> pa.Array:
    """Typed Arrow column: money as exact decimal(18,2), dates as date32, text as strings."""
    if kind == "money":
        return _decimal_cents(values)
    if kind == "count":
        return _int64(values)
    if kind in ("rate", "number", "precise"):
        return pa.array(pd.to_numeric(values, errors="coerce"), type=pa.float64(), from_pandas=True)
    if kind == "date":
        days = pd.to_datetime(values, errors="coerce").to_numpy().astype("datetime64[D]")
        return pa.array(days, from_pandas=True)
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pa.array(values).cast(pa.string())
    return pa.array(values, type=pa.string(), from_pandas=True)


def machine_text(values: pd.Series, kind: str, spreadsheet: bool = False) -> pa.Array:
    """Plain text cells (null for missing): what CSV and TSV hold."""
    if kind == "money":
        return _cents_text(_int64(values))
    typed = arrow(values, kind)
    if kind in ("rate", "number"):
        typed = pc.round(typed, DECIMALS)
    text = typed.cast(pa.string())
    return neutralise(text) if spreadsheet and kind == "text" else text


def neutralise(text: pa.Array) -> pa.Array:
    """Prefix ``'`` to cells a spreadsheet would run as a formula."""
    risky = pc.fill_null(pc.match_substring_regex(text, FORMULA_START), False)
    return pc.if_else(risky, pc.binary_join_element_wise("'", text, ""), text)


def neutral_name(name: str) -> str:
    """A column name guarded like the cells under it (``neutralise``)."""
    return "'" + name if re.match(FORMULA_START, name) else name


_MARKDOWN = str.maketrans(
    {"\\": "\\\\", "|": "\\|", "`": "\\`", "<": "&lt;", ">": "&gt;", "&": "&amp;",
     "\n": " ", "\r": " "}
)  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def markdown_text(text: str) -> str:
    """Data as inert Markdown: no table break, no code span, no HTML, one line."""
    return text.translate(_MARKDOWN)


def terminal_text(text: str) -> str:
    """Data fit for a terminal: control characters (escape sequences) shown as spaces."""
    return _CONTROL.sub(" ", text)


def json_values(values: pd.Series, kind: str) -> list[object]:
    """Python values for JSON: money as currency units (exact to the cent), missing as None."""
    if kind == "money":
        cents = values.astype("Int64")
        # nullable integers: pd.NA where missing, which the stubs' list[int] leaves out
        whole = cast("list[int | NAType]", cents.tolist())
        return [None if v is pd.NA else v / 100 for v in whole]
    if kind in ("rate", "number"):
        typed = pc.round(arrow(values, kind), DECIMALS)
        return [None if v is None or v != v else v for v in typed.to_pylist()]
    if kind == "date":
        return cast(list[object], arrow(values, kind).cast(pa.string()).to_pylist())
    return cast(list[object], arrow(values, kind).to_pylist())


def human_text(values: pd.Series, kind: str) -> list[str]:
    """Cells for people (terminal, Markdown): 1,234.50, 12.5%, — for missing."""
    out = []
    for v in json_values(values, kind):
        if v is None:
            out.append(MISSING)
        elif kind == "money":
            out.append(f"{v:,.2f}")
        elif kind == "count":
            out.append(f"{v:,}")
        elif kind == "rate":
            out.append(f"{cast(float, v) * 100:.1f}%")
        elif kind == "precise":
            out.append(f"{v:.6g}")
        elif kind == "number":
            number = cast(float, v)
            out.append(
                f"{number:,.2f}".rstrip("0").rstrip(".") if abs(number) < 1e15 else f"{number:g}"
            )
        else:
            out.append(str(v))
    return out


def _cents_text(cents: pa.Array) -> pa.Array:
    negative = pc.less(cents, 0)
    magnitude = pc.abs(cents)
    whole = pc.divide(magnitude, 100)  # integer division on integers
    frac = pc.subtract(magnitude, pc.multiply(whole, 100))
    text = pc.binary_join_element_wise(
        whole.cast(pa.string()), pc.utf8_lpad(frac.cast(pa.string()), 2, "0"), "."
    )
    return pc.if_else(negative, pc.binary_join_element_wise("-", text, ""), text)


def _int64(values: pd.Series) -> pa.Array:
    """An integer column (numpy or nullable) as Arrow int64 without a copy where possible."""
    if values.dtype == np.int64:
        return pa.array(values.to_numpy())
    return pa.array(values.astype("Int64"), type=pa.int64(), from_pandas=True)


def _decimal_cents(values: pd.Series) -> pa.Array:
    """Integer cents as decimal128(18, 2) without going through floats."""
    if values.dtype == np.int64:
        raw, missing = values.to_numpy(), np.zeros(len(values), dtype=bool)
    else:
        cents = values.astype("Int64")
        missing = cents.isna().to_numpy()
        raw = cents.fillna(0).to_numpy(np.int64)
    words = np.empty((len(raw), 2), dtype=np.int64)
    words[:, 0] = raw
    words[:, 1] = raw >> 63  # sign extension into the high 64 bits
    validity = pa.array(~missing).buffers()[1] if missing.any() else None
    return pa.Array.from_buffers(
        pa.decimal128(18, 2), len(raw), [validity, pa.py_buffer(words.tobytes())],
        null_count=int(missing.sum()),
    )  # fmt: skip
