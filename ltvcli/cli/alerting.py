"""``--fail-if``/``--fail-if-any`` and ``--compare-to``: the KPI conditions of a cron run.

The conditions are parsed and the previous run read before any work (usage errors first); the
output is shown first, then each alert is a line on stderr and the exit code says what
happened: 3 when a condition holds, 4 when none holds but one could not be checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, cast

import typer

from ltvcli.alerts import Condition, evaluate, parse_condition
from ltvcli.cli.common import OUTPUT
from ltvcli.cli.errors import say
from ltvcli.definition import Metric
from ltvcli.errors import ConfigError, ExitCode, os_reason
from ltvcli.messages import Message

Record = Mapping[str, object]


@dataclass(frozen=True)
class Alerts:
    conditions: tuple[Condition, ...] = ()
    previous: object = None  # the JSON of --compare-to

    def raise_if(
        self,
        records: Iterable[tuple[str, Record, Record | None]],
        why: Mapping[str, str] | None = None,
    ) -> None:
        """Check each ``(label, record, previous record)``; print the alerts, exit 3 or 4.
        ``why``: the reasons of unknown KPIs where the command knows better (``evaluate``)."""
        if not self.conditions:
            return
        fired: list[str] = []
        unknown: dict[str, list[str]] = {}  # message -> the records it is about
        for label, record, previous in records:
            outcome = evaluate(self.conditions, record, previous, label, why)
            fired += outcome.fired
            for message in outcome.unknown:
                unknown.setdefault(message, []).append(label)
        for message in fired:
            say(Message("alert: {message}", message=message))
        for message, labels in unknown.items():
            if len(labels) > 1:
                more = ", ..." if len(labels) > 3 else ""
                say(
                    Message(
                        "alert: {message} (for {n}: {labels})",
                        message=message,
                        n=len(labels),
                        labels=", ".join(labels[:3]) + more,
                    )
                )
            elif labels[0]:
                say(Message("alert: {label}: {message}", label=labels[0], message=message))
            else:
                say(Message("alert: {message}", message=message))
        if fired:
            raise typer.Exit(ExitCode.ALERT)
        if unknown:
            raise typer.Exit(ExitCode.UNKNOWN_KPI)

    def previous_kpis(self, currency: str | None) -> Record | None:
        """The KPIs of the previous run (``ltv compute -f json`` or ``ltv report -o x.json``)
        in ``currency``."""
        data = self.previous
        if not isinstance(data, dict):
            return None
        kpis, by_currency = data.get("kpis"), data.get("by_currency")
        if isinstance(kpis, dict):  # a report
            return kpis
        if isinstance(by_currency, dict):  # compute with several currencies
            # a record of ``ltv compute -f json``, as the file says
            return cast(Record | None, by_currency.get(currency or ""))
        return data if data.get("currency") == currency else None  # one currency: the same?

    def previous_rows(self, keys: Sequence[str]) -> dict[tuple[str, ...], Record]:
        """The rows of a previous ``ltv segments -f json`` by their segment keys."""
        rows = self.previous if isinstance(self.previous, list) else []
        return {tuple(str(row.get(k)) for k in keys): row for row in rows if isinstance(row, dict)}


def alerts_from(
    conditions: list[str] | None,
    compare_to: str | None,
    metrics: Sequence[Metric],
    flag: str,
    rows: bool = False,
) -> Alerts:
    """The conditions and the earlier run's JSON, read now (usage errors before any work):
    ``rows``, a list of rows (``ltv segments -f json``), else one object (compute, report)."""
    parsed = tuple(parse_condition(c, metrics, flag) for c in conditions or [])
    relative = [c for c in parsed if c.relative]
    if relative and not compare_to:
        raise ConfigError(
            Message(
                "{flag} '{condition}' compares with a previous run: give --compare-to FILE",
                flag=flag,
                condition=str(relative[0]),
            )
        )
    previous = None
    if compare_to:
        try:
            with open(compare_to, encoding="utf-8") as f:
                previous = json.load(f)
        except (OSError, ValueError) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else Message("not JSON")
            raise ConfigError(
                Message(
                    "--compare-to {path}: {reason} (give the JSON of an earlier run)",
                    path=compare_to,
                    reason=reason,
                )
            ) from None
        if isinstance(previous, list) != rows:
            what = (
                "ltv segments -f json"
                if rows
                else Message("ltv compute -f json or a report's .json")
            )
            raise ConfigError(
                Message("--compare-to {path}: not the JSON of {what}", path=compare_to, what=what)
            )
    return Alerts(parsed, previous)


CompareTo = Annotated[
    str | None,
    typer.Option(
        "--compare-to",
        help="The JSON of an earlier run (ltv compute -f json, ltv report -o x.json), for "
        "conditions like 'repeat_rate down 10%'.",
        rich_help_panel=OUTPUT,
    ),
]
FailIf = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-if",
        help="Exit 3 when a KPI condition holds, e.g. 'ltv_cac_ratio < 3' or 'repeat_rate down "
        "10%' (repeatable); exit 4 when a KPI is unknown for the data.",
        rich_help_panel=OUTPUT,
    ),
]
FailIfAny = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-if-any",
        help="Exit 3 when a condition holds for any segment, e.g. 'repeat_rate < 0.2' "
        "(repeatable); exit 4 when it cannot be checked.",
        rich_help_panel=OUTPUT,
    ),
]
