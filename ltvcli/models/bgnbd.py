"""BG/NBD (Fader, Hardie & Lee 2005): Poisson purchases while alive, Gamma(r, α) rates; after
each purchase a customer drops out with probability p ~ Beta(a, b)."""

from __future__ import annotations

from functools import partial

from ltvcli.models import betageo

NAME = "bgnbd"
PARAMS = betageo.PARAMS
START = betageo.START
COVARIATES = betageo.COVARIATES

log_likelihood = partial(betageo.log_likelihood, shift=0)
p_alive = partial(betageo.p_alive, shift=0)
expected = partial(betageo.expected, shift=0)
expected_if_alive = partial(betageo.expected_if_alive, shift=0)
log_likelihood_and_gradient = partial(betageo.log_likelihood_and_gradient, shift=0)
future = partial(betageo.future, shift=0)
