"""Which URLs from input may become links in a report.

A pack's ``help_uri`` or a reference's ``url``, and anything in a saved report, is untrusted:
``javascript:alert(document.cookie)`` rendered as ``<a href>`` runs when a reader clicks it.
Only absolute ``http``, ``https`` and ``mailto`` URLs are links; anything else is shown as text.
The check is on the URL as a browser would read it: browsers drop tabs and newlines inside a
URL and leading spaces and control characters before the scheme (``java\\tscript:``,
`` javascript:``), so any such character makes the URL refused outright.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\ufeff]")


def safe_link(url: object) -> str | None:
    """``url`` when it may be a link target (absolute http(s) with a host, or mailto), else None."""
    if not isinstance(url, str) or not url or _UNSAFE.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 host
        return None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return None
    if scheme != "mailto" and not parts.netloc:
        return None
    if scheme == "mailto" and not parts.path:
        return None
    return url
