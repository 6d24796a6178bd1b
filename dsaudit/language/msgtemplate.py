"""Rule message templates: named placeholders only, checked when the pack loads.

A message such as ``"{path} allows {value}."`` is filled with the failing value, its path, the
resource and the rule's parameters. Packs are untrusted, so a template may not reach Python:
``str.format`` would follow ``{value.__class__.__mro__}`` into interpreter internals, index
into values (``{value[0]}``), convert them (``{value!r}``) or pad them to any width
(``{value:>200000000}`` builds a 200 MB string). Here a placeholder is a bare name and nothing
else; ``{{`` and ``}}`` stand for literal braces. The pack loader rejects any other form, and
unknown names, with the file and line; rendering follows the same grammar, so a template that
somehow skipped the check still cannot do more than substitute names.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

ENGINE_NAMES = frozenset({"value", "path", "resource", "kind", "file"})
"""Placeholders every message may use, besides the rule's own parameters (and ``{NAME_legal}``
for each parameter that declares a ``legal_value``)."""

LEGAL_SUFFIX = "_legal"
NOT_RECORDED = "not recorded"
"""What ``{value}`` shows when the deciding value is absent from the inventory or file."""


def legal_name(param: str) -> str:
    """The placeholder of a parameter's legal value: ``min_days`` -> ``min_days_legal``."""
    return param + LEGAL_SUFFIX


_PARSER = string.Formatter()


class TemplateError(ValueError):
    """A message template that uses more than named placeholders."""


def _fields(template: str) -> Iterable[tuple[str, str | None, str | None, str | None]]:
    try:
        yield from _PARSER.parse(template)
    except ValueError as exc:  # an unmatched brace
        raise TemplateError(f"{exc} (write {{{{ and }}}} for literal braces)") from None


def check_template(template: str, names: Iterable[str]) -> None:
    """Raise TemplateError unless every placeholder is a bare name from ``names``."""
    known = set(names)
    for _, field, spec, conversion in _fields(template):
        if field is None:
            continue
        shown = "{" + field + (f"!{conversion}" if conversion else "") + (
            f":{spec}" if spec else "") + "}"  # fmt: skip
        if not field.isidentifier():
            what = "positional" if field == "" or field.isdigit() else "attribute or index"
            raise TemplateError(
                f"placeholder {shown} is not allowed ({what} access): messages use named "
                "placeholders only, like {value}"
            )
        if conversion or spec:
            raise TemplateError(
                f"placeholder {shown} is not allowed: no conversions or format specs, only "
                f"{{{field}}}"
            )
        if field not in known:
            raise TemplateError(
                f"unknown placeholder {{{field}}}; known: {', '.join(sorted(known))}"
            )


MESSAGE_KEYS = ("message", "message_missing")
"""The rule fields that are message templates."""


class MessageError(TemplateError):
    """A rule's message template is refused; ``key`` names the field (``message``, ...)."""

    def __init__(self, key: str, problem: TemplateError) -> None:
        super().__init__(str(problem))
        self.key = key


def check_messages(rule: Mapping[str, Any], names: Iterable[str]) -> None:
    """Check every message template of a rule (:data:`MESSAGE_KEYS`) against ``names``."""
    known = frozenset(names)
    for key in MESSAGE_KEYS:
        if key in rule:
            try:
                check_template(rule[key], known)
            except TemplateError as exc:
                raise MessageError(key, exc) from None


def render_template(template: str, values: Mapping[str, Any]) -> str:
    """Substitute named placeholders; anything else (or an unknown name) is left as written."""
    try:
        parts = list(_PARSER.parse(template))
    except ValueError:
        return template
    out: list[str] = []
    for literal, field, spec, conversion in parts:
        out.append(literal)
        if field is None:
            continue
        if field.isidentifier() and not spec and not conversion and field in values:
            out.append(str(values[field]))
        else:
            out.append("{" + field + (f"!{conversion}" if conversion else "")
                       + (f":{spec}" if spec else "") + "}")  # fmt: skip
    return "".join(out)
