"""MBG/NBD (Batislam, Denizel & Filiztekin 2007; Wagner & Hoppe 2008): BG/NBD where a customer
can also drop out right after the first purchase, so one-time buyers are not all alive."""

from __future__ import annotations

from functools import partial

from ltvcli.models import betageo

NAME = "mbgnbd"
PARAMS = betageo.PARAMS
START = betageo.START
COVARIATES = betageo.COVARIATES

log_likelihood = partial(betageo.log_likelihood, shift=1)
p_alive = partial(betageo.p_alive, shift=1)
expected = partial(betageo.expected, shift=1)
expected_if_alive = partial(betageo.expected_if_alive, shift=1)
log_likelihood_and_gradient = partial(betageo.log_likelihood_and_gradient, shift=1)
future = partial(betageo.future, shift=1)
