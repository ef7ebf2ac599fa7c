"""What a command's input and analysis flags ask for, and how to run it (load, analyse,
stream), with the notes and warnings on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from ltvcli.cli.common import flag_parameter, warn_skipped
from ltvcli.cli.errors import say
from ltvcli.cli.memory import reuse_freed_memory
from ltvcli.fields import FIELDS
from ltvcli.messages import Message

if TYPE_CHECKING:
    from ltvcli.analysis import Analysis, CustomerStream
    from ltvcli.engine.options import Engine
    from ltvcli.load import Loaded
    from ltvcli.options import LoadOptions
    from ltvcli.render.formats import OutputFormat
    from ltvcli.schema.report import LoadReport
    from ltvcli.settings import Settings
    from ltvcli.spend import Spend

    # What ``AnalysisRequest.prepare`` gives: the loaded orders, the settings and the spend.
    Prepared = tuple[Loaded, Settings, Spend | None]

# The values in ``flags`` are what Typer parsed for the flags' annotations in
# ``ltvcli.cli.groups`` (str | None for the text flags): the casts below say so.


@dataclass
class LoadRequest:
    """The input files and load flags of one command invocation."""

    files: list[str]
    flags: dict[str, object]
    quiet: bool = False
    lines: dict[str, str] | None = None  # order lines kept, with the columns flags named

    def options(self) -> LoadOptions:
        from ltvcli.options import load_options

        flags = dict(self.flags)
        flags.pop("rejects")
        names = cast(str | None, flags.pop("names"))
        columns = {
            f.name: cast(str | None, flags.pop(flag_parameter(f.flag))) for f in FIELDS if f.flag
        }
        options = load_options(
            cast(str | None, flags.pop("config")),
            columns,
            names=tuple(n.strip() for n in names.split(",")) if names else None,
            **flags,
        )
        if self.lines is None:
            return options
        return replace(options, keep_lines=True, line_columns=self.lines)

    def load(self) -> Loaded:
        """Load the orders, write ``--rejects`` and warn on stderr about skipped rows."""
        from ltvcli.load import load_orders

        reuse_freed_memory()  # the whole run is in memory
        loaded = load_orders(self.files, self.options())
        self.finish(loaded.report)
        return loaded

    def finish(self, report: LoadReport) -> None:
        if self.flags.get("rejects"):
            from ltvcli.render.rejects import write_rejects

            write_rejects(report, cast(str, self.flags["rejects"]))
        if not self.quiet:
            warn_skipped(report)
            for warning in report.warnings:
                say(warning)


@dataclass
class AnalysisRequest:
    """A load request plus the analysis flags: what ``ltvcli.analysis.analyse`` needs."""

    load: LoadRequest
    flags: dict[str, object]
    engine_flags: dict[str, object]

    def settings(self) -> tuple[Settings, Spend | None]:
        """The analysis settings and the spend file."""
        from ltvcli.options import analysis_settings
        from ltvcli.spend import load_spend

        config = cast(str | None, self.load.flags.get("config"))
        settings, spend = analysis_settings(config, **self.flags)
        return settings, load_spend(spend) if spend else None

    def engine(self, keep_ledger: bool = False) -> Engine:
        from ltvcli.engine.options import Engine, parse_size

        limit = cast(str | None, self.engine_flags["memory_limit"])
        return Engine(
            kind=cast(str, self.engine_flags["engine"]),
            memory_limit=parse_size(limit) if limit else None,
            scheduler=cast(str | None, self.engine_flags["scheduler"]),
            keep_ledger=keep_ledger,
        )

    def prepare(self) -> Prepared:
        """The loaded orders, the settings and the spend, before the analysis: for commands
        that analyse the same orders more than once (holdout checks), so in memory."""
        from ltvcli.errors import ConfigError

        if self.engine().kind in ("stream", "dask"):
            raise ConfigError(
                Message(
                    "this command reads the orders in memory; --engine stream and dask are for "
                    "compute, customers, segments, intervals and cohorts"
                )
            )
        return self.load.load(), *self.settings()

    def run(self, prepared: Prepared | None = None, keep_ledger: bool = False) -> Analysis:
        """The analysis, by the engine that --engine and the input's size call for."""
        from ltvcli.analysis import analyse

        engine = self._streaming_engine(keep_ledger) if prepared is None else None
        if engine is not None:
            analysis = self._analyse_streamed(engine)
        else:
            analysis = analyse(*(prepared or self.prepare()), keep_ledger=keep_ledger)
        self._say(analysis.notes)
        return analysis

    @contextmanager
    def stream_customers(
        self, fmt: OutputFormat | None, output: str | None
    ) -> Iterator[CustomerStream | None]:
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

    def _streaming_engine(self, keep_ledger: bool = False) -> Engine | None:
        """The engine when the orders are to stream (--engine, or too big for --memory-limit);
        None when they are read in memory."""
        from ltvcli.io.stream import in_memory_bytes

        engine = self.engine(keep_ledger)
        size = in_memory_bytes(self.load.files) if engine.kind == "auto" else None
        return engine if engine.streams(size) else None

    def _analyse_streamed(self, engine: Engine) -> Analysis:
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
                say(note)
