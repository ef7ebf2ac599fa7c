"""Time-invariant covariates: attributes of each customer's first order (channel, city...) that
move a model's parameters, as in CLVTools and PyMC-Marketing.

Each column is coded one-hot against its most common level (the reference, coded all zeros).
Levels with fewer than ``MIN_LEVEL`` customers or ``MIN_REPEAT`` repeat customers (an effect
none of whose customers came back could not be estimated), and all but the ``MAX_LEVELS``
largest, are pooled into one level "(other)"; an empty value is the level "(none)". An effect ``e`` of a
level multiplies one parameter by exp(±e), signed so that exp(e) is the level's multiplier of
something a user reads: the mean purchase rate (α / exp(e)), the mean dropout (BG/NBD's a and b
× exp(e) each; Pareto/NBD's β / exp(e)), the mean order value (Gamma-Gamma's γ × exp(e)).

Customers with the same levels form a group, and a group's parameters are plain numbers: every
formula of a model applies to a group unchanged, and a fit sums the likelihood group by group.
In log-parameters the map is linear: log θ_g = M_g · φ, φ = (log θ at the reference, effects).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np
import pandas as pd

from ltvcli.customers import attribute_columns
from ltvcli.errors import ConfigError
from ltvcli.messages import Message
from ltvcli.models.fit import FitError
from ltvcli.segments import resolve_column

MIN_LEVEL = 50  # customers a level needs to have an effect of its own...
MIN_REPEAT = 20  # ...with this many repeat customers (dropout and spend are learnt from them)
MAX_LEVELS = 20  # levels per column, the reference among them; the rest are "(other)"
OTHER, NONE = "(other)", "(none)"


@dataclass(frozen=True)
class Design:
    """The covariates' columns, each one's reference level and the levels with an effect."""

    columns: tuple[str, ...]
    references: tuple[str, ...]  # the reference level of each column
    levels: tuple[tuple[str, ...], ...]  # the other levels of each column, "(other)" among them

    @property
    def names(self) -> tuple[str, ...]:
        """One per indicator: "channel=yandex_direct"."""
        return tuple(
            f"{column}={level}"
            for column, levels in zip(self.columns, self.levels, strict=True)
            for level in levels
        )

    def code(self, customers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """The groups of ``customers``: each group's indicators [groups, indicators] and each
        customer's group. A level not seen in the fit counts as "(other)" when the column has
        it, else as the reference."""
        codes = []
        for column, reference, levels in zip(
            self.columns, self.references, self.levels, strict=True
        ):
            found = resolve_column(column, customers)  # a saved model's header, spelt anyhow
            if found not in customers.columns:
                raise ConfigError(
                    Message("the model's covariate {column!r} is not in this file", column=column)
                )
            text = _text(customers[found])
            unseen = OTHER if OTHER in levels else reference
            text = text.where(text.isin([reference, *levels]), unseen)
            codes.append(pd.Categorical(text, categories=[reference, *levels]).codes)
        combos, group = np.unique(np.column_stack(codes), axis=0, return_inverse=True)
        indicators = np.zeros((len(combos), len(self.names)))
        offset = 0
        for column_codes, levels in zip(combos.T, self.levels, strict=True):
            coded = column_codes > 0  # the reference level is all zeros
            indicators[np.flatnonzero(coded), offset + column_codes[coded] - 1] = 1.0
            offset += len(levels)
        return indicators, group.ravel()


def effect_names(module: ModuleType, design: Design) -> tuple[str, ...]:
    """The effects of a model's covariates, process by process: "purchase: channel=vk"."""
    return tuple(
        f"{process}: {name}" for _, process, _ in module.COVARIATES for name in design.names
    )


def maps(module: ModuleType, indicators: np.ndarray) -> np.ndarray:
    """M_g of groups with these indicators [groups, parameters, parameters + effects]:
    log θ_g = M_g · φ, each of the model's ``COVARIATES`` (parameter, process, sign) adding
    sign × its effects of the group's levels to the parameter's logarithm."""
    k, m = len(module.PARAMS), indicators.shape[1]
    out = np.zeros((len(indicators), k, k + m * len(module.COVARIATES)))
    out[:, np.arange(k), np.arange(k)] = 1.0
    for block, (param, _, sign) in enumerate(module.COVARIATES):
        out[:, module.PARAMS.index(param), k + block * m : k + (block + 1) * m] = sign * indicators
    return out


def design(customers: pd.DataFrame, columns: tuple[str, ...], repeat: np.ndarray) -> Design:
    """The levels of ``columns`` (attributes of the first order; header spelling does not
    matter, a column named twice counts once) among ``customers``, those the model is fitted
    on; ``repeat`` marks the customers with a repeat purchase."""
    resolved = tuple(dict.fromkeys(_attribute(customers, name) for name in columns))
    references, kept = [], []
    for column in resolved:
        levels = pd.DataFrame({"level": _text(customers[column]).to_numpy(), "repeat": repeat})
        stats = levels.groupby("level")["repeat"].agg(["size", "sum"]).sort_index()
        stats = stats.sort_values("size", ascending=False, kind="stable")  # ties: by name
        enough = (stats["size"] >= MIN_LEVEL) & (stats["sum"] >= MIN_REPEAT)
        able = [str(level) for level in stats.index[enough][:MAX_LEVELS]]
        if not able:
            raise FitError(
                Message(
                    "--covariates {column}: no level has {customers} customers with {repeat} "
                    "repeat customers among them; there is nothing to compare",
                    column=column, customers=MIN_LEVEL, repeat=MIN_REPEAT,
                )
            )  # fmt: skip
        rest = stats.drop(able)
        pooled = rest["size"].sum() >= MIN_LEVEL and rest["sum"].sum() >= MIN_REPEAT
        references.append(able[0])
        # too few left over to pool: they count as the reference
        kept.append((*able[1:], *((OTHER,) if pooled else ())))
    return Design(resolved, tuple(references), tuple(kept))


def _attribute(customers: pd.DataFrame, name: str) -> str:
    """The attribute column ``name`` stands for. Only the first order's attributes: a column
    ltv computes from the purchases (orders, revenue, status) would explain the purchases by
    themselves."""
    column = resolve_column(name, customers)
    attributes = attribute_columns(customers)
    if column not in attributes:
        raise ConfigError(
            Message(
                "--covariates: {name!r} is not an attribute column of the first order; these "
                "are: {attributes}",
                name=name, attributes=", ".join(attributes) or Message("none in this file"),
            )
        )  # fmt: skip
    return column


def _text(values: pd.Series) -> pd.Series:
    """A column's values as levels: text, empty → "(none)"."""
    text: pd.Series = values.astype("string").str.strip().fillna(NONE).replace("", NONE)
    return text
