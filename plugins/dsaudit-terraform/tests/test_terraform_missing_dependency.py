"""Without python-hcl2 every .tf file is a clear parse error (an error result), not a crash."""

from __future__ import annotations

import sys

import pytest
from dsaudit import DEFAULT_LIMITS, ParseError

from dsaudit_terraform.parser import TerraformParser


def test_missing_python_hcl2_is_a_clear_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hcl2", None)  # `import hcl2` now raises ImportError
    with pytest.raises(ParseError) as info:
        TerraformParser().parse("main.tf", b'resource "a" "b" {}\n', DEFAULT_LIMITS)
    assert str(info.value) == (
        "main.tf: the terraform parser needs python-hcl2: pip install python-hcl2"
    )
