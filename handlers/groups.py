"""Village chat groups: the bot introduces itself when added, and a helper links the group to a
village, or to the whole commune, with one command (/link Thôn Đông, /link all).

Being removed, and a group becoming a supergroup, are recorded; neither stops anything else.
"""

from __future__ import annotations

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Event
from bot.models import RoleKind, Village
from bot.registry import Access, Command, Where
from bot.services import centers, groups
from bot.services.people import has_role, headed_village_ids
from bot.text import fold

WHOLE_COMMUNE = {"all", "ca xa", "toan xa", "xa", "commune", "*"}


async def bot_added(ctx: Context) -> None:
    incoming = ctx.incoming
    if not incoming.is_group:
        return
    await groups.joined(ctx.session, chat=incoming.chat, title=incoming.chat_title, now=ctx.now)
    ctx.reply(
        ctx._(
            "Hello everyone! I am Loa Làng, the loudspeaker of the community learning center. I will post "
            "talks, classes and events here, with buttons to register.\n\nThe director, a staff member or "
            "the village head: please send /link here to tell me which village this group is for."
        )
    )


async def bot_removed(ctx: Context) -> None:
    await groups.left(ctx.session, chat=ctx.incoming.chat, now=ctx.now)


async def chat_migrated(ctx: Context) -> None:
    if ctx.incoming.migrated_to is not None:
        await groups.migrated(ctx.session, chat=ctx.incoming.chat, new_chat=ctx.incoming.migrated_to, now=ctx.now)


async def link(ctx: Context, args: str) -> None:
    person = ctx.person
    assert person is not None and person.center_id is not None
    wide = has_role(person, RoleKind.DIRECTOR, RoleKind.STAFF)
    allowed = await centers.villages_of(ctx.session, person.center_id)
    if not wide:
        allowed = [v for v in allowed if v.id in headed_village_ids(person)]
    if not args.strip():
        rows = [
            tuple(Choice(v.name, f"/link {centers.village_key(v)}") for v in allowed[i : i + 2])
            for i in range(0, len(allowed), 2)
        ]
        if wide:
            rows.append((Choice(ctx._("The whole commune"), "/link all"),))
        ctx.reply(ctx._("Which village is this group for?"), tuple(rows))
        return
    existing = await groups.by_chat(ctx.session, ctx.incoming.chat)
    if existing is not None and existing.center_id not in (None, person.center_id):
        raise Refusal(N_("This group is already linked to another center."))
    if (
        existing is not None
        and existing.center_id is not None
        and not wide
        and (existing.village_id not in headed_village_ids(person))
    ):
        raise Refusal(N_("This group is already linked by the director or staff; only they can change it."))
    village: Village | None = None
    if fold(args) in WHOLE_COMMUNE:
        if not wide:
            raise Refusal(N_("Only the director or staff can link a group to the whole commune."))
    else:
        everywhere = await centers.villages_of(ctx.session, person.center_id)
        village = centers.match_village(everywhere, args)
        if village is None:
            raise Refusal(
                N_("I could not find the village “{typed}”. Send /link to choose from the list."), typed=args[:40]
            )
        if village not in allowed:
            raise Refusal(N_("Sorry, as a village head you can only link a group to your own village."))
    ctx.close_buttons()
    await groups.link(
        ctx.session,
        chat=ctx.incoming.chat,
        title=ctx.incoming.chat_title,
        center_id=person.center_id,
        village=village,
        by=person,
        now=ctx.now,
    )
    place = village.name if village else ctx._("the whole commune")
    ctx.reply(ctx._("Done! This group now receives the announcements for {place}.", place=place))


COMMANDS = (Command("link", link, N_("Link this group to a village or the whole commune"), Access.HELPER, Where.GROUP),)
EVENTS = {Event.BOT_ADDED: bot_added, Event.BOT_REMOVED: bot_removed, Event.CHAT_MIGRATED: chat_migrated}
