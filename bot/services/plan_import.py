"""Importing a plan from a spreadsheet shaped like the centers' own: the month-by-month table
(Tháng, Nội dung hoạt động, Số người tham gia, Đối tượng học, Đơn vị phối hợp/Người dạy, Kinh phí)
or a week programme (Ngày, Giờ, Nội dung, Địa điểm, ...).

Plans are taken as written: a row with only its month becomes an activity planned for that month
(`DateKnown.MONTH`, starting at the month's first moment in the center's zone), a row with a day but no
time one planned for that day (`DateKnown.DAY`, starting at local midnight). Both are drafts that cannot
be announced until /change sets their day and time. A row that is over and carries attendance columns
(Số người dự, Nữ, Danh sách) is recorded as held (entered afterwards); one without them is refused.

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
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Area,
    Attendance,
    AttendanceMethod,
    Budget,
    BudgetSource,
    Center,
    DateKnown,
    Gender,
    HeadCount,
    Person,
)
from bot.services import activities, audit, checkin, people, targets
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
    "so hoc vien tham gia": "expected",
    "so hoc vien du kien": "expected",
    "du kien": "expected",
    "doi tuong hoc": "target",
    "doi tuong": "target",
    "don vi phoi hop/nguoi day": "partner",
    "don vi phoi hop": "partner",
    "nguoi day": "partner",
    "dia diem": "place",
    "linh vuc": "area",
    "loai": "kind",
    "chien dich": "campaign",
    "so buoi": "sessions",
    "thoi luong": "length",
    # attendance, for a row that was held: what the paper sign-in sheet says
    "so nguoi du": "attended",
    "so nguoi da du": "attended",
    "tong so": "attended",
    "nu": "women",
    "so nu": "women",
    "danh sach": "names",
    "ho ten": "names",
    "ho va ten": "names",
}
# Budget columns, planned: a plain "Kinh phí" says no source; the report's sources have their own columns.
# "Đã chi …" before any of them is what was spent from it.
BUDGETS = {
    "kinh phi": BudgetSource.OTHER,
    "ngan sach": BudgetSource.STATE,
    "ngan sach nha nuoc": BudgetSource.STATE,
    "xa hoi hoa": BudgetSource.SOCIAL,
    "nguoi hoc dong gop": BudgetSource.LEARNERS,
    "hoc vien dong gop": BudgetSource.LEARNERS,
}
HEADERS |= {name: f"planned:{source}" for name, source in BUDGETS.items()}
HEADERS |= {f"da chi {name}": f"spent:{source}" for name, source in BUDGETS.items()}
HEADERS["da chi"] = f"spent:{BudgetSource.OTHER}"
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
# Whole words, first match wins: law before economy, so "lừa đảo" (fraud) is law and "lúa" (rice) economy.
AREA_WORDS = (
    ("literacy", ("xoa mu chu", "biet chu")),
    ("vocational", ("hoc nghe", "day nghe")),
    (
        "law",
        (
            "phap luat",
            "luat",
            "bo luat",
            "an toan giao thong",
            "atgt",
            "toi pham",
            "an ninh",
            "an ninh mang",
            "lua dao",
            "phong chong lua dao",
            "ma tuy",
            "te nan xa hoi",
            "bao luc gia dinh",
            "buon ban nguoi",
        ),
    ),
    ("health", ("suc khoe", "y te", "dan so", "hiv", "duong sinh", "gioi tinh khi sinh")),
    ("environment", ("moi truong",)),
    ("economy", ("lua", "chan nuoi", "trong trot", "kinh te", "phan bon", "nong thon moi", "vu chiem")),
    ("life_skills", ("ky nang", "tin hoc", "chuyen doi so")),
    ("arts_sports", ("van nghe", "the thao", "the duc", "trai he")),
    ("culture", ("truyen thong", "van hoa", "ky niem", "phu nu", "tet thieu nhi", "khai giang")),
)
AREA_PATTERNS = tuple(
    (code, re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")) for code, words in AREA_WORDS
)
DEFAULT_LENGTH = timedelta(hours=2)
SESSIONS_IN_TITLE = re.compile(r"\(\s*(\d{1,2})\s*bu[oổ]i\s*\)", re.IGNORECASE)  # "Lớp tin học (5 buổi)"


class PlanFileError(ValueError):
    """The file as a whole cannot be read (wrong type, broken, empty, too big)."""


@dataclass
class Held:
    """A past row's attendance as the paper sheet gave it: per session, everyone present and the women among
    them, and the names written down (each becomes an attendance; the rest a head count)."""

    total: int
    women: int
    names: list[str] = field(default_factory=list)


@dataclass
class Planned:
    row: int
    draft: activities.Draft
    area_guessed: bool = False
    date_known: DateKnown = DateKnown.EXACT
    held: Held | None = None
    spent: dict[BudgetSource, int] = field(default_factory=dict)


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

    @property
    def drafts(self) -> list[Planned]:
        return [p for p in self.planned if p.held is None]

    @property
    def held(self) -> list[Planned]:
        return [p for p in self.planned if p.held is not None]


@dataclass
class Made:
    """What an import created: drafts ready to announce, drafts still needing their day and time (planned for a
    month or a day), and activities recorded as held."""

    ready: int = 0
    month: int = 0
    day: int = 0
    held: int = 0

    @property
    def total(self) -> int:
        return self.ready + self.month + self.day + self.held

    @property
    def undated(self) -> int:
        return self.month + self.day


def _field(header: str) -> str | None:
    """What a column holds, from its name with or without accents, a note in brackets aside ("Kinh phí (đồng)")."""
    return HEADERS.get(" ".join(re.sub(r"\(.*?\)", " ", fold(header)).strip(" :.").split()))


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
    header_at = next((i for i, row in enumerate(grid[:20]) if sum(_field(c) is not None for c in row) >= 2), None)
    if header_at is None:
        raise PlanFileError(N_("I could not find the column names (such as Ngày, Nội dung) in this file."))
    keys = [_field(c) for c in grid[header_at]]
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


async def create(session: AsyncSession, center: Center, plan: Plan, *, now: datetime, by: Person | None) -> Made:
    """Create the planned activities as drafts, and the past rows with attendance as held; rows already imported
    meanwhile are skipped."""
    known = set(await session.scalars(select(Activity.import_key).where(Activity.center_id == center.id)))
    made = Made()
    for planned in plan.planned:
        if planned.draft.import_key in known:
            continue
        activity = await activities.create(session, center, planned.draft, now=now, by=by)
        activity.date_known = planned.date_known
        for source, vnd in planned.spent.items():
            budget = next((b for b in activity.budgets if b.source is source), None)
            if budget is None:
                activity.budgets.append(Budget(source=source, spent_vnd=vnd))
            else:
                budget.spent_vnd = vnd
        if planned.held is not None:
            await _record_held(session, center, activity, planned.held, now=now, by=by)
            made.held += 1
        elif planned.date_known is DateKnown.MONTH:
            made.month += 1
        elif planned.date_known is DateKnown.DAY:
            made.day += 1
        else:
            made.ready += 1
    await session.flush()
    return made


async def _record_held(
    session: AsyncSession, center: Center, activity: Activity, held: Held, *, now: datetime, by: Person | None
) -> None:
    """A past row's attendance, as if typed in at the desk afterwards: each name an attendance from the sheet
    (the session's tallies move with it, bot.services.checkin.record), the others a head count, per session."""
    activity.status = ActivityStatus.FINISHED
    activity.entered_afterwards = True
    await session.flush()
    present: dict[int, Person] = {}
    for name in held.names:
        person = await _person(session, center, name, now=now, by=by)
        present[person.id] = person
    walk_ins = max(held.total - len(present), 0)
    named_women = sum(p.gender is Gender.FEMALE for p in present.values())  # the sheet's women include them
    walk_in_women = min(max(held.women - named_women, 0), walk_ins)
    for activity_session in activity.sessions:
        for person in present.values():
            await checkin.record(session, activity_session, person, now, AttendanceMethod.SHEET, by)
        session.add(
            HeadCount(
                session_id=activity_session.id,
                total=walk_ins,
                women=walk_in_women,
                recorded_by_id=by.id if by else None,
                at=now,
                afterwards=True,
            )
        )
    if present:
        await session.execute(
            update(Attendance)
            .where(
                Attendance.session_id.in_([s.id for s in activity.sessions]),
                Attendance.person_id.in_(list(present)),
            )
            .values(afterwards=True)
            .execution_options(synchronize_session=False)
        )
    audit.record(
        session,
        action="activity.record_afterwards",
        at=now,
        center_id=center.id,
        actor_id=by.id if by else None,
        activity_id=activity.id,
        sessions=len(activity.sessions),
        total=held.total,
        women=held.women,
        named=len(present),
    )


async def _person(session: AsyncSession, center: Center, name: str, *, now: datetime, by: Person | None) -> Person:
    """The center's person of that name (accents and case aside, the oldest record first), or a new one without
    an account, as a helper registers a person without a phone; consent is not recorded from a sheet."""
    found = await people.named(
        session, center.id, name, Person.forgotten_at.is_(None), Person.anonymous.is_(False), whole=True, limit=1
    )
    if found:
        return found[0]
    person = Person(center_id=center.id, full_name=name, created_at=now, registered_by_id=by.id if by else None)
    session.add(person)
    await session.flush()
    return person


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
    starts, known = _start(row, month, zone)
    held = _held(row)
    if held is not None and starts > now:
        raise _Skip(N_("its day has not come yet: leave its attendance columns empty"))
    if held is None and _over(starts, known) <= now:
        # one reason for every past row, without its date, so that a year's past rows make one line
        raise _Skip(
            N_("already over: to record it as held, add the columns Số người dự and Nữ (and Danh sách for names)")
        )
    length = _minutes(row.get("length", ""))
    count = _number(row.get("sessions", "")) or _sessions_in(title) or 1
    kind = _kind(row.get("kind", ""), title)
    if count > 1 and kind is not ActivityKind.COURSE:
        kind = ActivityKind.CLASS  # a row of several sessions is a class
    area, guessed = _area(row.get("area", ""), title, areas)
    sessions = [(starts + timedelta(weeks=i), starts + timedelta(weeks=i) + length) for i in range(min(count, 52))]
    planned: dict[BudgetSource, int] = {}
    spent: dict[BudgetSource, int] = {}
    for key, text in row.items():
        if key.startswith(("planned:", "spent:")) and (vnd := _number(text)):
            (planned if key.startswith("planned:") else spent)[BudgetSource(key.split(":")[1])] = vnd
    draft = activities.Draft(
        title=title,
        kind=kind,
        sessions=sessions,
        area_id=area.id if area else None,
        place=clean_name(row.get("place", ""), 300) or None,
        target_group=clean_name(row.get("target", ""), 300) or None,
        partner=clean_name(row.get("partner", ""), 300) or None,
        expected=_number(row.get("expected", "")),
        budgets=planned,
        campaign=clean_name(row.get("campaign", ""), 300) or None,
    )
    return Planned(number, draft, guessed, known, held, spent)


def _start(row: dict[str, str], month: str, zone: ZoneInfo) -> tuple[datetime, DateKnown]:
    """The first session's start and how much of it the row says: without a time, the day's first moment;
    without a day, the month's."""
    day_text, time_text = row.get("day", ""), row.get("time", "")
    full = re.search(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", day_text)
    month_match = re.search(r"(\d{1,2})[/.-](\d{4})", month)
    if full:
        day, mon, year = (int(g) for g in full.groups())
    elif day_text.isdigit() and month_match:
        day, mon, year = int(day_text), int(month_match.group(1)), int(month_match.group(2))
    elif not day_text and month_match:
        mon, year = int(month_match.group(1)), int(month_match.group(2))
        if not 1 <= mon <= 12:
            raise _Skip(N_("the month {month} does not exist"), month=f"{mon:02d}/{year}")
        return datetime(year, mon, 1, tzinfo=zone), DateKnown.MONTH
    else:
        raise _Skip(N_("no day: write the date (for example 06/10/2025) in the Ngày column"))
    rest = time_text or (f"{day_text[: full.start()]} {day_text[full.end() :]}" if full else "")  # "13h30’ ngày 06/10"
    clock = re.search(r"(\d{1,2})\s*[:hH.]\s*(\d{2})?", rest)
    try:
        if clock is None:
            return datetime(year, mon, day, tzinfo=zone), DateKnown.DAY
        return datetime(year, mon, day, int(clock.group(1)), int(clock.group(2) or 0), tzinfo=zone), DateKnown.EXACT
    except ValueError:
        raise _Skip(N_("the date {date} does not exist"), date=f"{day:02d}/{mon:02d}/{year}") from None


def _over(starts: datetime, known: DateKnown) -> datetime:
    """When a row's time is over: an exact start once it has begun; a day or month only once it has ended
    (so this month's rows still go in as planned for the month)."""
    if known is DateKnown.EXACT:
        return starts
    if known is DateKnown.DAY:
        following = starts.date() + timedelta(days=1)
    else:
        following = date(starts.year + starts.month // 12, starts.month % 12 + 1, 1)
    return datetime.combine(following, time(0), tzinfo=starts.tzinfo)


def _held(row: dict[str, str]) -> Held | None:
    """The attendance columns of a row, or None when they are empty."""
    total_text, women_text, names_text = (row.get(k, "") for k in ("attended", "women", "names"))
    if not (total_text or women_text or names_text):
        return None
    names = list(dict.fromkeys(n for part in re.split(r"[;,\n]", names_text) if len(n := clean_name(part, 200)) > 1))
    total = _number(total_text) if total_text else len(names)
    women = _number(women_text) if women_text else 0
    if total is None or women is None:
        raise _Skip(N_("the attendance “{text}” is not a number"), text=(total_text + " " + women_text).strip()[:40])
    if women > total:
        raise _Skip(N_("there cannot be more women ({women}) than people ({total})"), women=women, total=total)
    return Held(max(total, len(names)), women, names)


def _sessions_in(title: str) -> int | None:
    found = SESSIONS_IN_TITLE.search(title)
    return int(found.group(1)) if found else None


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
    plain = fold(title)
    for code, pattern in AREA_PATTERNS:
        if pattern.search(plain):
            return next((a for a in areas if a.code == code), None), True
    return next((a for a in areas if a.code == "other"), None), True


def _key(center_id: int, draft: activities.Draft) -> str:
    text = f"{center_id}|{draft.sessions[0][0].isoformat()}|{fold(draft.title)}"
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def when(starts: datetime, known: DateKnown, t: Any) -> str:
    """An activity's start as far as it is known, in the reader's language: "06/10/2025 13:30", or
    "07/10/2025 (no time yet)", or "10/2025 (no day or time yet)"."""
    if known is DateKnown.MONTH:
        return t.gettext("{month} (no day or time yet)").format(month=t.datetime(starts, "MM/yyyy"))
    if known is DateKnown.DAY:
        return t.gettext("{day} (no time yet)").format(day=t.datetime(starts, "dd/MM/yyyy"))
    return str(t.datetime(starts, "dd/MM/yyyy HH:mm"))


def describe(plan: Plan, t: Any, area_names: dict[int, str], limit: int | None = None, room: int | None = None) -> str:
    """What the import will do, row by row, in the reader's language (`t` is a Translator): at most `limit`
    lines per list, and fewer when the text must fit in `room` characters (a chat message); the rest counted."""
    shown = limit
    while True:
        text = _describe(plan, t, area_names, shown)
        if room is None or len(text) <= room or shown == 0:
            return text
        longest = max(len(plan.drafts), len(plan.held), len(plan.problems))
        shown = min(shown if shown is not None else longest, longest) // 2


def _describe(plan: Plan, t: Any, area_names: dict[int, str], limit: int | None) -> str:
    lines = []
    drafts, held = plan.drafts, plan.held
    if drafts or not (held or plan.problems):
        lines.append(t.gettext("I will create {count} activities as drafts:").format(count=len(drafts)))
    for planned in drafts[:limit]:
        lines.append(f"• {_line(planned, t, area_names)}")
    if limit is not None and len(drafts) > limit:
        lines.append(t.gettext("… and {count} more.").format(count=len(drafts) - limit))
    undated = sum(p.date_known is not DateKnown.EXACT for p in drafts)
    if undated:
        lines.append(
            t.gettext(
                "{count} of them are planned for a month or a day: they are announced only after their day and "
                "time are set, with:\n/change"
            ).format(count=undated)
        )
    if held:
        if lines:
            lines.append("")
        lines.append(t.gettext("I will record {count} activities as already held:").format(count=len(held)))
        for planned in held[:limit]:
            assert planned.held is not None
            present = t.gettext("{total} present, {women} women").format(
                total=planned.held.total, women=planned.held.women
            )
            lines.append(f"• {_line(planned, t, area_names)}: {present}")
        if limit is not None and len(held) > limit:
            lines.append(t.gettext("… and {count} more.").format(count=len(held) - limit))
    if plan.already:
        lines.append(t.gettext("{count} rows were imported before and are skipped.").format(count=plan.already))
    if plan.problems:
        if lines:
            lines.append("")
        lines.append(t.gettext("These rows cannot be imported:"))
        lines.extend(problem_lines(plan.problems, t, limit))
    return "\n".join(lines)


def _line(planned: Planned, t: Any, area_names: dict[int, str]) -> str:
    """A row to create: when, what, and the report row (area) it counts in, marked when guessed from the title."""
    start = when(planned.draft.sessions[0][0], planned.date_known, t)
    area = area_names.get(planned.draft.area_id or 0, "-")
    guessed = " " + t.gettext("(guessed)") if planned.area_guessed else ""
    return f"{start} — {planned.draft.title} [{area}{guessed}]"


def problem_lines(problems: list[Problem], t: Any, limit: int | None = None) -> list[str]:
    """The rows not imported, one line per reason ("• rows 5–12, 14: …"), at most `limit` lines; the rest
    counted in a last line."""
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[Problem]] = {}
    for problem in problems:
        key = (problem.reason, tuple(sorted((k, str(v)) for k, v in problem.fields.items())))
        groups.setdefault(key, []).append(problem)
    lines = []
    for same in list(groups.values())[:limit]:
        reason = t.gettext(same[0].reason).format(**same[0].fields)
        if len(same) == 1:
            lines.append(t.gettext("• row {row}: {reason}").format(row=same[0].row, reason=reason))
        else:
            rows = _ranges([p.row for p in same])
            lines.append(t.gettext("• rows {rows}: {reason}").format(rows=rows, reason=reason))
    if limit is not None and len(groups) > limit:
        rest = sum(len(same) for same in list(groups.values())[limit:])
        lines.append(t.gettext("… and {count} more rows.").format(count=rest))
    return lines


def _ranges(numbers: list[int]) -> str:
    """Row numbers as a person writes them: "5–12, 14, 20"."""
    parts: list[list[int]] = []
    for n in sorted(set(numbers)):
        if parts and n == parts[-1][1] + 1:
            parts[-1][1] = n
        else:
            parts.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in parts)


def nothing_created(plan: Plan) -> str:
    """Why an import creates nothing, in one line (a message id)."""
    if plan.already and not plan.problems:
        return N_("Nothing was created: every row of this file was imported before.")
    if plan.problems:
        return N_("Nothing was created: no row could be imported (the reasons are above).")
    return N_("Nothing was created: the file has no activity rows.")
