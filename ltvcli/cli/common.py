"""Options every command shares, defined once, and the registrar that adds a command.

Single flags are ``Annotated`` types a command names in its signature; flags that build one
value together (the input, the analysis, the forecast) are the option groups of
``ltvcli.cli.groups``, which a command lists when it registers.
"""

import datetime as dt
import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar, cast

import typer

from ltvcli.cli.errors import handle_errors, language, say, speak
from ltvcli.messages import Message, translate
from ltvcli.render.formats import OutputFormat, extension_format
from ltvcli.render.i18n import LANGUAGES

if TYPE_CHECKING:
    from ltvcli.results import Chart, Result
    from ltvcli.schema.report import LoadReport

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
    """``-o -`` is stdout, as if no -o were given (the format then follows the terminal); a
    template is checked now, filled once the as-of date is known (``fill_output``)."""
    if value is not None and not value.strip():
        raise typer.BadParameter(translate(Message("needs a file name"), language()))
    if value is not None:
        from ltvcli.errors import ConfigError

        try:
            fill_output(value, dt.date(2000, 1, 1), dt.date(2000, 1, 1))
        except ConfigError as error:
            raise typer.BadParameter(
                error.say(language()).removeprefix(f"-o {value!r}: ")
            ) from None
    return None if value == "-" else value


def fill_output(template: str, as_of: dt.date | None, today: dt.date | None = None) -> str:
    """``reports/ltv-{as_of:%Y-%m-%d}.html`` → ``reports/ltv-2025-06-30.html``. Only
    ``{as_of:FORMAT}`` and ``{today:FORMAT}`` with strftime codes: no attributes, no indexes, no
    conversions, and nothing that would put a path separator or a control character in a name."""
    import string

    from ltvcli.errors import ConfigError

    dates = {"as_of": as_of, "today": today or dt.date.today()}
    out = []
    try:
        for text, name, spec, conversion in string.Formatter().parse(template):
            out.append(text)
            if name is None:
                continue
            if name not in dates or conversion or "{" in (spec or ""):
                raise ConfigError(
                    Message("{{{name}}} is not {{as_of:...}} or {{today:...}}", name=name)
                )
            date = dates[name]
            if date is None:
                raise ConfigError(Message("this command has no as-of date; use {{today:...}}"))
            value = date.strftime(spec) if spec else date.isoformat()
            if any(ch in value for ch in "/\\") or any(ord(ch) < 32 for ch in value):
                raise ConfigError(
                    Message(
                        "{{{name}:{spec}}} makes a path separator or a control character",
                        name=name,
                        spec=spec,
                    )
                )
            out.append(value)
    except (ValueError, ConfigError) as exc:  # strftime's, or the rules above
        why = exc.args[0] if isinstance(exc, ConfigError) else str(exc)
        raise ConfigError(
            Message(
                "-o {template!r}: only {{as_of:FORMAT}} and {{today:FORMAT}} can be filled in "
                "({why})",
                template=template,
                why=why,
            )
        ) from None
    return "".join(out)


Output = Annotated[
    str | None,
    typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of stdout; {as_of:%Y-%m-%d} and {today:...} are filled in.",
        rich_help_panel=OUTPUT, callback=_output_path,
    ),
]  # fmt: skip
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="en or ru: the language of tables, notes and reports for people (CSV, JSON and "
        "Parquet stay the same) [default: ltv.toml's [output] lang, else the locale].",
        rich_help_panel=OUTPUT,
        callback=lambda value: _speaking(choice(value, LANGUAGES)),
        is_eager=True,  # first: the other flags' errors are said in it
    ),
]
Excel = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for Excel in a comma-decimal locale: ';' between cells, decimal commas, a "
        "UTF-8 byte-order mark [default: for .csv files when ltv.toml's [output] lang is ru].",
        rich_help_panel=OUTPUT,
    ),
]
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
ProductColumn = Annotated[
    str | None,
    typer.Option(
        "--product-column",
        help="Column with the product of each order line.",
        rich_help_panel="Input",
    ),
]
SkuColumn = Annotated[
    str | None,
    typer.Option(
        "--sku-column",
        help="Column with the SKU (article) of each order line.",
        rich_help_panel="Input",
    ),
]
CategoryColumn = Annotated[
    str | None,
    typer.Option(
        "--category-column",
        help="Column with the category of each order line.",
        rich_help_panel="Input",
    ),
]


def line_columns(product: str | None, sku: str | None, category: str | None) -> dict[str, str]:
    """The order-line columns the flags name (the others are found by their headers)."""
    named = {"product": product, "sku": sku, "category": category}
    return {slot: column for slot, column in named.items() if column}


Columns = Annotated[
    str | None,
    typer.Option(
        "--columns",
        help="Comma-separated columns to show, in this order; 'all': every column, also on a "
        "terminal (which otherwise shows the most important columns that fit).",
        rich_help_panel=OUTPUT,
    ),
]
By = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Segment by attribute column(s), comma-separated, or a derived key: rfm, frequency "
        "(purchases a month), orders (order count), ltv-tier, cohort, status, main-category "
        "(the category of most of the customer's spend, from the order lines).",
        rich_help_panel="Analysis",
    ),
]


def choice(value: str | None, choices: tuple[str, ...]) -> str | None:
    """One of ``choices`` (any case), else a usage error that lists them."""
    if value is None or value.lower() in choices:
        return value and value.lower()
    message = Message("{value!r} is not one of {choices}", value=value, choices=", ".join(choices))
    raise typer.BadParameter(translate(message, language()))


def _speaking(lang: str | None) -> str | None:
    """``--lang`` read before the other flags, so that their usage errors are in it."""
    speak(lang)
    return lang


PERIODS = ("week", "month", "quarter", "year")
Period = Annotated[
    str,
    typer.Option(
        "--period",
        help="Calendar period: week, month, quarter, year.",
        rich_help_panel="Analysis",
        callback=lambda value: choice(value, PERIODS),
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
Plot = Annotated[
    str | None,
    typer.Option(
        "--plot",
        help="Write the command's charts to this folder, SVG and PNG (predict: whether to "
        "believe the model — actual vs expected repeat purchases in the last 90 days or "
        "--holdout, by calibration purchases, P(alive) over every history; forecast: revenue "
        "per period with its bounds).",
        rich_help_panel=OUTPUT,
    ),
]
IntervalLevel = Annotated[
    float | None,
    typer.Option(
        "--interval",
        min=0.5,
        max=0.99,
        help="Bounds at this level, e.g. 0.9 (the 5 % and 95 % quantiles): of each customer's "
        "expected values under the fitted parameters' uncertainty, of totals over simulated "
        "futures.",
        rich_help_panel=MODEL,
    ),
]
Bootstrap = Annotated[
    int,
    typer.Option(
        "--bootstrap",
        min=0,
        help="With --interval: draw the parameters by refitting on N resamples of the customers "
        "instead of from the fitted covariance (slower; no normal approximation).",
        rich_help_panel=MODEL,
    ),
]
Covariates = Annotated[
    str | None,
    typer.Option(
        "--covariates",
        help="Customer columns of the first order (channel,city...) whose levels move the "
        "models' purchase, dropout and spend parameters; --summary shows each effect.",
        rich_help_panel=MODEL,
    ),
]
TargetRatio = Annotated[
    float,
    typer.Option(
        "--target-ratio",
        min=0.1,
        help="The LTV:CAC to aim at: by acquisition channel, the most to pay per new customer "
        "is their value over the horizon / this.",
        rich_help_panel=MODEL,
    ),
]
Seed = Annotated[
    int,
    typer.Option(
        "--seed",
        help="Seed of the draws and simulations: the same seed, the same bounds.",
        rich_help_panel=MODEL,
    ),
]
TimeUnit = Annotated[
    str,
    typer.Option(
        "--time-unit", help="Time unit of the fit: day, week, month.", rich_help_panel=MODEL
    ),
]
Debug = Annotated[
    bool, typer.Option("--debug", help="Show the full traceback on errors.", rich_help_panel=OUTPUT)
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Print nothing on stderr unless it fails.", rich_help_panel=OUTPUT
    ),
]


def flag_parameter(flag: str) -> str:
    """The parameter a flag fills: ``--status-column`` -> ``status_column``."""
    return flag.removeprefix("--").replace("-", "_")


def comma_list(value: str | None, flag: str) -> list[str] | None:
    """``--by city,channel`` as a list; a value with no name in it (``--by ,``) is a usage error."""
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    if not names:
        from ltvcli.errors import ConfigError

        raise ConfigError(Message("{flag} {value!r} names no column", flag=flag, value=value))
    return names


def warn_skipped(report: "LoadReport") -> None:
    from ltvcli.schema.report import Skip

    data_skips = {
        r: n for r, n in report.skipped.items() if r not in ("blank line", Skip.EMPTY_ROW)
    }
    if not data_skips:
        return
    from ltvcli.render.i18n import Words

    words = Words(language(), None)
    counts = sorted(data_skips.items(), key=lambda x: -x[1])
    parts = "; ".join(f"{words.value(reason)}: {words.count(n)}" for reason, n in counts)
    total = sum(data_skips.values())
    say(Message("skipped {total:,} rows ({parts}); details: ltv inspect", total=total, parts=parts))
    if Skip.DATE_OUT_OF_RANGE in data_skips:
        say(
            Message(
                "  dates outside the window (by default 1990-01-01 to tomorrow) are taken for "
                "placeholders; --date-range FROM:TO sets it"
            )
        )
    for example in report.bad_values()[:3]:
        say(Message("  {example}", example=example.say(language())))


def show(
    result: "Result",
    fmt: OutputFormat | None,
    output: str | None,
    as_of: dt.date | None = None,
    excel: bool = False,
    lang: str | None = None,
) -> None:
    """Render a result: the format from --format, -o's extension, or the terminal; ``-o``'s
    template filled with ``as_of``; ``excel``: CSV for Excel (``--excel``); ``lang``: the
    language of a table for people (default: the locale's)."""
    from ltvcli.render.emit import emit
    from ltvcli.render.formats import choose_format
    from ltvcli.render.i18n import Words, default_language

    output = fill_output(output, as_of) if output else output
    terminal = sys.stdout.isatty()
    words = Words(lang or default_language(), None)
    emit(result, choose_format(fmt, output, terminal), output, sys.stdout, terminal, excel, words)


def show_document(
    document: dict[str, object],
    results: "list[Result]",
    fmt: OutputFormat | None,
    output: str | None,
    as_of: dt.date | None = None,
) -> None:
    """Render a report of several tables (JSON: the document as a whole), in the run's
    language."""
    from ltvcli.render.emit import emit_document
    from ltvcli.render.formats import choose_format
    from ltvcli.render.i18n import Words

    output = fill_output(output, as_of) if output else output
    terminal = sys.stdout.isatty()
    fmt = choose_format(fmt, output, terminal)
    emit_document(document, results, fmt, output, sys.stdout, terminal, Words(language(), None))


def write_charts(folder: str, charts: "list[Chart]", quiet: bool) -> None:
    """Each chart as NAME.svg and NAME.png in ``folder`` (made when missing), in the run's
    language; one line on stderr says so (not with ``quiet``)."""
    from pathlib import Path

    from ltvcli.io.atomic import atomic_output
    from ltvcli.render.i18n import Words
    from ltvcli.render.report.charts import draw

    words = Words(language(), None)
    Path(folder).mkdir(parents=True, exist_ok=True)
    for chart in charts:
        for fmt in ("svg", "png"):
            name = Path(folder) / f"{chart.title.replace('_', '-')}.{fmt}"
            with atomic_output(name, "wb") as handle:
                handle.write(draw(chart, words, fmt))
    if not quiet:
        say(Message("wrote {charts} to {folder}", charts=words.plural(len(charts), "charts"),
                    folder=folder))  # fmt: skip


def files_or_stdin(files: list[str] | None) -> list[str]:
    if files:
        return files
    if not sys.stdin.isatty():
        return ["-"]
    message = Message("give an order file, or '-' to read stdin")
    raise typer.BadParameter(translate(message, language()), param_hint="FILES")


def _output_defaults(kwargs: dict[str, object]) -> dict[str, object]:
    """``--format`` and ``--lang`` not given: ``ltv.toml``'s ``[output]`` says (flags win);
    with ``lang = "ru"`` a ``.csv`` file is written for Excel (``--excel``)."""
    output = cast(str | None, kwargs.get("output"))
    wanted: list[str] = [k for k in ("fmt", "lang") if k in kwargs and kwargs[k] is None]
    if kwargs.get("excel") is False and extension_format(output) is OutputFormat.csv:
        wanted.append("excel")
    if not wanted:
        return kwargs
    from ltvcli.options import output_defaults

    defaults = output_defaults(cast(str | None, kwargs.get("config")))  # --config's value
    if "fmt" in wanted and "format" in defaults and not extension_format(output):  # -o's wins
        formats = [f.value for f in OutputFormat]
        if defaults["format"] not in formats:
            from ltvcli.errors import ConfigError

            raise ConfigError(
                Message("ltv.toml: [output] format is one of {formats}", formats=", ".join(formats))
            )
        kwargs["fmt"] = OutputFormat(defaults["format"])
    if "lang" in wanted and "lang" in defaults:
        if defaults["lang"] not in LANGUAGES:
            from ltvcli.errors import ConfigError

            raise ConfigError(
                Message("ltv.toml: [output] lang is one of {langs}", langs=", ".join(LANGUAGES))
            )
        kwargs["lang"] = defaults["lang"]
    if "excel" in wanted and defaults.get("lang") == "ru":
        kwargs["excel"] = True
    return kwargs


Command = TypeVar("Command", bound=Callable[..., object])


def command(
    app: typer.Typer,
    name: str,
    *groups: Callable[[Callable[..., object]], Callable[..., object]],
) -> Callable[[Command], Command]:
    """Register ``func`` as the command ``name``, with the option groups it takes (applied in
    this order: their flags follow the command's own), errors handled at one boundary."""

    def register(func: Command) -> Command:
        wrapped: Callable[..., object] = func
        for group in groups:
            wrapped = group(wrapped)

        @functools.wraps(wrapped)
        def run(**kwargs: object) -> object:
            speak(cast(str | None, kwargs.get("lang")))  # the locale's until ltv.toml is read
            with handle_errors(bool(kwargs.get("debug"))):
                kwargs = _output_defaults(kwargs)
                speak(cast(str | None, kwargs.get("lang")))
                return wrapped(**kwargs)

        app.command(name, context_settings=CONTEXT)(run)
        return func

    return register
