"""Importing a plan from a spreadsheet shaped like the centers' own: the month-by-month table
(Tháng, Nội dung hoạt động, Số người tham gia, Đối tượng học, Đơn vị phối hợp/Người dạy, Kinh phí)
or a week programme (Ngày, Giờ, Nội dung, Địa điểm, ...).

Reading never writes: `read_plan` returns what would be created and what could not be read (row
and reason), and `create` makes drafts only after the user has seen that. Each activity keeps a key
of its center, start and title, so importing the same file twice creates nothing new.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.models import Activity, ActivityKind, Area, BudgetSource, Center, Person
from bot.services import activities, targets
from bot.text import clean_name, fold

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024

HEADERS = {
    "thang": "month",
    "ngay": "day",
    "ngay to chuc": "day",
    "gio": "time",
    "thoi gian": "time",
    "noi dung hoat dong": "title",
    "noi dung": "title",
    "ten hoat dong": "title",
    "chuyen de": "title",
    "so nguoi tham gia": "expected",
    "so hoc vien du kien": "expected",
    "du kien": "expected",
    "doi tuong hoc": "target",
    "doi tuong": "target",
    "don vi phoi hop/nguoi day": "partner",
    "don vi phoi hop": "partner",
    "nguoi day": "partner",
    "kinh phi": "budget",
    "dia diem": "place",
    "linh vuc": "area",
    "loai": "kind",
    "chien dich": "campaign",
    "so buoi": "sessions",
    "thoi luong": "length",
}
KINDS = {
    "chuyen de": ActivityKind.TALK,
    "lop": ActivityKind.CLASS,
    "lop hoc": ActivityKind.CLASS,
    "hoc nghe": ActivityKind.COURSE,
    "lop hoc nghe": ActivityKind.COURSE,
    "su kien": ActivityKind.EVENT,
}
EVENT_WORDS = (
    "le ",
    "ky niem",
    "hoi nghi",
    "giao luu",
    "hoi dien",
    "tet ",
    "trai he",
    "chao mung",
    "tong ket",
    "ngay hoi",
)
CLASS_WORDS = ("lop ", "tap huan", "boi duong", "tap duong sinh")
AREA_WORDS = (
    ("literacy", ("xoa mu chu", "biet chu")),
    ("vocational", ("hoc nghe", "day nghe")),
    ("law", ("phap luat", "luat ", "an toan giao thong", "toi pham", "an ninh")),
    ("health", ("suc khoe", "y te", "dan so", "hiv", "duong sinh", "gioi tinh khi sinh")),
    ("environment", ("moi truong",)),
    ("economy", ("lua", "chan nuoi", "trong trot", "kinh te", "phan bon", "nong thon moi", "vu chiem")),
    ("life_skills", ("ky nang", "tin hoc", "chuyen doi so")),
    ("arts_sports", ("van nghe", "the thao", "the duc", "trai he")),
    ("culture", ("truyen thong", "van hoa", "ky niem", "phu nu", "tet thieu nhi", "khai giang")),
)
DEFAULT_LENGTH = timedelta(hours=2)


class PlanFileError(ValueError):
    """The file as a whole cannot be read (wrong type, broken, empty, too big)."""


@dataclass
class Planned:
    row: int
    draft: activities.Draft
    area_guessed: bool = False


@dataclass
class Problem:
    row: int
    reason: str  # a message id (N_) with {fields}
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    planned: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    already: int = 0  # rows imported before


def table(filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV or XLSX file as (row number, {field: text}), with the header found wherever it is
    in the first rows and its names understood with or without accents."""
    if len(content) > MAX_BYTES:
        raise PlanFileError(N_("The file is too large (at most 5 MB)."))
    name = filename.lower()
    try:
        if name.endswith(".csv"):
            text = content.decode("utf-8-sig")
            grid = list(csv.reader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ","))
        elif name.endswith(".xlsx"):
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = next(s for s in book.worksheets if fold(s.title) != "chi tieu")  # that sheet holds targets
            grid = [["" if v is None else _cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        else:
            raise PlanFileError(N_("Please send the plan as an .xlsx or .csv file."))
    except PlanFileError:
        raise
    except Exception:
        raise PlanFileError(N_("I could not open this file. Please save it again as .xlsx or .csv.")) from None
    header_at = next((i for i, row in enumerate(grid[:20]) if sum(fold(c) in HEADERS for c in row) >= 2), None)
    if header_at is None:
        raise PlanFileError(N_("I could not find the column names (such as Ngày, Nội dung) in this file."))
    keys = [HEADERS.get(fold(c)) for c in grid[header_at]]
    rows = []
    for number, values in enumerate(grid[header_at + 1 : header_at + 1 + MAX_ROWS], start=header_at + 2):
        rows.append((number, {key: str(value).strip() for key, value in zip(keys, values, strict=False) if key}))
    return rows


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != time(0) else value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


async def read_file(
    session: AsyncSession, center: Center, filename: str, content: bytes, now: datetime
) -> tuple[Plan, targets.Sheet | None]:
    """The activities of a plan file and the targets it holds (None when it holds none): a file of
    targets alone is no error."""
    year = now.astimezone(ZoneInfo(center.timezone)).year
    known = list(await session.scalars(select(Area).where(Area.center_id == center.id).order_by(Area.position)))
    goals = targets.read_file(filename, content, known, year)
    try:
        rows = table(filename, content)
    except PlanFileError:
        if goals is None:
            raise
        return Plan(), goals
    return await read_plan(session, center, rows, now), goals


async def read_plan(
    session: AsyncSession, center: Center, rows: list[tuple[int, dict[str, str]]], now: datetime
) -> Plan:
    plan = Plan()
    areas = list(await session.scalars(select(Area).where(Area.center_id == center.id).order_by(Area.position)))
    known = set(await session.scalars(select(Activity.import_key).where(Activity.center_id == center.id)))
    month = ""
    zone = ZoneInfo(center.timezone)
    for number, row in rows:
        month = row.get("month") or month
        if not any(row.values()):
            continue
        try:
            planned = _read_row(row, month, number, areas, zone, now)
        except _Skip as skip:
            plan.problems.append(Problem(number, skip.reason, skip.fields))
            continue
        key = _key(center.id, planned.draft)
        if key in known:
            plan.already += 1
            continue
        known.add(key)
        planned.draft.import_key = key
        plan.planned.append(planned)
    return plan


async def create(session: AsyncSession, center: Center, plan: Plan, *, now: datetime, by: Person | None) -> int:
    """Create the planned activities as drafts; rows already imported meanwhile are skipped."""
    known = set(await session.scalars(select(Activity.import_key).where(Activity.center_id == center.id)))
    made = 0
    for planned in plan.planned:
        if planned.draft.import_key in known:
            continue
        await activities.create(session, center, planned.draft, now=now, by=by)
        made += 1
    return made


class _Skip(Exception):
    def __init__(self, reason: str, **fields: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fields = fields


def _read_row(
    row: dict[str, str], month: str, number: int, areas: list[Area], zone: ZoneInfo, now: datetime
) -> Planned:
    title = clean_name(row.get("title", ""), 300)
    if len(title) < 3:
        raise _Skip(N_("no activity name"))
    starts = _start(row, month, zone)
    if starts <= now:
        raise _Skip(N_("{date} is in the past"), date=starts.strftime("%d/%m/%Y %H:%M"))
    length = _minutes(row.get("length", ""))
    count = _number(row.get("sessions", "")) or 1
    area, guessed = _area(row.get("area", ""), title, areas)
    sessions = [(starts + timedelta(weeks=i), starts + timedelta(weeks=i) + length) for i in range(min(count, 52))]
    draft = activities.Draft(
        title=title,
        kind=_kind(row.get("kind", ""), title),
        sessions=sessions,
        area_id=area.id if area else None,
        place=clean_name(row.get("place", ""), 300) or None,
        target_group=clean_name(row.get("target", ""), 300) or None,
        partner=clean_name(row.get("partner", ""), 300) or None,
        expected=_number(row.get("expected", "")),
        budgets={BudgetSource.OTHER: budget} if (budget := _number(row.get("budget", ""))) else {},
        campaign=clean_name(row.get("campaign", ""), 300) or None,
    )
    return Planned(number, draft, guessed)


def _start(row: dict[str, str], month: str, zone: ZoneInfo) -> datetime:
    day_text, time_text = row.get("day", ""), row.get("time", "")
    full = re.search(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", day_text)
    if full:
        day, mon, year = (int(g) for g in full.groups())
    else:
        month_match = re.search(r"(\d{1,2})[/.-](\d{4})", month)
        if not (day_text.isdigit() and month_match):
            raise _Skip(N_("no day: write the date (for example 06/10/2025) in the Ngày column"))
        day, mon, year = int(day_text), int(month_match.group(1)), int(month_match.group(2))
    clock = re.search(r"(\d{1,2})\s*[:hH.]\s*(\d{2})?", time_text or day_text[full.end() :] if full else time_text)
    if clock is None:
        raise _Skip(N_("no time: write it (for example 13:30) in the Giờ column"))
    try:
        return datetime(year, mon, day, int(clock.group(1)), int(clock.group(2) or 0), tzinfo=zone)
    except ValueError:
        raise _Skip(N_("the date {date} does not exist"), date=f"{day:02d}/{mon:02d}/{year}") from None


def _minutes(text: str) -> timedelta:
    match = re.fullmatch(r"(\d{1,2})\s*(?:h|giờ|gio)\s*(\d{2})?|(\d{1,3})\s*(?:p|phút|phut|m)", text.strip().lower())
    if not match:
        return DEFAULT_LENGTH
    if match.group(3):
        return timedelta(minutes=int(match.group(3)))
    return timedelta(hours=int(match.group(1)), minutes=int(match.group(2) or 0))


def _number(text: str) -> int | None:
    digits = re.sub(r"[.\s,]|đ|vnd|vnđ", "", text.lower())
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) < 13 else None


def _kind(text: str, title: str) -> ActivityKind:
    if fold(text) in KINDS:
        return KINDS[fold(text)]
    plain = fold(title) + " "
    if any(word in plain for word in EVENT_WORDS):
        return ActivityKind.EVENT
    if any(word in plain for word in CLASS_WORDS):
        return ActivityKind.CLASS
    return ActivityKind.TALK


def _area(text: str, title: str, areas: list[Area]) -> tuple[Area | None, bool]:
    """The area named in the row (its number or name); failing that, one guessed from the title."""
    folded = fold(text)
    if folded:
        found = next((a for a in areas if folded in (str(a.position), fold(a.name))), None)
        if found is None:
            raise _Skip(N_("unknown area “{area}”: use a number from 1 to {count}"), area=text[:40], count=len(areas))
        return found, False
    plain = fold(title) + " "
    for code, words in AREA_WORDS:
        if any(word in plain for word in words):
            return next((a for a in areas if a.code == code), None), True
    return next((a for a in areas if a.code == "other"), None), True


def _key(center_id: int, draft: activities.Draft) -> str:
    text = f"{center_id}|{draft.sessions[0][0].isoformat()}|{fold(draft.title)}"
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def describe(plan: Plan, t: Any, area_names: dict[int, str], limit: int = 40) -> str:
    """What the import will do, row by row, in the reader's language (`t` is a Translator)."""
    lines = [t.gettext("I will create {count} activities as drafts:").format(count=len(plan.planned))]
    for planned in plan.planned[:limit]:
        start = t.datetime(planned.draft.sessions[0][0], "dd/MM/yyyy HH:mm")
        area = area_names.get(planned.draft.area_id or 0, "-")
        guessed = " " + t.gettext("(guessed)") if planned.area_guessed else ""
        lines.append(f"• {start} — {planned.draft.title} [{area}{guessed}]")
    if len(plan.planned) > limit:
        lines.append(t.gettext("… and {count} more.").format(count=len(plan.planned) - limit))
    if plan.already:
        lines.append(t.gettext("{count} rows were imported before and are skipped.").format(count=plan.already))
    if plan.problems:
        lines.append("")
        lines.append(t.gettext("I could not read these rows:"))
        for problem in plan.problems[:limit]:
            reason = t.gettext(problem.reason).format(**problem.fields)
            lines.append(t.gettext("• row {row}: {reason}").format(row=problem.row, reason=reason))
    return "\n".join(lines)
