"""`loalang`: the command line. It parses arguments and calls a service; nothing more."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from bot.bootstrap import bootstrap, utcnow
from bot.config import ConfigError, Settings, load_settings
from bot.database import Database
from bot.i18n import Translator
from bot.models import Center, InviteKind
from bot.services import areas, audit, centers, invites, plan_import

NO_TOKEN = (
    "No BOT_TOKEN is set: put the token from @BotFather in BOT_TOKEN (environment or .env), "
    "then run `uv run loalang run`."
)


def main(argv: Sequence[str] | None = None, *, clock: Callable[[], datetime] = utcnow) -> int:
    """The console script. `clock` lets tests run the commands at a chosen moment."""
    args = _parser().parse_args(argv)
    args.clock = clock
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines would print the token
    try:
        settings = load_settings()
        return asyncio.run(args.action(settings, args))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loalang", description="Loa Làng, the community learning center bot.")
    parser.set_defaults(action=_default)
    commands = parser.add_subparsers(title="commands")

    run = commands.add_parser("run", help="start the bot (long polling); applies pending migrations first")
    run.set_defaults(action=_run)

    db = commands.add_parser("db", help="database tasks").add_subparsers(title="database tasks", required=True)
    db.add_parser("upgrade", help="apply pending migrations").set_defaults(action=_db_upgrade)

    center = commands.add_parser("center", help="centers").add_subparsers(title="center tasks", required=True)
    add = center.add_parser("add", help="create a center and print the director's one-time claim link")
    add.add_argument("name", help='e.g. "TTHTCĐ xã Thanh Bình"')
    add.add_argument("--villages", required=True, help='comma-separated, e.g. "Thôn Đông,Thôn Tây"')
    add.add_argument("--commune", help="the commune's name, if different from the center's")
    add.add_argument("--timezone", help="default: TIMEZONE")
    add.add_argument("--locale", choices=["vi", "en"], help="default: DEFAULT_LOCALE")
    add.add_argument("--population", type=int, help="population aged 15 and over")
    add.set_defaults(action=_center_add)

    plan = commands.add_parser("plan", help="plans").add_subparsers(title="plan tasks", required=True)
    load = plan.add_parser("import", help="import activities from an .xlsx or .csv plan (see samples/)")
    load.add_argument("file")
    load.add_argument("--center", type=int, required=True, help="the center's number")
    load.add_argument("--yes", action="store_true", help="create without asking")
    load.set_defaults(action=_plan_import)
    return parser


async def _default(settings: Settings, args: argparse.Namespace) -> int:
    if settings.bot_token is None:
        print(NO_TOKEN)
        return 1
    return await _run(settings, args)


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    app = bootstrap(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await app.start()
    logging.getLogger("loalang").info("Loa Làng is running as @%s; Ctrl-C stops it.", app.channel.bot.username)
    await stop.wait()
    await app.stop()
    return 0


async def _db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    await db.upgrade()
    await db.dispose()
    print("Database is up to date.")
    return 0


async def _center_add(settings: Settings, args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    now = args.clock()
    try:
        await db.upgrade()
        async with db.session() as session, session.begin():
            center = await centers.create_center(
                session,
                name=args.name,
                villages=args.villages.split(","),
                now=now,
                commune=args.commune,
                timezone=args.timezone or settings.timezone,
                locale=args.locale or settings.default_locale,
                population_15_plus=args.population,
            )
            claim = await invites.create(session, center_id=center.id, kind=InviteKind.DIRECTOR, now=now)
            payload = invites.payload(claim)
    except ValueError as error:
        print(f"Could not create the center: {error}.", file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    print(f"Created center #{center.id}: {center.name} ({len(center.villages)} villages).")
    print("The director claims it by opening this one-time link in a private chat with the bot:")
    print(await _deep_link(settings, payload))
    return 0


async def _plan_import(settings: Settings, args: argparse.Namespace) -> int:
    """Show what the file holds, then create the drafts once confirmed (or at once with --yes)."""
    path = Path(args.file)
    if not await asyncio.to_thread(path.is_file):
        print(f"No such file: {path}", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session, session.begin():
            center = await session.get(Center, args.center)
            if center is None:
                print(f"There is no center #{args.center}.", file=sys.stderr)
                return 2
            t = Translator(center.locale, center.timezone)
            try:
                rows = plan_import.table(path.name, await asyncio.to_thread(path.read_bytes))
            except plan_import.PlanFileError as error:
                print(t.gettext(str(error)), file=sys.stderr)
                return 2
            plan = await plan_import.read_plan(session, center, rows, args.clock())
            names = {a.id: areas.display_name(a, t) for a in await areas.areas_of(session, center.id)}
            print(plan_import.describe(plan, t, names, limit=10_000))
            if not plan.planned:
                return 0
            answer = "y" if args.yes else await asyncio.to_thread(input, "Create them? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "c", "co", "có"):
                print("Nothing was created.")
                return 1
            made = await plan_import.create(session, center, plan, now=args.clock(), by=None)
            audit.record(
                session,
                action="plan.import",
                at=args.clock(),
                center_id=center.id,
                actor_id=None,
                file=path.name,
                created=made,
            )
        print(f"Created {made} draft activities.")
        return 0
    finally:
        await db.dispose()


async def _deep_link(settings: Settings, payload: str) -> str:
    """A t.me link when the bot can be asked its name; otherwise the /start line to send it."""
    if settings.bot_token is None:
        return f"/start {payload}"
    from telegram import Bot
    from telegram.error import TelegramError

    from bot.channels.telegram import file_url

    try:
        async with Bot(
            settings.bot_token.get_secret_value(),
            base_url=settings.bot_api_base_url,
            base_file_url=file_url(settings.bot_api_base_url),
        ) as bot:
            return f"https://t.me/{bot.username}?start={payload}"
    except TelegramError:
        return f"/start {payload}"
