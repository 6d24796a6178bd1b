"""The 39 common app types and their necessary personal information.

The list ships as ``dsaudit/data/app_necessary_pi.yaml``: the types of Art. 5 of the
常见类型移动互联网应用程序必要个人信息范围规定 (国信办秘字〔2021〕14号, in force 2021-05-01), each
with its basic function and the items of necessary PI mapped to taxonomy categories (the file
header says where the text comes from and what could not be confirmed). Rules read it through
the operators ``app_type_known`` and ``within_necessary_pi`` (docs/rules.md).

A type is named by its key (``online_shopping``), its number (``6``, or ``"6"``) or its Chinese
name (``网上购物类``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from dsaudit.core.taxonomy import Taxonomy

_TYPE_KEYS = frozenset(
    {
        "number",
        "key",
        "name_zh",
        "name",
        "basic_function_zh",
        "basic_function",
        "items",
        "confirmed",
        "unconfirmed",
    }
)
_ITEM_KEYS = frozenset({"zh", "categories", "mapping_note"})
_REFERENCES = frozenset({"R1", "R2", "R3", "R4", "R5", "R6", "R7"})


@dataclass(frozen=True, slots=True)
class NecessaryItem:
    """One item of necessary PI as the Provisions word it, and the categories it maps to."""

    zh: str
    categories: tuple[str, ...]
    mapping_note: str | None = None


@dataclass(frozen=True, slots=True)
class AppType:
    """One of the common app types of Art. 5."""

    number: int
    key: str
    name_zh: str
    name: str
    basic_function_zh: str
    basic_function: str
    items: tuple[NecessaryItem, ...]
    confirmed: tuple[str, ...]
    unconfirmed: str | None = None

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories of every item, first mention first, without repeats."""
        return tuple(dict.fromkeys(c for item in self.items for c in item.categories))

    def describe(self) -> str:
        """``学习教育类 (19, learning_education), necessary PI: phone_number`` for messages."""
        head = f"{self.name_zh} ({self.number}, {self.key})"
        if not self.items:
            return f"{head}, whose basic function needs no personal information"
        listed = ", ".join(self.categories) or "no taxonomy category"
        return f"{head}, necessary PI: {listed}"


class AppTypes:
    """The shipped app types, looked up by key or number."""

    __slots__ = ("_by_key", "_by_name", "_by_number", "source")

    def __init__(self, types: list[AppType], source: Mapping[str, Any]) -> None:
        self.source = dict(source)
        self._by_key: dict[str, AppType] = {}
        self._by_number: dict[int, AppType] = {}
        self._by_name: dict[str, AppType] = {}
        for t in types:
            if t.key in self._by_key:
                raise ValueError(f"app types: key {t.key!r} is used twice")
            if t.number in self._by_number:
                raise ValueError(f"app types: number {t.number} is used twice")
            if t.name_zh in self._by_name:
                raise ValueError(f"app types: name {t.name_zh!r} is used twice")
            self._by_key[t.key] = t
            self._by_number[t.number] = t
            self._by_name[t.name_zh] = t

    @classmethod
    def from_mapping(cls, data: Any, taxonomy: Taxonomy, source: str = "<app types>") -> AppTypes:
        """Build from the parsed YAML; every category must be a taxonomy name."""
        if not isinstance(data, Mapping) or not isinstance(data.get("types"), list):
            raise ValueError(f"{source}: expected a mapping with a 'types' list")
        types = []
        for index, raw in enumerate(data["types"]):
            where = f"{source}: types[{index}]"
            if not isinstance(raw, Mapping):
                raise ValueError(f"{where} is not a mapping")
            unknown = sorted(set(raw) - _TYPE_KEYS)
            missing = sorted(_TYPE_KEYS - {"unconfirmed"} - set(raw))
            if unknown or missing:
                raise ValueError(f"{where}: missing {missing or '-'}, unknown {unknown or '-'}")
            number = raw["number"]
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                raise ValueError(f"{where}: number must be a whole number from 1, got {number!r}")
            refs = tuple(str(r) for r in raw["confirmed"])
            if not refs or set(refs) - _REFERENCES:
                known = sorted(_REFERENCES)
                raise ValueError(f"{where}: confirmed must list sources among {known}")
            items = []
            for j, item in enumerate(raw["items"] or ()):
                if not isinstance(item, Mapping) or set(item) - _ITEM_KEYS or "zh" not in item:
                    raise ValueError(f"{where}.items[{j}]: needs zh and categories")
                cats = tuple(str(c) for c in item.get("categories") or ())
                for cat in cats:
                    if cat not in taxonomy:
                        raise ValueError(f"{where}.items[{j}]: {taxonomy.unknown_message(cat)}")
                note = item.get("mapping_note")
                note_text = None if note is None else str(note)
                items.append(NecessaryItem(str(item["zh"]), cats, note_text))
            types.append(
                AppType(
                    number=number,
                    key=str(raw["key"]),
                    name_zh=str(raw["name_zh"]),
                    name=str(raw["name"]),
                    basic_function_zh=str(raw["basic_function_zh"]),
                    basic_function=str(raw["basic_function"]),
                    items=tuple(items),
                    confirmed=refs,
                    unconfirmed=None if raw.get("unconfirmed") is None else str(raw["unconfirmed"]),
                )
            )
        return cls(types, data.get("source") or {})

    def __iter__(self) -> Iterator[AppType]:
        return iter(sorted(self._by_number.values(), key=lambda t: t.number))

    def __len__(self) -> int:
        return len(self._by_key)

    def keys(self) -> list[str]:
        """Every key, in the order of Art. 5."""
        return [t.key for t in self]

    def get(self, name: Any) -> AppType | None:
        """The type named by a key, a number (or numeric string) or its Chinese name; else None."""
        if isinstance(name, bool):
            return None
        if isinstance(name, int):
            return self._by_number.get(name)
        if not isinstance(name, str):
            return None
        text = name.strip()
        if text.isdigit() and text.isascii():
            return self._by_number.get(int(text))
        return self._by_key.get(text) or self._by_name.get(text)


@functools.cache
def load_app_types() -> AppTypes:
    """The packaged app types (loaded once per process), checked against the taxonomy."""
    from dsaudit.core.taxonomy import load_taxonomy

    ref = resources.files("dsaudit").joinpath("data/app_necessary_pi.yaml")
    data = yaml.load(ref.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return AppTypes.from_mapping(data, load_taxonomy(), source="dsaudit/data/app_necessary_pi.yaml")
