"""``ltv predict``: P(alive), expected orders, predicted LTV; the model summary; the holdout check."""

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    MODEL,
    OUTPUT,
    Bootstrap,
    Covariates,
    Debug,
    DiscountRate,
    Excel,
    Format,
    Horizon,
    IntervalLevel,
    Lang,
    ModelName,
    Output,
    Plot,
    Quiet,
    Seed,
    Sort,
    TimeUnit,
    Top,
    command,
    show,
    show_document,
    write_charts,
)
from ltvcli.cli.errors import language, say
from ltvcli.cli.groups import analysis_options, forecast_plan
from ltvcli.cli.requests import AnalysisRequest
from ltvcli.messages import Message

if TYPE_CHECKING:
    from ltvcli.analysis import Analysis
    from ltvcli.cli.requests import Prepared
    from ltvcli.models.holdout import Holdout
    from ltvcli.models.predict import Forecast, Models


@command(app, "predict", analysis_options)
def predict(
    analysis: AnalysisRequest,
    model: ModelName = "bgnbd",
    horizon: Horizon = "12m",
    discount_rate: DiscountRate = 0.0,
    time_unit: TimeUnit = "week",
    interval: IntervalLevel = None,
    bootstrap: Bootstrap = 0,
    seed: Seed = 0,
    covariates: Covariates = None,
    holdout: Annotated[
        str | None,
        typer.Option(
            "--holdout",
            help="Check the model: fit on the orders up to this date (inclusive), or on all but the last 90d, 26w..., and compare with what customers did after.",
            rich_help_panel=MODEL,
        ),
    ] = None,
    sort: Sort = None,
    top: Top = None,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="Print the fitted model (parameters, standard errors, log-likelihood, AIC) instead of the customers.",
            rich_help_panel=OUTPUT,
        ),
    ] = False,
    save_model: Annotated[
        str | None,
        typer.Option(
            "--save-model", help="Write the fitted model to this JSON file.", rich_help_panel=MODEL
        ),
    ] = None,
    model_file: Annotated[
        str | None,
        typer.Option(
            "--model-file",
            help="Score with a model saved earlier instead of fitting one.",
            rich_help_panel=MODEL,
        ),
    ] = None,
    plot: Plot = None,
    fmt: Format = None,
    output: Output = None,
    excel: Excel = False,
    lang: Lang = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Predicted LTV per customer (BG/NBD, MBG/NBD, Pareto/NBD + Gamma-Gamma); --holdout.

    Each customer's P(alive), expected orders and order value over the horizon, predicted LTV
    (discounted, on margin when known) and the expected next order.

    Purchase counts: BG/NBD, MBG/NBD or Pareto/NBD; spend: Gamma-Gamma. --as-of is the end
    of what the model sees.

    Examples:

        ltv predict orders.csv --horizon 12m --sort predicted_ltv_12m --top 20
        ltv predict orders.csv --interval 0.9 --top 20
        ltv predict orders.csv --covariates channel,city --summary
        ltv predict orders.csv --summary --format json
        ltv predict orders.csv --holdout 90d --model auto
        ltv predict orders.csv --save-model model.json
        ltv predict new_orders.csv --model-file model.json -o scores.csv
        ltv predict orders.csv --plot charts/
    """
    from ltvcli import tables
    from ltvcli.errors import ConfigError
    from ltvcli.models import store
    from ltvcli.models.holdout import choose_model, holdout_check, holdout_cutoff
    from ltvcli.models.predict import MODELS, forecast_customers, parse_horizon
    from ltvcli.models.summary import UNIT_DAYS

    if time_unit not in UNIT_DAYS:
        raise ConfigError(
            Message("{flag} is one of {choices}", flag="--time-unit", choices=", ".join(UNIT_DAYS))
        )
    if model != "auto" and model not in MODELS:
        raise ConfigError(
            Message(
                "{flag} is one of {choices}", flag="--model", choices=", ".join([*MODELS, "auto"])
            )
        )
    parse_horizon(horizon)  # a bad horizon is a usage error before any work
    plan = forecast_plan(
        model if model != "auto" else "bgnbd", horizon, discount_rate, interval, bootstrap, seed,
        time_unit, covariates=covariates,
    )  # fmt: skip
    if plan.covariates and model_file:
        raise ConfigError(
            Message("--covariates cannot be combined with --model-file: a saved model has its own")
        )
    prepared = analysis.prepare()
    result = analysis.run(prepared)
    end = result.as_of_date
    checks: dict[str, Holdout] = {}
    if holdout or model == "auto":
        cutoff = holdout_cutoff(holdout or "90d", end)
        loaded, settings, _ = prepared
        if model == "auto":
            model, checks = choose_model(loaded, settings, cutoff, end, time_unit, plan.covariates)
        else:
            checks = {
                model: holdout_check(
                    loaded, settings, cutoff, end, model, time_unit, plan.covariates
                )
            }
        if holdout:
            show_document(*tables.holdout(checks, model), fmt, output, end)
            return
    plan = replace(plan, model=model)
    table, models = forecast_customers(result, plan, store.load(model_file) if model_file else None)
    if save_model:
        store.save(models, save_model, end)
    if not quiet:
        for note in models.notes + models.bounds_notes():
            say(note)
    if summary:
        show_document(*tables.model_summary(models, end), fmt, output, end)
        return
    if plot:
        check = checks.get(model) or _check(prepared, end, plan, quiet)
        _plot(plot, result, models, check, quiet)
        return
    show(
        tables.predictions(result, table, models, plan, sort, top),
        fmt,
        output,
        end,
        excel=excel,
        lang=lang,
    )


def _check(prepared: "Prepared", end: dt.date, plan: "Forecast", quiet: bool) -> "Holdout | None":
    """The holdout check of the last 90 days for the tracking charts; None (and a note) when
    the data is too short for one."""
    from ltvcli.models.fit import FitError
    from ltvcli.models.holdout import holdout_check, holdout_cutoff

    loaded, settings, _ = prepared
    try:
        cutoff = holdout_cutoff("90d", end)
        return holdout_check(loaded, settings, cutoff, end, plan.model, plan.unit, plan.covariates)
    except FitError as error:
        if not quiet:
            say(Message("no tracking charts: {why}", why=error.say(language())))
        return None


def _plot(
    folder: str, analysis: "Analysis", models: "Models", check: "Holdout | None", quiet: bool
) -> None:
    from ltvcli.report import diagnostic_charts

    write_charts(folder, diagnostic_charts(analysis, models, check), quiet)
