"""Where the tests' data is."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLE = ROOT / "sample_data"
DATA = ROOT / "tests" / "data"  # real public data kept with the tests (see its README)
LTV = Path(sys.executable).with_name("ltv")  # the installed command, as a user runs it
