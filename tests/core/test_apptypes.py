"""The shipped app types (dsaudit/data/app_necessary_pi.yaml) and their loader."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from dsaudit.core.apptypes import AppTypes, load_app_types
from dsaudit.core.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "dsaudit" / "data" / "app_necessary_pi.yaml"

NO_PI_TYPES = {
    # The 13 types whose basic function needs no PI (czwb.bohaitoday.com, 2021-03-23, and the
    # full reprint): 女性健康, 网络直播, 在线影音, 短视频, 新闻资讯, 运动健身, 浏览器,
    # 输入法, 安全管理, 电子图书, 拍摄美化, 应用商店, 实用工具.
    "womens_health",
    "live_streaming",
    "online_audio_video",
    "short_video",
    "news",
    "fitness",
    "browser",
    "input_method",
    "security_management",
    "ebook",
    "photo_beautify",
    "app_store",
    "utility",
}


def _raw() -> dict[str, Any]:
    data = yaml.safe_load(DATA.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_39_types_have_unique_numbers_1_to_39_and_unique_keys() -> None:
    types = list(load_app_types())
    assert [t.number for t in types] == list(range(1, 40))
    assert len({t.key for t in types}) == 39
    assert len({t.name_zh for t in types}) == 39
    assert all(re.fullmatch(r"[a-z][a-z_]*", t.key) for t in types)
    assert all(t.name_zh.endswith("类") for t in types)


def test_only_known_categories() -> None:
    taxonomy = load_taxonomy()
    for t in load_app_types():
        for item in t.items:
            assert set(item.categories) <= set(taxonomy.names()), (t.key, item.zh)
            # Necessary PI is personal information: no non-personal category is mapped.
            assert all(taxonomy.is_personal(c) for c in item.categories), (t.key, item.zh)
            assert item.categories or item.mapping_note, f"{t.key}: {item.zh} unmapped, no note"


def test_thirteen_types_need_no_pi_and_the_others_some() -> None:
    types = list(load_app_types())
    assert {t.key for t in types if not t.items} == NO_PI_TYPES
    assert all(t.categories for t in types if t.key not in NO_PI_TYPES)


def test_the_order_and_names_of_art_5() -> None:
    names = [t.name_zh for t in load_app_types()]
    assert names[:10] == [
        "地图导航类", "网络约车类", "即时通信类", "网络社区类", "网络支付类",
        "网上购物类", "餐饮外卖类", "邮件快件寄递类", "交通票务类", "婚恋相亲类",
    ]  # fmt: skip
    assert names[38] == "演出票务类"
    assert names[20] == "女性健康类"


def test_the_registered_phone_number_of_most_types() -> None:
    # 注册用户移动电话号码 is the first item of every type that needs PI except map navigation
    # and postal delivery.
    for t in load_app_types():
        if t.items and t.key not in {"map_navigation", "postal_express"}:
            assert t.items[0].zh == "注册用户移动电话号码", t.key
            assert t.items[0].categories == ("phone_number",)


def test_the_header_states_the_source() -> None:
    text = DATA.read_text("utf-8")
    for needed in (
        "常见类型移动互联网应用程序必要个人信息范围规定",
        "国信办秘字〔2021〕14号",
        "2021-05-01",
        "http://www.cac.gov.cn/2021-03/22/c_1617990997054277.htm",
    ):
        assert needed in text.split("version: 1")[0], needed
    source = load_app_types().source
    assert source["document"] == "国信办秘字〔2021〕14号"
    assert source["effective"] == "2021-05-01"


def test_types_confirmed_by_one_reprint_say_so() -> None:
    for t in load_app_types():
        if t.confirmed == ("R1",):
            assert t.unconfirmed, t.key
        else:
            assert len(t.confirmed) > 1, t.key


def test_lookup_by_key_number_and_numeric_string() -> None:
    types = load_app_types()
    assert types.get("online_shopping") is types.get(6) is types.get("6") is types.get(" 6 ")
    assert types.get("网上购物类") is types.get(6)
    assert types.get("other") is None
    assert types.get(0) is None
    assert types.get(True) is None
    assert types.get(None) is None
    assert types.get("６") is None  # a full-width digit is not a number here


def test_describe_names_the_type_and_its_necessary_categories() -> None:
    types = load_app_types()
    assert types.get("learning_education").describe() == (  # type: ignore[union-attr]
        "学习教育类 (19, learning_education), necessary PI: phone_number"
    )
    assert "needs no personal information" in types.get("news").describe()  # type: ignore[union-attr]


def test_docs_list_every_type() -> None:
    doc = (ROOT / "docs" / "inventory.md").read_text("utf-8")
    for t in load_app_types():
        assert f"| {t.number} | `{t.key}` | {t.name_zh} " in doc, t.key


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["types"].append(dict(d["types"][0], key="again")), "number 1 is used twice"),
        (lambda d: d["types"].append(dict(d["types"][0], number=40)), "key 'map_navigation'"),
        (lambda d: d["types"][0]["items"][0].update(categories=["locaton"]), "unknown data categ"),
        (lambda d: d["types"][0].update(colour="red"), "unknown \\['colour'\\]"),
        (lambda d: d["types"][0].pop("basic_function"), "missing \\['basic_function'\\]"),
        (lambda d: d["types"][0].update(number="1"), "whole number"),
        (lambda d: d["types"][0].update(confirmed=["R9"]), "confirmed must list"),
        (lambda d: d.pop("types"), "a 'types' list"),
    ],
    ids=["number-twice", "key-twice", "bad-category", "unknown-key", "missing-key",
         "number-text", "bad-source", "no-types"],
)  # fmt: skip
def test_a_broken_file_is_refused(change: Any, message: str) -> None:
    data = _raw()
    change(data)
    with pytest.raises(ValueError, match=message):
        AppTypes.from_mapping(data, load_taxonomy())
