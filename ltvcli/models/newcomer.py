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
from ltvcli.models import gammagamma
from ltvcli.models.expected import expectations
from ltvcli.models.fit import FitError
from ltvcli.models.predict import Forecast, Models, fit_models
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
    zero = np.zeros(1)
    orders = sum(  # with the population's covariates, the mix of the group's levels
        group.share(len(buyers))
        * expectations(
            models.module, group.count, plan.days, UNIT_DAYS[models.unit], plan.discount_rate,
            zero, zero, zero,
        )[2][0]
        for group in models.groups(buyers)
    )  # fmt: skip
    value = order_value(models if models.spend is not None else population, buyers)
    first = float(buyers["_first_day_cents"].mean()) / 100
    kept = 1.0 if margin_rate is None else margin_rate
    return Newcomer((first + float(orders) * value) * kept, own)


def order_value(models: Models, buyers: pd.DataFrame) -> float:
    """A new customer's expected order value (currency): Gamma-Gamma's population mean (with
    covariates, the mix of the ``buyers``' groups' means), else, without a spend model, the
    ``buyers``' average order value."""
    if models.spend is not None:
        return sum(
            group.share(len(buyers)) * gammagamma.population_spend(group.spend)
            for group in models.groups(buyers)
            if group.spend is not None
        )
    return float(buyers["net_revenue"].sum() / buyers["orders"].sum()) / 100
