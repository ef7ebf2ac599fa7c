"""Options every command shares, defined once, and the registrar that adds them to a command.

A command that takes ``request: LoadRequest`` gets all input and column-mapping flags added to
its signature; the registrar also wraps every command in the error boundary.
"""

import functools
import inspect
import sys
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Annotated

import typer

from ltvcli.cli.errors import handle_errors
from ltvcli.render.formats import OutputFormat

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

INPUT = "Input"
MAPPING = "Column mapping"
ANALYSIS = "Analysis"
OUTPUT = "Output"
ENGINE = "Engine"

Files = Annotated[
    list[str] | None,
    typer.Argument(
        help="Order files: CSV/TSV (also .gz .bz2 .xz .zst), Excel, Parquet files or dataset "
        "directories, globs; '-' or nothing with a pipe reads stdin.",
        show_default=False,
    ),
]
Format = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output format [default: table on a terminal, csv in a pipe, or from -o's extension].",
        rich_help_panel=OUTPUT,
        show_default=False,
    ),
]


def _output_path(value: str | None) -> str | None:
    """``-o -`` is stdout, as if no -o were given (the format then follows the terminal)."""
    if value is not None and not value.strip():
        raise typer.BadParameter("needs a file name")
    return None if value == "-" else value


Output = Annotated[
    str | None,
    typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of stdout.",
        rich_help_panel=OUTPUT, callback=_output_path,
    ),
]  # fmt: skip
Sort = Annotated[
    str | None,
    typer.Option("--sort", help="Sort by this column, largest first.", rich_help_panel=OUTPUT),
]
Top = Annotated[
    int | None,
    typer.Option(
        "--top", min=1, help="Keep the first N rows (after sorting).", rich_help_panel=OUTPUT
    ),
]
Columns = Annotated[
    str | None,
    typer.Option(
        "--columns", help="Comma-separated columns to show, in this order.", rich_help_panel=OUTPUT
    ),
]
By = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Segment by attribute column(s), comma-separated, or a derived key: rfm, frequency, "
        "ltv-tier, cohort, status.",
        rich_help_panel="Analysis",
    ),
]


def _choice(value: str | None, choices: tuple[str, ...]) -> str | None:
    """One of ``choices`` (any case), else a usage error that lists them."""
    if value is None or value.lower() in choices:
        return value and value.lower()
    raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")


PERIODS = ("week", "month", "quarter", "year")
Period = Annotated[
    str,
    typer.Option(
        "--period",
        help="Calendar period: week, month, quarter, year.",
        rich_help_panel="Analysis",
        callback=lambda value: _choice(value, PERIODS),
    ),
]
MODEL = "Model"
Predict = Annotated[
    bool,
    typer.Option(
        "--predict",
        help="Add the predictive model's numbers (see ltv predict).",
        rich_help_panel=MODEL,
    ),
]
ModelName = Annotated[
    str,
    typer.Option(
        "--model", help="bgnbd, mbgnbd or pareto (ltv predict: also auto).", rich_help_panel=MODEL
    ),
]
Horizon = Annotated[
    str, typer.Option("--horizon", help="How far ahead: 90d, 26w, 12m, 1y.", rich_help_panel=MODEL)
]
DiscountRate = Annotated[
    float,
    typer.Option(
        "--discount-rate",
        min=0,
        help="Annual discount rate of future revenue, e.g. 0.1.",
        rich_help_panel=MODEL,
    ),
]
TimeUnit = Annotated[
    str,
    typer.Option(
        "--time-unit", help="Time unit of the fit: day, week, month.", rich_help_panel=MODEL
    ),
]
# --predict and its options, added to a command that takes ``forecast`` (a Forecast or None).
FORECAST_FLAGS: dict[str, tuple[object, object]] = {
    "predict": (Predict, False),
    "model": (ModelName, "bgnbd"),
    "horizon": (Horizon, "12m"),
    "discount_rate": (DiscountRate, 0.0),
}
Debug = Annotated[
    bool, typer.Option("--debug", help="Show the full traceback on errors.", rich_help_panel=OUTPUT)
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Print nothing on stderr unless it fails.", rich_help_panel=OUTPUT
    ),
]


def _opt(*decls: str, help: str, panel: str = INPUT, **kw) -> typer.models.OptionInfo:
    return typer.Option(*decls, help=help, rich_help_panel=panel, show_default=False, **kw)


INPUT_FORMATS = ("csv", "parquet", "xlsx", "xls")


def _one_character(value: str | None) -> str | None:
    if value is None:
        return None
    if value in ("tab", "\\t"):
        return "\t"
    if len(value) != 1:
        raise typer.BadParameter(f"{value!r} is not one character (e.g. ';', ',', '|' or tab)")
    return value


# name -> (annotation, default). The flags of ltv.toml's [columns] and [input] sections.
LOAD_FLAGS: dict[str, tuple[object, object]] = {
    "customer": (Annotated[str | None, _opt("--customer", help="Column(s) that identify the customer, comma-separated, e.g. \"Customer ID,Email\" (linked) [default: every id, e-mail and phone column, linked].", panel=MAPPING)], None),
    "no_link": (Annotated[bool, _opt("--no-link", help="Key customers by the strongest identifier column only (rows sharing an e-mail or phone are not joined).", panel=MAPPING)], False),
    "phone_region": (Annotated[str | None, _opt("--phone-region", help="Country of phones written without one, e.g. RU, US [default: RU for Russian headers or +7 numbers].", panel=MAPPING)], None),
    "date": (Annotated[str | None, _opt("--date", help="Column with the order date.", panel=MAPPING)], None),
    "amount": (Annotated[str | None, _opt("--amount", help="Column with the order amount.", panel=MAPPING)], None),
    "order_id": (Annotated[str | None, _opt("--order-id", help="Column with the order id (lines with one id are one order).", panel=MAPPING)], None),
    "status_column": (Annotated[str | None, _opt("--status-column", help="Column with the order status.", panel=MAPPING)], None),
    "cost": (Annotated[str | None, _opt("--cost", help="Column with the cost of goods.", panel=MAPPING)], None),
    "currency_column": (Annotated[str | None, _opt("--currency-column", help="Column with the currency code.", panel=MAPPING)], None),
    "currency": (Annotated[str | None, _opt("--currency", help="Keep only this currency (e.g. RUB); names the currency when the file has none.")], None),
    "config": (Annotated[str | None, _opt("--config", help="Config file [default: ./ltv.toml if present].")], None),
    "encoding": (Annotated[str | None, _opt("--encoding", help="Text encoding [default: detected: UTF-8, UTF-8 BOM, UTF-16, cp1251].")], None),
    "delimiter": (Annotated[str | None, _opt("--delimiter", help="Field delimiter: one character, or tab [default: sniffed].", callback=_one_character)], None),
    "input_format": (Annotated[str | None, _opt("--input-format", help="csv, parquet, xlsx or xls [default: from the bytes].", callback=lambda value: _choice(value, INPUT_FORMATS))], None),
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


# The flags of ltv.toml's [analysis] section (ltvcli.settings.Settings), plus --spend.
ANALYSIS_FLAGS: dict[str, tuple[object, object]] = {
    "as_of": (Annotated[str | None, _opt("--as-of", help="End of the observation window, YYYY-MM-DD; later orders and refunds are ignored [default: the last order or refund date].", panel=ANALYSIS)], None),
    "since": (Annotated[str | None, _opt("--since", help="Ignore orders before this date.", panel=ANALYSIS)], None),
    "until": (Annotated[str | None, _opt("--until", help="Ignore orders after this date.", panel=ANALYSIS)], None),
    "margin": (Annotated[float | None, _opt("--margin", help="Margin rate when the file has no cost column, e.g. 0.3.", panel=ANALYSIS)], None),
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
ENGINE_FLAGS: dict[str, tuple[object, object]] = {
    "engine": (Annotated[str, _opt("--engine", help="auto, memory, stream or dask. auto streams an input too big for the memory limit; stream reads in blocks and spills to disk; dask reduces on a Dask cluster [default: auto].", panel=ENGINE)], "auto"),
    "memory_limit": (Annotated[str | None, _opt("--memory-limit", help="Memory the whole process may use when streaming, e.g. 1GB [default: half of the machine's memory].", panel=ENGINE)], None),
    "scheduler": (Annotated[str | None, _opt("--scheduler", help="Dask scheduler address for --engine dask, e.g. tcp://host:8786 [default: a local cluster].", panel=ENGINE, envvar="LTV_DASK_SCHEDULER")], None),
}  # fmt: skip


@dataclass
class LoadRequest:
    """The input files and load flags of one command invocation."""

    files: list[str]
    flags: dict[str, object]
    quiet: bool = False

    def options(self):
        from ltvcli.options import load_options

        flags = dict(self.flags)
        flags.pop("rejects")
        names = flags.pop("names")
        columns = {f: flags.pop(f) for f in ("customer", "date", "amount", "order_id", "cost")}
        columns["status"] = flags.pop("status_column")
        columns["currency"] = flags.pop("currency_column")
        return load_options(
            flags.pop("config"),
            columns,
            names=tuple(n.strip() for n in names.split(",")) if names else None,
            **flags,
        )

    def load(self):
        """Load the orders, write ``--rejects`` and warn on stderr about skipped rows."""
        from ltvcli.load import load_orders

        loaded = load_orders(self.files, self.options())
        self.finish(loaded.report)
        return loaded

    def finish(self, report) -> None:
        if self.flags.get("rejects"):
            from ltvcli.render.rejects import write_rejects

            write_rejects(report, self.flags["rejects"])
        if not self.quiet:
            warn_skipped(report)
            for warning in report.warnings:
                print(f"ltv: {warning}", file=sys.stderr)


@dataclass
class AnalysisRequest:
    """A load request plus the analysis flags: what ``ltvcli.analysis.analyse`` needs."""

    load: LoadRequest
    flags: dict[str, object]
    engine_flags: dict[str, object]

    def settings(self):
        """The analysis settings and the spend file."""
        from ltvcli.options import analysis_settings
        from ltvcli.spend import load_spend

        flags = dict(self.flags)
        spend = flags.pop("spend")
        settings = analysis_settings(self.load.flags.get("config"), **flags)
        return settings, load_spend(spend) if spend else None

    def engine(self, keep_ledger: bool = False):
        from ltvcli.engine.options import Engine, parse_size

        limit = self.engine_flags["memory_limit"]
        return Engine(
            kind=self.engine_flags["engine"],
            memory_limit=parse_size(limit) if limit else None,
            scheduler=self.engine_flags["scheduler"],
            keep_ledger=keep_ledger,
        )

    def prepare(self):
        """The loaded orders, the settings and the spend, before the analysis: for commands
        that analyse the same orders more than once (holdout checks), so in memory."""
        from ltvcli.errors import ConfigError

        if self.engine().kind in ("stream", "dask"):
            raise ConfigError(
                "this command reads the orders in memory; --engine stream and dask are for "
                "compute, customers, segments, intervals and cohorts"
            )
        return self.load.load(), *self.settings()

    def run(self, prepared=None, keep_ledger: bool = False):
        """The analysis, by the engine that --engine and the input's size call for."""
        from ltvcli.analysis import analyse

        engine = self._streaming_engine(keep_ledger) if prepared is None else None
        if engine is not None:
            analysis = self._analyse_streamed(engine)
        else:
            analysis = analyse(*(prepared or self.prepare()))
        self._say(analysis.notes)
        return analysis

    @contextmanager
    def stream_customers(self, fmt, output: str | None):
        """The customer table a slice at a time (``ltvcli.analysis.stream_customers``) when the
        orders stream and the output is written a slice at a time (csv, tsv, parquet); else
        None: the command holds the table."""
        from ltvcli.analysis import stream_customers
        from ltvcli.cli.progress import progress_bar
        from ltvcli.render.formats import OutputFormat, choose_format

        sliced = (OutputFormat.csv, OutputFormat.tsv, OutputFormat.parquet)
        engine = self._streaming_engine()
        if engine is None or choose_format(fmt, output, sys.stdout.isatty()) not in sliced:
            yield None
            return
        settings, _ = self.settings()
        with ExitStack() as stack:
            with progress_bar(self.load.quiet) as progress:
                stream = stack.enter_context(
                    stream_customers(
                        self.load.files, self.load.options(), settings, engine, progress
                    )
                )
            self.load.finish(stream.report)
            self._say(stream.notes)
            yield stream

    def _streaming_engine(self, keep_ledger: bool = False):
        """The engine when the orders are to stream (--engine, or too big for --memory-limit);
        None when they are read in memory."""
        from ltvcli.io.stream import in_memory_bytes

        engine = self.engine(keep_ledger)
        size = in_memory_bytes(self.load.files) if engine.kind == "auto" else None
        return engine if engine.streams(size) else None

    def _analyse_streamed(self, engine):
        from ltvcli.analysis import analyse_files
        from ltvcli.cli.progress import progress_bar

        settings, spend = self.settings()
        with progress_bar(self.load.quiet) as progress:
            analysis, report = analyse_files(
                self.load.files, self.load.options(), settings, spend, engine, progress
            )
        self.load.finish(report)
        return analysis

    def _say(self, notes: list[str]) -> None:
        if not self.load.quiet:
            for note in notes:
                print(f"ltv: {note}", file=sys.stderr)


def comma_list(value: str | None, flag: str) -> list[str] | None:
    """``--by city,channel`` as a list; a value with no name in it (``--by ,``) is a usage error."""
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    if not names:
        from ltvcli.errors import ConfigError

        raise ConfigError(f"{flag} {value!r} names no column")
    return names


def warn_skipped(report) -> None:
    data_skips = {r: n for r, n in report.skipped.items() if r not in ("blank line", "empty row")}
    if not data_skips:
        return
    total = sum(data_skips.values())
    parts = ", ".join(
        f"{reason}: {n}" for reason, n in sorted(data_skips.items(), key=lambda x: -x[1])
    )
    print(f"ltv: skipped {total} rows ({parts}); details: ltv inspect", file=sys.stderr)
    if "date out of range" in data_skips:
        print(
            "ltv:   dates outside the window (by default 1990-01-01 to tomorrow) are taken for "
            "placeholders; --date-range FROM:TO sets it",
            file=sys.stderr,
        )
    for example in report.bad_values()[:3]:
        print(f"ltv:   {example}", file=sys.stderr)


def show(result, fmt: OutputFormat | None, output: str | None) -> None:
    """Render a result: the format from --format, -o's extension, or the terminal."""
    from ltvcli.render.emit import emit
    from ltvcli.render.formats import choose_format

    terminal = sys.stdout.isatty()
    emit(result, choose_format(fmt, output, terminal), output, sys.stdout, terminal)


def show_document(
    document: dict, results: list, fmt: OutputFormat | None, output: str | None
) -> None:
    """Render a report of several tables (JSON: the document as a whole)."""
    from ltvcli.render.emit import emit_document
    from ltvcli.render.formats import choose_format

    terminal = sys.stdout.isatty()
    emit_document(
        document, results, choose_format(fmt, output, terminal), output, sys.stdout, terminal
    )


def files_or_stdin(files: list[str] | None) -> list[str]:
    if files:
        return files
    if not sys.stdin.isatty():
        return ["-"]
    raise typer.BadParameter("give an order file, or '-' to read stdin", param_hint="FILES")


def command(app: typer.Typer, name: str):
    """Register ``func`` as a command: shared load flags added, errors handled at one boundary."""

    def register(func):
        sig = inspect.signature(func)
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in sig.parameters.values()]
        takes_analysis = "analysis" in sig.parameters
        takes_request = "request" in sig.parameters or takes_analysis
        takes_forecast = "forecast" in sig.parameters
        params = [p for p in own if p.name not in ("request", "analysis", "forecast")]
        flags = {**LOAD_FLAGS, **({**ANALYSIS_FLAGS, **ENGINE_FLAGS} if takes_analysis else {})}
        if takes_request:
            params = _with_files(params) + _flag_parameters(flags)
        if takes_forecast:
            params += _flag_parameters(FORECAST_FLAGS)

        @functools.wraps(func)
        def wrapper(**kwargs):
            debug = bool(kwargs.get("debug"))
            with handle_errors(debug):
                if takes_request:
                    files = files_or_stdin(kwargs.pop("files"))
                    load_flags = {n: kwargs.pop(n) for n in LOAD_FLAGS}
                    request = LoadRequest(files, load_flags, bool(kwargs.get("quiet")))
                    if takes_analysis:
                        own_flags = {n: kwargs.pop(n) for n in ANALYSIS_FLAGS}
                        engine_flags = {n: kwargs.pop(n) for n in ENGINE_FLAGS}
                        kwargs["analysis"] = AnalysisRequest(request, own_flags, engine_flags)
                    else:
                        kwargs["request"] = request
                if takes_forecast:
                    kwargs["forecast"] = forecast_plan(*(kwargs.pop(n) for n in FORECAST_FLAGS))
                return func(**kwargs)

        wrapper.__signature__ = sig.replace(parameters=params)
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        app.command(name, context_settings=CONTEXT)(wrapper)
        return func

    return register


def _flag_parameters(flags: dict[str, tuple[object, object]]) -> list[inspect.Parameter]:
    return [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a)
        for n, (a, d) in flags.items()
    ]


def forecast_plan(predict: bool, model: str, horizon: str, discount_rate: float):
    """``--predict`` and its options as a ``Forecast`` (checked now), or None without it."""
    if not predict:
        return None
    from ltvcli.errors import ConfigError
    from ltvcli.models.predict import MODELS, Forecast, parse_horizon

    if model not in MODELS:
        raise ConfigError(f"--model is one of {', '.join(MODELS)}")
    parse_horizon(horizon)
    return Forecast(model, horizon, discount_rate)


def _with_files(params: list[inspect.Parameter]) -> list[inspect.Parameter]:
    files = inspect.Parameter(
        "files", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Files
    )
    return [files, *params]
