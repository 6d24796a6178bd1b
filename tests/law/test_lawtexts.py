"""dsaudit.core.lawtexts: the shipped official texts, parsed into articles, paragraphs, items."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pytest

from dsaudit.core.lawtexts import (
    TEXTS,
    chinese_number,
    parse_articles,
    text_version,
    texts_in_force,
    texts_of,
)

REFERENCE = Path("/work/shared/reference/texts")
LAW_DIR = Path(str(resources.files("dsaudit").joinpath("data/law")))

SAMPLE = """# 某法

- official source: https://example.invalid/

## 第一章 总则

### 第1条 (Art. 1)

第一款。
第二款，包括下列内容：
（一）甲；
（二）乙。

### 第2条 (Art. 2)

只有一款：（一）丙；（二）丁；（十一）戊。

## 第二章 附则

### 第3条 (Art. 3)

款一。
款二。
"""


def test_parse_articles_paragraphs_and_items() -> None:
    articles = parse_articles(SAMPLE)
    assert sorted(articles) == ["1", "2", "3"]
    one = articles["1"]
    assert one.paragraphs == ("第一款。", "第二款，包括下列内容：", "（一）甲；", "（二）乙。")
    assert one.items == {"1": "（一）甲；", "2": "（二）乙。"}
    assert articles["2"].items == {"1": "（一）丙；", "2": "（二）丁；", "11": "（十一）戊。"}
    assert articles["3"].items == {}


@pytest.mark.parametrize(
    ("article", "clause", "text"),
    [
        ("1", "1", "（一）甲；"),  # an article with items: the clause is an item
        ("1", "2", "（二）乙。"),
        ("1", "3", None),
        ("3", "2", "款二。"),  # without items: a paragraph
        ("3", "3", None),
        ("3", "0", None),
        ("3", "a", None),
    ],
)
def test_clause_mapping(article: str, clause: str, text: str | None) -> None:
    assert parse_articles(SAMPLE)[article].clause_text(clause) == text


@pytest.mark.parametrize(
    ("quote", "clause", "found"),
    [
        ("第二款，包括", None, True),
        ("甲；", "1", True),
        ("甲；", "2", False),
        ("第一款。\n第二款", None, True),  # paragraphs are joined by a newline
        ("第一款。第二款", None, False),
        ("乙", "9", False),
    ],
)
def test_contains_is_verbatim(quote: str, clause: str | None, found: bool) -> None:
    assert parse_articles(SAMPLE)["1"].contains(quote, clause) is found


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("十九", 19), ("二十", 20), ("二十三", 23)],
)
def test_chinese_number(text: str, value: int) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    ("start", "until", "versions"),
    [
        (None, None, ["2017", "2026"]),
        (None, dt.date(2026, 1, 1), ["2017"]),  # until is exclusive
        (None, dt.date(2026, 1, 2), ["2017", "2026"]),
        (dt.date(2025, 12, 31), None, ["2017", "2026"]),
        (dt.date(2026, 1, 1), None, ["2026"]),
        (dt.date(2026, 1, 2), None, ["2026"]),
        (None, dt.date(2017, 6, 1), []),
        (None, dt.date(2017, 6, 2), ["2017"]),
    ],
)
def test_csl_text_in_force(
    start: dt.date | None, until: dt.date | None, versions: list[str]
) -> None:
    assert [t.version for t in texts_in_force("CSL", start, until)] == versions


@pytest.mark.parametrize(
    ("law", "version", "count"),
    [
        ("CSL", "2017", 79),
        ("CSL", "2026", 81),
        ("DSL", "2021", 55),
        ("PIPL", "2021", 74),
        ("NDSMR", "2025", 64),
        ("CIIR", "2021", 51),
        ("CRYPTO", "2023", 67),
        ("MPL", "2024", 132),
        ("MINREG", "2024", 60),
    ],
)
def test_every_article_is_parsed(law: str, version: str, count: int) -> None:
    text = text_version(law, version)
    assert text is not None
    assert sorted(map(int, text.articles())) == list(range(1, count + 1))


def test_unknown_law_has_no_text() -> None:
    assert texts_of("CBDF") == ()
    assert text_version("CSL", "2019") is None


def test_every_shipped_file_is_indexed_and_names_its_source() -> None:
    shipped = {p.name for p in LAW_DIR.glob("*.md")} - {"README.md"}
    assert shipped == {t.file for t in TEXTS}
    readme = (LAW_DIR / "README.md").read_text("utf-8")
    for name in sorted(shipped):
        head = (LAW_DIR / name).read_text("utf-8")[:2000]
        assert "- official source: https://" in head, name
        assert name in readme


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="the shared reference texts are not here")
@pytest.mark.parametrize("name", sorted(t.file for t in TEXTS))
def test_shipped_text_is_the_reference_text(name: str) -> None:
    assert (LAW_DIR / name).read_bytes() == (REFERENCE / name).read_bytes()
