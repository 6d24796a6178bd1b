"""Render the hook reference (docs/plugin-hooks.md) from the hookspec docstrings.

``python -m dsaudit.plugin.hookdoc > docs/plugin-hooks.md`` regenerates it; a test fails when the
committed page and the hookspecs disagree, so the reference cannot drift.
"""

from __future__ import annotations

import inspect
import textwrap

from dsaudit.plugin import hookspecs

HEADER = """# Plugin hook reference

Generated from `dsaudit/plugin/hookspecs.py` by
`python -m dsaudit.plugin.hookdoc > docs/plugin-hooks.md`; do not edit by hand. Plugin API version:
{api}. Implement a hook with `@dsaudit.hookimpl` on a function of the same name in a module or class
registered under the `dsaudit` entry-point group (see [plugins.md](plugins.md)).
"""


def hook_functions() -> list[object]:
    """Every hookspec function, in the order the module defines them."""
    funcs = [
        obj
        for name, obj in vars(hookspecs).items()
        if name.startswith("dsaudit_") and callable(obj)
    ]
    return sorted(funcs, key=lambda f: inspect.getsourcelines(f)[1])


def render() -> str:
    """The whole Markdown page."""
    parts = [HEADER.format(api=hookspecs.PLUGIN_API_VERSION)]
    for func in hook_functions():
        sig = inspect.signature(func)  # type: ignore[arg-type]
        opts = getattr(func, "dsaudit_spec", {}) or {}
        name = func.__name__  # type: ignore[attr-defined]
        shown = str(sig).replace("'", "")
        parts.append(f"## `{name}{shown}`\n")
        parts.append(f"firstresult: {'yes' if opts.get('firstresult') else 'no'}\n")
        doc = textwrap.dedent(inspect.getdoc(func) or "").strip()
        parts.append(doc + "\n")
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
