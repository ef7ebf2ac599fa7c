"""Options shared by every command, and ``ltv.toml``: flags win over the file, the file over detection.

This is the only module that reads ``ltv.toml``. Its sections::

    [columns]            # the logical field each column holds
    customer = "Email"
    date = "Created at"
    amount = "Total"

    [analysis]           # the window and the knobs of the definitions (docs/metrics.md)
    churn_window = 180
    margin = 0.35
    cac = 1500
    spend = "spend.csv"  # the marketing spend file, as --spend

    [output]             # what the commands write when no flag says
    lang = "ru"          # en or ru
    format = "csv"       # instead of a table on a terminal and CSV in a pipe

    [input]              # how to read the files
    encoding = "cp1251"
    delimiter = ";"
    dayfirst = true
    timezone = "Europe/Moscow"
    currency = "RUB"
    include_open = false
    no_link = false      # true: key customers by the strongest identifier column only
    phone_region = "RU"  # the country of phones written without one
    date_range = "1970-01-01:2100-12-31"  # orders dated outside are skipped [1990-01-01:tomorrow]
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from ltvcli.errors import ConfigError
from ltvcli.fields import FIELDS
from ltvcli.io.raw import ReadOptions
from ltvcli.messages import Message
from ltvcli.schema.orders import NormaliseOptions
from ltvcli.settings import Settings, parse_day

CONFIG_NAME = "ltv.toml"
# The fields a column can be mapped to, by a flag or in [columns].
MAPPED_FIELDS = tuple(f.name for f in FIELDS if f.flag)


@dataclass(frozen=True)
class LoadOptions(ReadOptions):
    """Everything that decides how order files become orders: how to read, then how to normalise."""

    columns: dict[str, str] = field(default_factory=dict)
    dayfirst: bool | None = None
    timezone: str | None = None
    currency: str | None = None
    include_open: bool = False
    no_link: bool = False
    phone_region: str | None = None
    date_range: str | None = None  # "FROM:TO", either side may be empty (docs/input.md, Ranges)
    strict: bool = False
    # Order lines kept for the product analyses, with the columns a flag named for their slots
    keep_lines: bool = False
    line_columns: dict[str, str] = field(default_factory=dict)

    @property
    def read(self) -> ReadOptions:
        return ReadOptions(**{f.name: getattr(self, f.name) for f in fields(ReadOptions)})

    @property
    def normalise(self) -> NormaliseOptions:
        return NormaliseOptions(
            mapping=dict(self.columns),
            dayfirst=self.dayfirst,
            timezone=self.timezone,
            include_open=self.include_open,
            currency=self.currency,
            link=not self.no_link,
            phone_region=self.phone_region,
            date_range=parse_date_range(self.date_range),
            keep_lines=self.keep_lines,
            line_columns=tuple(self.line_columns.items()),
        )


def find_config(explicit: str | None) -> Path | None:
    """``--config`` if given, else ``ltv.toml`` in the current directory, if present."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(Message("{path}: no such config file", path=explicit))
        return path
    path = Path(os.getcwd()) / CONFIG_NAME
    return path if path.is_file() else None


def load_options(
    config: str | None = None, columns: dict[str, str | None] | None = None, **settings: object
) -> LoadOptions:
    """Merge defaults, the config file, then the given column mapping and settings (not None)."""
    options = LoadOptions()
    path = find_config(config)
    if path:
        options = _from_file(path, options)
    merged = dict(options.columns)
    merged.update({k: str(v) for k, v in (columns or {}).items() if v})
    bad = set(merged) - set(MAPPED_FIELDS)
    if bad:
        raise ConfigError(
            Message("unknown column field(s): {fields}", fields=", ".join(sorted(bad)))
        )
    given = {k: v for k, v in settings.items() if v is not None and v is not False}
    unknown = set(given) - {f.name for f in fields(LoadOptions)}
    if unknown:
        raise ConfigError(
            Message("unknown load option(s): {options}", options=", ".join(sorted(unknown)))
        )
    options = replace(options, columns=merged, **given)  # type: ignore[arg-type]  # flags' types
    _check_timezone(options.timezone)
    parse_date_range(options.date_range)
    return _check_region(options)


def parse_date_range(text: object) -> tuple[dt.date | None, dt.date | None]:
    """``--date-range FROM:TO`` (ISO dates; an empty side keeps the default bound of
    ``ltvcli.schema.dates.plausible_window``) as (first, last) day."""
    if text is None:
        return None, None
    usage = Message(
        "--date-range expects FROM:TO such as 1970-01-01:2100-12-31, not {text!r}", text=text
    )
    if not isinstance(text, str) or text.count(":") != 1:
        raise ConfigError(usage)
    sides = [side.strip() for side in text.split(":")]
    try:
        first, last = (dt.date.fromisoformat(side) if side else None for side in sides)
    except ValueError:
        raise ConfigError(usage) from None
    from ltvcli.schema.dates import plausible_window

    start, end = plausible_window(first, last)
    if start > end:
        raise ConfigError(
            Message(
                "--date-range {text!r}: the first day {start} is after the last {end}",
                text=text,
                start=start,
                end=end,
            )
        )
    return first, last


def _check_timezone(zone: str | None) -> None:
    if zone is None:
        return
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            Message("unknown time zone {zone!r} (use a name like Europe/Moscow or UTC)", zone=zone)
        ) from None


def _check_region(options: LoadOptions) -> LoadOptions:
    if options.phone_region is None:
        return options
    import phonenumbers

    region = options.phone_region.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(
            Message(
                "unknown phone region {region!r} (use a country code like RU or US)",
                region=options.phone_region,
            )
        )
    return replace(options, phone_region=region)


def analysis_settings(config: str | None = None, **flags: object) -> tuple[Settings, str | None]:
    """Settings from ``ltv.toml``'s ``[analysis]`` section, overridden by the given flags; and
    the spend file (``--spend``, else ``spend`` in ``[analysis]``, relative to the config
    file's folder, so that a cron job finds it from anywhere)."""
    path = find_config(config)
    values = dict(_read_toml(path).get("analysis", {})) if path else {}
    if path and isinstance(values.get("spend"), str):
        values["spend"] = str(path.parent / os.path.expanduser(str(values["spend"])))
    values.update({k: v for k, v in flags.items() if v is not None})
    spend = values.pop("spend", None)
    _known_keys("analysis", values, [f.name for f in fields(Settings)] + ["spend"], path)
    for name in ("as_of", "since", "until"):
        if isinstance(text := values.get(name), str):
            values[name] = _day(text, "--" + name.replace("_", "-"))
    if "margin" in values:
        values["margin"] = parse_rate(values["margin"], "--margin")
    for name in ("cac", "service_cost"):
        if name in values:
            values[name] = money_cents(values[name], "--" + name.replace("_", "-"))
    # the values' types are Settings' to check (it refuses a bad one with the flag's name)
    return Settings(**values), None if spend is None else str(spend)  # type: ignore[arg-type]


OUTPUT_KEYS = ("lang", "format")


def output_defaults(config: str | None = None) -> dict[str, str]:
    """``ltv.toml``'s ``[output]`` section: the language and format when no flag gives them."""
    path = find_config(config)
    values = dict(_read_toml(path).get("output", {})) if path else {}
    return {k: str(v) for k, v in values.items()}


def _day(text: str, flag: str) -> dt.date:
    """``2024-12-31`` or ``31.12.2024`` (the day-first dotted date of Russian and German
    exports); an error quotes what was given."""
    iso = text
    if match := re.fullmatch(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*", text):
        iso = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"
    try:
        return parse_day(iso, flag)
    except ConfigError:
        raise ConfigError(
            Message(
                "{flag} expects a date like 2024-12-31 or 31.12.2024, not {text!r}",
                flag=flag,
                text=text,
            )
        ) from None


def parse_rate(value: object, flag: str) -> float:
    """A rate given as ``0.35``, ``0,35`` or ``35%``; a number above 1 without ``%`` is
    refused (``--margin 30`` is ambiguous), as Settings refuses it."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%").replace(",", "."))
    except ValueError:
        raise ConfigError(
            Message(
                "{flag} is a rate such as 0.3, 0,3 or 30%, not {value!r}", flag=flag, value=value
            )
        ) from None
    return number / 100 if percent else number


def money_cents(value: object, flag: str) -> int:
    """A money amount given on the command line or in ltv.toml (``1500``, ``1 500,50``)."""
    import pyarrow as pa

    from ltvcli.schema.money import parse_money

    parsed = parse_money(pa.array([str(value)]))
    cents: int | None = parsed.cents[0].as_py()
    if parsed.invalid.any() or cents is None or cents < 0:
        raise ConfigError(
            Message(
                "{flag} expects an amount such as 1500 or 1500.50, not {value!r}",
                flag=flag,
                value=value,
            )
        )
    return cents


SECTIONS = ("columns", "analysis", "output", "input")


def _read_toml(path: Path) -> dict[str, dict[str, object]]:
    """The config file, its sections and the keys of ``[output]`` checked (a misspelled
    section is an error that names the nearest valid one, never ignored)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            Message("{path}: not valid TOML ({error})", path=str(path), error=str(exc))
        ) from None
    for name, section in data.items():
        if not isinstance(section, dict):
            raise ConfigError(
                Message(
                    "{path}: {name} = ... is outside any section; put it under one of [{sections}]",
                    path=str(path),
                    name=name,
                    sections="], [".join(SECTIONS),
                )
            )
        if name not in SECTIONS:
            raise ConfigError(
                Message(
                    "{path}: unknown section [{name}]{nearest}",
                    path=str(path),
                    name=name,
                    nearest=_nearest(name, SECTIONS),
                )
            )
    _known_keys("output", data.get("output", {}), OUTPUT_KEYS, path)
    return data


def _known_keys(
    section: str, values: dict[str, object], known: Sequence[str], path: Path | None = None
) -> None:
    for key in sorted(set(values) - set(known)):
        nearest = _nearest(key, known)
        raise ConfigError(
            Message(
                "{path}: [{section}] has no key {key!r}{nearest}",
                path=str(path),
                section=section,
                key=key,
                nearest=nearest,
            )
            if path
            else Message(
                "[{section}] has no key {key!r}{nearest}",
                section=section,
                key=key,
                nearest=nearest,
            )
        )


def _nearest(name: str, known: Sequence[str]) -> Message:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return Message(" (did you mean {name!r}?)", name=close[0])
    return Message("; known: {names}", names=", ".join(known))


def _from_file(path: Path, options: LoadOptions) -> LoadOptions:
    data = _read_toml(path)
    columns = data.get("columns", {})
    _known_keys("columns", columns, MAPPED_FIELDS, path)
    section = data.get("input", {})
    allowed = (
        "encoding", "delimiter", "sheet", "dayfirst", "timezone", "currency", "include_open",
        "no_link", "phone_region", "date_range",
    )  # fmt: skip
    _known_keys("input", section, allowed, path)
    columns = {k: str(v) for k, v in columns.items()}
    return replace(options, columns=columns, **section)  # type: ignore[arg-type]  # as above
