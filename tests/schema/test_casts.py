"""Whole-column conversions tried on the first rows before the whole column."""

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ltvcli.schema.casts import attempt, try_cast


@pytest.mark.parametrize("n", [1, 64, 65, 1000])
def test_a_column_that_converts_converts_whole(n):
    values = pa.array([str(i) for i in range(n)] + [None])
    assert try_cast(values, pa.int64()).to_pylist() == [*range(n), None]


@pytest.mark.parametrize("bad_at", [0, 63, 64, 999])
def test_one_value_that_does_not_convert_anywhere_fails_the_column(bad_at):
    cells = [str(i) for i in range(1000)]
    cells[bad_at] = "SO-1"
    assert try_cast(pa.array(cells), pa.int64()) is None


def test_attempt_takes_any_conversion():
    def dotted(part):
        return pc.strptime(part, format="%d.%m.%Y", unit="s", error_is_null=False)

    cells = ["09.01.2023"] * 100
    assert attempt(dotted, pa.array(cells)).null_count == 0
    assert attempt(dotted, pa.array([*cells, "2023-01-09"])) is None
