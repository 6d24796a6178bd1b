"""Config discovery: globs, default excludes, symbolic links, limits."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from dsaudit.core.limits import Limits
from dsaudit.sources.discovery import DEFAULT_EXCLUDED_DIRS, GlobSet, discover, glob_to_regex

LIMITS = Limits()


def _tree(root: Path, *paths: str) -> None:
    for rel in paths:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("a: 1\n")


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*.yaml", "a.yaml", True),
        ("*.yaml", "deep/er/a.yaml", True),
        ("*.yaml", "a.yml", False),
        ("*.yaml", "dir.yaml/x", False),
        ("conf/*.yaml", "conf/a.yaml", True),
        ("conf/*.yaml", "x/conf/a.yaml", False),
        ("conf/*.yaml", "conf/sub/a.yaml", False),
        ("/build", "build", True),
        ("/build", "x/build", False),
        ("secrets", "a/b/secrets", True),
        ("**/x.json", "x.json", True),
        ("**/x.json", "a/b/x.json", True),
        ("a/**", "a/b/c.txt", True),
        ("a/**", "a", False),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a/**/b", "a/xb", False),
        ("?.ini", "a.ini", True),
        ("?.ini", "ab.ini", False),
        ("[ab].env", "b.env", True),
        ("[!ab].env", "b.env", False),
        ("[!ab].env", "c.env", True),
        ("*", "a/b", True),
        ("a*b", "a/b", False),
        ("**", "anything/at/all", True),
        ("file[1].txt", "file1.txt", True),
        ("has\\*star", "has*star", True),
        ("has\\*star", "hasXstar", False),
        ("a+b(1).yaml", "a+b(1).yaml", True),
    ],
)
def test_glob_semantics(pattern: str, path: str, matches: bool) -> None:
    regex, _ = glob_to_regex(pattern)
    assert (re.fullmatch(regex, path) is not None) is matches


@pytest.mark.parametrize(
    ("pattern", "is_dir", "matches"),
    [("logs/", True, True), ("logs/", False, False), ("logs", False, True)],
)
def test_trailing_slash_matches_folders_only(pattern: str, is_dir: bool, matches: bool) -> None:
    assert GlobSet([pattern]).matches("x/logs", is_dir=is_dir) is matches


def test_discovers_sorted_posix_paths(tmp_path: Path) -> None:
    _tree(tmp_path, "b.yaml", "a/z.json", "a/b/c.toml", "A.ini")
    result = discover(tmp_path, limits=LIMITS)
    assert result.files == ["A.ini", "a/b/c.toml", "a/z.json", "b.yaml"]
    assert result.problems == []
    assert result.root == tmp_path
    assert not result.truncated


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        "k8s/app.yaml",
        "k8s/generated/app.yaml",
        "k8s/notes.md",
        "conf/app.yaml",
        "conf/secret.env",
        "other/x.yaml",
    )
    result = discover(
        tmp_path, include=["*.yaml", "conf"], exclude=["generated/", "other/x.yaml"], limits=LIMITS
    )
    assert result.files == ["conf/app.yaml", "conf/secret.env", "k8s/app.yaml"]


def test_exclude_file_pattern_everywhere(tmp_path: Path) -> None:
    _tree(tmp_path, "a.yaml", "d/b.yaml", "d/c.json")
    result = discover(tmp_path, exclude=["*.yaml"], limits=LIMITS)
    assert result.files == ["d/c.json"]


@pytest.mark.parametrize("name", sorted(DEFAULT_EXCLUDED_DIRS))
def test_default_excluded_folders_are_skipped(tmp_path: Path, name: str) -> None:
    _tree(tmp_path, f"{name}/config.yaml", f"sub/{name}/x.yaml", "kept.yaml")
    assert discover(tmp_path, limits=LIMITS).files == ["kept.yaml"]
    everything = discover(tmp_path, limits=LIMITS, use_default_excludes=False).files
    assert everything == sorted(["kept.yaml", f"sub/{name}/x.yaml", f"{name}/config.yaml"])


def test_ignore_callback_skips_and_keeps(tmp_path: Path) -> None:
    _tree(tmp_path, "a.yaml", "drop/b.yaml", "vendor/c.yaml", "d.yaml")
    asked: list[str] = []

    def ignore(path: Path) -> bool | None:
        asked.append(path.relative_to(tmp_path).as_posix())
        if path.name == "drop":
            return True
        if path.name == "vendor":
            return False  # keep it although vendor/ is excluded by default
        if path.name == "d.yaml":
            return True
        return None

    result = discover(tmp_path, limits=LIMITS, ignore=ignore)
    assert result.files == ["a.yaml", "vendor/c.yaml"]
    assert "drop" in asked and "drop/b.yaml" not in asked  # pruned, never entered


def test_symlink_leaving_the_target_is_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _tree(outside, "secret.yaml", "dir/x.yaml")
    target = tmp_path / "target"
    _tree(target, "own.yaml")
    (target / "link.yaml").symlink_to(outside / "secret.yaml")
    (target / "linkdir").symlink_to(outside / "dir")
    for follow in (False, True):
        result = discover(target, limits=LIMITS, follow_symlinks=follow)
        assert result.files == ["own.yaml"]
        reasons = {p.path: p.reason for p in result.problems}
        assert reasons["link.yaml"].startswith("symbolic link leaves the target")
        assert reasons["linkdir"].startswith("symbolic link leaves the target")


def test_symlink_inside_the_target(tmp_path: Path) -> None:
    _tree(tmp_path, "real/a.yaml")
    (tmp_path / "alias.yaml").symlink_to(tmp_path / "real" / "a.yaml")
    (tmp_path / "dirlink").symlink_to(tmp_path / "real")
    result = discover(tmp_path, limits=LIMITS)
    assert result.files == ["alias.yaml", "real/a.yaml"]
    assert [p.path for p in result.problems] == ["dirlink"]
    followed = discover(tmp_path, limits=LIMITS, follow_symlinks=True)
    assert followed.files == ["alias.yaml", "dirlink/a.yaml", "real/a.yaml"]
    assert followed.problems == []


def test_symlink_loop_is_not_followed(tmp_path: Path) -> None:
    _tree(tmp_path, "a/b.yaml")
    (tmp_path / "a" / "up").symlink_to(tmp_path)
    (tmp_path / "self").symlink_to(tmp_path / "self")
    for follow in (False, True):
        result = discover(tmp_path, limits=LIMITS, follow_symlinks=follow)
        assert result.files == ["a/b.yaml"]
        reasons = {p.path: p.reason for p in result.problems}
        assert reasons["self"] == "symbolic link loop"
        if follow:
            assert reasons["a/up"].startswith("symbolic link loop")
        else:
            assert reasons["a/up"].startswith("symbolic link to a folder not followed")


def test_broken_symlink_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "missing.yaml")
    result = discover(tmp_path, limits=LIMITS)
    assert result.files == []
    assert result.problems[0].path == "gone.yaml"
    assert result.problems[0].reason.startswith("broken symbolic link")


def test_fifo_is_not_a_config_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    result = discover(tmp_path, limits=LIMITS)
    assert result.files == []
    assert [(p.path, p.reason) for p in result.problems] == [("pipe.yaml", "not a regular file")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_unreadable_folder_is_a_problem(tmp_path: Path) -> None:
    _tree(tmp_path, "ok.yaml", "locked/x.yaml")
    (tmp_path / "locked").chmod(0)
    try:
        result = discover(tmp_path, limits=LIMITS)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert result.files == ["ok.yaml"]
    assert result.problems[0].path == "locked"
    assert result.problems[0].reason.startswith("cannot read folder")


def test_max_files_stops_the_walk(tmp_path: Path) -> None:
    _tree(tmp_path, *(f"d{i}/f{j}.yaml" for i in range(3) for j in range(4)))
    result = discover(tmp_path, limits=Limits(max_files=5))
    assert len(result.files) == 5
    assert result.truncated
    assert "more than 5 files" in result.problems[-1].reason
    exact = discover(tmp_path, limits=Limits(max_files=12))
    assert len(exact.files) == 12 and not exact.truncated


def test_single_file_target(tmp_path: Path) -> None:
    _tree(tmp_path, "only.yaml")
    result = discover(tmp_path / "only.yaml", limits=LIMITS)
    assert result.root == tmp_path
    assert result.files == ["only.yaml"]


def test_missing_target_is_a_problem(tmp_path: Path) -> None:
    result = discover(tmp_path / "nope", limits=LIMITS)
    assert result.files == []
    assert result.problems[0].reason.startswith("cannot read the target")


def test_ten_thousand_files_are_fast(tmp_path: Path) -> None:
    for i in range(100):
        folder = tmp_path / f"d{i:03}"
        folder.mkdir()
        for j in range(100):
            (folder / f"f{j:03}.yaml").touch()
    (tmp_path / "node_modules").mkdir()
    started = time.perf_counter()
    result = discover(tmp_path, include=["*.yaml"], exclude=["d05*/"], limits=LIMITS)
    elapsed = time.perf_counter() - started
    assert len(result.files) == 9_000
    assert elapsed < 2.0, elapsed
