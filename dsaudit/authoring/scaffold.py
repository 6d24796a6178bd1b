"""Write skeletons for a new plugin package or a new rule pack (``dsaudit plugin|pack new``).

Templates live in ``dsaudit/templates/scaffold/{plugin,pack}/`` as ``*.tmpl`` files (so the
repository's linters and test runner leave them alone). Path parts ``__module__`` and
``__pack__`` and the tokens ``{{name}}``, ``{{dist}}``, ``{{module}}``, ``{{pack}}``,
``{{rule}}``, ``{{check}}`` are replaced with values derived from the NAME the user gave.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from dsaudit.core.errors import UsageError

TEMPLATE_ROOT = "templates/scaffold"
SUFFIX = ".tmpl"
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_TOKEN = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True, slots=True)
class ScaffoldNames:
    """Every name a skeleton needs, derived from one NAME (``acme-cloud``)."""

    name: str
    """Entry-point and plugin name: ``acme-cloud``."""
    dist: str
    """Distribution (pip) name: ``dsaudit-acme-cloud``."""
    module: str
    """Import name: ``dsaudit_acme_cloud``."""
    pack: str
    """Rule pack name: ``acme-cloud``."""
    rule: str
    """Id of the example rule: ``ACME-CLOUD-DEBUG-OFF`` (plugin) or ``...-LOG-RETENTION``."""
    check: str
    """Name of the example named check: ``acme_cloud_debug_off``."""
    parser: str
    """Name of the example parser (of ``*.acme-cloud.conf`` files): ``acme_cloud_conf``."""


def scaffold_names(name: str, *, rule_suffix: str = "DEBUG-OFF") -> ScaffoldNames:
    """Derive the names from NAME; raise :class:`UsageError` when NAME cannot be used."""
    raw = name.strip()
    short = raw.removeprefix("dsaudit-")
    if not _NAME.match(short):
        raise UsageError(
            f'invalid name "{raw}": use lower-case letters, digits and single hyphens, '
            'starting with a letter (e.g. "acme" or "acme-cloud")'
        )
    snake = short.replace("-", "_")
    return ScaffoldNames(
        name=short,
        dist=f"dsaudit-{short}",
        module=f"dsaudit_{snake}",
        pack=short,
        rule=f"{short.upper()}-{rule_suffix}",
        check=f"{snake}_debug_off",
        parser=f"{snake}_conf",
    )


def _walk(node: Traversable, rel: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    out: list[tuple[tuple[str, ...], str]] = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            if child.name != "__pycache__":
                out.extend(_walk(child, (*rel, child.name)))
        elif child.name.endswith(SUFFIX):
            out.append(((*rel, child.name), child.read_text("utf-8")))
    return out


def render(text: str, names: ScaffoldNames, where: str) -> str:
    """Replace ``{{token}}`` placeholders; an unknown token is a bug in the template."""
    values = asdict(names)

    def sub(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"template {where}: unknown placeholder {{{{{key}}}}}")
        return str(values[key])

    return _TOKEN.sub(sub, text)


def _target_path(rel: tuple[str, ...], names: ScaffoldNames) -> Path:
    parts = [p.replace("__module__", names.module).replace("__pack__", names.pack) for p in rel]
    parts[-1] = parts[-1].removesuffix(SUFFIX)
    return Path(*parts)


def write_skeleton(kind: str, names: ScaffoldNames, dest: Path) -> list[Path]:
    """Render template tree ``kind`` (``plugin`` or ``pack``) into the new folder ``dest``.

    Refuses (UsageError) when ``dest`` exists and is not empty; nothing is written then.
    Returns the written files, sorted.
    """
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} already exists and is not empty; nothing was written")
    tree = resources.files("dsaudit").joinpath(f"{TEMPLATE_ROOT}/{kind}")
    written = []
    for rel, text in _walk(tree):
        target = dest / _target_path(rel, names)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(text, names, "/".join(rel)), encoding="utf-8")
        written.append(target)
    return sorted(written)


def new_plugin(name: str, directory: Path) -> tuple[Path, list[Path]]:
    """Create ``directory/dsaudit-NAME/``: an installable plugin with a check, a pack and tests."""
    names = scaffold_names(name)
    dest = directory / names.dist
    return dest, write_skeleton("plugin", names, dest)


def new_pack(name: str, directory: Path) -> tuple[Path, list[Path]]:
    """Create ``directory/NAME/``: a rule pack with one rule, its cases and a pytest test."""
    names = scaffold_names(name, rule_suffix="LOG-RETENTION")
    dest = directory / names.pack
    return dest, write_skeleton("pack", names, dest)
