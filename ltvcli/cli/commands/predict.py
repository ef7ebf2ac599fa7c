"""``ltv predict``: P(alive), expected orders, predicted LTV; the model summary; the holdout check."""

from typing import Annotated

import typer

from ltvcli.cli.app import app
from ltvcli.cli.common import (
    MODEL,
    OUTPUT,
    AnalysisRequest,
    Debug,
    DiscountRate,
    Format,
    Horizon,
    ModelName,
    Output,
    Quiet,
    Sort,
    TimeUnit,
    Top,
    command,
    show,
    show_document,
)


@command(app, "predict")
def predict(
    analysis: AnalysisRequest,
    model: ModelName = "bgnbd",
    horizon: Horizon = "12m",
    discount_rate: DiscountRate = 0.0,
    time_unit: TimeUnit = "week",
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
    fmt: Format = None,
    output: Output = None,
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
        ltv predict orders.csv --summary --format json
        ltv predict orders.csv --holdout 90d --model auto
        ltv predict orders.csv --save-model model.json
        ltv predict new_orders.csv --model-file model.json -o scores.csv
    """

    from ltvcli.errors import ConfigError
    from ltvcli.models import store
    from ltvcli.models.holdout import choose_model, holdout_check, holdout_cutoff
    from ltvcli.models.predict import MODELS, Forecast, forecast_customers, parse_horizon
    from ltvcli.models.summary import UNIT_DAYS

    if time_unit not in UNIT_DAYS:
        raise ConfigError(f"--time-unit is one of {', '.join(UNIT_DAYS)}")
    if model != "auto" and model not in MODELS:
        raise ConfigError(f"--model is one of {', '.join(MODELS)}, auto")
    parse_horizon(horizon)  # a bad horizon is a usage error before any work
    prepared = analysis.prepare()
    result = analysis.run(prepared)
    end = result.as_of_date
    if holdout or model == "auto":
        cutoff = holdout_cutoff(holdout or "90d", end)
        loaded, settings, _ = prepared
        if model == "auto":
            model, checks = choose_model(loaded, settings, cutoff, end, time_unit)
        else:
            checks = {model: holdout_check(loaded, settings, cutoff, end, model, time_unit)}
        if holdout:
            show_holdout(checks, model, fmt, output)
            return
    plan = Forecast(model, horizon, discount_rate, time_unit)
    table, models = forecast_customers(result, plan, store.load(model_file) if model_file else None)
    if save_model:
        store.save(models, save_model, end.isoformat())
    if not quiet:
        import sys

        for note in models.notes:
            print(f"ltv: {note}", file=sys.stderr)
    if summary:
        show_summary(models, end.isoformat(), fmt, output)
        return
    show_predictions(result, table, models, plan, (sort, top), fmt, output)


def show_predictions(result, table, models, plan, order, fmt, output) -> None:
    from ltvcli.customers import CUSTOMER_COLUMNS, select_customers
    from ltvcli.definition import kinds, labels
    from ltvcli.models.predict import margin_rate, prediction_columns
    from ltvcli.render.result import Result

    base = result.customers.loc[table.index, ["currency", "customer", "orders", "net_revenue"]]
    frame = base.join(plan.columns(table)).reset_index(drop=True)
    if frame["currency"].isna().all():
        frame = frame.drop(columns="currency")
    sort, top = order
    frame = select_customers(frame, list(frame.columns), sort=sort, top=top)
    definitions = CUSTOMER_COLUMNS + prediction_columns(plan.label)
    rate = margin_rate(result.customers, result.settings.margin, result.margin_known)
    basis = f"margin rate {rate:.3g}" if rate is not None else "revenue (no margin known)"
    notes = [
        f"{models.count.model} + {'gamma-gamma' if models.spend else 'own average spend'}; "
        f"as of {result.as_of_date}; horizon {plan.label}; predicted LTV on {basis}"
    ]
    show(Result(frame, kinds(definitions), labels(definitions), "Predictions", notes), fmt, output)


def show_summary(models, as_of, fmt, output) -> None:
    import pandas as pd

    from ltvcli.models.store import describe
    from ltvcli.render.result import Result

    document = describe(models, as_of)
    rows = []
    for part in (models.count, models.spend):
        if part is None:
            continue
        for name, value in part.params.items():
            rows.append({"model": part.model, "parameter": name, "value": value,
                         "std_error": part.std_errors.get(name)})  # fmt: skip
    kinds = {"model": "text", "parameter": "text", "value": "precise", "std_error": "precise"}
    notes = [
        f"{models.count.model}: log-likelihood {models.count.log_likelihood:,.2f}, AIC "
        f"{models.count.aic:,.2f}, {models.count.customers:,} customers, time unit {models.unit}"
    ]
    show_document(
        document, [Result(pd.DataFrame(rows), kinds, title="Model", notes=notes)], fmt, output
    )


def show_holdout(checks, chosen, fmt, output) -> None:
    import pandas as pd

    from ltvcli.definition import kinds, labels
    from ltvcli.models.holdout import HOLDOUT_METRICS, VERDICT_WORDS, verdict
    from ltvcli.render.result import Result

    check = checks[chosen]
    words = verdict(check.report, check.bins)
    report = check.report | {"verdict": words}
    document = {"holdout": report | {"bins": check.bins.to_dict("records")}}
    if len(checks) > 1:
        document["models"] = {n: c.report["mae"] for n, c in checks.items()}
    bins_kinds = {
        "repeat_purchases": "text", "customers": "count", "actual_mean": "number",
        "predicted_mean": "number",
    }  # fmt: skip
    bins_labels = {
        "repeat_purchases": "Repeat purchases in calibration", "customers": "Customers",
        "actual_mean": "Actual, mean", "predicted_mean": "Predicted, mean",
    }  # fmt: skip
    results = [
        Result(
            pd.DataFrame([report]),
            kinds(HOLDOUT_METRICS),
            labels(HOLDOUT_METRICS),
            "Holdout check",
            [VERDICT_WORDS[words]],
            record=True,
        ),
        Result(check.bins, bins_kinds, bins_labels, "Actual vs predicted purchases in the holdout"),
    ]
    show_document(document, results, fmt, output)
