"""Registers the server-config parsers (sshd, PAM, nginx, PostgreSQL, ...) as a plugin.

Like every built-in they are registered ``trylast``, so a third-party parser that claims the
same file is asked first and wins (see docs/parsers.md). This module is registered after the
structured parsers, and pluggy calls implementations of equal priority latest-registered first,
so a name they recognise (``etc/redis/redis.conf``, ``etc/my.cnf``) still reaches them before a
generic structured parser. Parsers that follow includes have
``reads_includes = True`` and accept ``parse(..., root=<audit root>)``; without a root,
includes are listed in the document with status ``not_read``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dsaudit.plugin.hookspecs import hookimpl
from dsaudit.sources.parsers.auditd import AuditdParser, JournaldParser, RsyslogParser
from dsaudit.sources.parsers.logindefs import LoginDefsParser
from dsaudit.sources.parsers.logrotate import LogrotateParser
from dsaudit.sources.parsers.mycnf import MyCnfParser
from dsaudit.sources.parsers.nginx import NginxParser
from dsaudit.sources.parsers.pam import PamParser
from dsaudit.sources.parsers.postgres import PgHbaParser, PostgresConfParser
from dsaudit.sources.parsers.properties import PropertiesParser
from dsaudit.sources.parsers.redis import RedisParser
from dsaudit.sources.parsers.sshd import SshdParser

SERVER_PARSERS: tuple[Any, ...] = (
    SshdParser(),
    LoginDefsParser(),
    PamParser(),
    LogrotateParser(),
    AuditdParser(),
    JournaldParser(),
    RsyslogParser(),
    NginxParser(),
    PostgresConfParser(),
    PgHbaParser(),
    MyCnfParser(),
    RedisParser(),
    PropertiesParser(),
)
"""The server-config parsers, in the order they are asked."""


@hookimpl(trylast=True)
def dsaudit_register_parsers(register: Callable[[Any], None]) -> None:
    for parser in SERVER_PARSERS:
        register(parser)
