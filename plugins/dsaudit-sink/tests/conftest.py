"""Run the plugin's tests from the checkout: src/ on sys.path, installed copies not autoloaded."""

from __future__ import annotations

import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
