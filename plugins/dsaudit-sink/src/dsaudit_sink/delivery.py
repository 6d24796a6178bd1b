"""Deliver a payload: POST it to a webhook (stdlib urllib) or write it to a JSON file."""

from __future__ import annotations

import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from dsaudit_sink import __version__


class SinkError(Exception):
    """A payload that could not be delivered (the audit reports it as a plugin error)."""


def redact_url(url: str) -> str:
    """The URL without user info, query or fragment (they often carry tokens)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def post_json(url: str, body: Any, *, token: str | None = None, timeout: float = 10.0) -> int:
    """POST ``body`` as JSON; return the HTTP status; raise :class:`SinkError` otherwise."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise SinkError(f"webhook URL must be http or https, not {scheme or 'empty'!r}")
    data = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"dsaudit-sink/{__version__}",
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    shown = redact_url(url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise SinkError(f"webhook {shown} answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SinkError(f"webhook {shown} could not be reached: {reason}") from None


def write_json(path: Path, body: Any) -> None:
    """Write ``body`` to ``path`` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle, ensure_ascii=False, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SinkError(f"cannot write tickets file {path}: {exc.strerror or exc}") from None
