"""The model summary as data: what ``--summary`` prints and what ``--save-model`` writes, so a
nightly job can score new data with a model fitted earlier (``--model-file``).

The as-of date of the fit is a ``datetime.date`` here and ISO text (or null) in the file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

from ltvcli.errors import ConfigError
from ltvcli.io.atomic import atomic_output
from ltvcli.messages import Message
from ltvcli.models.covariates import Design
from ltvcli.models.fit import Fitted
from ltvcli.models.predict import MODELS, Models
from ltvcli.models.summary import UNIT_DAYS

FORMAT_VERSION = 1


def describe(models: Models, as_of: dt.date | None = None) -> dict[str, object]:
    """The model summary: parameters, standard errors, log-likelihood, AIC, customers, unit."""
    out = _fitted(models.count) | {"time_unit": models.unit, "as_of": _day_text(as_of)}
    out["spend"] = _fitted(models.spend) if models.spend else None
    design = models.design
    out["covariates"] = (
        None
        if design is None
        else {
            "columns": list(design.columns),
            "references": list(design.references),
            "levels": [list(levels) for levels in design.levels],
        }
    )
    return out


def save(models: Models, path: str, as_of: dt.date) -> None:
    with atomic_output(path) as handle:
        json.dump({"ltv_model": FORMAT_VERSION} | describe(models, as_of), handle, indent=2)
        handle.write("\n")


def load(path: str) -> Models:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("ltv_model") != FORMAT_VERSION or data["model"] not in MODELS:
            raise ValueError
        if data["time_unit"] not in UNIT_DAYS:
            raise ValueError
        count = _restore(data)
        spend = _restore(data["spend"]) if data.get("spend") else None
        fitted = _stored_day(data.get("as_of"))
        covariates = data.get("covariates")
        design = (
            Design(
                tuple(map(str, covariates["columns"])),
                tuple(map(str, covariates["references"])),
                tuple(tuple(map(str, levels)) for levels in covariates["levels"]),
            )
            if covariates
            else None
        )
    except FileNotFoundError:
        raise ConfigError(Message("{path}: no such model file", path=path)) from None
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        raise ConfigError(
            Message("{path}: not a model file written by ltv predict --save-model", path=path)
        ) from None
    note = Message("model from {path} (fitted as of {fitted})", path=path, fitted=fitted)
    return Models(count, spend, data["time_unit"], [note], design=design)


def _day_text(day: dt.date | None) -> str | None:
    """The as-of date as the file stores it: ISO text (``str`` of a date)."""
    return None if day is None else str(day)


def _stored_day(text: object) -> dt.date | None:
    """The as-of date a model file holds (null in files that did not record it)."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError
    return dt.date.fromisoformat(text)


def _fitted(fit: Fitted) -> dict[str, object]:
    return {
        "model": fit.model,
        "params": fit.params,
        "std_errors": fit.std_errors,
        "log_likelihood": fit.log_likelihood,
        "aic": fit.aic,
        "customers": fit.customers,
        "converged": fit.converged,
        "covariance": None if fit.covariance is None else fit.covariance.tolist(),
        "effects": fit.effects,
    }


def _restore(data: dict[str, Any]) -> Fitted:  # parsed JSON: checked by its use
    params = {k: float(v) for k, v in data["params"].items()}
    return Fitted(
        model=data["model"],
        params=params,
        log_likelihood=float(data["log_likelihood"]),
        customers=int(data["customers"]),
        converged=bool(data["converged"]),
        std_errors=data.get("std_errors", {}),
        covariance=np.array(data["covariance"]) if data.get("covariance") else None,
        effects={k: float(v) for k, v in data.get("effects", {}).items()},
    )
