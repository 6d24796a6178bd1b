"""The plugin contracts as code: what each ``dsaudit_register_*`` hook's ``register`` accepts.

These are :class:`typing.Protocol` classes, so a plugin needs no base class: any object with
the members below fits, and a type checker says so. The hookspecs are annotated with them, and
the registry checks the required members at registration time (``runtime_checkable``), so a
plugin that registers the wrong thing gets an error naming it at start-up, not a crash in the
middle of an audit. Optional members are named in each docstring.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from dsaudit.documents.base import Parser

if TYPE_CHECKING:
    from dsaudit.core.models import AuditResult, EvalContext, Resource, Result
    from dsaudit.modifiers.step import Modified, ModifyContext
    from dsaudit.project.config import ProjectConfig
    from dsaudit.sources import SourceContext


@runtime_checkable
class Source(Protocol):
    """Yields the resources of one run (``dsaudit_register_sources``).

    ``collect`` yields :class:`~dsaudit.core.models.Resource` objects, and error results for
    inputs it could not read; raising makes one error result naming the plugin.
    """

    name: str

    def collect(self, ctx: SourceContext) -> Iterable[Resource | Result]: ...


class Check(Protocol):
    """A named check (``dsaudit_register_checks``): ``check(item, ctx, **arguments)``.

    Returns True (holds), False (violated) or ``(path, value)`` pairs naming the offending
    values (violated when there are any).
    """

    def __call__(
        self, item: Any, ctx: EvalContext, /, **arguments: Any
    ) -> bool | Sequence[tuple[str, Any]]: ...


class Predicate(Protocol):
    """What an operator factory returns: called per value while rules are evaluated."""

    def __call__(self, value: Any, ctx: EvalContext, /) -> bool: ...


class OperatorFactory(Protocol):
    """An operator (``dsaudit_register_operators``): called once per use when a rule compiles."""

    def __call__(self, operand: Any, /) -> Predicate: ...


@runtime_checkable
class Reporter(Protocol):
    """A report format (``dsaudit_register_reporters``); ``name`` is the ``--format`` value.

    Optional: ``extension`` (default file suffix), ``description`` (one line for ``--help``),
    ``last_warnings`` (messages for the user after each ``render``).
    """

    name: str

    def render(self, audit: AuditResult, options: Mapping[str, Any]) -> str | bytes: ...


class Step(Protocol):
    """A prepared modifier: results in, :class:`~dsaudit.modifiers.step.Modified` out."""

    def __call__(self, results: Sequence[Result], ctx: ModifyContext, /) -> Modified: ...


@runtime_checkable
class Modifier(Protocol):
    """A result modifier (``dsaudit_register_modifiers``; see :mod:`dsaudit.modifiers.step`)."""

    name: str
    order: int

    def prepare(self, config: ProjectConfig) -> Step | None: ...


__all__ = [
    "Check",
    "Modifier",
    "OperatorFactory",
    "Parser",
    "Predicate",
    "Reporter",
    "Source",
    "Step",
]
