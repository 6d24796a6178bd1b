"""Parse ``*.tf`` files into one config document per ``resource`` and ``provider`` block.

Each document is a mapping (what rules see as the resource's attributes)::

    block: resource                 # or provider
    type: aws_s3_bucket             # the resource type, or the provider name
    name: logs                      # the resource name, or the provider alias ("default")
    address: aws_s3_bucket.logs
    provider: aws                   # provider name (from the type or the provider argument)
    region: cn-north-1              # resolved from the resource, its provider block in the
                                    # same file, or a variable default in the same file
    region_expression: ${var.x}     # when the region could not be resolved
    config: {...}                   # the block's arguments and nested blocks, as python-hcl2
                                    # gives them (nested blocks are lists of mappings)
    related:                        # resources in the same file that configure this one,
      aws_s3_bucket_acl: [{name: logs, config: {...}}]   # e.g. by `bucket = aws_s3_bucket.x.id`

Lines come from :mod:`dsaudit_terraform.hclscan`. Only one file is seen at a time: a provider
block or variable in another file is not used to resolve a region (the document then has
``region_expression`` or no region at all).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from dsaudit import Limits, ParsedDocument, ParseError

from dsaudit_terraform.hclscan import Block, HclLines

META_KEYS = {
    "__is_block__",
    "__start_line__",
    "__end_line__",
    "__comments__",
    "__inline_comments__",
}
RELATED = {
    "aws_s3_bucket_server_side_encryption_configuration": "aws_s3_bucket",
    "aws_s3_bucket_public_access_block": "aws_s3_bucket",
    "aws_s3_bucket_acl": "aws_s3_bucket",
    "aws_s3_bucket_logging": "aws_s3_bucket",
    "alicloud_oss_bucket_acl": "alicloud_oss_bucket",
    "alicloud_oss_bucket_public_access_block": "alicloud_oss_bucket",
    "alicloud_oss_bucket_server_side_encryption": "alicloud_oss_bucket",
}
"""Resource types that configure a bucket declared elsewhere, and the bucket's type."""
_INTERP = re.compile(r"^\$\{(.*)\}$", re.DOTALL)
_VAR = re.compile(r"^\$\{var\.([A-Za-z_][\w-]*)\}$")


def load_hcl(text: str) -> dict[str, Any]:
    """python-hcl2 output with quotes stripped and meta keys removed (hcl2 4.x to 8.x)."""
    import hcl2

    try:
        from hcl2.utils import SerializationOptions
    except ImportError:  # python-hcl2 < 8 strips quotes itself
        raw = hcl2.loads(text)
    else:
        options = SerializationOptions(
            strip_string_quotes=True, with_comments=False, explicit_blocks=False
        )
        raw = hcl2.loads(text, serialization_options=options)
    cleaned: dict[str, Any] = _clean(raw)
    return cleaned


def _clean(node: Any) -> Any:
    if isinstance(node, dict):
        return {_unquote(k): _clean(v) for k, v in node.items() if k not in META_KEYS}
    if isinstance(node, list):
        return [_clean(v) for v in node]
    if isinstance(node, str):
        return _unquote(node)
    return node


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    return text


def _reference(value: Any) -> str | None:
    """``aws_s3_bucket.logs.id`` from ``${aws_s3_bucket.logs.id}`` (or the bare form)."""
    if not isinstance(value, str):
        return None
    match = _INTERP.match(value)
    return (match.group(1) if match else value).strip()


def _blocks(data: dict[str, Any], kind: str) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """``[(labels, body), ...]`` for every block of ``kind`` in hcl2 output."""
    out: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    for entry in data.get(kind, []) or []:
        for first, inner in entry.items():
            if kind == "resource":
                for second, body in inner.items():
                    out.append(((first, second), body if isinstance(body, dict) else {}))
            else:
                out.append(((first,), inner if isinstance(inner, dict) else {}))
    return out


def _variables(data: dict[str, Any]) -> dict[str, Any]:
    return {labels[0]: body.get("default") for labels, body in _blocks(data, "variable")}


def _resolve(value: Any, variables: dict[str, Any]) -> tuple[str | None, str | None]:
    """(region, unresolved expression)."""
    if not isinstance(value, str):
        return None, None
    match = _VAR.match(value)
    if match:
        default = variables.get(match.group(1))
        return (default, None) if isinstance(default, str) else (None, value)
    if "${" in value:
        return None, value
    return value, None


class _Locator:
    """Maps document paths to lines through the block ranges of the scanned file."""

    def __init__(
        self, lines: HclLines, block: Block | None, related: dict[tuple[str, int], Block | None]
    ) -> None:
        self.lines, self.block, self.related = lines, block, related
        self.region_line: int | None = None

    def line_of(self, path: Sequence[Any]) -> int | None:
        if self.block is None:
            return None
        steps = list(path)
        if steps[:1] == ["config"]:
            return self.lines.line_in_block(self.block, steps[1:])
        if steps[:1] == ["related"] and len(steps) >= 3:
            other = self.related.get((str(steps[1]), int(steps[2])))
            if other is not None:
                return self.lines.line_in_block(
                    other, steps[4:] if steps[3:4] == ["config"] else []
                )
        if steps[:1] == ["region"] and self.region_line:
            return self.region_line
        return self.block.start


class TerraformParser:
    """Claims ``*.tf``; one document per resource and provider block."""

    name = "terraform"

    def claims(self, path: PurePosixPath) -> bool:
        return path.suffix == ".tf"

    def parse(self, display_path: str, content: bytes, limits: Limits) -> list[ParsedDocument]:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = content[: exc.start].count(b"\n") + 1
            raise ParseError("not UTF-8 text", file=display_path, line=line) from None
        try:
            import hcl2  # noqa: F401 (a clear message when the dependency is missing)
        except ImportError:
            raise ParseError(
                "the terraform parser needs python-hcl2: pip install python-hcl2",
                file=display_path,
            ) from None
        try:
            data = load_hcl(text)
        except Exception as exc:
            where = getattr(exc, "line", None)
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ParseError(
                f"invalid HCL: {reason}",
                file=display_path,
                line=where if isinstance(where, int) and where > 0 else None,
            ) from None
        return build_documents(data, HclLines(text))


def build_documents(data: dict[str, Any], lines: HclLines) -> list[ParsedDocument]:
    """The documents of one file: providers first, then resources, in source order."""
    variables = _variables(data)
    providers: dict[tuple[str, str], tuple[dict[str, Any], Block | None]] = {}
    docs: list[tuple[dict[str, Any], _Locator]] = []
    for (pname,), body in _blocks(data, "provider"):
        alias = str(body.get("alias") or "default")
        block = _nth_block(lines, "provider", (pname,), alias, data)
        providers[(pname, alias)] = (body, block)
        region, expression = _resolve(body.get("region"), variables)
        doc: dict[str, Any] = {
            "block": "provider",
            "type": pname,
            "name": alias,
            "address": f"provider.{pname}.{alias}",
            "provider": pname,
            "config": body,
        }
        locator = _Locator(lines, block, {})
        _set_region(doc, region, expression)
        if block is not None and "region" in body:
            locator.region_line = lines.line_in_block(block, ["region"])
        docs.append((doc, locator))
    resources = _blocks(data, "resource")
    by_address = {f"{t}.{n}": body for (t, n), body in resources}
    related: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]] = {}
    for (rtype, rname), body in resources:
        parent_type = RELATED.get(rtype)
        if parent_type is None:
            continue
        parent = _parent_of(body, parent_type, by_address)
        if parent is not None:
            related.setdefault(parent, {}).setdefault(rtype, []).append((rname, body))
    for (rtype, rname), body in resources:
        address = f"{rtype}.{rname}"
        pname, alias = _provider_of(rtype, body)
        block = lines.find_block("resource", rtype, rname)
        doc = {
            "block": "resource",
            "type": rtype,
            "name": rname,
            "address": address,
            "provider": pname,
            "config": body,
        }
        links: dict[tuple[str, int], Block | None] = {}
        if address in related:
            doc["related"] = {
                other: [{"name": n, "config": b} for n, b in items]
                for other, items in sorted(related[address].items())
            }
            for other, items in related[address].items():
                for i, (n, _) in enumerate(items):
                    links[(other, i)] = lines.find_block("resource", other, n)
        locator = _Locator(lines, block, links)
        region, expression = _resolve(body.get("region"), variables)
        if block is not None and "region" in body:
            locator.region_line = lines.line_in_block(block, ["region"])
        if region is None and expression is None:
            pbody, pblock = providers.get((pname, alias), ({}, None))
            region, expression = _resolve(pbody.get("region"), variables)
            if pblock is not None and "region" in pbody:
                locator.region_line = lines.line_in_block(pblock, ["region"])
        _set_region(doc, region, expression)
        docs.append((doc, locator))
    return [ParsedDocument(doc, loc, index=i) for i, (doc, loc) in enumerate(docs)]


def _set_region(doc: dict[str, Any], region: str | None, expression: str | None) -> None:
    if region is not None:
        doc["region"] = region
    elif expression is not None:
        doc["region_expression"] = expression


def _provider_of(rtype: str, body: dict[str, Any]) -> tuple[str, str]:
    ref = _reference(body.get("provider"))
    if ref:
        name, _, alias = ref.partition(".")
        return name, alias or "default"
    return rtype.split("_", 1)[0], "default"


def _parent_of(body: dict[str, Any], parent_type: str, by_address: dict[str, Any]) -> str | None:
    """Address of the bucket a configuring resource points at (reference or literal name)."""
    target = _reference(body.get("bucket"))
    if not target:
        return None
    parts = target.split(".")
    if len(parts) >= 2 and parts[0] == parent_type:
        address = f"{parts[0]}.{parts[1]}"
        return address if address in by_address else None
    for address, parent in by_address.items():
        if address.startswith(parent_type + ".") and parent.get("bucket") == target:
            return address
    return None


def _nth_block(
    lines: HclLines, kind: str, labels: tuple[str, ...], alias: str, data: dict[str, Any]
) -> Block | None:
    """The provider block with this alias (several blocks share the provider name)."""
    candidates = [b for b in lines.blocks if b.kind == kind and b.labels[:1] == labels]
    bodies = [body for lab, body in _blocks(data, kind) if lab == labels]
    for block, body in zip(candidates, bodies, strict=False):
        if str(body.get("alias") or "default") == alias:
            return block
    return candidates[0] if candidates else None
