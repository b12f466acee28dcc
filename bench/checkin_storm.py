"""Check-in storm: 2,000 residents type the check-in code, through the fake Bot API over loopback, to real
`loalang run --webhook` processes (the fake posts each update as Telegram does, up to 40 at a time, through
a stand-in proxy that takes the processes in turn).

Two rounds, each with its own open session, so each resident checks in twice:
- burst: all 2,000 at once; throughput = residents ÷ (last confirmation - first message);
- paced: the same residents at half the burst throughput, evenly; latency = each message's arrival at the
  fake until the fake receives the bot's confirmation (p50, p95, p99).
A minimal echo bot (python-telegram-bot, the same webhook path, no database) runs the same rounds first:
the framework's ceiling on this machine.

Each burst also reports the CPU time spent per update by the bot's processes, by this process (the fake Bot
API and the residents) and by PostgreSQL, read from /proc: on two cores, whatever is busiest sets the pace.

    uv run python bench/checkin_storm.py                       # SQLite and PostgreSQL, one process each
    uv run python bench/checkin_storm.py --db postgres --processes 1,2   # the two-processes ratio
    uv run python bench/checkin_storm.py --restart-postgres    # PostgreSQL restarts during a burst
    uv run python bench/checkin_storm.py --kill                # SIGKILL one of two processes during a burst
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from common import REDIS, WORK, cpu_seconds, free_port, fresh_database, machine, percentile, spawn, stop
from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram, FakeUser
from bot.database import Database
from bot.models import Account, ActivityKind, Attendance, Center, Gender, Person, Village
from bot.services import activities, centers, checkin

WEBHOOK = "https://loalang.example.org/telegram"
ECHO = """
import asyncio, json, sys
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, TypeHandler
import uvicorn

token, base, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
app = Application.builder().token(token).base_url(base).build()

async def echo(update, _):
    await update.effective_chat.send_message(update.effective_message.text)

app.add_handler(TypeHandler(Update, echo))

async def post(request):
    await app.update_queue.put(Update.de_json(json.loads(await request.body()), app.bot))
    return Response()

async def lifespan(_):
    await app.initialize(); await app.start()
    await app.bot.set_webhook("https://echo.example.org/telegram", max_connections=40)
    yield
    await app.stop(); await app.shutdown()

uvicorn.run(Starlette(routes=[Route("/telegram", post, methods=["POST"])], lifespan=lifespan),
            host="127.0.0.1", port=port, log_level="warning")
"""


@dataclass
class Round:
    throughput: float
    latencies: list[float]
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU per update answered, by group


async def seed(url: str, fake: FakeTelegram, residents: list[FakeUser]) -> tuple[str, list[int]]:
    """A center, two sessions open now, and residents who agreed and filled in their profile long ago.
    Returns the center's secret and the sessions' ids."""
    now = datetime.now(UTC)
    db = Database(url)
    async with db.session() as session, session.begin():
        center = await centers.create_center(session, name="TTHTCĐ xã Thanh Bình", villages=["Thôn Đông"], now=now)
        village_id = (await session.get(Village, center.villages[0].id)).id  # type: ignore[union-attr]
        sessions = []
        for title in ("Chuyên đề phòng chống lừa đảo qua mạng", "Lớp dưỡng sinh"):
            draft = activities.Draft(
                title=title, kind=ActivityKind.TALK, sessions=[(now + timedelta(minutes=5), now + timedelta(hours=2))]
            )
            activity = await activities.create(session, await session.get(Center, center.id), draft, now=now, by=None)
            await activities.publish(session, activity, now=now, by=None)
            await session.flush()
            sessions.append(activity.sessions[0].id)
        session.add_all(
            Person(
                accounts=[Account(channel="telegram", external_id=str(user.id), created_at=now)],
                center_id=center.id,
                full_name=f"Người Số {index}",
                gender=Gender.FEMALE if index % 2 else Gender.MALE,
                birth_year=1950 + index % 50,
                village_id=village_id,
                messenger_language=user.language_code,  # they have written to the bot before
                consent_at=now,
                created_at=now,
                roles=[],
            )
            for index, user in enumerate(residents)
        )
        secret = center.secret
    await db.dispose()
    return secret, sessions


@dataclass
class Storm:
    """A seeded database and `loalang run --webhook` processes, the fake posting to them."""

    fake: FakeTelegram
    residents: list[FakeUser]
    url: str
    secret: str
    sessions: list[int]
    bots: list[asyncio.subprocess.Process]

    def code(self, session: int) -> Callable[[FakeUser], str]:
        """The code shown at the desk of `session` at the moment a resident types it."""
        return lambda _user: checkin.code(self.secret, self.sessions[session], checkin.minute_of(datetime.now(UTC)))

    def answered(self) -> int:
        return sum(bool(user.private_chat.bot_messages) for user in self.residents)

    def cpu(self) -> dict[str, Callable[[int, str], bool]]:
        pids = {bot.pid for bot in self.bots}
        return {
            "bot": lambda pid, _command: pid in pids,
            "fake": lambda pid, _command: pid == os.getpid(),
            "PostgreSQL": lambda _pid, command: command.startswith("postgres"),
        }


@contextlib.asynccontextmanager
async def started(db: str, processes: int, count: int) -> AsyncIterator[Storm]:
    fake = FakeTelegram()
    residents = [fake.add_user(f"Người {i}") for i in range(count)]
    url = await fresh_database(db, "loalang_bench_storm")
    secret, sessions = await seed(url, fake, residents)
    async with fake.serve() as base_url:
        env = {"BOT_TOKEN": fake.token, "BOT_API_BASE_URL": base_url, "DATABASE_URL": url, "REDIS_URL": REDIS}
        ports = [free_port() for _ in range(processes)]
        bots = [await spawn(["run", "--webhook", WEBHOOK, "--port", str(p)], env, WORK / "storm.log") for p in ports]
        try:
            await fake.wait_for(lambda: bool(fake.webhook_url), timeout=60)
            await asyncio.sleep(1)  # every process listening
            async with fake.push_webhook([f"http://127.0.0.1:{p}" for p in ports]):
                yield Storm(fake, residents, url, secret, sessions, bots)
        finally:
            for bot in bots:
                with contextlib.suppress(ProcessLookupError):
                    await stop(bot)


async def storm(
    fake: FakeTelegram,
    residents: list[FakeUser],
    text: str | Callable[[FakeUser], str],
    *,
    pace: float | None,
    cpu: dict[str, Callable[[int, str], bool]] | None = None,
) -> Round:
    """Everyone sends `text` (all at once, or `pace` a second); waits for every confirmation."""
    fake.calls.clear()
    before = cpu_seconds(cpu or {})
    sent_at: dict[int, float] = {}
    gap = 1 / pace if pace else 0.0
    began = time.monotonic()
    for index, user in enumerate(residents):
        if gap:
            await asyncio.sleep(max(began + index * gap - time.monotonic(), 0))
        sent_at[user.id] = time.monotonic()
        user.send(text(user) if callable(text) else text)
    answered: dict[int, float] = {}
    seen = 0
    deadline = time.monotonic() + 600
    while len(answered) < len(residents) and time.monotonic() < deadline:
        for call in fake.calls[seen:]:
            chat = call.params.get("chat_id")
            if call.method == "sendMessage" and call.ok and chat in sent_at and chat not in answered:
                answered[chat] = call.at
        seen = len(fake.calls)
        await asyncio.sleep(0.02)
    after = cpu_seconds(cpu or {})
    latencies = [answered[u.id] - sent_at[u.id] for u in residents if u.id in answered]
    first = min(sent_at.values())
    last = max(answered.values())
    used = {name: (after[name] - before[name]) * 1000 / len(answered) for name in after}
    return Round(len(answered) / (last - first), latencies, used)


def report(name: str, burst: Round, paced: Round, pace: float, count: int) -> None:
    lat = sorted(paced.latencies)
    ms = [percentile(lat, share) * 1000 for share in (0.5, 0.95, 0.99)]
    print(
        f"  {name:<28} burst {burst.throughput:7.1f} updates/s ({len(burst.latencies)}/{count} answered) | "
        f"paced at {pace:.0f}/s: p50 {ms[0]:.0f} ms, p95 {ms[1]:.0f} ms, p99 {ms[2]:.0f} ms"
    )
    if burst.cpu_ms:
        spent = ", ".join(f"{group} {ms:.1f}" for group, ms in burst.cpu_ms.items() if ms)
        total = sum(burst.cpu_ms.values())
        cores = os.cpu_count() or 1
        print(
            f"    CPU per update in the burst (ms): {spent}; {total:.1f} in all, so {cores} cores allow at most "
            f"{cores * 1000 / total:.0f} updates/s"
        )


async def echo_rounds(count: int) -> tuple[Round, Round, float]:
    fake = FakeTelegram()
    clones = [fake.add_user(f"Người {i}") for i in range(count)]
    async with fake.serve() as base_url:
        port = free_port()
        WORK.mkdir(parents=True, exist_ok=True)
        log = WORK / "echo.log"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", ECHO, fake.token, base_url, str(port), stderr=log.open("wb")
        )
        cpu = {"echo bot": lambda pid, _c: pid == process.pid, "fake": lambda pid, _c: pid == os.getpid()}
        try:
            await fake.wait_for(lambda: bool(fake.webhook_url), timeout=30)
            async with fake.push_webhook([f"http://127.0.0.1:{port}"]):
                burst = await storm(fake, clones, "1234", pace=None, cpu=cpu)
                pace = burst.throughput / 2
                paced = await storm(fake, clones, "1234", pace=pace)
        finally:
            await stop(process)
    return burst, paced, pace


async def bot_rounds(db: str, processes: int, count: int) -> tuple[Round, Round, float]:
    async with started(db, processes, count) as run:
        burst = await storm(run.fake, run.residents, run.code(0), pace=None, cpu=run.cpu())
        pace = burst.throughput / 2
        paced = await storm(run.fake, run.residents, run.code(1), pace=pace)
    return burst, paced, pace


async def restart_run(count: int) -> None:
    """PostgreSQL restarts a third of the way into a burst: who is confirmed, who is told to try again, and
    whether everyone is in once those try again."""
    async with started("postgres", 1, count) as run:
        code = run.code(0)
        for user in run.residents:
            user.send(code(user))
        await run.fake.wait_for(lambda: run.answered() > count // 3, 120)
        began = time.monotonic()
        restart = await asyncio.create_subprocess_exec("pg_ctlcluster", "15", "main", "restart")
        await restart.wait()
        print(f"  PostgreSQL restarted in {time.monotonic() - began:.1f} s")
        await run.fake.wait_for(lambda: run.answered() == count, timeout=300)
        confirmed = [u for u in run.residents if u.private_chat.bot_messages[-1].text.startswith("✅")]
        again = [u for u in run.residents if u not in confirmed]
        print(f"  first answers: {len(confirmed)} confirmed, {len(again)} asked to try again")
        for user in again:
            user.send(code(user))
        await run.fake.wait_for(lambda: all(len(u.private_chat.bot_messages) >= 2 for u in again), timeout=300)
        late = [u for u in again if u.private_chat.bot_messages[-1].text.startswith("✅")]
        print(f"  after trying again: {len(confirmed) + len(late)} of {count} checked in")


async def kill_run(count: int) -> None:
    """Two processes on PostgreSQL; one is SIGKILLed a third of the way into a burst. Every resident must be
    checked in once, the survivor handling what the dead one had saved (bot/inbox.py) once its liveness lock
    has been free for the grace period (scheduler/liveness.py)."""
    async with started("postgres", 2, count) as run:
        code = run.code(0)
        for user in run.residents:
            user.send(code(user))
        await run.fake.wait_for(lambda: run.answered() > count // 3, 120)
        run.bots[0].send_signal(signal.SIGKILL)
        print(f"  one of two processes SIGKILLed with {run.answered()} of {count} answered")
        began = time.monotonic()
        await run.fake.wait_for(lambda: run.answered() == count, timeout=180)
        print(f"  the survivor answered the rest; the last {time.monotonic() - began:.1f} s after the kill")
    db = Database(run.url)
    async with db.session() as session:
        visits = await session.scalar(select(func.count()).select_from(Attendance))
    await db.dispose()
    twice = sum(1 for u in run.residents if len(u.private_chat.bot_messages) > 1)
    print(f"  check-ins counted: {visits} of {count}; residents answered twice: {twice}")


async def run(args: argparse.Namespace) -> None:
    print(f"machine: {machine()}")
    if args.kill:
        await kill_run(args.residents)
        return
    if args.restart_postgres:
        await restart_run(args.residents)
        return
    print(f"check-in storm: {args.residents} residents, webhook mode, the fake on the same machine")
    echo_burst, echo_paced, echo_pace = await echo_rounds(args.residents)
    report("echo bot (ceiling)", echo_burst, echo_paced, echo_pace, args.residents)
    results = {}
    for db in args.db.split(","):
        for processes in [int(p) for p in args.processes.split(",")]:
            burst, paced, pace = await bot_rounds(db, processes, args.residents)
            results[db, processes] = burst.throughput
            report(f"Loa Làng, {db}, {processes} process(es)", burst, paced, pace, args.residents)
            print(f"    = {burst.throughput / echo_burst.throughput:.0%} of the echo bot's throughput")
    for db in args.db.split(","):
        if (db, 1) in results and (db, 2) in results:
            print(f"  {db}: two processes ÷ one = {results[db, 2] / results[db, 1]:.2f}")
    print(json.dumps({f"{db}-{p}": round(v, 1) for (db, p), v in results.items()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both (default)")
    parser.add_argument("--processes", default="1", help="e.g. 1,2 to compare (default 1)")
    parser.add_argument("--restart-postgres", action="store_true", help="restart PostgreSQL during a burst")
    parser.add_argument("--kill", action="store_true", help="two processes; SIGKILL one during a burst")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
