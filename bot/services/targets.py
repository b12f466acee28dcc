"""The center's targets: classes and learner-visits per year (and quarter), for the whole center or per
report row, as plans write them (seed 002: "Tiểu ban phát triển kinh tế: 8 lớp (800 học viên)").

They are set in chat (`/target 2025 kinh tế 8 800`) or read from a plan file: a sheet named "Chỉ tiêu"
in the plan's workbook, or a CSV of its own, with the columns Năm, Quý, Lĩnh vực (or Tiểu ban), Số lớp
and Số người (or Số lượt người, Số học viên).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.models import Area, Person, Target
from bot.text import fold

WHOLE_CENTER = ("tat ca", "all", "toan trung tam", "tong", "tong so", "total", "trung tam", "-")
SHEET = "chi tieu"
HEADERS = {
    "nam": "year",
    "year": "year",
    "quy": "quarter",
    "quarter": "quarter",
    "linh vuc": "area",
    "tieu ban": "area",
    "area": "area",
    "so lop": "classes",
    "so lop (chuyen de)": "classes",
    "classes": "classes",
    "so nguoi": "learners",
    "so luot nguoi": "learners",
    "so hoc vien": "learners",
    "learners": "learners",
}
# Words of the plans' sub-committees (tiểu ban) and report rows, for the areas they mean.
AREA_WORDS = (
    ("literacy", ("xoa mu chu", "biet chu", "literacy")),
    ("vocational", ("hoc nghe", "day nghe", "vocational")),
    ("law", ("phap luat", "law")),
    ("health", ("suc khoe", "y te", "health")),
    ("environment", ("moi truong", "environment")),
    ("culture", ("van hoa xa hoi", "culture")),
    ("economy", ("kinh te", "economy", "economic")),
    ("life_skills", ("ky nang", "life skills")),
    ("other", ("chuong trinh khac", "other")),
    ("arts_sports", ("van nghe", "the thao", "the duc", "arts")),
)


class TargetError(ValueError):
    """A target line that cannot be read; the message is an N_ id with {fields}."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.fields = fields


@dataclass(frozen=True)
class Line:
    year: int
    quarter: int  # 0: the whole year
    area_id: int | None  # None: the whole center
    classes: int | None
    learners: int | None


@dataclass
class Sheet:
    """Targets read from a file, and the rows that could not be read (row, message id, fields)."""

    lines: list[Line] = field(default_factory=list)
    problems: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)


def find_area(text: str, areas: list[Area]) -> Area | None:
    """An area by its row number ("7"), its name or part of it, or a sub-committee's words ("kinh tế")."""
    plain = fold(text)
    if plain.isdigit():
        return next((a for a in areas if a.position == int(plain)), None)
    named = [a for a in areas if plain and plain in fold(a.name)]
    if len(named) == 1:
        return named[0]
    for code, words in AREA_WORDS:
        if any(word in plain for word in words):
            return next((a for a in areas if a.code == code), None)
    return None


UNITS = {"lop", "nguoi", "luot", "hoc", "vien", "classes", "learners", "visits", "learner-visits"}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"^(?:q|quy|quarter)\s*(\w+)$")


def _amount(text: str) -> int | None:
    """ "800", "4.350" or "-" (not set)."""
    digits = re.sub(r"[.,\s]", "", text)
    if digits in ("", "-"):
        return None
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 7):
        raise TargetError(N_("“{text}” is not a number."), text=text[:20])
    return int(digits)


def quarter_of(text: str) -> int:
    """ "q4", "Quý IV", "quý 4", "4" or "IV" as 4; empty, "-", "0" or "cả năm" as 0 (the whole year)."""
    plain = fold(text)
    if plain in ("", "-", "0", "ca nam", "year"):
        return 0
    match = _QUARTER.match(plain)
    number = match.group(1) if match else plain
    if number in ROMAN:
        return ROMAN[number]
    if number in ("1", "2", "3", "4"):
        return int(number)
    raise TargetError(N_("“{text}” is not a quarter: write q1, q2, q3 or q4."), text=text[:20])


def parse(args: str, areas: list[Area], this_year: int) -> Line:
    """ "2025 q1 kinh tế 8 800": the year (this one if left out), a quarter, the area (or "tất cả"),
    then classes and learner-visits ("-" leaves one unset; "8 lớp 800 người" is understood too)."""
    words = args.split()
    amounts: list[str] = []
    while words and len(amounts) < 2:
        word = words.pop()
        if fold(word) not in UNITS:
            amounts.insert(0, word)
    year = this_year
    if words and re.fullmatch(r"\d{4}", words[0]):
        year = int(words.pop(0))
    quarter = 0
    if len(words) > 1 and fold(words[0]) in ("quy", "quarter"):
        quarter = quarter_of(" ".join(words[:2]))
        del words[:2]
    elif words and _QUARTER.match(fold(words[0])):
        quarter = quarter_of(words.pop(0))
    if len(amounts) < 2 or not words:
        raise TargetError(N_("Please write the target like /target 2025 kinh tế 8 800."))
    classes, learners = _amount(amounts[0]), _amount(amounts[1])
    area_text = " ".join(words)
    area_id = None
    if fold(area_text) not in WHOLE_CENTER:
        area = find_area(area_text, areas)
        if area is None:
            raise TargetError(
                N_("I don't know the area “{area}”. Write its number (1 to {count}) or “tất cả”."),
                area=area_text[:40],
                count=len(areas),
            )
        area_id = area.id
    if not 2000 <= year <= 2100:
        raise TargetError(N_("Please write a year such as 2025."))
    return Line(year, quarter, area_id, classes, learners)


async def put(session: AsyncSession, center_id: int, line: Line, *, now: datetime, by: Person | None) -> Target:
    """Set a target, replacing the one for the same year, quarter and area."""
    target = await session.scalar(
        select(Target).where(
            Target.center_id == center_id,
            Target.year == line.year,
            Target.quarter == line.quarter,
            Target.area_id.is_(None) if line.area_id is None else Target.area_id == line.area_id,
        )
    )
    if target is None:
        target = Target(center_id=center_id, year=line.year, quarter=line.quarter, area_id=line.area_id)
        session.add(target)
    target.classes, target.learners = line.classes, line.learners
    target.set_by_id = by.id if by else None
    target.updated_at = now
    await session.flush()
    return target


async def of_year(session: AsyncSession, center_id: int, year: int) -> list[Target]:
    rows = await session.scalars(
        select(Target).where(Target.center_id == center_id, Target.year == year).order_by(Target.quarter, Target.id)
    )
    return list(rows)


def subject(area_id: int | None, quarter: int, names: dict[int, str], t: Any) -> str:
    """What a target is for: an area or the whole center, and its quarter if any (`t` is a Translator)."""
    what = names.get(area_id or 0, t.gettext("Whole center"))
    return t.gettext("{what}, quarter {quarter}").format(what=what, quarter=quarter) if quarter else what


def describe(sheet: Sheet, t: Any, names: dict[int, str]) -> str:
    """What will be saved, row by row, in the reader's language (`t` is a Translator); `names` are the
    areas' labels."""
    _ = t.gettext
    lines = [_("I will save {count} targets:").format(count=len(sheet.lines))]
    for line in sheet.lines:
        what = subject(line.area_id, line.quarter, names, t)
        lines.append(
            _("• {year}, {what}: {classes} classes, {learners} learner-visits").format(
                year=line.year,
                what=what,
                classes="-" if line.classes is None else line.classes,
                learners="-" if line.learners is None else line.learners,
            )
        )
    if sheet.problems:
        lines.append(_("I could not read these rows:"))
        for row, reason, fields in sheet.problems:
            lines.append(_("• row {row}: {reason}").format(row=row, reason=_(reason).format(**fields)))
    return "\n".join(lines)


def read_file(filename: str, content: bytes, areas: list[Area], this_year: int) -> Sheet | None:
    """The targets in a file: the "Chỉ tiêu" sheet of a workbook, or a CSV with target columns.
    None when the file holds no targets (an ordinary plan)."""
    grid = _grid(filename, content)
    if grid is None:
        return None
    header_at = next((i for i, row in enumerate(grid[:20]) if sum(fold(c) in HEADERS for c in row) >= 3), None)
    if header_at is None:
        return None
    keys = [HEADERS.get(fold(c)) for c in grid[header_at]]
    if "area" not in keys or not {"classes", "learners"} & set(keys):
        return None
    sheet = Sheet()
    for number, values in enumerate(grid[header_at + 1 : header_at + 201], start=header_at + 2):
        row = {key: str(value).strip() for key, value in zip(keys, values, strict=False) if key}
        if not any(row.values()):
            continue
        year = row.get("year", "") or str(this_year)
        try:
            quarter = quarter_of(row.get("quarter", ""))
            text = f"{year} {f'q{quarter}' if quarter else ''} {row.get('area', '') or '-'} "
            text += f"{row.get('classes', '') or '-'} {row.get('learners', '') or '-'}"
            sheet.lines.append(parse(text, areas, this_year))
        except TargetError as error:
            sheet.problems.append((number, str(error), error.fields))
    return sheet


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _grid(filename: str, content: bytes) -> list[list[str]] | None:
    name = filename.lower()
    try:
        if name.endswith(".csv"):
            text = content.decode("utf-8-sig")
            return list(csv.reader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ","))
        if name.endswith(".xlsx"):
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = next((s for s in book.worksheets if fold(s.title) == SHEET), None)
            if sheet is None:
                return None
            return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception:
        return None
    return None
