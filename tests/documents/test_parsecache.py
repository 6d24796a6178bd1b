"""The parse cache (--cache DIR): same results, fewer parses, and never trusted with code."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
from projectkit import REPO_ROOT

from dsaudit.core.limits import Limits
from dsaudit.documents.base import ParsedDocument
from dsaudit.documents.parsecache import ParseCache, cached_parse
from dsaudit.documents.structured import JsonParser, YamlParser, parse_structured
from dsaudit.project.config import build_config
from tests.projectkit import run

SAMPLE = REPO_ROOT / "sample_configs" / "acme-retail"


def _audit(target: Path, out: Path, *args: str | Path) -> tuple[int, dict[str, Any]]:
    result = run("audit", target, "--format", "json", "--output", out, "-q", *args)
    assert out.is_file(), result.output
    return result.exit_code, json.loads(out.read_text("utf-8"))


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*.pickle"))


def _results(report: dict[str, Any]) -> list[dict[str, Any]]:
    return report["results"] + report["errors"]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    target = tmp_path / "acme"
    shutil.copytree(SAMPLE, target)
    return target


def test_a_cached_audit_gives_the_same_report(sample: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    code0, plain = _audit(sample, tmp_path / "plain.json")
    code1, first = _audit(sample, tmp_path / "first.json", "--cache", cache)
    entries = _entries(cache)
    assert entries, "the first run fills the cache"
    tag = (cache / "CACHEDIR.TAG").read_text()
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55")
    limits = build_config(sample).limits
    for inventory_file in sorted((sample / "inventory").rglob("*.yaml")):  # inventories too
        key = ParseCache(cache).key("yaml ", inventory_file.read_bytes(), limits)
        assert (cache / key[:2] / f"{key[2:]}.pickle").is_file(), inventory_file
    stamps = {p: p.stat().st_mtime_ns for p in entries}
    code2, second = _audit(sample, tmp_path / "second.json", "--cache", cache)
    assert code0 == code1 == code2
    assert _results(plain) == _results(first) == _results(second)  # lines, evidence, waivers
    assert {p: p.stat().st_mtime_ns for p in _entries(cache)} == stamps  # all hits, no rewrite


def test_a_changed_file_misses_and_is_audited_as_changed(sample: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _audit(sample, tmp_path / "first.json", "--cache", cache)
    before = len(_entries(cache))
    changed = next(p for p in sorted(sample.rglob("*.yaml")) if "configs" in p.parts)
    changed.write_text(changed.read_text("utf-8") + "\n# changed\n", "utf-8")
    _, cached = _audit(sample, tmp_path / "cached.json", "--cache", cache)
    _, fresh = _audit(sample, tmp_path / "fresh.json")
    assert len(_entries(cache)) == before + 1
    assert _results(cached) == _results(fresh)


class _Boom:
    """A pickle that would run a command when loaded by a plain unpickler."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


def test_a_tampered_entry_is_a_miss_and_runs_nothing(tmp_path: Path) -> None:
    content = b"a: 1\nb: [x, y]\n"
    cache = ParseCache(tmp_path / "cache")
    cache.prepare()
    limits = Limits()
    key = cache.key("yaml ", content, limits)
    marker = tmp_path / "pwned"
    entry = cache.directory / key[:2] / f"{key[2:]}.pickle"
    entry.parent.mkdir(parents=True)
    entry.write_bytes(pickle.dumps([_Boom(marker)]))
    docs = cached_parse(
        cache, YamlParser(), content, limits, lambda: YamlParser().parse("t.yaml", content, limits)
    )
    assert not marker.exists()
    assert [d.data for d in docs] == [{"a": 1, "b": ["x", "y"]}]
    assert docs[0].locator is not None and docs[0].locator.line_of(["b", 1]) == 2


@pytest.mark.parametrize(
    "blob",
    [b"", b"not a pickle", pickle.dumps({"not": "documents"}), pickle.dumps([1, 2])],
    ids=["empty", "garbage", "wrong-type", "wrong-items"],
)
def test_a_damaged_entry_is_a_miss(tmp_path: Path, blob: bytes) -> None:
    cache = ParseCache(tmp_path)
    key = cache.key("yaml ", b"a: 1\n", Limits())
    path = tmp_path / key[:2] / f"{key[2:]}.pickle"
    path.parent.mkdir(parents=True)
    path.write_bytes(blob)
    assert cache.get(key) is None


def test_entries_keep_lines(tmp_path: Path) -> None:
    content = b"# top\nserver:\n  tls: false  # dsaudit:ignore X-1 legacy\n"
    cache = ParseCache(tmp_path)
    limits = Limits()
    produce = lambda: parse_structured("c.yaml", content, "yaml", limits)  # noqa: E731
    first = cache.parse("yaml ", content, limits, produce)
    again = cache.parse("yaml ", content, limits, lambda: pytest.fail("parsed again"))
    assert [d.data for d in again] == [d.data for d in first]
    assert again[0].locator is not None and again[0].locator.line_of(["server", "tls"]) == 3


def test_the_key_covers_parser_limits_and_content() -> None:
    cache = ParseCache(Path("unused"))
    base = cache.key("yaml ", b"a: 1\n", Limits())
    assert base != cache.key("toml ", b"a: 1\n", Limits())
    assert base != cache.key("yaml ", b"a: 2\n", Limits())
    assert base != cache.key("yaml ", b"a: 1\n", Limits(max_depth=10))
    assert base == cache.key("yaml ", b"a: 1\n", Limits())


def test_parsers_that_are_not_cacheable_always_parse(tmp_path: Path) -> None:
    cache = ParseCache(tmp_path)
    calls: list[int] = []

    def produce() -> list[ParsedDocument]:
        calls.append(1)
        return [ParsedDocument({"a": 1})]

    for _ in range(2):
        cached_parse(cache, JsonParser(), b'{"a": 1}', Limits(), produce)
    assert calls == [1, 1] and _entries(tmp_path) == []


def test_a_cache_folder_that_cannot_be_made_is_a_clear_error(sample: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("audit", sample, "--cache", blocker / "cache", "-q")
    assert result.exit_code == 2
    assert "parse cache folder" in result.output and str(blocker / "cache") in result.output


def test_the_cache_can_be_set_in_the_config_file_and_turned_off(
    sample: Path, tmp_path: Path
) -> None:
    config = sample / "dsaudit.yaml"
    config.write_text(config.read_text("utf-8") + "cache: .cache/dsaudit\n", "utf-8")
    _audit(sample, tmp_path / "a.json", "--config", config)
    assert _entries(sample / ".cache" / "dsaudit")
    shutil.rmtree(sample / ".cache")
    _audit(sample, tmp_path / "b.json", "--config", config, "--no-cache")
    assert not (sample / ".cache").exists()
