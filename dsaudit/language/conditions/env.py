"""What every part of the condition compiler shares: the environment, errors, operands."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dsaudit.core.models import Condition, PathKey
from dsaudit.language.joins import ReferenceMap
from dsaudit.language.operators import OPERATORS, Predicate
from dsaudit.language.paths import PathSpec, compile_path

Sub = Callable[[Any, "CompileEnv", tuple[PathKey, ...]], Condition]
"""Compiles a sub-condition (``tree, env, where``); given to the compilers of compound nodes."""


CheckFunction = Callable[..., Any]

LOGICAL = ("all", "any", "not")
QUANTIFIERS = ("for_any", "for_all", "for_none")
AGGREGATES = ("count", "sum", "max", "min")
MATCH_MODES = ("all", "any", "none")

EXPORT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
"""What ``as:`` accepts: a placeholder name for the rule's message."""


class ConditionError(ValueError):
    """A condition that cannot compile; ``where`` is the path inside the condition tree."""

    def __init__(self, message: str, where: tuple[PathKey, ...] = ()) -> None:
        self.where = where
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class CompileEnv:
    """What the compiler needs besides the tree."""

    params: Mapping[str, Any] = field(default_factory=dict)
    checks: Mapping[str, CheckFunction] = field(default_factory=dict)
    taxonomy: Any = None
    """Used to validate category names at compile time (``category_in``)."""
    max_regex_length: int = 1000
    operators: Mapping[str, Callable[[Any], Predicate]] | None = None
    """Operator name -> factory, from ``dsaudit_register_operators``; None: the built-ins."""
    as_of: Any = None
    """The audit date (``datetime.date``); picks the article numbers in force on that date."""
    exports: dict[str, tuple[Any, Callable[[Any], Mapping[str, str]], tuple[str, ...]]] | None = (
        None
    )
    """Filled while one rule compiles: ``as: NAME`` -> (the shared form of the aggregate or
    leaf, the function giving the message placeholders it provides, their names)."""
    references: ReferenceMap | None = None
    """Kind -> reference key -> kinds named, to check joins (``datasets->x``) at compile time;
    None: joins are not checked (a key that is no reference then yields nothing)."""
    kind: str | None = None
    """The kind of resource the rule applies to (``applies_to.kind``), when known."""


def operators_of(env: CompileEnv) -> Mapping[str, Callable[[Any], Predicate]]:
    return env.operators if env.operators is not None else OPERATORS


def fail(message: str, where: tuple[PathKey, ...]) -> ConditionError:
    return ConditionError(message, where)


def suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def only(tree: dict[str, Any], allowed: set[str], where: tuple[PathKey, ...]) -> None:
    extra = sorted(set(tree) - allowed)
    if extra:
        raise fail(f"unexpected key(s) {extra} next to {sorted(allowed)}", where)


def path_spec(text: Any, where: tuple[PathKey, ...]) -> PathSpec:
    try:
        return compile_path(text)
    except ValueError as exc:
        raise fail(str(exc), where) from None


def operand(value: Any, env: CompileEnv, where: tuple[PathKey, ...]) -> Any:
    if isinstance(value, dict) and set(value) == {"param"}:
        name = value["param"]
        if name not in env.params:
            raise fail(f'unknown parameter "{name}"{suggest(str(name), list(env.params))}', where)
        return env.params[name]
    return value
