"""One reader for every schema-checked document: config, packs, waivers, baselines (issue 14 §4)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from projectkit import REPO_ROOT

from dsaudit.core.errors import ConfigError, PackError
from dsaudit.documents.validated import iso_dates, load_validated, validate

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "when": {"type": "string", "format": "date"},
        "items": {"type": "array", "items": {"type": "object", "required": ["id"]}},
    },
}


def write(tmp_path: Path, text: str, name: str = "doc.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_a_valid_document_comes_back_with_its_digest(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nwhen: 2026-12-03\n")
    doc = load_validated(path, "doc.yaml", "yaml", SCHEMA)
    assert doc.data == {"name": "x", "when": "2026-12-03"}  # a bare date became ISO text
    assert len(doc.sha256) == 64
    assert doc.locator.line_of(("when",)) == 2


def test_an_empty_document_is_none(tmp_path: Path) -> None:
    doc = load_validated(write(tmp_path, "# nothing\n"), "doc.yaml", "yaml", SCHEMA)
    assert doc.data is None


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("name: x\ncolour: red\n", 2, "colour"),  # unknown key: the line of the key itself
        ("name: x\nitems:\n  - id: 1\n  - other: 2\n", 4, "'id' is a required property"),
        ("name: 3\n", 1, "is not of type 'string'"),
    ],
)
def test_a_schema_error_names_file_line_and_what(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_validated(write(tmp_path, text), "shown/doc.yaml", "yaml", SCHEMA)
    assert info.value.file == "shown/doc.yaml"
    assert info.value.line == line
    assert words in info.value.message


def test_errors_are_raised_as_the_callers_type(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="cannot read rule pack file"):
        load_validated(tmp_path / "absent.yaml", "absent.yaml", "yaml", SCHEMA,
                       error=PackError, reading="rule pack file")  # fmt: skip
    with pytest.raises(PackError, match="exactly one YAML document, found 2"):
        load_validated(write(tmp_path, "a: 1\n---\nb: 2\n"), "d", "yaml", SCHEMA,
                       error=PackError, exactly_one=True)  # fmt: skip


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "doc.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_validated(fifo, "doc.yaml", "yaml", SCHEMA)


def test_unsafe_yaml_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "name: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ConfigError) as info:
        load_validated(path, "doc.yaml", "yaml", SCHEMA)
    assert info.value.file == "doc.yaml"


def test_select_picks_the_part_the_schema_is_for(tmp_path: Path) -> None:
    path = write(tmp_path, '[tool.x]\nname = "a"\n', "pyproject.toml")
    doc = load_validated(path, "p", "toml", SCHEMA, select=lambda d, loc: (d["tool"]["x"], loc))
    assert doc.data == {"name": "a"}


def test_a_bad_schema_is_refused_before_any_document() -> None:
    with pytest.raises(jsonschema.SchemaError):
        validate({}, None, "d", {"type": "no-such-type"})


def test_iso_dates_turns_dates_anywhere_into_text() -> None:
    import datetime as dt

    value = {"a": [dt.date(2026, 1, 2), {"b": dt.date(2026, 3, 4)}], "c": 1}
    assert iso_dates(value) == {"a": ["2026-01-02", {"b": "2026-03-04"}], "c": 1}


def test_no_reader_of_its_own_is_left() -> None:
    """The config, pack, waiver and baseline readers all go through load_validated."""
    sources = {
        p.relative_to(REPO_ROOT).as_posix(): p.read_text("utf-8")
        for p in (REPO_ROOT / "dsaudit").rglob("*.py")
    }
    defining = sorted(rel for rel, text in sources.items() if "def iso_dates" in text
                      or "def _iso_dates" in text)  # fmt: skip
    assert defining == ["dsaudit/documents/validated.py"]
    for rel in ("project/config.py", "language/packs.py", "modifiers/waivers.py",
                "modifiers/baseline.py"):  # fmt: skip
        text = sources[f"dsaudit/{rel}"]
        assert "best_match" not in text and "iter_errors" not in text, rel


def test_a_pack_may_write_its_dates_bare(tmp_path: Path) -> None:
    """Packs go through iso_dates like the config and waivers (they refused bare dates)."""
    from dsaudit.language.packs import load_pack

    folder = tmp_path / "bare"
    (folder / "rules").mkdir(parents=True)
    (folder / "pack.yaml").write_text(
        "name: bare\nversion: 1.0.0\njurisdiction: CN\nlaw: CSL\n"
        "instrument: {title: Test instrument, effective: 2017-06-01}\n",
        "utf-8",
    )
    (folder / "rules" / "r.yaml").write_text(
        "rules:\n  - id: B-1\n    title: TLS is on\n    severity: high\n"
        '    refs: [{law: CSL, article: "21"}]\n    effective_from: 2026-01-01\n'
        "    applies_to: {kind: config}\n    condition: {path: tls, equals: true}\n"
        '    message: "TLS is off"\n    remediation: Turn TLS on.\n',
        "utf-8",
    )
    pack = load_pack(folder)
    assert pack.rules[0].data["effective_from"] == "2026-01-01"
    assert pack.manifest["instrument"]["effective"] == "2017-06-01"
