"""The model file: the as-of date is a date in the library and ISO text in the file, and files
written before (ISO text or null) still load."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ltvcli.errors import ConfigError
from ltvcli.models import store

OLD_FILE = {
    "ltv_model": 1,
    "model": "bgnbd",
    "params": {"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43},
    "std_errors": {},
    "log_likelihood": -9582.4,
    "aic": 19172.8,
    "customers": 2357,
    "converged": True,
    "time_unit": "week",
    "as_of": "1997-09-30",
    "spend": None,
}


@pytest.mark.parametrize("as_of", ["1997-09-30", None])
def test_files_written_before_load_and_save_the_date_as_iso_text(tmp_path, as_of):
    old = tmp_path / "old.json"
    old.write_text(json.dumps(OLD_FILE | {"as_of": as_of}), encoding="utf-8")
    models = store.load(str(old))
    assert models.count.params["alpha"] == 4.41
    assert models.notes == [f"model from {old} (fitted as of {as_of})"]
    again = tmp_path / "again.json"
    store.save(models, str(again), dt.date(1997, 9, 30))
    assert json.loads(again.read_text(encoding="utf-8"))["as_of"] == "1997-09-30"
    assert store.describe(models)["as_of"] is None


def test_an_as_of_that_is_not_a_date_is_not_a_model_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(OLD_FILE | {"as_of": "yesterday"}), encoding="utf-8")
    with pytest.raises(ConfigError, match="not a model file"):
        store.load(str(bad))
