"""Write the hostile inputs that are too large, or too special, to commit.

``tests/hostile/corpus/`` holds the small hostile files (committed). This script adds, under a
target folder, the ones that cannot live in git: deeply nested documents (10,000 and 100,000
levels), a file that claims 1 GB (sparse), a merely huge file, many aliases, symbolic links
(loops, links out of the target, dangling links, a link to a folder), a FIFO and a folder named
like a config file. The expected result of each is in ``tests/test_hostile.py``.

Usage: ``python tests/hostile/generate.py DEST`` (default ``tests/hostile/generated``, which
git ignores). Tests call :func:`generate` with a ``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"

ONE_GB = 1024**3
HUGE_BYTES = 21 * 1024 * 1024
"""Just over the default ``limits.max_file_bytes`` (20 MiB)."""


def deep_flow(depth: int) -> bytes:
    """``a: [[[...]]]`` nested ``depth`` levels deep (plus the top mapping)."""
    return b"a: " + b"[" * depth + b"]" * depth + b"\n"


def deep_block(depth: int) -> bytes:
    """Block sequences nested ``depth`` deep on one line: ``- - - ... x``."""
    return b"- " * depth + b"x\n"


def deep_json(depth: int) -> bytes:
    return b'{"a":\n' + b"[" * depth + b"]" * depth + b"}\n"


def deep_toml(depth: int) -> bytes:
    return b"a = " + b"[" * depth + b"]" * depth + b"\n"


def many_aliases(count: int) -> bytes:
    """One anchor referenced ``count`` times (each alias expands to one node)."""
    return b"base: &b 1\nrefs:\n" + b"  - *b\n" * count


def huge_json(size: int) -> bytes:
    """A valid JSON list of short strings, ``size`` bytes or a little more."""
    item = b'"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",\n'
    count = size // len(item) + 1
    return b"[\n" + item * count + b'"end"]\n'


GENERATED_FILES: dict[str, bytes] = {
    "conf/deep-flow-10k.yaml": deep_flow(10_000),
    "conf/deep-flow-100k.yaml": deep_flow(100_000),
    "conf/deep-block-10k.yaml": deep_block(10_000),
    "conf/deep-block-100k.yaml": deep_block(100_000),
    "conf/deep-100k.json": deep_json(100_000),
    "conf/deep-10k.toml": deep_toml(10_000),
    "conf/many-aliases.yaml": many_aliases(10_001),
}


def generate(dest: Path, *, huge: bool = True) -> list[str]:
    """Write the generated hostile inputs under ``dest``; return their relative paths.

    ``dest`` is an audit target: links "out of the target" point next to it (``dest.parent``).
    With ``huge=False`` the 21 MB file is left out (the 1 GB one is sparse and costs nothing).
    """
    dest.mkdir(parents=True, exist_ok=True)
    made: list[str] = []
    for rel, content in GENERATED_FILES.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        made.append(rel)
    conf = dest / "conf"
    sparse = conf / "claims-1gb.yaml"
    with sparse.open("wb") as handle:
        handle.write(b"a: 1\n")
        handle.truncate(ONE_GB)
    made.append("conf/claims-1gb.yaml")
    if huge:
        (conf / "huge-21mb.json").write_bytes(huge_json(HUGE_BYTES))
        made.append("conf/huge-21mb.json")
    outside = dest.parent / f"{dest.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.yaml").write_text("password: hunter2-outside\n", "utf-8")
    links = {
        "conf/link-out.yaml": outside / "secret.yaml",
        "conf/link-out-dir": outside,
        "conf/loop-a.yaml": Path("loop-b.yaml"),
        "conf/loop-b.yaml": Path("loop-a.yaml"),
        "conf/dangling.yaml": Path("no-such-file.yaml"),
        "conf/self-dir": Path("."),
        "conf/link-in.yaml": Path("../app/inside.yaml"),
    }
    (dest / "app").mkdir(exist_ok=True)
    (dest / "app" / "inside.yaml").write_text("port: 443\n", "utf-8")
    made.append("app/inside.yaml")
    for rel, target in links.items():
        link = dest / rel
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(target, link)
        made.append(rel)
    fifo = conf / "fifo.yaml"
    if not fifo.exists():
        os.mkfifo(fifo)
    made.append("conf/fifo.yaml")
    folder = conf / "folder.yaml"
    folder.mkdir(exist_ok=True)
    made.append("conf/folder.yaml")
    return sorted(made)


def build_target(dest: Path, *, huge: bool = True) -> Path:
    """The committed corpus plus the generated inputs, under ``dest``."""
    shutil.copytree(CORPUS, dest, dirs_exist_ok=True, symlinks=True)
    generate(dest, huge=huge)
    return dest


def main(argv: list[str]) -> int:
    dest = Path(argv[1]) if len(argv) > 1 else HERE / "generated"
    made = generate(dest)
    print(f"wrote {len(made)} hostile inputs under {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
