"""The HTML report's style sheet and script, and the Content-Security-Policy that allows them.

Both are static files beside the template, inlined so the page is one self-contained file.
The policy allows exactly those two texts by their SHA-256 (no ``'unsafe-inline'``): any other
script or style in the page (markup injected through input text, a crafted saved report) is not
run or applied by a browser, and nothing may be fetched (``default-src 'none'``).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from markupsafe import Markup


@dataclass(frozen=True, slots=True)
class Assets:
    style: Markup
    script: Markup
    policy: Markup


def _digest(text: str) -> str:
    raw = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(raw).decode('ascii')}'"


@cache
def assets() -> Assets:
    """The inlined assets and the policy built from their hashes."""
    folder = resources.files("dsaudit.reports").joinpath("templates")
    style = folder.joinpath("report.css").read_text("utf-8")
    script = folder.joinpath("report.js").read_text("utf-8")
    for name, text in (("style", style), ("script", script)):
        if "</" in text:  # would end the element early; the files are ours, so this is a bug
            raise ValueError(f"the report {name} must not contain '</'")
    policy = (
        f"default-src 'none'; style-src {_digest(style)}; script-src {_digest(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return Assets(Markup(style), Markup(script), Markup(policy))
