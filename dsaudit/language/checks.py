"""Built-in named checks, registered through ``dsaudit_register_checks``.

- ``no_personal_information``: no validated PI (resident IDs, mobiles, cards, e-mails,
  passports) in any string value of the item. Argument ``kinds`` limits the PI kinds;
  ``ignore_keys`` lists keys whose values are skipped (e.g. a support contact address).
- ``no_plaintext_secrets``: no literal value under a secret-looking key (password, secret,
  token, api_key, private_key, ...). References such as ``${VAR}``, ``vault:...``,
  ``secretRef`` and empty values are fine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from dsaudit.core.models import EvalContext, PathKey
from dsaudit.plugin.hookspecs import hookimpl
from dsaudit.redaction.pidetect import find_pi

_SECRET_KEY = re.compile(
    r"(?i)(^|[_.\-])(pass(word|wd|phrase)?|pwd|secret|token|api[_\-]?key|access[_\-]?key|"
    r"private[_\-]?key|client[_\-]?secret|credential)s?$"
)
"""Keys whose name ENDS with a secret word (``db_password``, ``API_KEY``, ``client-secret``)."""
_NOT_SECRET_KEYS = frozenset(
    {"proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass",
     "server_tokens", "csrf_token", "token_ttl", "password_encryption", "password_policy"}
)  # fmt: skip
"""Directives and settings whose names end like a secret but hold none."""
_FILE_REFERENCE = re.compile(r"^(/|\./|\.\./|~/|[A-Za-z]:\\)[^\s]*$")
_REFERENCE = re.compile(
    r"^(\$\{[^}]+\}|\$[A-Z_][A-Z0-9_]*|\{\{.*\}\}|(vault|kms|secretsmanager|env|file|"
    r"ref|aws-kms|azure-keyvault|alicloud-kms):.*|<[^>]+>|\*+|changeme-from-env)$",
    re.IGNORECASE,
)


def walk_strings(
    value: Any, path: tuple[PathKey, ...] = ()
) -> Iterator[tuple[tuple[PathKey, ...], Any]]:
    """Every scalar under ``value`` with its path (iterative; no recursion limit)."""
    stack: list[tuple[tuple[PathKey, ...], Any]] = [(path, value)]
    while stack:
        here, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(((*here, k), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend(((*here, i), v) for i, v in reversed(list(enumerate(node))))
        else:
            yield here, node


def no_personal_information(
    item: Any,
    ctx: EvalContext,
    kinds: list[str] | None = None,
    ignore_keys: list[str] | None = None,
) -> list[tuple[tuple[PathKey, ...], Any]]:
    """Offending ``(path, value)`` pairs: string values holding validated PI."""
    wanted = set(kinds or ())
    skip = {k.lower() for k in ignore_keys or ()}
    found = []
    for path, value in walk_strings(item):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            continue
        key = str(path[-1]) if path else ""
        if key.lower() in skip:
            continue
        for match in find_pi(value, key=key):
            if not wanted or match.kind in wanted:
                found.append((path, value))
                break
    return found


def no_plaintext_secrets(item: Any, ctx: EvalContext) -> list[tuple[tuple[PathKey, ...], Any]]:
    """Offending ``(path, value)`` pairs: literal secrets under secret-looking keys."""
    found = []
    for path, value in walk_strings(item):
        key = next((str(k) for k in reversed(path) if isinstance(k, str)), "")
        if not isinstance(value, str) or key.lower() in _NOT_SECRET_KEYS:
            continue
        if not _SECRET_KEY.search(key):
            continue
        text = value.strip()
        if not text or _REFERENCE.match(text) or _FILE_REFERENCE.match(text):
            continue
        found.append((path, value))
    return found


@hookimpl(trylast=True)
def dsaudit_register_checks(register: Callable[[str, Callable[..., Any]], None]) -> None:
    register("no_personal_information", no_personal_information)
    register("no_plaintext_secrets", no_plaintext_secrets)
