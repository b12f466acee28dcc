"""How fast `/stats` and `/report` answer for a whole province, on SQLite and on PostgreSQL.

Seeds one province (100 centers, 300,000 people, 1,000,000 learner-visits in 2025), caches it, then times
`bot.services.stats.figures` alone ("figures (SQL only)") and the real commands through the dispatcher
with a stub messenger: until the first message is out (for /stats, the figures) and until all are (the
chart, drawn after the figures; for /report, the one message carrying the XLSX).

    uv run python bench/stats_bench.py [--db sqlite|postgres|both] [--reseed] [--runs N] [--profile]

See bench/README.md for what is seeded, what is measured and the latest figures.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/stats_bench.py` puts bench/ first, not the project
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.database import Database, alembic_config  # noqa: E402
from bot.dispatcher import DENIED, Dispatcher  # noqa: E402
from bot.i18n import Translator  # noqa: E402
from bot.messaging import Attachment, Capabilities, ChatRef, Edit, Event, Incoming, Menu, Outcome, Send, Sender  # noqa: E402
from bot.models import (  # noqa: E402
    ActivityKind,
    ActivityStatus,
    AttendanceMethod,
    Gender,
    RegistrationStatus,
    RoleKind,
)
from bot.services import stats  # noqa: E402
from bot.services.areas import default_areas  # noqa: E402
from handlers import build_registry  # noqa: E402

NOW = datetime(2025, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam: one talk has begun today, one is to come
YEAR = 2025
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
SEED_VERSION = "3"  # bump when the generator changes, so cached databases are seeded again
# The rows are loaded raw, so each session's tally of its visits (kept by every check-in) is counted once
# afterwards, exactly as migration 0008 counts the visits recorded before it.
TALLY = (
    "UPDATE activity_session SET "
    "visits = (SELECT count(*) FROM attendance WHERE attendance.session_id = activity_session.id), "
    "women_visits = (SELECT count(*) FROM attendance JOIN person ON person.id = attendance.person_id "
    "WHERE attendance.session_id = activity_session.id AND person.gender = 'female')"
)

DISTRICTS = 5
CENTERS = 100
VILLAGES_PER_CENTER = 20
PEOPLE_PER_CENTER = 3_000
VISITS_PER_CENTER = 10_000  # 1,000,000 in all
TALKS_PER_CENTER = 60
CLASSES_PER_CENTER = 15

PROVINCE_ID = 1
CENTER_ID = 1  # the director's center
DIRECTOR_TG = 900_000_001
OFFICER_TG = 900_000_002

SQLITE_PATH = ROOT / "data" / "bench" / "province.db"
SQLITE_URL = f"sqlite+aiosqlite:///{SQLITE_PATH}"
PG_SERVER = "postgresql://postgres@localhost:5432"
PG_NAME = "loalang_bench"
PG_URL = f"postgresql+asyncpg://postgres@localhost:5432/{PG_NAME}"

TARGET_CENTER_MS = 200.0
TARGET_PROVINCE_MS = 1_000.0

# Columns the raw SQLite writer must turn into SQLAlchemy's text form of a datetime.
DATETIME_COLUMNS = frozenset(
    {"created_at", "updated_at", "consent_at", "granted_at", "starts_at", "ends_at", "at", "queued_at"}
)


class BenchError(Exception):
    """The benchmark cannot go on (a command failed, a server is down); the message says why."""


# ---------------------------------------------------------------------------------------------- seeding


@dataclass
class Rows:
    """One table's rows, in column order, ready for executemany or COPY."""

    table: str
    names: str  # the columns, separated by spaces
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return self.names.split()


SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Kim", "Xuân")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc", "Tâm", "Yến")
TALK_TOPICS = (
    "Phòng chống lừa đảo qua mạng",
    "Chăm sóc sức khỏe người cao tuổi",
    "Luật Đất đai 2024",
    "Phân loại rác tại nguồn",
    "Nuôi gà thả vườn an toàn sinh học",
    "An toàn giao thông cho học sinh",
    "Kỹ năng sử dụng điện thoại thông minh",
    "Dinh dưỡng cho trẻ dưới 5 tuổi",
)
CLASS_TOPICS = ("Lớp xóa mù chữ", "Lớp tin học cơ bản", "Lớp may công nghiệp", "Lớp trồng nấm", "Lớp dưỡng sinh")


def utc(moment: datetime) -> datetime:
    """A local Vietnamese time as the naive UTC value the columns hold."""
    return moment.replace(tzinfo=ZONE).astimezone(UTC).replace(tzinfo=None)


def generate() -> list[Rows]:
    """The whole province, deterministic (fixed random seed), in foreign-key order."""
    rng = random.Random(20251120)
    now = NOW.replace(tzinfo=None)
    today = utc(datetime(2025, 11, 20))
    created = datetime(2024, 12, 1, 2, 0)
    region = Rows("region", "id name parent_id created_at")
    center = Rows("center", "id name commune timezone locale population_15_plus reminders secret region_id created_at")
    village = Rows("village", "id center_id name")
    area = Rows("area", "id center_id position code name")
    person = Rows(
        "person",
        "id center_id full_name gender birth_year village_id consent_at private_notices created_at",
    )
    account = Rows("account", "id person_id channel external_id created_at")
    role = Rows("role", "id person_id center_id kind region_id granted_at")
    activity = Rows(
        "activity",
        "id center_id title kind area_id place capacity all_villages status counts_version cards_version"
        " created_at updated_at",
    )
    activity_village = Rows("activity_village", "activity_id village_id")
    session = Rows("activity_session", "id activity_id starts_at ends_at")
    registration = Rows("registration", "id activity_id person_id village_id status queued_at created_at updated_at")
    attendance = Rows("attendance", "id session_id person_id method at")
    head_count = Rows("head_count", "id session_id total women at")
    target = Rows("target", "id center_id year quarter area_id classes learners set_by_id updated_at")

    region.rows.append((PROVINCE_ID, "Tỉnh Bến Mẫu", None, created))
    for d in range(1, DISTRICTS + 1):
        region.rows.append((PROVINCE_ID + d, f"Huyện {d}", PROVINCE_ID, created))

    methods = [m.value for m in AttendanceMethod]
    offsets = [timedelta(minutes=m) for m in range(-15, 31)]
    ids = {name: 0 for name in ("activity", "session", "registration", "attendance", "head_count", "target", "account")}

    def next_id(name: str) -> int:
        ids[name] += 1
        return ids[name]

    for c in range(1, CENTERS + 1):
        center.rows.append(
            (
                c,
                f"TTHTCĐ xã Mẫu {c:03d}",
                f"Xã Mẫu {c:03d}",
                "Asia/Ho_Chi_Minh",
                "vi",
                rng.randint(4_000, 9_000),
                "1d@19:00,2h",
                f"{rng.getrandbits(128):032x}",
                PROVINCE_ID + 1 + (c - 1) * DISTRICTS // CENTERS,
                created,
            )
        )
        villages = [(c - 1) * VILLAGES_PER_CENTER + v for v in range(1, VILLAGES_PER_CENTER + 1)]
        village.rows.extend((v, c, f"Thôn {i}") for i, v in enumerate(villages, 1))
        areas = []
        for offset, a in enumerate(default_areas(c), 1):
            area_id = (c - 1) * 10 + offset
            areas.append(area_id)
            area.rows.append((area_id, c, a.position, a.code, a.name))

        first_person = (c - 1) * PEOPLE_PER_CENTER + 1
        people = range(first_person, first_person + PEOPLE_PER_CENTER)
        village_of: dict[int, int] = {}
        for p in people:
            women = rng.random() < 0.52
            v = rng.choice(villages)
            village_of[p] = v
            joined = created + timedelta(minutes=rng.randrange(500_000))
            name = f"{rng.choice(SURNAMES)} {'Thị' if women else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            telegram = 500_000_000 + p if rng.random() < 0.4 else None
            if c == CENTER_ID and p == first_person:
                telegram = DIRECTOR_TG
                role.rows.append((1, p, c, RoleKind.DIRECTOR.value, None, created))
            gender = (Gender.FEMALE if women else Gender.MALE).value
            birth = rng.randint(1950, 2008)
            person.rows.append((p, c, name, gender, birth, v, joined, False, joined))
            if telegram is not None:
                account.rows.append((next_id("account"), p, "telegram", str(telegram), joined))

        # Activities: talks spread over the year, two talks today (one begun), classes of weekly sessions.
        plans: list[tuple[str, int, list[datetime], int | None]] = []  # kind, area, session starts, capacity
        for _ in range(TALKS_PER_CENTER):
            day = datetime(2025, 1, 1) + timedelta(days=rng.randrange(3, 362))
            hour, minute = rng.choice(((7, 30), (14, 0), (19, 30)))
            plans.append(("talk", rng.choice(areas[2:]), [utc(day.replace(hour=hour, minute=minute))], 80))
        plans.append(("talk", areas[3], [utc(datetime(2025, 11, 20, 8, 0))], 60))
        plans.append(("talk", areas[6], [utc(datetime(2025, 11, 20, 14, 0))], 60))
        for _ in range(CLASSES_PER_CENTER):
            first = datetime(2025, 1, 6) + timedelta(days=rng.randrange(0, 330))
            first = first.replace(hour=rng.choice((7, 14, 19)))
            weeks = rng.randint(4, 12)
            row = rng.choice((areas[0], areas[0], areas[1], areas[1], areas[9]))
            plans.append(("class", row, [utc(first + timedelta(weeks=w)) for w in range(weeks)], 40))

        past: list[tuple[int, int, datetime]] = []  # session id, activity id, start
        registered_at: dict[int, list[int]] = {}
        for n, (kind, area_id, starts, capacity) in enumerate(plans, 1):
            a = next_id("activity")
            topics = TALK_TOPICS if kind == "talk" else CLASS_TOPICS
            title = f"{rng.choice(topics)} ({n})"
            everywhere = rng.random() < 0.8
            made = min(starts[0] - timedelta(days=14), now)
            activity.rows.append(
                (
                    a,
                    c,
                    title,
                    (ActivityKind.TALK if kind == "talk" else ActivityKind.CLASS).value,
                    area_id,
                    f"Nhà văn hóa thôn {rng.randint(1, VILLAGES_PER_CENTER)}",
                    capacity,
                    everywhere,
                    ActivityStatus.PUBLISHED.value,
                    0,
                    0,
                    made,
                    made,
                )
            )
            if not everywhere:
                activity_village.rows.extend((a, v) for v in rng.sample(villages, rng.randint(1, 3)))
            for start in starts:
                s = next_id("session")
                session.rows.append((s, a, start, start + timedelta(hours=2)))
                if start <= now:
                    past.append((s, a, start))
            live = starts[-1] + timedelta(hours=2) >= today
            if live or rng.random() < 0.25:
                chosen = rng.sample(people, rng.randint(30, 70) if live else rng.randint(20, 60))
                seated = []
                for p in chosen:
                    roll = rng.random()
                    status = (
                        RegistrationStatus.REGISTERED
                        if roll < 0.85
                        else RegistrationStatus.WAITLISTED
                        if roll < 0.95
                        else RegistrationStatus.CANCELLED
                    )
                    at = min(starts[0] - timedelta(days=rng.randint(1, 10)), now - timedelta(hours=1))
                    queued = at if status is RegistrationStatus.WAITLISTED else None
                    r = next_id("registration")
                    registration.rows.append((r, a, p, village_of[p], status.value, queued, at, at))
                    if status is RegistrationStatus.REGISTERED:
                        seated.append(p)
                registered_at[a] = seated

        # Exactly VISITS_PER_CENTER visits over the sessions begun so far, most by registered people if any.
        weights = [rng.uniform(0.4, 1.6) for _ in past]
        scale = VISITS_PER_CENTER / sum(weights)
        sizes = [int(w * scale) for w in weights]
        for i in rng.sample(range(len(past)), VISITS_PER_CENTER - sum(sizes)):
            sizes[i] += 1
        for (s, a, start), size in zip(past, sizes, strict=True):
            seated = registered_at.get(a, [])
            came = set(rng.sample(seated, min(len(seated), size * 3 // 4))) if seated else set()
            while len(came) < size:
                came.add(rng.randrange(first_person, first_person + PEOPLE_PER_CENTER))
            attendance.rows.extend(
                (next_id("attendance"), s, p, rng.choice(methods), start + rng.choice(offsets)) for p in came
            )
            if rng.random() < 0.2 or start.date() == now.date():
                total = rng.randint(3, 30)
                head_count.rows.append((next_id("head_count"), s, total, rng.randint(0, total), start + offsets[-1]))

        # Targets of 2025: the center's year and quarters, and each report row's year and quarters.
        set_at = datetime(2025, 1, 10, 2, 0)
        for area_id in (None, *areas):
            for quarter in range(5):
                share = 1 if quarter == 0 else 4
                classes = rng.randint(2, 8) * (10 if area_id is None else 1) // share
                learners = (VISITS_PER_CENTER if area_id is None else rng.randint(500, 1_500)) // share
                target.rows.append((next_id("target"), c, YEAR, quarter, area_id, classes, learners, None, set_at))

    officer = CENTERS * PEOPLE_PER_CENTER + 1
    officer_row = (officer, None, "Trần Văn Sở", Gender.MALE.value, 1975, None, created, False, created)
    person.rows.append(officer_row)
    account.rows.append((next_id("account"), officer, "telegram", str(OFFICER_TG), created))
    role.rows.append((2, officer, None, RoleKind.REGION.value, PROVINCE_ID, created))
    return [
        region,
        center,
        village,
        area,
        person,
        account,
        role,
        activity,
        activity_village,
        session,
        registration,
        attendance,
        head_count,
        target,
    ]


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def marker() -> dict[str, str]:
    """What a cached database must say about itself to be reused."""
    return {"seed_version": SEED_VERSION, "schema": head_revision()}


def _sqlite_row(row: tuple[Any, ...], stamps: Sequence[int]) -> tuple[Any, ...]:
    """SQLAlchemy keeps SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' text; compared as text, so match it."""
    if not stamps:
        return row
    values = list(row)
    for i in stamps:
        if values[i] is not None:
            values[i] = values[i].strftime("%Y-%m-%d %H:%M:%S.%f")
    return tuple(values)


def sqlite_cached() -> bool:
    if not SQLITE_PATH.exists():
        return False
    con = sqlite3.connect(SQLITE_PATH)
    try:
        found = dict(con.execute("SELECT key, value FROM bench_meta"))
    except sqlite3.Error:
        return False
    finally:
        con.close()
    return found == marker()


def sqlite_load(tables: list[Rows]) -> None:
    """Raw sqlite3 executemany in one transaction: seconds, where the ORM would take many minutes."""
    con = sqlite3.connect(SQLITE_PATH)
    try:
        con.execute("PRAGMA synchronous=OFF")
        with con:
            for t in tables:
                stamps = [i for i, name in enumerate(t.columns) if name in DATETIME_COLUMNS]
                sql = f"INSERT INTO {t.table} ({', '.join(t.columns)}) VALUES ({', '.join('?' * len(t.columns))})"
                con.executemany(sql, (_sqlite_row(row, stamps) for row in t.rows))
            con.execute(TALLY)
            con.execute("CREATE TABLE bench_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.executemany("INSERT INTO bench_meta VALUES (?, ?)", marker().items())
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def sqlite_remove() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)


async def seed_sqlite(tables: Callable[[], list[Rows]]) -> None:
    sqlite_remove()
    db = Database(SQLITE_URL)
    await db.upgrade()
    await db.dispose()
    sqlite_load(tables())


async def pg_connect(database: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(f"{PG_SERVER}/{database}")
    except (OSError, asyncpg.PostgresError) as exc:
        if isinstance(exc, asyncpg.InvalidCatalogNameError):
            raise
        raise BenchError(
            f"PostgreSQL is not reachable at {PG_SERVER} ({exc}); start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
        ) from exc


async def pg_cached() -> bool:
    try:
        con = await pg_connect(PG_NAME)
    except asyncpg.InvalidCatalogNameError:
        return False
    try:
        found = {r["key"]: r["value"] for r in await con.fetch("SELECT key, value FROM bench_meta")}
    except asyncpg.PostgresError:
        return False
    finally:
        await con.close()
    return found == marker()


async def seed_postgres(tables: Callable[[], list[Rows]]) -> None:
    """A fresh database, Alembic's schema, then COPY with foreign-key triggers off (we write them in order)."""
    admin = await pg_connect("postgres")
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {PG_NAME}")
    finally:
        await admin.close()
    db = Database(PG_URL)
    await db.upgrade()
    await db.dispose()
    con = await pg_connect(PG_NAME)
    try:
        async with con.transaction():
            await con.execute("SET LOCAL session_replication_role = replica")
            for t in tables():
                await con.copy_records_to_table(t.table, records=t.rows, columns=t.columns)
                if "id" in t.columns:
                    await con.execute(
                        f"SELECT setval(pg_get_serial_sequence('{t.table}', 'id'), (SELECT max(id) FROM {t.table}))"
                    )
            # Without statistics the planner runs TALLY's correlated counts by hash joins over all of person and
            # attendance for each of the 18,000 sessions (more than 15 minutes); with them, 2 s (index lookups).
            await con.execute("ANALYZE")
            await con.execute(TALLY)
            await con.execute("CREATE TABLE bench_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            await con.executemany("INSERT INTO bench_meta VALUES ($1, $2)", list(marker().items()))
        await con.execute("VACUUM ANALYZE")  # what autovacuum would have done on a live server
    finally:
        await con.close()


class Generated:
    """Generate the rows once even when both databases need seeding."""

    def __init__(self) -> None:
        self.tables: list[Rows] | None = None

    def __call__(self) -> list[Rows]:
        if self.tables is None:
            started = time.perf_counter()
            self.tables = generate()
            print(f"  generated the rows in {time.perf_counter() - started:.1f} s")
        return self.tables


async def ensure_seeded(which: str, reseed: bool, rows: Generated) -> None:
    cached = sqlite_cached() if which == "sqlite" else await pg_cached()
    if cached and not reseed:
        return
    print(f"Seeding {which} ({'asked' if reseed else 'no cached database at this schema'}) ...")
    started = time.perf_counter()
    await (seed_sqlite(rows) if which == "sqlite" else seed_postgres(rows))
    print(f"  seeded {which} in {time.perf_counter() - started:.1f} s")


# ---------------------------------------------------------------------------------------------- measuring


class StubMessenger:
    """Records what the bot would send; Telegram is not part of what we measure."""

    name = "telegram"  # the seeded accounts are Telegram's
    capabilities = Capabilities()

    def __init__(self) -> None:
        self.sent: list[Send] = []
        self.first_at: float | None = None  # when the first message went out: the answer the person waits for
        self.last_id = 0

    def clear(self) -> None:
        self.sent.clear()
        self.first_at = None

    async def send(self, message: Send) -> str:
        if self.first_at is None:
            self.first_at = time.perf_counter()
        self.sent.append(message)
        self.last_id += 1
        return str(self.last_id)

    async def edit(self, edit: Edit) -> None:
        pass

    async def set_menu(self, menu: Menu) -> None:
        pass

    def deep_link(self, payload: str) -> str:
        return f"https://t.me/loalang_bench_bot?start={payload}"

    async def download(self, ref: str) -> bytes:
        return b""


class NotAvailable(Exception):
    """The command is not registered yet (its handler is still being written)."""


def _texts(message: str, **fields: str) -> set[str]:
    return {Translator(locale).gettext(message).format(**fields) for locale in ("en", "vi")}


def check(outcome: Outcome, command: str, want_file: bool) -> None:
    """Only a real answer counts: an unknown command is "not available", an apology or refusal aborts."""
    sends = [e for e in outcome.effects if isinstance(e, Send)]
    name = command.split()[0].lstrip("/")
    unknown = _texts("I don't know the command /{command}. Send /help to see what I can do.", command=name)
    if any(s.text in unknown for s in sends):
        raise NotAvailable(command)
    failed = _texts("Sorry, something went wrong on our side. Nothing was saved; please try again.")
    for message in DENIED.values():
        failed |= _texts(message, command=name)
    for s in sends:
        if s.text in failed or s.text.startswith(("Sorry", "Xin lỗi")):
            raise BenchError(f"{command} answered with an apology or refusal: {s.text!r}")
    if not sends:
        raise BenchError(f"{command} sent nothing (effects: {outcome.effects!r})")
    if want_file and not any(isinstance(s.file, Attachment) and s.file.content for s in sends):
        raise BenchError(f"{command} sent no file: {[s.text[:80] for s in sends]!r}")


@dataclass
class Result:
    level: str
    case: str
    database: str
    times_ms: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        """Nearest rank: the smallest time that at least 95% of the runs did not exceed."""
        ordered = sorted(self.times_ms)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]


async def timed(run: Callable[[], Awaitable[float | None]], runs: int, warmup: int) -> tuple[list[float], list[float]]:
    """Wall times of whole runs, and of each run until the moment `run` reports (its first message out)."""
    for _ in range(warmup):
        await run()
    times, firsts = [], []
    for _ in range(runs):
        started = time.perf_counter()
        first = await run()
        times.append((time.perf_counter() - started) * 1000)
        if first is not None:
            firsts.append((first - started) * 1000)
    return times, firsts


async def scope_ids(db: Database) -> tuple[int, ...]:
    """The province's centers, the way a region officer's scope is built: through the region tree."""
    async with db.session() as session:
        rows = await session.execute(
            text(
                "SELECT c.id FROM center c JOIN region r ON r.id = c.region_id "
                "WHERE r.id = :p OR r.parent_id = :p ORDER BY c.id"
            ),
            {"p": PROVINCE_ID},
        )
        return tuple(r[0] for r in rows)


def figure_cases(db: Database, province: tuple[int, ...]) -> list[tuple[str, Callable[[], Awaitable[None]]]]:
    center = stats.Scope(center_ids=(CENTER_ID,))
    region = stats.Scope(center_ids=province, region_id=PROVINCE_ID)

    def call(scope: stats.Scope, report: bool) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            async with db.session() as session:
                await stats.figures(session, scope, stats.Period(YEAR), NOW, villages=report, activities=report)

        return run

    return [
        ("/stats one center", call(center, False)),
        ("/stats province", call(region, False)),
        ("report 2025 one center", call(center, True)),
        ("report 2025 province", call(region, True)),
    ]


def dispatcher_cases() -> list[tuple[str, str, int, bool]]:
    return [
        ("/stats one center", "/stats", DIRECTOR_TG, False),
        ("/stats province", "/stats", OFFICER_TG, False),
        ("report 2025 one center", "/report 2025", DIRECTOR_TG, True),
        ("report 2025 province", "/report 2025", OFFICER_TG, True),
    ]


async def measure(
    which: str, runs: int, warmup: int, profile: bool, results: list[Result], sizes: dict[str, dict[str, str]]
) -> None:
    """Every case on one database; results are appended as they come, so an abort still shows them."""
    url = SQLITE_URL if which == "sqlite" else PG_URL
    db = Database(url)
    try:
        province = await scope_ids(db)
        sizes[which] = await seed_sizes(db)
        if profile:
            await profile_queries(db, which, province)
        for case, run in figure_cases(db, province):
            print(f"  {which}: figures {case} ...", flush=True)
            results.append(Result(SQL_ONLY, case, which, (await timed(run, runs, warmup))[0]))
        stub = StubMessenger()
        settings = Settings(bot_token=None, database_url=url, _env_file=None)  # type: ignore[call-arg]
        dispatcher = Dispatcher(
            db=db, settings=settings, registry=build_registry(), channels={stub.name: stub}, clock=lambda: NOW
        )
        for case, command, user, want_file in dispatcher_cases():
            first, whole = Result(FIRST_OUT, case, which), Result(ALL_OUT, case, which)

            async def run(command: str = command, user: int = user, want_file: bool = want_file) -> float | None:
                stub.clear()
                chat = ChatRef(stub.name, str(user))
                incoming = Incoming(event=Event.MESSAGE, chat=chat, sender=Sender(str(user), "Hùng"), text=command)
                check(await dispatcher.handle(incoming), command, want_file)
                return stub.first_at

            print(f"  {which}: dispatcher {case} ({command}) ...", flush=True)
            try:
                whole.times_ms, first.times_ms = await timed(run, runs, warmup)
            except NotAvailable:
                first.note = f"not available ({command} is not a command yet)"
            results += [first, whole]
    finally:
        await db.dispose()


async def seed_sizes(db: Database) -> dict[str, str]:
    """What is really in the database, counted by SQL rather than trusted from the generator."""
    queries = {
        "regions": "SELECT count(*) FROM region",
        "centers": "SELECT count(*) FROM center",
        "villages": "SELECT count(*) FROM village",
        "areas": "SELECT count(*) FROM area",
        "people": "SELECT count(*) FROM person",
        "women": "SELECT count(*) FROM person WHERE gender = 'female'",
        "activities": "SELECT count(*) FROM activity",
        "sessions": "SELECT count(*) FROM activity_session",
        "attendance (learner-visits)": "SELECT count(*) FROM attendance",
        "session tallies (visits, women)": "SELECT sum(visits) || ', ' || sum(women_visits) FROM activity_session",
        "head counts": "SELECT count(*) || ' rows, ' || coalesce(sum(total), 0) || ' walk-ins' FROM head_count",
        "registrations": "SELECT count(*) FROM registration",
        "targets": "SELECT count(*) FROM target",
        "roles": "SELECT count(*) FROM role",
        "sessions to come": f"SELECT count(*) FROM activity_session WHERE starts_at > '{NOW:%Y-%m-%d %H:%M:%S}'",
    }
    async with db.session() as session:
        return {name: str((await session.execute(text(sql))).scalar()) for name, sql in queries.items()}


async def profile_queries(db: Database, which: str, province: tuple[int, ...]) -> None:
    """Each statement of one figures() call: its time and its plan, to see where the time goes."""
    captured: list[tuple[str, Any, float]] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        captured.append((statement, parameters, (time.perf_counter() - conn.info.pop("bench_started")) * 1000))

    scopes = {
        "one center": stats.Scope(center_ids=(CENTER_ID,)),
        "province": stats.Scope(center_ids=province, region_id=PROVINCE_ID),
    }
    for name, scope in scopes.items():
        for report in (False, True):
            async with db.session() as session:  # warm the caches first, as the timed runs are
                await stats.figures(session, scope, stats.Period(YEAR), NOW, villages=report, activities=report)
            captured.clear()
            event.listen(db.engine.sync_engine, "before_cursor_execute", before)
            event.listen(db.engine.sync_engine, "after_cursor_execute", after)
            try:
                async with db.session() as session:
                    await stats.figures(session, scope, stats.Period(YEAR), NOW, villages=report, activities=report)
            finally:
                event.remove(db.engine.sync_engine, "before_cursor_execute", before)
                event.remove(db.engine.sync_engine, "after_cursor_execute", after)
            statements = list(captured)
            label = f"{which}, {name}{', report sheets' if report else ''}"
            print(f"\n=== per-query times, {label}: {sum(t for *_, t in statements):.1f} ms in all")
            for statement, parameters, ms in sorted(statements, key=lambda s: -s[2]):
                print(f"\n--- {ms:8.1f} ms  {' '.join(statement.split())[:240]}")
                if ms < 5:
                    continue
                prefix = "EXPLAIN QUERY PLAN " if which == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
                async with db.engine.connect() as conn:
                    plan = await conn.exec_driver_sql(prefix + statement, parameters)
                    for row in plan:
                        print("      " + " | ".join(str(v) for v in row[-1:]))


# ---------------------------------------------------------------------------------------------- reporting


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs, and (below) those of this process and the PostgreSQL server."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields[:8]) - idle, sum(fields[:8])


def own_ticks() -> int:
    """This process and every `postgres` process: the work being measured, not someone else's."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        name, rest = raw[raw.index("(") + 1 : raw.rindex(")")], raw[raw.rindex(")") + 2 :].split()
        if stat.parent.name == str(os.getpid()):
            ticks += int(rest[11]) + int(rest[12])  # utime, stime
        elif name == "postgres":  # with cutime, cstime: the server keeps the time of backends that ended
            ticks += sum(int(v) for v in rest[11:15])
    return ticks


@dataclass
class Busy:
    """How much CPU other processes took while we measured: a test run on this 2-core machine inflates
    every figure, so the report says so."""

    start: tuple[int, int, int] = (0, 0, 0)

    def begin(self) -> None:
        self.start = (*cpu_ticks(), own_ticks())

    def others(self) -> float:
        """Other processes' CPU use since `begin`, in CPUs (0 to the number of cores)."""
        busy, total = cpu_ticks()
        ours = own_ticks()
        elapsed = (total - self.start[1]) / (os.cpu_count() or 1)
        return max(0, (busy - self.start[0]) - (ours - self.start[2])) / elapsed if elapsed else 0.0


def machine(pg_version: str | None, others: float | None) -> list[tuple[str, str]]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    mem = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0"
    )
    found = [
        ("CPU", f"{models[0] if models else platform.processor()} x {len(models) or os.cpu_count()}"),
        ("RAM", f"{int(mem) / 1024 / 1024:.1f} GiB"),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if pg_version:
        found.append(("PostgreSQL", pg_version))
    if others is not None:
        found.append(("CPU taken by other processes while measuring", f"{others:.2f} of {os.cpu_count()} CPUs"))
    return found


async def pg_server_version() -> str:
    con = await pg_connect("postgres")
    try:
        return str(await con.fetchval("SHOW server_version"))
    finally:
        await con.close()


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table, so the output can be pasted into bench/README.md as is."""
    lines = [f"| {' | '.join(headers)} |", f"|{'|'.join('---' for _ in headers)}|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


SQL_ONLY = "figures (SQL only)"
FIRST_OUT = "dispatcher: first message out"  # /stats: the figures; the chart is drawn after them
ALL_OUT = "dispatcher: all messages out"  # /stats: with the chart


def report(results: list[Result], databases: list[str], runs: int) -> None:
    headers = ["level", "case"]
    for d in databases:
        headers += [f"{d} median ms", f"{d} p95 ms"]
    keys = list(dict.fromkeys((r.level, r.case) for r in results))
    found = {(r.level, r.case, r.database): r for r in results}
    rows = []
    for level, case in keys:
        row = [level, case]
        for d in databases:
            r = found.get((level, case, d))
            if r is None or not r.times_ms:
                row += ["not available", ""]
            else:
                row += [f"{r.median:.1f}", f"{r.p95:.1f}"]
        rows.append(row)
    print(f"\nResults ({runs} runs after the warm-up; p95 by nearest rank):\n")
    print(table(headers, rows))

    print("\nTargets:\n")
    target_rows = []
    for case, limit in (("/stats one center", TARGET_CENTER_MS), ("/stats province", TARGET_PROVINCE_MS)):
        for d in databases:
            first, whole, sql = (found.get((level, case, d)) for level in (FIRST_OUT, ALL_OUT, SQL_ONLY))
            if first and first.times_ms and whole:
                chosen, how = first, f"figures message out; with the chart {whole.p95:.0f} ms"
            else:
                chosen, how = sql, "figures only: /stats not available"
            if chosen is None or not chosen.times_ms:
                continue
            verdict = "met" if chosen.p95 < limit else "NOT met"
            target_rows.append([f"{case} p95 < {limit:.0f} ms", d, f"{chosen.p95:.1f} ms ({how})", verdict])
    print(table(["target", "database", "p95", "verdict"], target_rows))


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--reseed", action="store_true", help="seed again even if a cached database is current")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per case (after 2 warm-up runs)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="print each query's time and plan first")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results: list[Result] = []
    sizes: dict[str, dict[str, str]] = {}
    pg_version = None
    aborted = None
    busy = Busy()
    others = None
    try:
        pg_version = await pg_server_version() if "postgres" in databases else None
        rows = Generated()
        for which in databases:
            await ensure_seeded(which, args.reseed, rows)
        rows.tables = None  # free the generated rows before measuring
        busy.begin()
        for which in databases:
            print(f"Measuring {which} ...", flush=True)
            await measure(which, args.runs, args.warmup, args.profile, results, sizes)
    except BenchError as exc:
        aborted = str(exc)
    if busy.start[1]:
        others = busy.others()
    print("\nMachine:\n")
    print(table(["", ""], machine(pg_version, others)))
    if others is not None and others > 0.2:
        print("\nWARNING: the machine was busy with other work while measuring; the times are inflated.")
    if sizes:
        print(f"\nSeed sizes (counted in the database; clock fixed at {NOW:%Y-%m-%d %H:%M} UTC):\n")
        names = list(next(iter(sizes.values())))
        found = list(sizes)
        print(table(["table", *found], ([n, *(sizes[d][n] for d in found)] for n in names)))
    if results:
        report(results, databases, args.runs)
    for r in results:
        if r.note:
            print(f"- {r.level}, {r.case}, {r.database}: {r.note}")
    if aborted:
        print(f"\nBENCHMARK ABORTED: {aborted}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
