"""Compile a rule's condition tree once into a plain Python callable.

The grammar (docs/rules.md has the full reference)::

    cond := {all: [cond, ...]} | {any: [cond, ...]} | {not: cond}
          | {path: P, <operator>: operand, ..., [match: all|any|none]}
          | {for_any|for_all|for_none: P, where: cond}
          | {count: P, [where: cond], <comparison>: n}
          | {aggregate: count|sum|max|min, over: KIND, [of: P], [where: cond], [period: ...],
             [distinct: ...], [as: NAME], <comparison>: n}
          | {check: NAME, [with: {...}]}
    operand := literal | {param: NAME}

Nothing from YAML is ever evaluated as code: every node maps to a closure built here.
Compiled callables take ``(item, ctx)`` and return a bool; when ``ctx.trace`` is a list, leaves
record the ``(path, value)`` pairs they examined, which the engine uses to explain failures.

The package is split by kind of node: :mod:`.logic`, :mod:`.leaves`, :mod:`.collections`,
:mod:`.aggregates` (with :mod:`.periods` and :mod:`.distinct`);
:mod:`.compiler` dispatches and :mod:`.env` holds what they share.
"""

from dsaudit.language.conditions.aggregates import EXPORT_SUFFIXES
from dsaudit.language.conditions.collections import reads_the_resource, resource_memo
from dsaudit.language.conditions.compiler import compile_condition
from dsaudit.language.conditions.env import (
    AGGREGATES,
    LOGICAL,
    MATCH_MODES,
    QUANTIFIERS,
    CheckFunction,
    CompileEnv,
    ConditionError,
)
from dsaudit.language.paths import MISSING

__all__ = [
    "AGGREGATES",
    "EXPORT_SUFFIXES",
    "LOGICAL",
    "MATCH_MODES",
    "MISSING",
    "QUANTIFIERS",
    "CheckFunction",
    "CompileEnv",
    "ConditionError",
    "compile_condition",
    "reads_the_resource",
    "resource_memo",
]
