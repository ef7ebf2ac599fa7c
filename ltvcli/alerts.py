"""``--fail-if 'ltv_cac_ratio < 3'``: conditions on the KPIs that make a cron run exit 3.

A condition is ``<kpi> <op> <number>`` with ``<``, ``<=``, ``>``, ``>=``, ``==`` or ``!=``;
money KPIs are compared in currency units. A KPI that is unknown for the data (no CAC given, say)
never fires, and the message says so.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

from ltvcli.errors import ConfigError
from ltvcli.metrics import METRIC_BY_KEY

OPERATORS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
             "<": operator.lt, ">": operator.gt}  # fmt: skip
_CONDITION = re.compile(r"^\s*([a-z_0-9]+)\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")


@dataclass(frozen=True)
class Condition:
    key: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.key} {self.op} {self.value:g}"


def parse_condition(text: str) -> Condition:
    match = _CONDITION.match(text)
    if (
        not match
        or match[1] not in METRIC_BY_KEY
        or METRIC_BY_KEY[match[1]].kind in ("text", "date")
    ):
        numbers = ", ".join(m.key for m in METRIC_BY_KEY.values() if m.kind not in ("text", "date"))
        raise ConfigError(
            f"--fail-if {text!r}: write KPI OP NUMBER, e.g. 'ltv_cac_ratio < 3'; KPIs: {numbers}"
        )
    return Condition(match[1], match[2], float(match[3]))


def check(conditions: list[Condition], record: dict[str, object]) -> list[str]:
    """The messages of the conditions that hold (an empty list: nothing to alert)."""
    fired = []
    for condition in conditions:
        value = record.get(condition.key)
        if value is None:
            continue
        if METRIC_BY_KEY[condition.key].kind == "money":
            value = value / 100
        if OPERATORS[condition.op](float(value), condition.value):
            fired.append(f"{condition} (it is {float(value):g})")
    return fired
