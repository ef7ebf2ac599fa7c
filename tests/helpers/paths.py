"""Where the tests' data is."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLE = ROOT / "sample_data"
DATA = ROOT / "tests" / "data"  # real public data kept with the tests (see its README)
