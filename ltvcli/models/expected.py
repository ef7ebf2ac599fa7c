"""What a customer is expected to do under one set of parameters: P(alive), purchases over a
horizon (discounted or not) and the value of an order; every prediction and bound is made of these.
"""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np

from ltvcli.models import gammagamma


def expectations(
    module: ModuleType,
    params: np.ndarray,
    horizon_days: int,
    unit: float,
    discount_rate: float,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(alive), expected orders over the horizon, and the orders that count for the predicted
    LTV (discounted when ``discount_rate``), under one set of parameters."""
    alive = module.p_alive(params, x, t_x, T)
    orders = expected_purchases(module, params, horizon_days / unit, x, t_x, T, alive)
    value = (
        discounted_orders(module, params, horizon_days, unit, discount_rate, x, t_x, T, alive)
        if discount_rate
        else orders
    )
    return alive, orders, value


def expected_order_value(
    spend: np.ndarray | None, x: np.ndarray, m: np.ndarray, own_mean: np.ndarray
) -> np.ndarray:
    """Expected order value: Gamma-Gamma's, else the customer's own average."""
    if spend is not None:
        return gammagamma.expected_spend(spend, x, np.nan_to_num(m))
    aov: np.ndarray = np.where(x > 0, m, own_mean)
    return aov


def expected_purchases(
    module: ModuleType,
    params: np.ndarray,
    t: float | np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    alive: np.ndarray | None = None,
) -> np.ndarray:
    """Conditional expected purchases (``alive``: P(alive), when known already); where the
    hypergeometric series overflows (very heavy buyers far in the future) the posterior
    rate × P(alive) × t stands in."""
    alive = module.p_alive(params, x, t_x, T) if alive is None else alive
    value: np.ndarray = module.expected_if_alive(params, t, x, T) * alive
    bad = ~np.isfinite(value) | (value < 0)
    if bad.any():
        r, alpha = params[0], params[1]
        value = np.where(bad, (r + x) / (alpha + T) * t * alive, value)
    return value


def discounted_orders(
    module: ModuleType,
    params: np.ndarray,
    horizon_days: int,
    unit: float,
    rate: float,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    alive: np.ndarray | None = None,
) -> np.ndarray:
    """Expected orders in each month of the horizon, discounted to the as-of date."""
    alive = module.p_alive(params, x, t_x, T) if alive is None else alive
    steps = max(1, math.ceil(horizon_days / 30.4375))
    edges = np.linspace(0, horizon_days, steps + 1)
    total = np.zeros(len(x))
    previous = np.zeros(len(x))
    for end in edges[1:]:
        cumulative = expected_purchases(module, params, end / unit, x, t_x, T, alive)
        total += (cumulative - previous) / (1 + rate) ** (end / 365.25)
        previous = cumulative
    return total
