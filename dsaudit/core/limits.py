"""Resource limits applied to every input before and while it is parsed.

Each limit is named; hitting one is an error result that names it (see docs/limits.md).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from dsaudit.core.errors import ConfigError

MAX_SAFE_DEPTH = 999
"""The highest ``max_depth`` a user may configure.

libyaml 0.2.6 (bundled with PyYAML 6.0.3 and later) refuses nesting of 1,000 levels or more
(block and flow levels together); older libyaml has no such limit but its composer crashes
the process near 30,000. Capping the limit below 1,000 makes every file within the limit
parseable by every supported PyYAML, and every file over it refused by dsaudit's own guard.
"""


@dataclass(frozen=True, slots=True)
class Limits:
    """Configurable safety limits (``limits:`` in dsaudit.yaml)."""

    max_file_bytes: int = 20 * 1024 * 1024
    """Files larger than this are not parsed."""
    max_depth: int = 500
    """Maximum nesting of mappings/lists, checked on the raw text before any parser runs."""
    max_yaml_nodes: int = 2_000_000
    """Maximum YAML nodes after alias expansion (guards against "billion laughs")."""
    max_aliases: int = 10_000
    """Maximum alias references in one YAML file."""
    max_files: int = 1_000_000
    """Maximum number of config files discovered under a target."""
    max_regex_length: int = 1000
    """Rule regexes longer than this are refused."""

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None) -> Limits:
        """Build limits from the ``limits:`` section of a project config."""
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown limit(s): {', '.join(unknown)}; known: {sorted(known)}")
        for key, value in data.items():
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"limit {key} must be a positive integer, got {value!r}")
        if data.get("max_depth", 0) > MAX_SAFE_DEPTH:
            raise ConfigError(
                f"limit max_depth {data['max_depth']} is too high: libyaml 0.2.6 and later refuse "
                f"nesting of 1,000 levels or more; use at most {MAX_SAFE_DEPTH}"
            )
        return replace(cls(), **data)


DEFAULT_LIMITS = Limits()

MAX_QUOTED_VALUE = 200
"""Characters of an input value that a message quotes; longer values are cut to this prefix
and their length is given (``'aaaa…' (5,000,000 chars)``), see :mod:`dsaudit.core.quoting`."""

MAX_MESSAGE_CHARS = 4000
"""Characters of any error message; the middle of a longer one is cut (a safety net for
messages that quote input without :func:`dsaudit.core.quoting.quote_value`)."""

MAX_REPORT_BYTES = 1024 * 1024 * 1024
"""The largest saved JSON report ``dsaudit report`` and ``dsaudit diff`` read (1 GiB)."""
