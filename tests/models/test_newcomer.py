"""What a new customer is worth per channel: an independent formula of the BG/NBD paper, the
population's models for a channel too small for its own, and the most to pay for one."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from helpers.paths import SAMPLE
from scipy.special import hyp2f1

from ltvcli import tables
from ltvcli.analysis import analyse
from ltvcli.load import load_orders
from ltvcli.models.newcomer import newcomer_value
from ltvcli.models.predict import Forecast, fit_models, margin_rate
from ltvcli.models.summary import summarise
from ltvcli.options import load_options
from ltvcli.settings import Settings

ORDERS = str(SAMPLE / "orders.csv")


@pytest.fixture(scope="module")
def sample():
    return analyse(load_orders(ORDERS, load_options(None, {})), Settings())


def _new_customer_purchases(params: np.ndarray, t: float) -> float:
    """E[X(t)] of a new BG/NBD customer (Fader, Hardie & Lee 2005, eq. 9), written out."""
    r, alpha, a, b = params
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


def test_a_channels_new_customer_is_its_first_order_and_the_papers_expectation(sample):
    plan = Forecast(horizon="12m")
    c = sample.customers
    channel = c[(c["channel"] == "instagram") & (c["orders"] > 0)]
    population = fit_models(summarise(c, "week"))
    own = fit_models(summarise(channel, "week"))
    rate = margin_rate(c, None, sample.margin_known)
    p, q, gamma = own.spend.vector()
    first = channel["_first_day_cents"].mean() / 100
    expected = first + _new_customer_purchases(own.count.vector(), 365 / 7) * p * gamma / (q - 1)
    worth = newcomer_value(channel, plan, rate, population)
    assert worth.own_models and worth.value == pytest.approx(expected * rate, rel=1e-9)


def test_a_channel_too_small_for_its_own_models_takes_the_populations(sample):
    c = sample.customers
    few = c[c["orders"] > 0].head(15)  # fewer than 20 repeat customers
    population = fit_models(summarise(c, "week"))
    worth = newcomer_value(few, Forecast(), None, population)
    p, q, gamma = population.spend.vector()
    repeat = _new_customer_purchases(population.count.vector(), 365 / 7) * p * gamma / (q - 1)
    assert not worth.own_models
    assert worth.value == pytest.approx(few["_first_day_cents"].mean() / 100 + repeat, rel=1e-9)


def test_the_most_to_pay_is_the_value_over_the_target_ratio(sample, run_cli):
    table = tables.newcomers(
        sample, Forecast(target_ratio=4.0), fit_models(summarise(sample.customers))
    )
    frame = table.frame
    assert list(frame["segment"])[-1] == "(total)" and len(frame) == 6
    assert (frame["max_cac_12m"] - frame["new_customer_value_12m"] / 4).abs().max() <= 0.5
    assert any("pay at most" in note for note in table.notes)
    result = run_cli("segments", ORDERS, "--predict", "--target-ratio", "4", "-f", "csv", "-q")
    segments = pd.read_csv(io.StringIO(result.stdout))
    shown = segments.set_index("channel")["max_cac_12m"]
    assert shown["instagram"] == pytest.approx(
        frame.set_index("segment").loc["instagram", "max_cac_12m"] / 100, abs=0.01
    )
