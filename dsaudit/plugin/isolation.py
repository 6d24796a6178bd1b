"""Per-plugin isolation for hooks that are called through pluggy.

Every hook is called through ``pm.hook`` so pluggy's ordering (``tryfirst``/``trylast``),
wrappers (``wrapper=True``), tracing and call monitoring all work. pluggy itself stops a whole
hook call at the first implementation that raises; dsaudit's promise is that one broken plugin
becomes an error result naming it while every other plugin still runs. So each implementation's
function is replaced, when its plugin registers, by one that catches the plugin's failure
(``Exception`` or ``SystemExit``; ``KeyboardInterrupt`` still interrupts), reports it, and
returns ``None`` (which pluggy treats as "no answer": the next implementation runs, and a
``firstresult`` hook goes on to the next plugin).

A new-style wrapper is wrapped by a generator that runs the plugin's generator around the
inner call: if the plugin raises before it yields, the inner call runs without it; if it raises
after, the inner result stands. Old-style ``hookwrapper=True`` implementations are deprecated by
pluggy and are refused at registration (see ``PluginHost.register``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from dsaudit.core.errors import PLUGIN_FAILURES

OnError = Callable[[str, str, BaseException], None]
OnResult = Callable[[str, Any], None]


def isolate_call(
    plugin: str,
    hook: str,
    function: Callable[..., Any],
    on_error: OnError,
    on_result: OnResult,
    running: list[str],
) -> Callable[..., Any]:
    """``function`` (a plain hook implementation) that reports failures instead of raising.

    While it runs, ``plugin`` is on top of ``running``, so a ``register`` callback knows which
    plugin is registering.
    """

    def isolated(*args: Any, **kwargs: Any) -> Any:
        running.append(plugin)
        try:
            value = function(*args, **kwargs)
        except PLUGIN_FAILURES as exc:
            on_error(plugin, hook, exc)
            return None
        finally:
            running.pop()
        on_result(plugin, value)
        return value

    isolated.__wrapped__ = function  # type: ignore[attr-defined]
    return isolated


def isolate_wrapper(
    plugin: str, hook: str, function: Callable[..., Any], on_error: OnError
) -> Callable[..., Generator[None, Any, Any]]:
    """``function`` (a ``wrapper=True`` generator) that reports failures instead of raising."""

    def isolated(*args: Any, **kwargs: Any) -> Generator[None, Any, Any]:
        try:
            inner = function(*args, **kwargs)
            next(inner)
        except StopIteration:
            on_error(plugin, hook, RuntimeError("the wrapper returned without yielding"))
            return (yield)
        except PLUGIN_FAILURES as exc:
            on_error(plugin, hook, exc)
            return (yield)
        try:
            result = yield
        except BaseException as exc:  # an interruption from inside: let the plugin see it
            try:
                inner.throw(exc)
            except StopIteration as stop:
                return stop.value
            raise
        try:
            inner.send(result)
        except StopIteration as stop:
            return stop.value
        except PLUGIN_FAILURES as exc:
            on_error(plugin, hook, exc)
            return result
        inner.close()
        on_error(plugin, hook, RuntimeError("the wrapper yielded more than once"))
        return result

    isolated.__wrapped__ = function  # type: ignore[attr-defined]
    return isolated
