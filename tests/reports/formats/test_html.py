"""HTML report: content, escaping, self-containment; rendered in headless Chromium when present."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from projectkit import REPO_ROOT

from dsaudit.core.models import AuditResult
from dsaudit.reports.html import REPORTER

ARTIFACTS = REPO_ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not on PATH (apt-get install chromium)"
)


def _render(audit: AuditResult) -> str:
    return REPORTER.render(audit, {})


def test_executive_summary(audit: AuditResult) -> None:
    page = _render(audit)
    assert '<div class="posture incomplete" id="posture" data-posture="incomplete">' in page
    assert re.search(r'data-severity-count="critical"><div class="n">2<', page)
    assert re.search(r'data-status-count="waived">Waived: 1<', page)
    assert "32% weighted; 1 critical, 1 high failing (2 of 4 passed)" in page  # PIPL in the chart
    assert '<svg class="chart"' in page


def test_article_table_states(audit: AuditResult) -> None:
    page = _render(audit)
    table = page[
        page.index('id="article-table"') : page.index("</table>", page.index('id="article-table"'))
    ]
    rows = re.findall(r'<tr data-state="(\w+)">\s*<td>(\w+)</td>\s*<td>Art\. (\d+)', table)
    states = {(law, article): state for state, law, article in rows}
    assert states[("PIPL", "38")] == "fail"
    assert states[("PIPL", "52")] == "pass"
    assert states[("DSL", "30")] == "untested"
    assert states[("PIPL", "54")] == "untested"  # manual only


def test_findings_show_waiver_remediation_and_location(audit: AuditResult) -> None:
    page = _render(audit)
    assert page.count('<article class="finding') == 15
    assert (
        "Approved by <strong>Li Wei (DPO)</strong>, valid until <strong>2026-12-31</strong>" in page
    )
    assert "Fix it: cross-border transfer has a legal mechanism." in page
    assert "configs/nginx/nginx.conf:7" in page


def test_input_text_is_escaped(audit: AuditResult) -> None:
    audit.results[0].message = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    page = _render(audit)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_self_contained(audit: AuditResult) -> None:
    page = _render(audit)
    assert "default-src 'none'" in page
    assert not re.search(r"<(?:link|img|iframe|object|embed)\b", page)
    assert not re.search(r"\bsrc\s*=", page)
    assert "@import" not in page
    assert "url(" not in page


def test_reproducibility_metadata(audit: AuditResult) -> None:
    page = _render(audit)
    section = page[page.index('id="reproducibility"') :]
    for text in (
        "0.1.0",
        "3.11.9",
        "2026-01-15T08:00:00Z",
        "2026-01-15T08:00:03Z",
        "a" * 64,
        "d" * 64,
    ):
        assert text in section
    assert "min_days" in section


def _chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None
    completed = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize(
    ("fragment", "shown"),
    [
        ("", 11),  # default: everything not passed (15 results - 3 pass - 1 not applicable)
        ("#status=", 15),
        ("#law=PIPL", 4),
        ("#law=PIPL&status=fail", 2),
        ("#severity=critical&status=", 3),
        ("#status=waived", 1),
    ],
    ids=["default", "all", "law", "law+status", "severity", "waived"],
)
def test_filter_in_chromium(audit: AuditResult, tmp_path: Path, fragment: str, shown: int) -> None:
    page = tmp_path / "report.html"
    page.write_text(_render(audit), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri() + fragment)
    count = re.search(r'id="shown-count"[^>]*data-shown="(\d+)"[^>]*>([^<]*)<', dom)
    assert count is not None, "the filter script did not run"
    assert int(count.group(1)) == shown
    assert count.group(2) == f"Showing {shown} of 15 results"
    articles = re.findall(r'<article class="finding[^>]*>', dom)
    hidden = [a for a in articles if 'hidden=""' in a]
    assert (len(articles), len(articles) - len(hidden)) == (15, shown)


@pytest.mark.browser
@needs_chromium
def test_screenshot(audit: AuditResult, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(_render(audit), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "html-report.png"
    shot.unlink(missing_ok=True)
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_metadata_as_the_engine_writes_it(audit: AuditResult) -> None:
    """Packs without a path, extra metadata keys: shown, never a template error."""
    audit.metadata["packs"] = [
        {"name": "ciir", "origin": "builtin", "title": "CII Regulations", "version": "0.1.0"}
    ]
    audit.metadata["inactive_rules"] = ["PIPL-XB-MECHANISM"]
    audit.metadata["inputs"] = [{"path": "inventory/org.yaml"}]
    page = _render(audit)
    section = page[page.index('id="reproducibility"') :]
    assert "CII Regulations" in section
    assert "builtin" in section
    assert "<th>inactive_rules</th>" in section
    assert "[&#34;PIPL-XB-MECHANISM&#34;]" in section


def test_the_policy_allows_no_inline_script_or_style_but_the_pages_own(
    audit: AuditResult,
) -> None:
    import base64
    import hashlib

    page = _render(audit)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    assert "unsafe-inline" not in policy.group(1) and "unsafe-eval" not in policy.group(1)
    for tag, directive in (("script", "script-src"), ("style", "style-src")):
        bodies = re.findall(rf"<{tag}>(.*?)</{tag}>", page, re.S)
        assert len(bodies) == 1
        digest = base64.b64encode(hashlib.sha256(bodies[0].encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy.group(1)
    assert not re.search(r"\sstyle=", page), "inline style attributes need 'unsafe-inline'"


@pytest.mark.browser
@needs_chromium
def test_injected_script_does_not_run_but_the_pages_own_does(
    audit: AuditResult, tmp_path: Path
) -> None:
    """Markup that reaches the page unescaped (a future template bug) is still inert."""
    page = _render(audit).replace(
        "</main>",
        '<script>document.title="PWNED"</script>'
        '<img src="data:," onerror="document.title=\'PWNED\'"></main>',
    )
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", (tmp_path / "report.html").as_uri())
    assert "PWNED" not in re.search(r"<title>(.*?)</title>", dom, re.S).group(1)  # type: ignore[union-attr]
    assert re.search(r'id="shown-count"[^>]*data-shown="\d+"', dom), "the page's script ran"
