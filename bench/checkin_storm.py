"""Check-in storm: 2,000 residents type the check-in code, through the fake Bot API over loopback, to real
`loalang run --webhook` processes (the fake posts each update as Telegram does, up to 40 at a time, through
a stand-in proxy that takes the processes in turn).

Two rounds, each with its own open session, so each resident checks in twice:
- burst: all 2,000 at once; throughput = residents ÷ (last confirmation - first message);
- paced: the same residents at half the burst throughput, evenly; latency = each message's arrival at the
  fake until the fake receives the bot's confirmation (p50, p95, p99).
A minimal echo bot (python-telegram-bot, the same webhook path, no database) runs the same rounds first:
the framework's ceiling on this machine.

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
import signal
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from common import REDIS, WORK, free_port, fresh_database, machine, percentile, spawn, stop
from sqlalchemy import func, select

from bot.channels.fake_telegram import FakeTelegram, FakeUser
from bot.database import Database
from bot.models import ActivityKind, Attendance, Center, Gender, Person, Village
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
                telegram_user_id=user.id,
                center_id=center.id,
                full_name=f"Người Số {index}",
                gender=Gender.FEMALE if index % 2 else Gender.MALE,
                birth_year=1950 + index % 50,
                village_id=village_id,
                consent_at=now,
                created_at=now,
                roles=[],
            )
            for index, user in enumerate(residents)
        )
        secret = center.secret
    await db.dispose()
    return secret, sessions


def replies_after(fake: FakeTelegram, chat_id: int, since: float) -> float | None:
    for call in fake.calls_to("sendMessage"):
        if call.params.get("chat_id") == chat_id and call.ok and call.at >= since:
            return call.at
    return None


async def storm(fake: FakeTelegram, residents: list[FakeUser], text: str, *, pace: float | None) -> Round:
    """Everyone sends `text` (all at once, or `pace` a second); waits for every confirmation."""
    fake.calls.clear()
    sent_at: dict[int, float] = {}
    gap = 1 / pace if pace else 0.0
    began = time.monotonic()
    for index, user in enumerate(residents):
        if gap:
            await asyncio.sleep(max(began + index * gap - time.monotonic(), 0))
        sent_at[user.id] = time.monotonic()
        user.send(text(user) if callable(text) else text)
    answered: dict[int, float] = {}
    deadline = time.monotonic() + 600
    while len(answered) < len(residents) and time.monotonic() < deadline:
        for call in fake.calls:
            chat = call.params.get("chat_id")
            if call.method == "sendMessage" and call.ok and chat in sent_at and chat not in answered:
                answered[chat] = call.at
        await asyncio.sleep(0.02)
    latencies = [answered[u.id] - sent_at[u.id] for u in residents if u.id in answered]
    first = min(sent_at.values())
    last = max(answered.values())
    return Round(len(answered) / (last - first), latencies)


def report(name: str, burst: Round, paced: Round, pace: float, count: int) -> None:
    lat = sorted(paced.latencies)
    ms = [percentile(lat, share) * 1000 for share in (0.5, 0.95, 0.99)]
    print(
        f"  {name:<28} burst {burst.throughput:7.1f} updates/s ({len(burst.latencies)}/{count} answered) | "
        f"paced at {pace:.0f}/s: p50 {ms[0]:.0f} ms, p95 {ms[1]:.0f} ms, p99 {ms[2]:.0f} ms"
    )


async def echo_rounds(count: int) -> tuple[Round, Round, float]:
    fake = FakeTelegram()
    clones = [fake.add_user(f"Người {i}") for i in range(count)]
    async with fake.serve() as base_url:
        port = free_port()
        log = WORK / "echo.log"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", ECHO, fake.token, base_url, str(port), stderr=log.open("wb")
        )
        try:
            await fake.wait_for(lambda: bool(fake.webhook_url), timeout=30)
            async with fake.push_webhook([f"http://127.0.0.1:{port}"]):
                burst = await storm(fake, clones, "1234", pace=None)
                pace = burst.throughput / 2
                paced = await storm(fake, clones, "1234", pace=pace)
        finally:
            await stop(process)
    return burst, paced, pace


async def bot_rounds(db: str, processes: int, count: int) -> tuple[Round, Round, float]:
    fake = FakeTelegram()
    residents = [fake.add_user(f"Người {i}") for i in range(count)]
    url = await fresh_database(db, "loalang_bench_storm")
    secret, sessions = await seed(url, fake, residents)

    def code_of(session_id: int) -> object:
        return lambda _user: checkin.code(secret, session_id, checkin.minute_of(datetime.now(UTC)))

    async with fake.serve() as base_url:
        env = {"BOT_TOKEN": fake.token, "BOT_API_BASE_URL": base_url, "DATABASE_URL": url, "REDIS_URL": REDIS}
        ports = [free_port() for _ in range(processes)]
        log = WORK / "storm.log"
        bots = [await spawn(["run", "--webhook", WEBHOOK, "--port", str(p)], env, log) for p in ports]
        try:
            await fake.wait_for(lambda: bool(fake.webhook_url), timeout=60)
            await asyncio.sleep(1)  # every process listening
            async with fake.push_webhook([f"http://127.0.0.1:{p}" for p in ports]):
                burst = await storm(fake, residents, code_of(sessions[0]), pace=None)
                pace = burst.throughput / 2
                paced = await storm(fake, residents, code_of(sessions[1]), pace=pace)
        finally:
            for bot in bots:
                with contextlib.suppress(ProcessLookupError):
                    await stop(bot)
    return burst, paced, pace


async def restart_run(count: int) -> None:
    """PostgreSQL restarts a third of the way into a burst: who is confirmed, who is told to try again, and
    whether everyone is in once those try again."""
    fake = FakeTelegram()
    residents = [fake.add_user(f"Người {i}") for i in range(count)]
    url = await fresh_database("postgres", "loalang_bench_storm")
    secret, sessions = await seed(url, fake, residents)
    code = checkin.code(secret, sessions[0], checkin.minute_of(datetime.now(UTC)))
    async with fake.serve() as base_url:
        env = {"BOT_TOKEN": fake.token, "BOT_API_BASE_URL": base_url, "DATABASE_URL": url}
        port = free_port()
        bot = await spawn(["run", "--webhook", WEBHOOK, "--port", str(port)], env, WORK / "storm.log")
        try:
            await fake.wait_for(lambda: bool(fake.webhook_url), timeout=60)
            async with fake.push_webhook([f"http://127.0.0.1:{port}"]):
                for user in residents:
                    user.send(code)
                await fake.wait_for(lambda: sum(bool(u.private_chat.bot_messages) for u in residents) > count // 3, 120)
                began = time.monotonic()
                restart = await asyncio.create_subprocess_exec("pg_ctlcluster", "15", "main", "restart")
                await restart.wait()
                print(f"  PostgreSQL restarted in {time.monotonic() - began:.1f} s")
                await fake.wait_for(lambda: all(u.private_chat.bot_messages for u in residents), timeout=300)
                confirmed = [u for u in residents if u.private_chat.bot_messages[-1].text.startswith("✅")]
                again = [u for u in residents if u not in confirmed]
                print(f"  first answers: {len(confirmed)} confirmed, {len(again)} asked to try again")
                for user in again:
                    user.send(code)
                await fake.wait_for(lambda: all(len(u.private_chat.bot_messages) >= 2 for u in again), timeout=300)
                late = [u for u in again if u.private_chat.bot_messages[-1].text.startswith("✅")]
                print(f"  after trying again: {len(confirmed) + len(late)} of {count} checked in")
        finally:
            await stop(bot)


async def kill_run(count: int) -> None:
    """Two processes on PostgreSQL; one is SIGKILLed a third of the way into a burst. Every resident must be
    checked in once, the survivor handling what the dead one had saved (bot/inbox.py)."""
    fake = FakeTelegram()
    residents = [fake.add_user(f"Người {i}") for i in range(count)]
    url = await fresh_database("postgres", "loalang_bench_storm")
    secret, sessions = await seed(url, fake, residents)
    code = checkin.code(secret, sessions[0], checkin.minute_of(datetime.now(UTC)))
    async with fake.serve() as base_url:
        env = {"BOT_TOKEN": fake.token, "BOT_API_BASE_URL": base_url, "DATABASE_URL": url, "REDIS_URL": REDIS}
        ports = [free_port(), free_port()]
        bots = [await spawn(["run", "--webhook", WEBHOOK, "--port", str(p)], env, WORK / "storm.log") for p in ports]
        try:
            await fake.wait_for(lambda: bool(fake.webhook_url), timeout=60)
            await asyncio.sleep(1)  # both listening
            async with fake.push_webhook([f"http://127.0.0.1:{p}" for p in ports]):
                for user in residents:
                    user.send(code)
                answered = lambda: sum(bool(u.private_chat.bot_messages) for u in residents)  # noqa: E731
                await fake.wait_for(lambda: answered() > count // 3, 120)
                bots[0].send_signal(signal.SIGKILL)
                print(f"  one of two processes SIGKILLed with {answered()} of {count} answered")
                began = time.monotonic()
                await fake.wait_for(lambda: answered() == count, timeout=120)
                print(f"  the survivor answered the rest; the last {time.monotonic() - began:.1f} s after the kill")
        finally:
            for bot in bots:
                with contextlib.suppress(ProcessLookupError):
                    await stop(bot)
    db = Database(url)
    async with db.session() as session:
        visits = await session.scalar(select(func.count()).select_from(Attendance))
    await db.dispose()
    twice = sum(1 for u in residents if len(u.private_chat.bot_messages) > 1)
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
