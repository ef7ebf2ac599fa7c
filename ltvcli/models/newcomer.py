"""What a newly acquired customer is worth, and the most one may pay to acquire one.

A new customer's value over the horizon = their first order (the average first order of the
group's customers) plus the predicted LTV of a customer with no history yet (x = t_x = T = 0:
the purchase model's expected purchases, discounted as predicted LTV is, times the spend
model's population mean order value p·γ/(q − 1)), both on margin when the margin rate is known.
Per acquisition channel, the models are fitted on the channel's own customers when it has
enough repeat customers (else the whole population's stand in, and the note says so). The most
to pay for one = value / the target LTV:CAC (``--target-ratio``, 3 by default).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ltvcli.definition import Metric
from ltvcli.models.fit import FitError
from ltvcli.models.predict import (
    Forecast,
    Models,
    discounted_orders,
    expected_purchases,
    fit_models,
)
from ltvcli.models.summary import UNIT_DAYS, summarise

NEWCOMER_COLUMNS = (
    Metric("new_customer_value", "New customer's value", "money", "first order + predicted LTV of a customer with no history yet, from the segment's own fitted models (the population's when it has too few repeat customers), on margin when known (key new_customer_value_<horizon>)"),
    Metric("max_cac", "Most to pay per customer", "money", "new_customer_value / --target-ratio (3 by default): the CAC at which acquisition pays off at the target LTV:CAC (key max_cac_<horizon>)"),
)  # fmt: skip


@dataclass(frozen=True)
class Newcomer:
    """A group's new-customer value (currency) and whether its own models gave it."""

    value: float
    own_models: bool


def newcomer_value(
    customers: pd.DataFrame,
    plan: Forecast,
    margin_rate: float | None,
    population: Models,
) -> Newcomer:
    """The value of a new customer like the acquired ``customers`` (a group's)."""
    buyers = customers[customers["orders"] > 0]
    try:
        models, own = fit_models(summarise(buyers, plan.unit), plan.model), True
    except FitError:
        models, own = population, False
    unit = UNIT_DAYS[models.unit]
    params = models.count.vector()
    zero = np.zeros(1)
    if plan.discount_rate:
        orders = discounted_orders(
            models.module, params, plan.days, unit, plan.discount_rate, zero, zero, zero
        )[0]
    else:
        orders = expected_purchases(models.module, params, plan.days / unit, zero, zero, zero)[0]
    spend = models.spend if models.spend is not None else population.spend
    if spend is not None:
        p, q, gamma = spend.vector()
        order_value = float(p * gamma / (q - 1))
    else:  # no spend model anywhere: the group's average order value
        order_value = float(buyers["net_revenue"].sum() / buyers["orders"].sum()) / 100
    first = float(buyers["_first_day_cents"].mean()) / 100
    kept = 1.0 if margin_rate is None else margin_rate
    return Newcomer((first + float(orders) * order_value) * kept, own)
