"""ltv forecast: the periods add up to the models' expectation over the horizon, the forecast
of the published CDNOW holdout is right, and customers yet to come are counted as an
independent integral counts them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from helpers import loads
from helpers.paths import SAMPLE
from scipy.integrate import quad

from ltvcli.analysis import analyse
from ltvcli.load import load_orders
from ltvcli.models import gammagamma
from ltvcli.models.expected import expected_purchases
from ltvcli.models.forecast import forecast_table, parse_new_customers
from ltvcli.models.predict import Forecast
from ltvcli.models.summary import summarise
from ltvcli.models.uncertainty import Interval
from ltvcli.options import load_options
from ltvcli.settings import Settings

CUTOFF = dt.date(1997, 9, 30)  # the published calibration period ends here; the data, 39 weeks on


@pytest.fixture(scope="module")
def sample():
    return analyse(load_orders(str(SAMPLE / "orders.csv"), load_options(None, {})), Settings())


@pytest.fixture(scope="module")
def cdnow():
    return loads.cdnow()


def test_the_periods_add_up_to_the_expectation_over_the_horizon(sample):
    table, models, _ = forecast_table(sample, Forecast(interval=Interval()), "month")
    periods, total = table.iloc[:-1], table.iloc[-1]
    assert len(periods) == 12 and periods["days"].sum() == 365 and total["period"] == "(total)"
    summary = summarise(sample.customers, "week")
    orders = expected_purchases(
        models.module, models.count.vector(), 365 / 7, summary.x, summary.t_x, summary.T
    )
    aov = gammagamma.expected_spend(models.spend.vector(), summary.x, np.nan_to_num(summary.m))
    assert periods["repeat_orders"].sum() == pytest.approx(orders.sum(), rel=1e-9)
    assert total["revenue"] == pytest.approx(round(float(orders @ aov) * 100), abs=len(periods))
    assert (periods["revenue_low"] <= periods["revenue"]).all()
    assert (periods["revenue"] <= periods["revenue_high"]).all()


def test_the_cdnow_holdout_forecast(cdnow):
    """Fitted on the calibration period, the 39 weeks after: the forecast is the published
    model's (FHL 2005's parameters give 1,653.9 purchases), and the 1,882 purchase days that
    happened are 12 % above it, as FHL's tracking plot shows BG/NBD falling behind on this
    sample. The bounds hold the parameters' and the future's uncertainty, not a wrong model:
    the actual lies above BG/NBD's, within Pareto/NBD's."""
    calibration = analyse(cdnow, Settings(as_of=CUTOFF))
    orders = cdnow.orders
    day = orders["ordered_at"].dt.date
    known = set(orders.loc[day <= CUTOFF, "customer"])
    later = orders[(day > CUTOFF) & orders["customer"].isin(known)]
    actual = later.groupby("customer")["ordered_at"].apply(lambda d: d.dt.date.nunique()).sum()
    assert actual == 1882
    totals = {}
    for model in ("bgnbd", "pareto"):
        plan = Forecast(model=model, horizon="273d", interval=Interval(0.9, seed=1))
        table, _, _ = forecast_table(calibration, plan, "month")
        totals[model] = table.iloc[-1]
    bg, pareto = totals["bgnbd"], totals["pareto"]
    assert bg["repeat_orders"] == pytest.approx(1653.9, rel=2e-3)
    assert (actual - bg["repeat_orders"]) / actual == pytest.approx(0.12, abs=0.01)
    assert bg["repeat_orders_high"] < actual
    assert pareto["repeat_orders_low"] <= actual <= pareto["repeat_orders_high"]


def test_customers_yet_to_come_are_an_integral_over_acquisition_days(sample):
    per_month = 300
    table, models, _ = forecast_table(
        sample, Forecast(horizon="6m"), "month", per_month / (365.25 / 12)
    )
    params, horizon = models.count.vector(), float(table.iloc[-1]["days"])
    rate = per_month / (365.25 / 12)

    def repeats(age_days: float) -> float:
        return float(expected_purchases(models.module, params, age_days / 7, *np.zeros((3, 1)))[0])

    repeat, _ = quad(lambda u: repeats(horizon - u), 0, horizon, limit=200)
    assert table.iloc[-1]["acquired"] == pytest.approx(rate * horizon)
    assert table.iloc[-1]["acquired_orders"] == pytest.approx(rate * (horizon + repeat), rel=2e-3)
    total = table.iloc[-1]
    assert total["total_revenue"] == total["revenue"] + total["acquired_revenue"]


@pytest.mark.parametrize(
    ("text", "per_day"),
    [("300", 300 / (365.25 / 12)), ("300/month", 300 / (365.25 / 12)), ("70/week", 10.0),
     ("2,5/day", 2.5), ("observed", "observed"), (None, None)],
)  # fmt: skip
def test_new_customer_rates(text, per_day):
    got = parse_new_customers(text)
    assert got == (pytest.approx(per_day) if isinstance(per_day, float) else per_day)


def test_a_bad_rate_is_a_usage_error():
    from ltvcli.errors import ConfigError

    with pytest.raises(ConfigError, match="300/month"):
        parse_new_customers("many")


def test_the_cdnow_tracking_numbers_are_the_papers(cdnow):
    """FHL 2005's tracking plot: 2,457 repeat purchases in the 39 calibration weeks, 4,339 by
    week 78; the model's cumulative expectation follows the calibration and falls behind after."""
    from ltvcli.models.holdout import holdout_check

    check = holdout_check(cdnow, Settings(), CUTOFF, dt.date(1998, 6, 30), "bgnbd", "week")
    track = check.tracking
    assert len(track) == 78 and track["actual"].sum() == 4339
    calibration = track[track["week"] <= "1997-09-30"]
    assert calibration["actual"].sum() == 2457
    assert calibration["expected"].sum() == pytest.approx(2457, rel=0.03)
    assert track["expected_cumulative"].iloc[-1] == pytest.approx(2457 + 1653.4 + 50, rel=0.02)


def test_p_alive_grid_is_the_models_p_alive(sample):
    from ltvcli.models.diagnostics import p_alive_grid
    from ltvcli.models.predict import fit_models

    summary = summarise(sample.customers, "week")
    models = fit_models(summary)
    purchases, recency, alive = p_alive_grid(models, summary, sample.customers.iloc[summary.rows])
    assert alive.shape == (len(purchases), len(recency)) and purchases[0] == 0
    T = summary.T.max()
    assert alive[0, 0] == pytest.approx(
        float(
            models.module.p_alive(models.count.vector(), np.zeros(1), np.zeros(1), np.array([T]))[0]
        )
    )
    assert (np.diff(alive[5], axis=0) >= -1e-12).all()  # a later last purchase: more likely alive
