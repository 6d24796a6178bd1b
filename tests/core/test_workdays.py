"""dsaudit.core.workdays: the working-day data file, its validation and the shipped data."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from projectkit import REPO_ROOT

from dsaudit.core.workdays import (
    MAX_RANGE_DAYS,
    WorkdayData,
    WorkdayDataError,
    load_workdays,
    packaged_workdays,
)

GOOD = """\
years:
  - year: 2024
    notice:
      number: 国办发明电〔2023〕7号
      title: 国务院办公厅关于2024年部分节假日安排的通知
      published: 2023-10-25
      url: https://www.gov.cn/zhengce/content/202310/content_6911527.htm
    days_off:
      - {festival: 春节, from: 2024-02-10, to: 2024-02-17}
    make_up_working_days:
      - {date: 2024-02-04, festival: 春节}
      - {date: 2024-02-18, festival: 春节}
  - year: 2025
    notice:
      number: 国办发明电〔2024〕12号
      title: 国务院办公厅关于2025年部分节假日安排的通知
      published: 2024-11-12
      url: https://www.gov.cn/zhengce/content/202411/content_6986382.htm
    days_off:
      - {festival: 元旦, from: 2025-01-01, to: 2025-01-01}
    make_up_working_days: []
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "workdays.yaml"
    path.write_text(text, "utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    """The last line holding ``needle`` (a mutation appends after the original text)."""
    return max(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_good_file_loads(tmp_path: Path) -> None:
    data = load_workdays(_write(tmp_path, GOOD))
    assert (data.first_year, data.last_year) == (2024, 2025)
    assert date(2024, 2, 10) in data.days_off
    assert date(2024, 2, 17) in data.days_off
    assert date(2024, 2, 18) not in data.days_off
    assert data.make_up_days == {date(2024, 2, 4), date(2024, 2, 18)}
    assert data.years[1].notice.number == "国办发明电〔2024〕12号"
    assert data.years[1].notice.published == date(2024, 11, 12)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        pytest.param(
            "{date: 2024-02-04, festival: 春节}",
            "{date: 2024-02-05, festival: 春节}",
            "2024-02-05",
            "year 2024, 春节: years[0].make_up_working_days[0]: 2024-02-05 is a Monday, "
            "not a Saturday or Sunday",
            id="make-up-day-on-a-weekday",
        ),
        pytest.param(
            "{date: 2024-02-18, festival: 春节}",
            "{date: 2024-02-17, festival: 春节}",
            "{date: 2024-02-17",
            "year 2024, 春节: years[0].make_up_working_days[1]: 2024-02-17 is a make-up working "
            "day and a day off (year 2024, 春节)",
            id="day-both-off-and-working",
        ),
        pytest.param(
            "to: 2024-02-17}",
            "to: 2024-02-30}",
            "2024-02-30",
            "year 2024, 春节: years[0].days_off[0].to: '2024-02-30' is not a real date "
            "(day is out of range for month)",
            id="not-a-real-date",
        ),
        pytest.param(
            "to: 2024-02-17}",
            "to: 2024-2-17}",
            "2024-2-17",
            "years[0].days_off[0].to: '2024-2-17' is not a real date (not of the form YYYY-MM-DD)",
            id="not-iso",
        ),
        pytest.param(
            "published: 2024-11-12",
            "published: 12 Nov 2024",
            "12 Nov 2024",
            "year 2025: years[1].notice.published: '12 Nov 2024' is not a real date",
            id="bad-publication-date",
        ),
        pytest.param(
            "  - year: 2025",
            "  - year: 2026",
            "- year: 2026",
            "year 2026: years[1].year: years must be contiguous: 2026 follows 2024",
            id="years-not-contiguous",
        ),
        pytest.param(
            "from: 2024-02-10, to: 2024-02-17",
            "from: 2024-02-17, to: 2024-02-10",
            "2024-02-17, to: 2024-02-10",
            "years[0].days_off[0]: 'to' 2024-02-10 is before 'from' 2024-02-17",
            id="range-backwards",
        ),
        pytest.param(
            "from: 2024-02-10, to: 2024-02-17",
            "from: 2024-02-01, to: 2024-02-29",
            "2024-02-29",
            f"2024-02-01..2024-02-29 is longer than {MAX_RANGE_DAYS} days",
            id="range-too-long",
        ),
        pytest.param(
            "{festival: 元旦, from: 2025-01-01, to: 2025-01-01}",
            "{festival: 元旦, from: 2024-02-17, to: 2024-02-17}",
            "to: 2024-02-17}",
            "year 2025, 元旦: years[1].days_off[0].from: 2024-02-17 is not in or next to 2025",
            id="date-of-another-year",
        ),
        pytest.param(
            "{festival: 元旦, from: 2025-01-01, to: 2025-01-01}",
            "{festival: 元旦, from: 2024-12-30, to: 2025-01-01}",
            "2024-12-30",
            "",
            id="new-years-day-may-reach-into-december",
        ),
        pytest.param(
            "    make_up_working_days: []",
            "    make_up_working_days:\n      - {date: 2024-02-04, festival: 春节}",
            "{date: 2024-02-04",
            "years[1].make_up_working_days[0].date: 2024-02-04 is not in or next to 2025",
            id="make-up-day-of-another-year",
        ),
        pytest.param(
            "      - {festival: 元旦, from: 2025-01-01, to: 2025-01-01}",
            "      - {festival: 春节, from: 2024-12-31, to: 2025-01-01}\n"
            "      - {festival: 元旦, from: 2025-01-01, to: 2025-01-01}",
            "{festival: 元旦, from: 2025-01-01",
            "years[1].days_off[1]: 2025-01-01 is already a day off (year 2025, 春节)",
            id="overlapping-ranges",
        ),
        pytest.param(
            "https://www.gov.cn/zhengce/content/202411/content_6986382.htm",
            "https://example.com/notice",
            "example.com",
            "years[1].notice.url: 'https://example.com/notice' is not a www.gov.cn address",
            id="url-not-gov-cn",
        ),
        pytest.param(
            "      number: 国办发明电〔2024〕12号\n",
            "",
            "    notice:",
            "year 2025: years[1].notice: missing key 'number'",
            id="missing-key",
        ),
        pytest.param(
            "    make_up_working_days: []",
            "    make_up_working_days: []\n    holidays: []",
            "holidays: []",
            "year 2025: years[1].holidays: unknown key 'holidays'",
            id="unknown-key",
        ),
        pytest.param(
            "  - year: 2025",
            "  - year: twenty25",
            "twenty25",
            "years[1].year: expected a year, got 'twenty25'",
            id="year-not-a-number",
        ),
        pytest.param(
            "{festival: 元旦,",
            "{festival: '',",
            "festival: ''",
            "years[1].days_off[0].festival: expected non-empty text, got ''",
            id="empty-festival",
        ),
    ],
)
def test_a_bad_entry_is_named(
    tmp_path: Path, old: str, new: str, needle: str, message: str
) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new)
    path = _write(tmp_path, text)
    if not message:
        load_workdays(path)  # allowed
        return
    with pytest.raises(WorkdayDataError) as caught:
        load_workdays(path)
    line = _line_of(text, needle.split("\n")[0])
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert message in str(caught.value)


def test_a_make_up_day_listed_twice(tmp_path: Path) -> None:
    text = GOOD.replace(
        "      - {date: 2024-02-18, festival: 春节}",
        "      - {date: 2024-02-18, festival: 春节}\n      - {date: 2024-02-18, festival: 春节}",
    )
    with pytest.raises(WorkdayDataError, match=r"make_up_working_days\[2\]: 2024-02-18 is listed"):
        load_workdays(_write(tmp_path, text))


def test_a_day_off_that_an_earlier_year_made_a_working_day(tmp_path: Path) -> None:
    text = GOOD.replace(
        "{festival: 元旦, from: 2025-01-01, to: 2025-01-01}",
        "{festival: 元旦, from: 2024-12-29, to: 2025-01-01}",
    ).replace(
        "      - {date: 2024-02-18, festival: 春节}",
        "      - {date: 2024-02-18, festival: 春节}\n      - {date: 2024-12-29, festival: 元旦}",
    )
    with pytest.raises(WorkdayDataError) as caught:
        load_workdays(_write(tmp_path, text))
    assert (
        "year 2025, 元旦: years[1].days_off[0]: 2024-12-29 is a day off and a make-up working "
        "day (year 2024, 元旦)"
    ) in str(caught.value)


def test_a_clash_across_two_years_is_found(tmp_path: Path) -> None:
    # 2024's range reaching 2025-01-01 clashes with 2025's own range
    text = GOOD.replace(
        "to: 2024-02-17}",
        "to: 2024-02-17}\n      - {festival: x, from: 2024-12-31, to: 2025-01-01}",
    )
    with pytest.raises(WorkdayDataError, match=r"years\[1\]\.days_off\[0\]: 2025-01-01 is already"):
        load_workdays(_write(tmp_path, text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("years: [\n  {year: 2024\n", "not valid YAML"),
        ("", "file: expected a mapping, got NoneType"),
        ("years: []\n", "years: expected a non-empty list of years"),
        ("years: {}\n", "years: expected a non-empty list of years"),
        ("years: [1]\n", "years[0]: expected a mapping, got int"),
        ("other: 1\nyears: []\n", "unknown key 'other'"),
        ("years: !!python/object:os.system [x]\n", "not valid YAML"),
    ],
)
def test_a_bad_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(WorkdayDataError) as caught:
        load_workdays(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_hostile_text_is_quoted_not_echoed(tmp_path: Path) -> None:
    text = GOOD.replace("to: 2024-02-17}", 'to: "\\e]0;pwned\\a"}')
    with pytest.raises(WorkdayDataError) as caught:
        load_workdays(_write(tmp_path, text))
    assert "\x1b" not in str(caught.value)
    assert "'\\x1b]0;pwned\\x07'" in str(caught.value)


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(WorkdayDataError, match=re.escape(f"{path}: cannot read")):
        load_workdays(path)


# -- the shipped data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> WorkdayData:
    return packaged_workdays()


def test_the_shipped_file_is_the_packaged_one(shipped: WorkdayData) -> None:
    assert load_workdays(REPO_ROOT / "dsaudit/data/prc_workdays.yaml") == shipped
    assert packaged_workdays() is shipped


@pytest.mark.slow
def test_the_data_file_is_in_the_wheel(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(REPO_ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    [wheel] = tmp_path.glob("dsaudit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("dsaudit/data/prc_workdays.yaml")
    assert shipped == (REPO_ROOT / "dsaudit/data/prc_workdays.yaml").read_bytes()


def test_the_data_is_loaded_lazily() -> None:
    code = (
        "import dsaudit.core.calendar as c, dsaudit.core.workdays as w;"
        "assert w.packaged_workdays.cache_info().currsize == 0;"
        "c.covered_years();"
        "assert w.packaged_workdays.cache_info().currsize == 1"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


def test_every_year_cites_its_notice(shipped: WorkdayData) -> None:
    for entry in shipped.years:
        notice = entry.notice
        assert notice.title == f"国务院办公厅关于{entry.year}年部分节假日安排的通知"
        assert re.fullmatch(rf"国办发明电〔{entry.year - 1}〕\d+号", notice.number), notice
        assert date(entry.year - 1, 9, 1) <= notice.published < date(entry.year, 1, 1)
        assert notice.url.startswith(("http://www.gov.cn/", "https://www.gov.cn/"))


def test_every_make_up_day_is_a_weekend_day(shipped: WorkdayData) -> None:
    assert all(day.weekday() >= 5 for day in shipped.make_up_days)
    assert not shipped.make_up_days & shipped.days_off


def test_the_fixed_date_holidays_are_off_every_year(shipped: WorkdayData) -> None:
    for year in range(shipped.first_year, shipped.last_year + 1):
        for month, day in [(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)]:
            assert date(year, month, day) in shipped.days_off, (year, month, day)
        if year >= 2025:  # the amended regulation: Labour Day is May 1 and 2
            assert date(year, 5, 2) in shipped.days_off


@pytest.mark.parametrize(
    ("year", "weekdays_off", "make_up_days", "statutory"),
    [
        # Counted by hand from the notices, e.g. 2025: Jan 1; Jan 28-31, Feb 3-4; Apr 4; May 1,
        # 2, 5; Jun 2; Oct 1-3, 6-8 = 18 weekdays off; Jan 26, Feb 8, Apr 27, Sep 28, Oct 11 = 5.
        (2020, 19, 6, 11 + 2),  # + the extension: Fri Jan 31 off, make-up Sat Feb 1 cancelled
        (2021, 18, 7, 11),
        (2022, 18, 7, 11),
        (2023, 18, 7, 11),
        (2024, 19, 8, 11),
        (2025, 18, 5, 13),  # the amended regulation: 13 statutory days
        (2026, 19, 6, 13),
    ],
)
def test_days_per_year(
    shipped: WorkdayData, year: int, weekdays_off: int, make_up_days: int, statutory: int
) -> None:
    """Every swapped weekday is paid back by a make-up weekend day, and a holiday on a weekend
    is moved to a weekday: weekdays off minus make-up days is the statutory holiday count
    (11 days under the 2013 regulation, 13 from 2025)."""
    off = [d for d in shipped.days_off if d.year == year and d.weekday() < 5]
    made_up = [d for d in shipped.make_up_days if d.year == year]
    assert (len(off), len(made_up)) == (weekdays_off, make_up_days)
    assert len(off) - len(made_up) == statutory


def test_2020_records_the_extension(shipped: WorkdayData) -> None:
    [entry] = [e for e in shipped.years if e.year == 2020]
    [extension] = entry.amended_by
    assert extension.number == "国办发明电〔2020〕1号"
    assert date(2020, 2, 1) not in shipped.make_up_days
    day = date(2020, 1, 24)
    while day <= date(2020, 2, 2):
        assert day in shipped.days_off
        day += timedelta(days=1)


def test_unverified_is_said_where_a_source_was_missing(shipped: WorkdayData) -> None:
    unverified = {e.year: e.unverified for e in shipped.years if e.unverified}
    assert set(unverified) == {2026}
    assert "国办发明电〔2025〕7号" in unverified[2026]


def test_the_sources_table_in_the_docs_matches_the_data(shipped: WorkdayData) -> None:
    doc = (REPO_ROOT / "docs" / "calendar.md").read_text("utf-8")
    rows = {
        int(m.group(1)): m.group(0) for m in re.finditer(r"^\| (\d{4}) \|.*$", doc, re.MULTILINE)
    }
    assert sorted(rows) == list(range(shipped.first_year, shipped.last_year + 1))
    for entry in shipped.years:
        for notice in (entry.notice, *entry.amended_by):
            for text in (notice.number, notice.published.isoformat(), f"({notice.url})"):
                assert text in rows[entry.year], (entry.year, text)
    first, last = shipped.first_year, shipped.last_year
    assert f"The calendar covers **{first}-{last}**" in doc
