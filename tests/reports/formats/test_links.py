"""Only http(s) and mailto URLs from input become links, in a fresh audit and through
``dsaudit report`` of a crafted saved report; everything else is shown as text."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from projectkit import AS_OF, cli_process, tls_rule, write_pack

from dsaudit.reports.links import safe_link

HOSTILE = "javascript:alert(document.cookie)"


@pytest.mark.parametrize(
    "url",
    ["https://flk.npc.gov.cn/detail", "http://example.com", "HTTPS://EXAMPLE.COM/x",
     "mailto:dpo@example.com"],
)  # fmt: skip
def test_http_and_mailto_are_links(url: str) -> None:
    assert safe_link(url) == url


@pytest.mark.parametrize(
    "url",
    [HOSTILE, "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
     "java\nscript:alert(1)", "\x01javascript:alert(1)", "data:text/html,<script>x</script>",
     "vbscript:msgbox(1)", "file:///etc/passwd", "//evil.example/x", "/relative/path",
     "https:relative", "https://", "mailto:", "http://[::1", "", None, 5,
     "https://ok.example/\u2028x"],
)  # fmt: skip
def test_everything_else_is_not_a_link(url: object) -> None:
    assert safe_link(url) is None


def _dsaudit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return cli_process(*args)


def _hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', page)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """An audit with a pack whose help_uri and ref url are ``javascript:``; JSON and HTML."""
    rule = tls_rule()
    rule["help_uri"] = HOSTILE
    rule["refs"] = [{"law": "KIT", "article": "2", "url": HOSTILE},
                    {"law": "KIT", "article": "3", "url": "https://law.example/3"}]  # fmt: skip
    write_pack(tmp_path, [rule])
    target = tmp_path / "target"
    target.mkdir()
    (target / "app.yaml").write_text("tls_min_version: '1.0'\n", "utf-8")
    report = tmp_path / "r.json"
    proc = _dsaudit("audit", target, "--pack", tmp_path / "pack", "--as-of", AS_OF,
                    "--fail-on", "never", "--format", "json", "-o", report,
                    "--format", "html", "-o", tmp_path / "r.html")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return report


def test_a_packs_javascript_urls_are_text_not_links(saved: Path) -> None:
    page = (saved.parent / "r.html").read_text("utf-8")
    assert "https://law.example/3" in _hrefs(page)
    assert not any("javascript" in h.lower() for h in _hrefs(page))
    sarif = _dsaudit("report", saved, "--format", "sarif").stdout
    assert "javascript:" not in sarif


def test_a_crafted_saved_report_gets_no_javascript_links(saved: Path, tmp_path: Path) -> None:
    document = json.loads(saved.read_text("utf-8"))
    for rule in document["rules"]:
        rule["help_uri"] = "JAVASCRIPT:alert(1)"
        for ref in rule.get("refs", []):
            ref["url"] = " javascript:alert(2)"
    crafted = tmp_path / "crafted.json"
    crafted.write_text(json.dumps(document), "utf-8")
    out = tmp_path / "crafted.html"
    proc = _dsaudit("report", crafted, "--format", "html", "-o", out)
    assert proc.returncode == 0, proc.stderr
    page = out.read_text("utf-8")
    assert not any("javascript" in h.lower() for h in _hrefs(page))
    assert "unsafe-inline" not in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not on PATH (apt-get install chromium)")
def test_no_link_in_the_rendered_page_runs_script(saved: Path, tmp_path: Path) -> None:
    """Every anchor the browser built has an http(s), mailto or in-page target."""
    assert CHROMIUM is not None
    page = saved.parent / "r.html"
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    targets = _hrefs(dom)
    assert targets
    assert all(re.match(r"(https?:|mailto:|#)", t, re.I) for t in targets), targets
