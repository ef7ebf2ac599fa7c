"""Time-invariant covariates: attributes of each customer's first order (channel, city...) that
move a model's parameters, as in CLVTools and PyMC-Marketing.

Each column is coded one-hot against its most common level (the reference, coded all zeros).
Levels with fewer than ``MIN_LEVEL`` customers, and all but the ``MAX_LEVELS`` largest, are
pooled into one level "(other)"; an empty value is the level "(none)". An effect ``e`` of a
level multiplies one parameter by exp(±e), signed so that exp(e) is the level's multiplier of
something a user reads: the mean purchase rate (α / exp(e)), the mean dropout (BG/NBD's a and b
× exp(e) each; Pareto/NBD's β / exp(e)), the mean order value (Gamma-Gamma's γ × exp(e)).

Customers with the same levels form a group, and a group's parameters are plain numbers: every
formula of a model applies to a group unchanged, and a fit sums the likelihood group by group.
In log-parameters the map is linear: log θ_g = M_g · φ, φ = (log θ at the reference, effects).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ltvcli.errors import ConfigError
from ltvcli.messages import Message
from ltvcli.models.fit import members

MIN_LEVEL = 50  # customers a level needs to have an effect of its own
MAX_LEVELS = 20  # levels with an effect per column; the rest are "(other)"
OTHER, NONE = "(other)", "(none)"


@dataclass(frozen=True)
class Design:
    """The customers' groups and each group's indicators."""

    columns: tuple[str, ...]
    references: tuple[str, ...]  # the reference level of each column
    names: tuple[str, ...]  # one per indicator: "channel=yandex_direct"
    indicators: np.ndarray  # [groups, indicators] of 0/1
    group: np.ndarray  # each customer's group

    def members(self) -> list[np.ndarray]:
        """The positions of each group's customers."""
        return members(self.group, len(self.indicators))


@dataclass(frozen=True)
class Effects:
    """Which parameters of a model covariates move: (parameter, process, sign) each."""

    params: tuple[str, ...]  # the model's parameters, in order
    moved: tuple[tuple[str, str, int], ...]

    def names(self, design: Design) -> tuple[str, ...]:
        """The effects' names, process by process: "purchase: channel=yandex_direct"."""
        return tuple(f"{process}: {name}" for _, process, _ in self.moved for name in design.names)

    def maps(self, design: Design) -> np.ndarray:
        """M_g for every group [groups, parameters, parameters + effects]: log θ_g = M_g · φ."""
        k, m = len(self.params), len(design.names)
        maps = np.zeros((len(design.indicators), k, k + m * len(self.moved)))
        maps[:, np.arange(k), np.arange(k)] = 1.0
        for block, (param, _, sign) in enumerate(self.moved):
            row = self.params.index(param)
            maps[:, row, k + block * m : k + (block + 1) * m] = sign * design.indicators
        return maps


def design(customers: pd.DataFrame, columns: tuple[str, ...]) -> Design:
    """The design of ``customers`` (those the model is fitted on) for ``columns``."""
    missing = [c for c in columns if c not in customers.columns]
    if missing:
        known = [c for c in customers.columns if not c.startswith("_")]
        raise ConfigError(
            Message(
                "--covariates: no customer column {column!r}; the first order's attributes are "
                "among: {known}",
                column=missing[0], known=", ".join(known),
            )
        )  # fmt: skip
    coded, references, names, widths = [], [], [], []
    for column in columns:
        levels = _levels(customers[column])
        counts = levels.value_counts()
        reference = str(counts.index[0])
        kept = [str(v) for v in counts.index[1:] if v != reference]
        coded.append(pd.Categorical(levels, categories=[reference, *kept]).codes)
        references.append(reference)
        names.extend(f"{column}={level}" for level in kept)
        widths.append(len(kept))
    combos, group = np.unique(np.column_stack(coded), axis=0, return_inverse=True)
    indicators = np.zeros((len(combos), len(names)))
    offset = 0
    for column_codes, width in zip(combos.T, widths, strict=True):
        coded_here = column_codes > 0  # the reference level is all zeros
        indicators[np.flatnonzero(coded_here), offset + column_codes[coded_here] - 1] = 1.0
        offset += width
    return Design(tuple(columns), tuple(references), tuple(names), indicators, group.ravel())


def _levels(values: pd.Series) -> pd.Series:
    """The column's levels: empty → "(none)", small or beyond the largest → "(other)"."""
    text = values.astype("string").fillna(NONE).str.strip().replace("", NONE)
    counts = text.value_counts()
    kept = counts[counts >= MIN_LEVEL].index[:MAX_LEVELS]
    pooled = text.where(text.isin(kept), OTHER)
    if (pooled == OTHER).sum() < MIN_LEVEL and len(kept):
        pooled = pooled.replace(OTHER, str(counts.index[0]))  # too few to pool: the reference
    return pooled


def split(values: np.ndarray, maps: np.ndarray) -> np.ndarray:
    """Each group's parameters [groups, parameters] from φ = (log θ, effects)."""
    logs: np.ndarray = maps @ values
    return np.exp(logs)
