"""`loalang`: the command line. It parses arguments and calls a service; nothing more."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot import channels as messengers
from bot import logs
from bot.bootstrap import bootstrap, utcnow
from bot.config import ConfigError, Settings, load_settings
from bot.database import Database
from bot.i18n import Translator
from bot.models import Center, InviteKind, Region
from bot.reports import document
from bot.services import areas, audit, centers, invites, plan_import, regions, stats, targets

NO_TOKEN = (
    "Neither BOT_TOKEN nor ZALO_BOT_TOKEN is set, so this is the local sandbox. To run on Telegram, put the token "
    "from @BotFather in BOT_TOKEN; on Zalo, the one from Zalo Bot Creator in ZALO_BOT_TOKEN (environment or .env)."
)


def main(argv: Sequence[str] | None = None, *, clock: Callable[[], datetime] = utcnow) -> int:
    """The console script. `clock` lets tests run the commands at a chosen moment."""
    args = _parser().parse_args(argv)
    args.clock = clock
    logs.configure()
    try:
        settings = load_settings()
        return asyncio.run(args.action(settings, args))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    except Exception:  # e.g. Telegram refusing the token: logged, so its text is scrubbed of the token
        logging.getLogger("loalang").error("Loa Làng stopped", exc_info=True)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loalang", description="Loa Làng, the community learning center bot.")
    parser.set_defaults(action=_default)
    commands = parser.add_subparsers(title="commands")

    run = commands.add_parser(
        "run", help="start the bot (long polling, or a webhook with --webhook); applies pending migrations first"
    )
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="serve the messengers' webhooks: the public https:// address (a second messenger's is URL/<its name>)",
    )
    run.add_argument("--listen", default="127.0.0.1", help="web server: the address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8443, help="web server: the port to listen on (default 8443)")
    run.set_defaults(action=_run)

    sandbox = commands.add_parser(
        "sandbox", help="the whole bot in a browser, on this computer only, with no Telegram account"
    )
    sandbox.add_argument("--fresh", action="store_true", help="start over with an empty center (no demo data)")
    sandbox.add_argument("--port", type=int, default=8080, help="default 8080; 0 picks a free one")
    sandbox.add_argument("--data", default="data/sandbox", help="where it keeps its files (default data/sandbox)")
    sandbox.set_defaults(action=_sandbox)

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
    add.add_argument("--region", type=int, help="the number of its district or province (see `loalang region add`)")
    add.set_defaults(action=_center_add)
    handover = center.add_parser(
        "handover", help="print a one-time link that makes its opener the director; the present one steps down"
    )
    handover.add_argument("center", type=int, help="the center's number")
    handover.set_defaults(action=_center_handover)

    region = commands.add_parser("region", help="districts and provinces").add_subparsers(
        title="region tasks", required=True
    )
    new_region = region.add_parser("add", help="create a district or province")
    new_region.add_argument("name", help='e.g. "Tỉnh Quảng Ninh"')
    new_region.add_argument("--parent", type=int, help="the province a district belongs to")
    new_region.add_argument("--centers", help="comma-separated numbers of centers to put in it")
    new_region.set_defaults(action=_region_add)
    officer = region.add_parser(
        "officer", help="list a region's officers and print a one-time link that makes its opener one"
    )
    officer.add_argument("region", type=int)
    officer.add_argument("--revoke", type=int, metavar="PERSON", help="take the role back from this officer")
    officer.set_defaults(action=_region_officer)

    report = commands.add_parser(
        "report", help="write the report file of a month, quarter or year (the same figures as /stats)"
    )
    whose = report.add_mutually_exclusive_group(required=True)
    whose.add_argument("--center", type=int, help="the center's number")
    whose.add_argument("--region", type=int, help="a region's number: one block of rows per center")
    when = report.add_mutually_exclusive_group(required=True)
    when.add_argument("--period", type=_period, help="2025-10 (a month), 2025-Q4 (a quarter) or 2025 (a year)")
    when.add_argument("--year", type=_year, help="the same as --period YEAR")
    report.add_argument("--format", choices=["xlsx", "csv", "pdf"], default="xlsx")
    report.add_argument("--lang", choices=["vi", "en"], help="default: the center's language")
    report.add_argument("-o", "--output", required=True, help="the file to write")
    report.set_defaults(action=_report)

    plan = commands.add_parser("plan", help="plans").add_subparsers(title="plan tasks", required=True)
    load = plan.add_parser("import", help="import activities from an .xlsx or .csv plan (see samples/)")
    load.add_argument("file")
    load.add_argument("--center", type=int, required=True, help="the center's number")
    load.add_argument("--yes", action="store_true", help="create without asking")
    load.set_defaults(action=_plan_import)
    return parser


def _year(text: str) -> int:
    if not (text.isdigit() and int(text) in stats.YEARS):
        raise argparse.ArgumentTypeError("expected a year between 2000 and 2100")
    return int(text)


_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])))?$")


def _period(text: str) -> stats.Period:
    """`--period`: "2025-10" a month, "2025-Q4" a quarter, "2025" a year."""
    match = _PERIOD.match(text.strip())
    if match is None or int(match.group(1)) not in stats.YEARS or not 1 <= int(match.group(2) or 1) <= 12:
        raise argparse.ArgumentTypeError("expected 2025-10 (a month), 2025-Q4 (a quarter) or 2025 (a year)")
    year = int(match.group(1))
    if match.group(2):
        return stats.Period(year, stats.PeriodKind.MONTH, int(match.group(2)))
    if match.group(3):
        return stats.Period(year, stats.PeriodKind.QUARTER, int(match.group(3)))
    return stats.Period(year)


async def _default(settings: Settings, args: argparse.Namespace) -> int:
    if settings.bot_token is None and settings.zalo_bot_token is None:
        print(NO_TOKEN)
        args.fresh, args.port, args.data = False, 8080, "data/sandbox"
        return await _sandbox(settings, args)
    return await _run(settings, args)


async def _sandbox(settings: Settings, args: argparse.Namespace) -> int:
    sandbox = messengers.load_sandbox()  # loaded only for the sandbox

    def ready(url: str) -> None:
        print(f"Loa Làng sandbox: open {url} in a browser. Ctrl-C stops it.", flush=True)

    try:
        return await sandbox.run(settings, folder=Path(args.data), fresh=args.fresh, port=args.port, ready=ready)
    except (OSError, ValueError) as error:  # a port in use, or damaged files
        print(f"The sandbox could not start: {error}. Try another --port, or --fresh.", file=sys.stderr)
        return 2


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    """Polling, or webhooks with --webhook. The web server (bot/webhook.py) runs for webhooks, and also while
    polling when PUBLIC_BASE_URL is set: Zalo fetches pictures from it and people open files there."""
    webhook_url = getattr(args, "webhook", None)
    if webhook_url is not None and not webhook_url.startswith("https://"):
        print("--webhook must be the public https:// address the messenger posts to.", file=sys.stderr)
        return 2
    if webhook_url is not None or settings.public_base_url:  # starlette and uvicorn are loaded only then
        from bot import webhook

        concurrent = webhook.concurrency(settings.database_url) if webhook_url else 1
        app = bootstrap(settings, concurrent_updates=concurrent)
        token = next(t for t in (settings.bot_token, settings.zalo_bot_token) if t is not None)
        configured = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        secret = webhook.secret_for(token.get_secret_value(), configured)
        hook = webhook.Webhook(app, url=webhook_url, secret=secret)
        await hook.server(args.listen, args.port).serve()
        return 0
    app = bootstrap(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await app.start()
    names = ", ".join(channel.name for channel in app.channels)
    logging.getLogger("loalang").info("Loa Làng is running on %s; Ctrl-C stops it.", names)
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
            if args.region is not None:
                if await session.get(Region, args.region) is None:
                    raise ValueError(f"there is no region #{args.region}")
                center.region_id = args.region
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


async def _named_center(session: AsyncSession, center_id: int) -> Center | None:
    """The center a command names, or None once it has said there is no such center."""
    center = await session.get(Center, center_id)
    if center is None:
        print(f"There is no center #{center_id}.", file=sys.stderr)
    return center


async def _center_handover(settings: Settings, args: argparse.Namespace) -> int:
    """For the authority above a center: a new director, or the old one leaving (only then can they use
    their own right to be forgotten)."""
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session, session.begin():
            center = await _named_center(session, args.center)
            if center is None:
                return 2
            await invites.cancel_unused(session, center.id, InviteKind.DIRECTOR, now=args.clock())  # one link only
            link = await invites.create(session, center_id=center.id, kind=InviteKind.DIRECTOR, now=args.clock())
            payload = invites.payload(link)
    finally:
        await db.dispose()
    print(f"The new director of {center.name} opens this one-time link in a private chat with the bot:")
    print(await _deep_link(settings, payload))
    print("The present director then steps down and is told.")
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
            center = await _named_center(session, args.center)
            if center is None:
                return 2
            t = Translator(center.locale, center.timezone)
            content = await asyncio.to_thread(path.read_bytes)
            try:
                plan, goals = await plan_import.read_file(session, center, path.name, content, args.clock())
            except plan_import.PlanFileError as error:
                print(t.gettext(str(error)), file=sys.stderr)
                return 2
            known = await areas.areas_of(session, center.id)
            names = {a.id: areas.display_name(a, t) for a in known}
            if plan.planned or plan.problems or goals is None:
                print(plan_import.describe(plan, t, names, limit=10_000))
            if goals is not None:
                print(targets.describe(goals, t, {a.id: f"{a.position}. {names[a.id]}" for a in known}))
            if not plan.planned and not (goals and goals.lines):
                return 0
            answer = "y" if args.yes else await asyncio.to_thread(input, "Create them? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "c", "co", "có"):
                print("Nothing was created.")
                return 1
            made = await plan_import.create(session, center, plan, now=args.clock(), by=None)
            for line in goals.lines if goals else []:
                await targets.put(session, center.id, line, now=args.clock(), by=None)
            saved = len(goals.lines) if goals else 0
            audit.record(
                session,
                action="plan.import",
                at=args.clock(),
                center_id=center.id,
                actor_id=None,
                file=path.name,
                created=made,
                targets=saved,
            )
        print(f"Created {made} draft activities; saved {saved} targets.")
        return 0
    finally:
        await db.dispose()


async def _region_add(settings: Settings, args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session, session.begin():
            region = await regions.create(session, name=args.name, now=args.clock(), parent_id=args.parent)
            for number in filter(None, (args.centers or "").split(",")):
                center = await session.get(Center, int(number))
                if center is None:
                    raise ValueError(f"there is no center #{number}")
                center.region_id = region.id
    except ValueError as error:
        print(f"Could not create the region: {error}.", file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    print(f"Created region #{region.id}: {region.name}.")
    return 0


async def _region_officer(settings: Settings, args: argparse.Namespace) -> int:
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session, session.begin():
            region = await session.get(Region, args.region)
            if region is None:
                print(f"There is no region #{args.region}.", file=sys.stderr)
                return 2
            if args.revoke is not None:
                if not await regions.revoke(session, region.id, args.revoke, now=args.clock()):
                    print(f"Person #{args.revoke} is not an officer of {region.name}.", file=sys.stderr)
                    return 2
                print(f"Person #{args.revoke} is no longer an officer of {region.name}.")
                return 0
            for person_id, since in await regions.officers(session, region.id):
                print(f"Officer: person #{person_id}, since {since:%Y-%m-%d}")
            invite = await invites.create(
                session, center_id=None, kind=InviteKind.REGION, region_id=region.id, now=args.clock()
            )
            payload = invites.payload(invite)
    finally:
        await db.dispose()
    print(f"An officer of {region.name} opens this one-time link in a private chat with the bot:")
    print(await _deep_link(settings, payload))
    return 0


async def _report(settings: Settings, args: argparse.Namespace) -> int:
    """The same file `/report` sends, written to disk."""
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session:
            if args.center is not None:
                center = await _named_center(session, args.center)
                if center is None:
                    return 2
                scope = stats.Scope((center.id,), center.timezone)
                locale = args.lang or center.locale
            else:
                found = await stats.region_scope(session, args.region)
                if found is None:
                    print(f"There is no region #{args.region} with centers.", file=sys.stderr)
                    return 2
                scope = found
                locale = args.lang or settings.default_locale
            period = args.period or stats.Period(args.year)
            attachment, figures = await document(
                session, scope, period, args.clock(), Translator(locale, scope.timezone), args.format
            )
    finally:
        await db.dispose()
    await asyncio.to_thread(Path(args.output).write_bytes, attachment.content)
    total = figures.table.total
    print(f"Wrote {args.output}: {total.classes} classes, {total.visits} learner-visits ({total.women} women).")
    return 0


async def _deep_link(settings: Settings, payload: str) -> str:
    """A link that opens the bot when a channel can make one (t.me); otherwise the /start line to send it."""
    return await messengers.link(settings, payload)
