"""The analysis settings every command shares: the window and the knobs of the definitions.

Defaults are the documented ones (``docs/metrics.md``); the CLI flags and ``ltv.toml``'s
``[analysis]`` section set them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from ltvcli.errors import ConfigError
from ltvcli.messages import Message

Attr = Literal["first", "last", "mode"]
DRIVER_MIN_CUSTOMERS = 10  # ltv drivers leaves out first-order values with fewer customers
LTV_BASES = ("formula-margin", "formula-revenue", "historical-margin", "historical-revenue")


@dataclass(frozen=True)
class Settings:
    """Window: orders outside ``[since, until]`` and after ``as_of`` are not seen at all."""

    as_of: dt.date | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    new_days: int = 30
    churn_window: int = 365
    risk_factor: float = 2.0
    margin: float | None = None  # a margin rate (0.3 = 30 % of net revenue) when there is no cost
    service_cost: int = 0  # cents per order, subtracted from the margin
    max_lifespan: float = 10.0
    lifespan: float | None = None  # years; overrides 1 / churn
    attr: Attr = "first"
    cac: int | None = None  # cents; a flat acquisition cost per new customer
    ltv_basis: str | None = None
    frequency_bands: tuple[float, ...] = (0.25, 0.5, 1.0, 3.0)  # purchases a month (--by frequency)
    small_segment: int = 30  # customers; a smaller segment's numbers are marked low-confidence

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ConfigError(
                Message(
                    "--since {since} is after --until {until}", since=self.since, until=self.until
                )
            )
        if self.margin is not None and not -1 < self.margin <= 1:
            raise ConfigError(
                Message("--margin is a rate such as 0.3, not {margin}", margin=self.margin)
            )
        for name in ("new_days", "churn_window"):
            if getattr(self, name) < 1:
                flag = "--" + name.replace("_", "-")
                raise ConfigError(Message("{flag} must be at least 1 day", flag=flag))

        if self.risk_factor <= 0 or self.max_lifespan <= 0:
            raise ConfigError(Message("--risk-factor and --max-lifespan must be positive"))
        if self.lifespan is not None and self.lifespan <= 0:
            raise ConfigError(Message("--lifespan must be a positive number of years"))
        bands = self.frequency_bands
        if not all(isinstance(b, int | float) and b > 0 for b in bands) or list(bands) != sorted(
            set(bands)
        ):
            raise ConfigError(
                Message(
                    "frequency_bands: increasing positive numbers of purchases a month, not {bands}",
                    bands=list(bands),
                )
            )
        object.__setattr__(self, "frequency_bands", tuple(float(b) for b in bands))
        if not isinstance(self.small_segment, int) or self.small_segment < 1:
            raise ConfigError(
                Message(
                    "small_segment: a number of customers, not {value!r}", value=self.small_segment
                )
            )
        if self.ltv_basis is not None and self.ltv_basis not in LTV_BASES:
            raise ConfigError(Message("--ltv-basis is one of {bases}", bases=", ".join(LTV_BASES)))
        if self.attr not in ("first", "last", "mode"):
            raise ConfigError(Message("--attr is one of first, last, mode"))


def parse_day(text: str, flag: str) -> dt.date:
    """An ISO date given on the command line."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(
            Message("{flag} expects a date like 2024-12-31, not {text!r}", flag=flag, text=text)
        ) from None
