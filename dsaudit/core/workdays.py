"""The PRC working-day data: load and validate ``dsaudit/data/prc_workdays.yaml``.

One entry per year, from the State Council General Office notice on that year's holiday
arrangements (国务院办公厅关于YYYY年部分节假日安排的通知): the notice (number, title,
publication date, www.gov.cn address), any later notice that changed it, the days off as date
ranges with their festival, and the weekend days made working days (调休上班). The file is
read with a safe YAML loader, dates are parsed here (not by YAML, so a bad one is named), and
checked: every date real, make-up working days on a Saturday or Sunday, no day both off and
working or in two ranges, years contiguous. :func:`packaged_workdays` loads the shipped file
once, on first use. The arithmetic on top is :mod:`dsaudit.core.calendar`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dsaudit.core.quoting import quote_value

PACKAGED_NAME = "dsaudit/data/prc_workdays.yaml"
MAX_RANGE_DAYS = 15
"""Longest run of days off one entry may list (the longest so far: 10, Spring Festival 2020
as extended)."""
BOUNDARY_DAYS = 7
"""How far into the next or previous year a year's notice may reach (New Year's Day arrangements
such as 2022-12-31..2023-01-02 in the 2023 notice)."""
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NOTICE_KEYS = {"number": True, "title": True, "published": True, "url": True}
_AMENDMENT_KEYS = {**_NOTICE_KEYS, "change": True}
_YEAR_KEYS = {
    "year": True,
    "notice": True,
    "days_off": True,
    "make_up_working_days": True,
    "amended_by": False,
    "checked_against": False,
    "unverified": False,
    "note": False,
}
_RANGE_KEYS = {"festival": True, "from": True, "to": True, "note": False}
_MAKE_UP_KEYS = {"date": True, "festival": True, "note": False}


class WorkdayDataError(ValueError):
    """A working-day data file that cannot be used; the message names file, line and entry."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One State Council General Office notice: the year's arrangement or a change to it."""

    number: str
    title: str
    published: date
    url: str
    change: str | None = None


@dataclass(frozen=True, slots=True)
class YearEntry:
    """What the data says about one year."""

    year: int
    notice: Notice
    amended_by: tuple[Notice, ...]
    days_off: frozenset[date]
    make_up_days: frozenset[date]
    unverified: str | None


@dataclass(frozen=True, slots=True)
class WorkdayData:
    """The validated calendar: every statutory day off and make-up working day it lists."""

    first_year: int
    last_year: int
    days_off: frozenset[date]
    make_up_days: frozenset[date]
    years: tuple[YearEntry, ...]


class _Loader(yaml.SafeLoader):
    """The safe loader without YAML's own date parsing: dates stay text until checked here."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_Path = tuple[str | int, ...]


class _Checker:
    """Walks the parsed file beside its node tree, so each error names a line."""

    def __init__(self, source: str, root: yaml.Node | None) -> None:
        self.source = source
        self.root = root

    def line(self, path: _Path) -> int | None:
        node = self.root
        found = node.start_mark.line + 1 if node is not None else None
        for step in path:
            at: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode):
                at, node = next(((k, v) for k, v in node.value if k.value == step), (None, None))
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                at = node = node.value[step] if step < len(node.value) else None
            if at is None:
                break
            found = at.start_mark.line + 1  # a key's own line, not its value's
        return found

    def fail(self, path: _Path, what: str, entry: str = "") -> WorkdayDataError:
        line = self.line(path)
        where = f"{self.source}:{line}" if line else self.source
        name = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path).lstrip(".")
        label = f"{entry}: " if entry else ""
        return WorkdayDataError(f"{where}: {label}{name or 'file'}: {what}")

    def mapping(
        self, value: Any, path: _Path, keys: Mapping[str, bool], entry: str
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {type(value).__name__}", entry)
        for key in value:
            if key not in keys:
                known = ", ".join(keys)
                raise self.fail(
                    (*path, key), f"unknown key {quote_value(key)} (known: {known})", entry
                )
        for key, required in keys.items():
            if required and key not in value:
                raise self.fail(path, f"missing key {key!r}", entry)
        return value

    def text(self, value: Any, path: _Path, entry: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"expected non-empty text, got {quote_value(value)}", entry)
        return value

    def day(self, value: Any, path: _Path, entry: str) -> date:
        if not isinstance(value, str):
            raise self.fail(path, f"expected a date YYYY-MM-DD, got {quote_value(value)}", entry)
        try:
            if len(value) != 10:
                raise ValueError("not of the form YYYY-MM-DD")
            return date.fromisoformat(value)
        except ValueError as exc:
            raise self.fail(
                path, f"{quote_value(value)} is not a real date ({exc})", entry
            ) from None


def _notice(
    check: _Checker, value: Any, path: _Path, keys: Mapping[str, bool], entry: str
) -> Notice:
    raw = check.mapping(value, path, keys, entry)
    url = check.text(raw["url"], (*path, "url"), entry)
    if not url.startswith(("https://www.gov.cn/", "http://www.gov.cn/")):
        raise check.fail((*path, "url"), f"{quote_value(url)} is not a www.gov.cn address", entry)
    return Notice(
        number=check.text(raw["number"], (*path, "number"), entry),
        title=check.text(raw["title"], (*path, "title"), entry),
        published=check.day(raw["published"], (*path, "published"), entry),
        url=url,
        change=check.text(raw["change"], (*path, "change"), entry) if "change" in raw else None,
    )


def _near_year(day: date, year: int) -> bool:
    return (
        date(year, 1, 1) - timedelta(days=BOUNDARY_DAYS)
        <= day
        <= date(year, 12, 31) + timedelta(days=BOUNDARY_DAYS)
    )


def _year_entry(
    check: _Checker,
    value: Any,
    path: _Path,
    previous: int | None,
    seen_off: dict[date, str],
    seen_work: dict[date, str],
) -> YearEntry:
    year = value.get("year") if isinstance(value, dict) else None
    named = isinstance(year, int) and not isinstance(year, bool)
    raw = check.mapping(value, path, _YEAR_KEYS, f"year {year}" if named else "")
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 < year < 10000:
        raise check.fail((*path, "year"), f"expected a year, got {quote_value(year)}")
    entry = f"year {year}"
    if previous is not None and year != previous + 1:
        raise check.fail(
            (*path, "year"), f"years must be contiguous: {year} follows {previous}", entry
        )
    notice = _notice(check, raw["notice"], (*path, "notice"), _NOTICE_KEYS, entry)
    amended = raw.get("amended_by") or []
    if not isinstance(amended, list):
        raise check.fail((*path, "amended_by"), "expected a list of notices", entry)
    amended_by = tuple(
        _notice(check, item, (*path, "amended_by", i), _AMENDMENT_KEYS, entry)
        for i, item in enumerate(amended)
    )
    for i, item in enumerate(_listed(check, raw, path, "checked_against", entry)):
        check.text(item, (*path, "checked_against", i), entry)
    unverified = raw.get("unverified")
    if unverified is not None:
        unverified = check.text(unverified, (*path, "unverified"), entry)
    days_off: set[date] = set()
    for i, item in enumerate(_listed(check, raw, path, "days_off", entry)):
        where = (*path, "days_off", i)
        rng = check.mapping(item, where, _RANGE_KEYS, entry)
        festival = check.text(rng["festival"], (*where, "festival"), entry)
        label = f"{entry}, {festival}"
        start = check.day(rng["from"], (*where, "from"), label)
        end = check.day(rng["to"], (*where, "to"), label)
        if end < start:
            raise check.fail(where, f"'to' {end} is before 'from' {start}", label)
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise check.fail(where, f"{start}..{end} is longer than {MAX_RANGE_DAYS} days", label)
        for key, day in (("from", start), ("to", end)):
            if not _near_year(day, year):
                raise check.fail((*where, key), f"{day} is not in or next to {year}", label)
        day = start
        while day <= end:
            if day in seen_off:
                raise check.fail(where, f"{day} is already a day off ({seen_off[day]})", label)
            if day in seen_work:
                both = f"a make-up working day ({seen_work[day]})"
                raise check.fail(where, f"{day} is a day off and {both}", label)
            seen_off[day] = label
            days_off.add(day)
            day += timedelta(days=1)
    make_up: set[date] = set()
    for i, item in enumerate(_listed(check, raw, path, "make_up_working_days", entry)):
        where = (*path, "make_up_working_days", i)
        rec = check.mapping(item, where, _MAKE_UP_KEYS, entry)
        label = f"{entry}, {check.text(rec['festival'], (*where, 'festival'), entry)}"
        day = check.day(rec["date"], (*where, "date"), label)
        if day.weekday() < 5:
            weekday = _WEEKDAYS[day.weekday()]
            raise check.fail(where, f"{day} is a {weekday}, not a Saturday or Sunday", label)
        if not _near_year(day, year):
            raise check.fail((*where, "date"), f"{day} is not in or next to {year}", label)
        if day in seen_work:
            raise check.fail(where, f"{day} is listed twice ({seen_work[day]})", label)
        if day in seen_off:
            both = f"a day off ({seen_off[day]})"
            raise check.fail(where, f"{day} is a make-up working day and {both}", label)
        seen_work[day] = label
        make_up.add(day)
    return YearEntry(year, notice, amended_by, frozenset(days_off), frozenset(make_up), unverified)


def _listed(check: _Checker, raw: dict[str, Any], path: _Path, key: str, entry: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise check.fail((*path, key), f"expected a list, got {type(value).__name__}", entry)
    return value


def parse_workdays(text: str, source: str) -> WorkdayData:
    """Validate the text of a working-day data file; ``source`` names it in errors."""
    check = _Checker(source, None)
    try:
        check.root = yaml.compose(text, Loader=_Loader)
        raw = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise WorkdayDataError(f"{where}: not valid YAML: {problem}") from None
    top = check.mapping(raw, (), {"years": True}, "")
    listed = top["years"]
    if not isinstance(listed, list) or not listed:
        raise check.fail(("years",), "expected a non-empty list of years")
    seen_off: dict[date, str] = {}
    seen_work: dict[date, str] = {}
    entries: list[YearEntry] = []
    for i, item in enumerate(listed):
        previous = entries[-1].year if entries else None
        entries.append(_year_entry(check, item, ("years", i), previous, seen_off, seen_work))
    return WorkdayData(
        first_year=entries[0].year,
        last_year=entries[-1].year,
        days_off=frozenset(seen_off),
        make_up_days=frozenset(seen_work),
        years=tuple(entries),
    )


def load_workdays(path: Path) -> WorkdayData:
    """Read and validate a working-day data file."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkdayDataError(f"{path}: cannot read: {exc}") from None
    return parse_workdays(text, str(path))


@functools.cache
def packaged_workdays() -> WorkdayData:
    """The shipped calendar (``dsaudit/data/prc_workdays.yaml``), loaded once per process."""
    ref = resources.files("dsaudit").joinpath("data/prc_workdays.yaml")
    return parse_workdays(ref.read_text("utf-8"), PACKAGED_NAME)
