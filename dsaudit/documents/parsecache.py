"""The parse cache (``--cache DIR``): parsed documents kept under the digest of what made them.

An entry's key is a SHA-256 over the cache format, the dsaudit version, the parser's name, the
limits and the file's bytes, so a changed file, parser, limit or dsaudit release simply misses;
nothing is ever invalidated by time. Entries are pickles of the parser's output, written
atomically (a temporary file renamed into place), so concurrent audits and worker processes can
share one folder. They are read back with an unpickler that only rebuilds plain data and
dsaudit's own document and locator classes: a tampered entry can give wrong data, never run code.
Any unreadable entry is a miss. Only parsers that declare ``cacheable = True`` are cached (a
parser whose output depends on more than one file's bytes, like sshd's ``Include``, must not).
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dsaudit.__about__ import __version__
from dsaudit.core.limits import Limits
from dsaudit.documents.base import ParsedDocument

CACHE_FORMAT = 3
"""Bumped whenever what an entry holds changes shape (2: the classes moved to dsaudit.documents;
3: the .env line map moved to dsaudit.documents.keyvalue, comments no longer collected)."""

_ALLOWED: dict[str, frozenset[str]] = {
    "builtins": frozenset({"set", "frozenset", "bytearray", "complex", "slice"}),
    "datetime": frozenset({"date", "datetime", "time", "timedelta", "timezone"}),
    "array": frozenset({"array", "_array_reconstructor"}),
    "collections": frozenset({"OrderedDict"}),
    "dsaudit.documents.base": frozenset({"ParsedDocument", "NoLines"}),
    "dsaudit.documents.yamllines": frozenset({"YamlSource", "YamlLocator", "_YamlMap", "_YamlSeq"}),
    "dsaudit.documents.locators": frozenset(
        {"JsonIndex", "JsonLocator", "LineMapLocator", "toml_line_map", "ini_line_map"}
    ),
    "dsaudit.documents.keyvalue": frozenset({"_env_line_map"}),
}
"""What an entry may contain besides plain data: data types, dsaudit's document and locator
classes and the line-map builders locators hold. Pickle may call what it finds; these only build
objects or scan text."""

_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder is a dsaudit parse cache (--cache). It can be deleted at any time.\n"
)


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a parse cache entry")


class ParseCache:
    """A folder of parsed documents, shared by every file and worker process of an audit."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def prepare(self) -> None:
        """Create the folder (with a ``CACHEDIR.TAG``); raises OSError when it cannot."""
        self.directory.mkdir(parents=True, exist_ok=True)
        tag = self.directory / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(_TAG, encoding="ascii")

    def key(self, parser: str, content: bytes, limits: Limits) -> str:
        """``parser`` names the parser and, for a plugin's, its version."""
        head = f"dsaudit-parse-cache {CACHE_FORMAT} {__version__} {parser} {limits!r}\0"
        digest = hashlib.sha256(head.encode())
        digest.update(content)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key[2:]}.pickle"

    def get(self, key: str) -> list[ParsedDocument] | None:
        """The documents stored under ``key``, or None (missing, unreadable or not documents)."""
        try:
            blob = self._path(key).read_bytes()
            documents = _SafeUnpickler(io.BytesIO(blob)).load()
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return None
        except Exception:  # any other way a damaged entry can fail to load is a miss too
            return None
        if not isinstance(documents, list) or not all(
            isinstance(doc, ParsedDocument) for doc in documents
        ):
            return None
        return documents

    def put(self, key: str, documents: list[ParsedDocument]) -> None:
        """Store ``documents`` under ``key``; a cache that cannot be written is skipped."""
        target = self._path(key)
        try:
            blob = pickle.dumps(documents, protocol=pickle.HIGHEST_PROTOCOL)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(blob)
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return

    def parse(
        self,
        parser: str,
        content: bytes,
        limits: Limits,
        produce: Callable[[], list[ParsedDocument]],
    ) -> list[ParsedDocument]:
        """The cached documents for ``content``, or ``produce()``'s, stored for next time.

        Parse errors raise from ``produce`` as usual and are not cached.
        """
        key = self.key(parser, content, limits)
        cached = self.get(key)
        if cached is not None:
            return cached
        documents = produce()
        self.put(key, documents)
        return documents


def cached_parse(
    cache: ParseCache | None,
    parser: Any,
    content: bytes,
    limits: Limits,
    produce: Callable[[], list[ParsedDocument]],
) -> list[ParsedDocument]:
    """``produce()``, through ``cache`` when there is one and the parser allows it."""
    if cache is None or not getattr(parser, "cacheable", False):
        return produce()
    name = f"{parser.name} {getattr(parser, 'cache_version', '')}"
    return cache.parse(name, content, limits, produce)
