"""``--fail-if 'ltv_cac_ratio < 3'``: conditions on the KPIs that make a cron run fail.

A condition is ``<kpi> <op> <number>`` with ``<``, ``<=``, ``>``, ``>=``, ``==`` or ``!=``
(money in currency units, rates as fractions), or ``<kpi> down <N>%`` / ``<kpi> up <N>%``
against the same KPI of a previous run (``--compare-to last.json``). A condition that holds
fires (exit 3). A KPI that is unknown for the data (no spend, so no CAC) cannot pass by
accident: it is reported with the reason and the flag that gives it (exit 4 unless another
condition fired).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ltvcli.definition import Metric
from ltvcli.errors import ConfigError
from ltvcli.messages import Message
from ltvcli.metrics import METRICS

OPERATORS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
             "<": operator.lt, ">": operator.gt}  # fmt: skip
_ABSOLUTE = re.compile(r"^\s*([a-z_0-9]+)\s*(<=|>=|==|!=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")
_RELATIVE = re.compile(r"^\s*([a-z_0-9]+)\s+(down|up)\s+(?:by\s+)?([0-9]+(?:\.[0-9]+)?)\s*%\s*$")

_NO_SPEND = Message("no marketing spend: give --spend FILE or --cac")
_NO_MARGIN = Message("no cost column: give --margin RATE")
_NO_CHURN = Message(
    "too little history to measure churn: give --lifespan YEARS or a shorter --churn-window"
)
_NO_RECENT = Message("no purchase in the last --churn-window to measure purchase frequency")
WHY_UNKNOWN = {
    "spend": _NO_SPEND, "customers_acquired": _NO_SPEND, "cac": _NO_SPEND,
    "ltv_cac_ratio": _NO_SPEND, "payback_months": _NO_SPEND,
    "margin": _NO_MARGIN, "ltv_historical_margin": _NO_MARGIN,
    "churn_rate": _NO_CHURN, "retention_rate": _NO_CHURN,
    "purchase_frequency": _NO_RECENT, "ltv_formula": _NO_RECENT, "ltv_formula_margin": _NO_RECENT,
    "median_days_to_second_order": Message("no customer has a 2nd order yet"),
}  # fmt: skip
# KPIs that rest on the lifespan: not checked while it is only assumed (it cannot pass by accident)
ON_LIFESPAN = ("lifespan_years", "ltv_formula", "ltv_formula_margin")
_ASSUMED = Message(
    "the formula LTV rests on an assumed 1-year lifespan: give --lifespan YEARS or a shorter "
    "--churn-window"
)


@dataclass(frozen=True)
class Condition:
    key: str
    op: str  # an OPERATORS key, or "down"/"up" (relative to --compare-to)
    value: float  # a number, or a percentage for down/up
    kind: str  # the KPI's kind (money is compared in currency units)

    @property
    def relative(self) -> bool:
        return self.op in ("down", "up")

    def __str__(self) -> str:
        if self.relative:
            return f"{self.key} {self.op} {self.value:.10g}%"
        return f"{self.key} {self.op} {self.value:.10g}"


@dataclass
class Outcome:
    """What the conditions say of one record: those that hold, those that cannot be checked."""

    fired: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # without the label: the same for many


def parse_condition(
    text: str, metrics: Sequence[Metric] = METRICS, flag: str = "--fail-if"
) -> Condition:
    """A condition on one of ``metrics`` (the KPIs, or a segment's columns); a usage error
    that lists the KPIs when the text is not one."""
    numeric = {m.key: m for m in metrics if m.kind not in ("text", "date")}
    match = _ABSOLUTE.match(text) or _RELATIVE.match(text)
    if not match or match[1] not in numeric:
        raise ConfigError(
            Message(
                "{flag} {text!r}: write KPI OP NUMBER or KPI down|up N%, e.g. 'ltv_cac_ratio < 3' "
                "or 'repeat_rate down 10%'; KPIs: {kpis}",
                flag=flag, text=text, kpis=", ".join(numeric),
            )
        )  # fmt: skip
    return Condition(match[1], match[2], float(match[3]), numeric[match[1]].kind)


def evaluate(
    conditions: Sequence[Condition],
    record: Mapping[str, object],
    previous: Mapping[str, object] | None = None,
    label: str = "",
    why: Mapping[str, str] | None = None,
) -> Outcome:
    """The conditions on one record (money in cents, as the KPIs hold it); ``previous``: the
    same KPIs from an earlier run's JSON (money in currency units), None when that run had no
    such record. ``label`` names the record (a currency, a segment) in the messages; ``why``
    overrides ``WHY_UNKNOWN`` (a segment's CAC is unknown for its own reasons)."""
    outcome = Outcome()
    reasons = {**WHY_UNKNOWN, **(why or {})}
    for condition in conditions:
        value = _units(record.get(condition.key), condition.kind)
        said = str(condition)
        if _assumed(condition.key, record):
            outcome.unknown.append(
                Message("cannot check {condition}: {reason}", condition=said, reason=_ASSUMED)
            )
            continue
        if value is None:
            reason = reasons.get(condition.key, Message("no value for this data"))
            outcome.unknown.append(
                Message(
                    "cannot check {condition}: {key} is unknown ({reason})",
                    condition=said, key=condition.key, reason=reason,
                )
            )  # fmt: skip
            continue
        if condition.relative:
            if previous is None:
                outcome.unknown.append(
                    Message(
                        "cannot check {condition}: the previous run has no {label}",
                        condition=said, label=label,
                    )
                    if label
                    else Message(
                        "cannot check {condition}: the previous run has no such record",
                        condition=said,
                    )
                )  # fmt: skip
                continue
            before = previous.get(condition.key)
            if not isinstance(before, int | float) or isinstance(before, bool) or before == 0:
                outcome.unknown.append(
                    Message(
                        "cannot check {condition}: the previous run has no {key}",
                        condition=said, key=condition.key,
                    )
                )  # fmt: skip
                continue
            change = (value - before) / abs(before) * 100
            holds = (
                -change >= condition.value if condition.op == "down" else change >= condition.value
            )
            if holds:
                now, was = _text(value, condition.kind), _text(before, condition.kind)
                fired = Message(
                    "{condition} (it is {now}, was {was}: {change:+.1f}%)",
                    condition=said, now=now, was=was, change=change,
                )  # fmt: skip
                outcome.fired.append(_labelled(label, fired))
        elif OPERATORS[condition.op](value, condition.value):
            fired = Message(
                "{condition} (it is {value})", condition=said, value=_text(value, condition.kind)
            )
            outcome.fired.append(_labelled(label, fired))
    return outcome


def _labelled(label: str, text: Message) -> str:
    """An alert about one record of several (a currency, a segment): its label first."""
    return Message("{label}: {text}", label=label, text=text) if label else text


def why_unknown_in_segments(spend_given: bool, by_channel: bool) -> dict[str, str]:
    """Why a segment's CAC (and what rests on it) is unknown when a spend file was given:
    spend is attributed to channel segments only, and a channel the file has no rows for has
    none (``evaluate``'s ``why``)."""
    if not spend_given:
        return {}
    if by_channel:
        why = Message("the spend file has no rows for this channel")
    else:
        why = Message(
            "spend is attributed to channel segments only: --by the channel column, or --cac"
        )
    return dict.fromkeys(("cac", "ltv_cac_ratio"), why)


def _assumed(key: str, record: Mapping[str, object]) -> bool:
    """Whether the KPI rests on the assumed lifespan (``metrics.lifespan_basis``)."""
    if record.get("lifespan_basis") != "assumed":
        return False
    formula = str(record.get("ltv_basis", "")).startswith("formula")
    return key in ON_LIFESPAN or (key == "ltv_cac_ratio" and formula)


def _text(value: float, kind: str) -> Message:
    """A value in an alert: money to the cent, counts whole, other numbers to 6 digits (in
    the language's digits when said)."""
    if kind == "money":
        return Message("{value:,.2f}", value=value)
    if kind == "count":
        return Message("{value:,}", value=int(value))
    return Message("{value:.6g}", value=value)


def _units(value: object, kind: str) -> float | None:
    if value is None or (isinstance(value, float) and value != value):  # missing or NaN
        return None
    number = float(value)  # type: ignore[arg-type]
    return number / 100 if kind == "money" else number
