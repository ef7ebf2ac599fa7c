"""Option groups: flags that a command takes together and receives as one value.

A command lists the groups it takes when it registers (``command(app, "segments",
analysis_options, forecast_options)``); each group replaces the command's parameter of its name
(``request``, ``analysis``, ``forecast``) by its flags and passes the value they build. The
column-mapping flags come from ``ltvcli.fields.FIELDS``: a new field is one edit there.
"""

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from ltvcli.cli.common import (
    ANALYSIS,
    ENGINE,
    INPUT,
    MAPPING,
    Bootstrap,
    Covariates,
    DiscountRate,
    Files,
    Horizon,
    IntervalLevel,
    ModelName,
    Predict,
    Seed,
    TargetRatio,
    choice,
    files_or_stdin,
    flag_parameter,
)
from ltvcli.cli.errors import language
from ltvcli.cli.requests import AnalysisRequest, LoadRequest
from ltvcli.fields import FIELDS
from ltvcli.messages import Message, translate

if TYPE_CHECKING:
    from ltvcli.models.predict import Forecast

Flags = dict[str, tuple[object, object]]  # parameter name -> (annotation, default)


def _opt(*decls: str, help: str, panel: str = INPUT, **kw: Any) -> typer.models.OptionInfo:
    option: typer.models.OptionInfo = typer.Option(
        *decls, help=help, rich_help_panel=panel, show_default=False, **kw
    )
    return option


INPUT_FORMATS = ("csv", "parquet", "xlsx", "xls")


def _one_character(value: str | None) -> str | None:
    if value is None:
        return None
    if value in ("tab", "\\t"):
        return "\t"
    if len(value) != 1:
        message = Message("{value!r} is not one character (e.g. ';', ',', '|' or tab)", value=value)
        raise typer.BadParameter(translate(message, language()))
    return value


# How customers are keyed from the customer column(s); in --help after --customer.
LINK_FLAGS: Flags = {
    "no_link": (Annotated[bool, _opt("--no-link", help="Key customers by the strongest identifier column only (rows sharing an e-mail or phone are not joined).", panel=MAPPING)], False),
    "phone_region": (Annotated[str | None, _opt("--phone-region", help="Country of phones written without one, e.g. RU, US [default: RU for Russian headers or +7 numbers].", panel=MAPPING)], None),
}  # fmt: skip


def _mapping_flags() -> Flags:
    """A flag per mapped field of ``FIELDS`` (ltv.toml's [columns]), the linking flags after
    ``--customer``."""
    flags: Flags = {}
    for field in FIELDS:
        if field.flag:
            option = _opt(field.flag, help=field.flag_help, panel=MAPPING)
            flags[flag_parameter(field.flag)] = (Annotated[str | None, option], None)
        if field.name == "customer":
            flags |= LINK_FLAGS
    return flags


# How to read the files: the flags of ltv.toml's [input] section.
INPUT_FLAGS: Flags = {
    "currency": (Annotated[str | None, _opt("--currency", help="Keep only this currency (e.g. RUB); names the currency when the file has none.")], None),
    "config": (Annotated[str | None, _opt("--config", help="Config file [default: ./ltv.toml if present].")], None),
    "encoding": (Annotated[str | None, _opt("--encoding", help="Text encoding [default: detected: UTF-8, UTF-8 BOM, UTF-16, cp1251].")], None),
    "delimiter": (Annotated[str | None, _opt("--delimiter", help="Field delimiter: one character, or tab [default: sniffed].", callback=_one_character)], None),
    "input_format": (Annotated[str | None, _opt("--input-format", help="csv, parquet, xlsx or xls [default: from the bytes].", callback=lambda value: choice(value, INPUT_FORMATS))], None),
    "sheet": (Annotated[str | None, _opt("--sheet", help="Excel sheet name or number [default: the first].")], None),
    "no_header": (Annotated[bool, _opt("--no-header", help="The file has no header row.")], False),
    "names": (Annotated[str | None, _opt("--names", help="Comma-separated column names for a file without a header.")], None),
    "dayfirst": (Annotated[bool | None, _opt("--dayfirst/--monthfirst", help="Read 03/04/2024 as 3 April / as March 4 [default: decided from the data].")], None),
    "timezone": (Annotated[str | None, _opt("--timezone", help="Convert timestamps with UTC offsets to this zone, e.g. Europe/Moscow [default: the wall time as written].")], None),
    "date_range": (Annotated[str | None, _opt("--date-range", help="Orders dated outside FROM:TO are skipped as out of range, e.g. 1970-01-01:2100-12-31; an empty side keeps its default [default: 1990-01-01:tomorrow].")], None),
    "include_open": (Annotated[bool, _opt("--include-open", help="Count open and pending orders as sales.")], False),
    "strict": (Annotated[bool, _opt("--strict", help="Fail on the first unparseable value instead of skipping the row.")], False),
    "rejects": (Annotated[str | None, _opt("--rejects", help="Write rows with unreadable values (file, row, reason, cells) to this CSV file.")], None),
}  # fmt: skip


LOAD_FLAGS: Flags = _mapping_flags() | INPUT_FLAGS


# The flags of ltv.toml's [analysis] section (ltvcli.settings.Settings), plus --spend.
ANALYSIS_FLAGS: Flags = {
    "as_of": (Annotated[str | None, _opt("--as-of", help="End of the observation window, YYYY-MM-DD; later orders and refunds are ignored [default: the last order or refund date].", panel=ANALYSIS)], None),
    "since": (Annotated[str | None, _opt("--since", help="Ignore orders before this date.", panel=ANALYSIS)], None),
    "until": (Annotated[str | None, _opt("--until", help="Ignore orders after this date.", panel=ANALYSIS)], None),
    "margin": (Annotated[str | None, _opt("--margin", help="Margin rate when the file has no cost column, e.g. 0.3, 0,3 or 30%.", panel=ANALYSIS)], None),
    "service_cost": (Annotated[str | None, _opt("--service-cost", help="Cost to serve one order, subtracted from the margin.", panel=ANALYSIS)], None),
    "cac": (Annotated[str | None, _opt("--cac", help="Acquisition cost per new customer (flat).", panel=ANALYSIS)], None),
    "spend": (Annotated[str | None, _opt("--spend", help="Marketing spend file (period or date, optional channel, amount): CAC = spend / customers acquired.", panel=ANALYSIS)], None),
    "ltv_basis": (Annotated[str | None, _opt("--ltv-basis", help="LTV for LTV:CAC: formula-margin, formula-revenue, historical-margin, historical-revenue [default: formula on margin when known].", panel=ANALYSIS)], None),
    "new_days": (Annotated[int | None, _opt("--new-days", help="A customer is new for this many days after the first order [default: 30].", panel=ANALYSIS)], None),
    "churn_window": (Annotated[int | None, _opt("--churn-window", help="Days of silence after which a customer is lapsed; the window of churn and frequency [default: 365].", panel=ANALYSIS)], None),
    "risk_factor": (Annotated[float | None, _opt("--risk-factor", help="At risk when silent longer than this many times the customer's median interval [default: 2].", panel=ANALYSIS)], None),
    "lifespan": (Annotated[float | None, _opt("--lifespan", help="Customer lifespan in years for formula LTV [default: 1 / churn].", panel=ANALYSIS)], None),
    "max_lifespan": (Annotated[float | None, _opt("--max-lifespan", help="Cap on the lifespan from churn, years [default: 10].", panel=ANALYSIS)], None),
    "attr": (Annotated[str | None, _opt("--attr", help="Segment attributes from the customer's first or last order, or the most frequent value (mode) [default: first].", panel=ANALYSIS)], None),
}  # fmt: skip


# How the reduce runs (ltvcli.engine.options.Engine).
ENGINE_FLAGS: Flags = {
    "engine": (Annotated[str, _opt("--engine", help="auto, memory, stream or dask. auto streams an input too big for the memory limit; stream reads in blocks and spills to disk; dask reduces on a Dask cluster [default: auto].", panel=ENGINE)], "auto"),
    "memory_limit": (Annotated[str | None, _opt("--memory-limit", help="Memory the whole process may use when streaming, e.g. 1GB [default: half of the machine's memory].", panel=ENGINE)], None),
    "scheduler": (Annotated[str | None, _opt("--scheduler", help="Dask scheduler address for --engine dask, e.g. tcp://host:8786 [default: a local cluster].", panel=ENGINE, envvar="LTV_DASK_SCHEDULER")], None),
}  # fmt: skip


# --predict and its options.
FORECAST_FLAGS: Flags = {
    "predict": (Predict, False),
    "model": (ModelName, "bgnbd"),
    "horizon": (Horizon, "12m"),
    "discount_rate": (DiscountRate, 0.0),
    "interval": (IntervalLevel, None),
    "bootstrap": (Bootstrap, 0),
    "seed": (Seed, 0),
    "target_ratio": (TargetRatio, 3.0),
    "covariates": (Covariates, None),
}


@dataclass(frozen=True)
class OptionGroup:
    """Flags that build one value: a decorator that replaces the command's parameter
    ``parameter`` by the flags (after the command's own; the files argument first) and passes
    ``build(flag values, the command's other arguments)`` in its place."""

    parameter: str
    flags: Flags
    build: Callable[[dict[str, object], dict[str, object]], object]
    files: bool = False

    def __call__(self, func: Callable[..., object]) -> Callable[..., object]:
        signature = inspect.signature(func)
        own = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in signature.parameters.values()
            if p.name != self.parameter
        ]
        flags: Flags = {"files": (Files, None)} if self.files else {}
        flags |= self.flags
        added = [_parameter(n, a, d) for n, (a, d) in flags.items()]
        params = added[:1] + own + added[1:] if self.files else own + added

        @functools.wraps(func)
        def wrapper(**kwargs: object) -> object:
            values = {n: kwargs.pop(n) for n in flags}
            return func(**kwargs, **{self.parameter: self.build(values, kwargs)})

        # a function takes any attribute; the stubs' _Wrapped does not declare inspect's
        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        return wrapper


def _parameter(name: str, annotation: object, default: object) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _load_request(values: dict[str, object], command: dict[str, object]) -> LoadRequest:
    flags = {n: values[n] for n in LOAD_FLAGS}
    files = cast(list[str] | None, values["files"])
    return LoadRequest(files_or_stdin(files), flags, bool(command.get("quiet")))


def _analysis_request(values: dict[str, object], command: dict[str, object]) -> AnalysisRequest:
    return AnalysisRequest(
        _load_request(values, command),
        {n: values[n] for n in ANALYSIS_FLAGS},
        {n: values[n] for n in ENGINE_FLAGS},
    )


def forecast_plan(
    model: str,
    horizon: str,
    discount_rate: float,
    interval: float | None = None,
    bootstrap: int = 0,
    seed: int = 0,
    unit: str = "week",
    target_ratio: float = 3.0,
    covariates: str | None = None,
) -> "Forecast":
    """The forecast flags as a ``Forecast``, checked now (usage errors before any work)."""
    from ltvcli.errors import ConfigError
    from ltvcli.models.predict import MODELS, Forecast, parse_horizon
    from ltvcli.models.uncertainty import Interval

    if model not in MODELS:
        raise ConfigError(
            Message("{flag} is one of {choices}", flag="--model", choices=", ".join(MODELS))
        )
    parse_horizon(horizon)
    if bootstrap and interval is None:
        raise ConfigError(
            Message("--bootstrap draws the bounds of --interval: give --interval 0.9")
        )
    columns = tuple(c.strip() for c in (covariates or "").split(",") if c.strip())
    bounds = Interval(interval, bootstrap=bootstrap, seed=seed) if interval is not None else None
    return Forecast(model, horizon, discount_rate, unit, bounds, target_ratio, columns)


def _forecast(values: dict[str, object], command: dict[str, object]) -> "Forecast | None":
    if not values["predict"]:
        return None
    return forecast_plan(
        cast(str, values["model"]),
        cast(str, values["horizon"]),
        cast(float, values["discount_rate"]),
        cast(float | None, values["interval"]),
        cast(int, values["bootstrap"]),
        cast(int, values["seed"]),
        target_ratio=cast(float, values["target_ratio"]),
        covariates=cast(str | None, values["covariates"]),
    )


# The input files and how to read them: ``request: LoadRequest``.
input_options = OptionGroup("request", LOAD_FLAGS, _load_request, files=True)
# The input, the analysis flags and the engine: ``analysis: AnalysisRequest``.
analysis_options = OptionGroup(
    "analysis", LOAD_FLAGS | ANALYSIS_FLAGS | ENGINE_FLAGS, _analysis_request, files=True
)
# --predict and its model: ``forecast: Forecast | None``.
forecast_options = OptionGroup("forecast", FORECAST_FLAGS, _forecast)
