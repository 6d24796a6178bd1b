"""Which law codes a rule ref may cite: the instruments dsaudit ships, plus a pack's own.

The shipped instruments are the ``instruments:`` section of ``dsaudit/data/provisions.yaml`` (the
list ``dsaudit coverage`` reports on; docs/coverage.md explains each code). A pack may cite other
instruments only if it declares them: its manifest ``law:`` (described by its ``instrument:``)
and the entries of its manifest ``instruments:`` list (``{code, title}`` each). Anything else in a
ref is a typo or an invented law, and the pack loader refuses it, naming the closest known code.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import yaml


@functools.cache
def shipped_instruments() -> Mapping[str, str]:
    """Law code -> title of every instrument shipped with dsaudit (``provisions.yaml``)."""
    ref = resources.files("dsaudit").joinpath("data/provisions.yaml")
    data: Any = yaml.load(ref.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    instruments = data.get("instruments") if isinstance(data, dict) else None
    if not isinstance(instruments, dict) or not instruments:
        raise RuntimeError("dsaudit/data/provisions.yaml has no instruments section")  # a bug
    return {str(code): str(title) for code, title in instruments.items()}


def closest_code(code: str, known: Iterable[str]) -> str | None:
    """The known code ``code`` most likely meant (case aside), or None."""
    by_upper = {k.upper(): k for k in known}
    if code.upper() in by_upper:
        return by_upper[code.upper()]
    close = difflib.get_close_matches(code.upper(), list(by_upper), n=1, cutoff=0.6)
    return by_upper[close[0]] if close else None


def unknown_code_message(code: str, known: Iterable[str]) -> str:
    """``unknown law code 'PIPLX' (did you mean 'PIPL'?)`` and where codes come from."""
    hint = closest_code(code, known)
    did = f" (did you mean {hint!r}?)" if hint else ""
    return (
        f"unknown law code {code!r}{did}; a ref cites an instrument shipped with dsaudit "
        "(docs/coverage.md, 'Law codes used in rule refs') or one this pack declares "
        "(pack.yaml 'law:' or 'instruments:')"
    )
