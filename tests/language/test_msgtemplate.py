"""Rule messages use named placeholders only: checked when the pack loads, and rendering
cannot reach attributes, indexes, conversions or format specs even if the check is skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from projectkit import AS_OF, tls_rule, write_pack

from dsaudit.engine.evaluation import render_message
from dsaudit.language.msgtemplate import ENGINE_NAMES, TemplateError, check_template

FORBIDDEN = {
    "{value.__class__.__mro__}": "attribute or index",
    "{value[0]}": "attribute or index",
    "{value!r}": "no conversions",
    "{value:>200000000}": "no conversions or format specs",
    "{}": "positional",
    "{0}": "positional",
    "{nosuch}": "unknown placeholder {nosuch}",
    "an { unmatched": "literal braces",
}


@pytest.mark.parametrize("template", sorted(FORBIDDEN))
def test_forbidden_placeholders_are_refused(template: str) -> None:
    with pytest.raises(TemplateError, match=FORBIDDEN[template].replace("{", r"\{")):
        check_template(template, ENGINE_NAMES)


@pytest.mark.parametrize(
    "template",
    ["{path} allows {value}.", "{{literal}} {resource} in {file} ({kind})", "no placeholder",
     "{max_days} days"],
)  # fmt: skip
def test_named_placeholders_and_escaped_braces_are_allowed(template: str) -> None:
    check_template(template, ENGINE_NAMES | {"max_days"})


def test_rendering_substitutes_names_and_nothing_else() -> None:
    values = {"value": "v", "path": "a.b"}
    assert render_message("{path} allows {value} {{x}}", values) == "a.b allows v {x}"
    for template in ("{value.__class__.__mro__}", "{value[0]}", "{value!r}",
                     "{value:>200000000}", "{missing}"):  # fmt: skip
        assert render_message(template, values) == template
    assert render_message("an { unmatched", values) == "an { unmatched"


@pytest.mark.parametrize("template", ["{value.__class__.__mro__}", "{value:>200000000}"])
def test_the_pack_is_refused_at_load_with_file_and_line(tmp_path: Path, template: str) -> None:
    rule = tls_rule()
    rule["message"] = template
    write_pack(tmp_path, [rule])
    target = tmp_path / "target"
    target.mkdir()
    (target / "app.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    for args in (["rules", "validate", tmp_path / "pack"],
                 ["audit", target, "--pack", tmp_path / "pack", "--as-of", AS_OF]):  # fmt: skip
        proc = subprocess.run(
            [sys.executable, "-m", "dsaudit", *map(str, args)],
            env=dict(os.environ, DSAUDIT_DISABLE_PLUGIN_AUTOLOAD="1"), cwd=tmp_path,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "pack/rules/rules.yaml:" in proc.stderr and "KIT-TLS: message:" in proc.stderr
        assert "Traceback" not in proc.stderr and "mro" not in proc.stdout
