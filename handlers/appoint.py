"""The director appoints staff and village heads, and removes them.

/appoint ──> staff | head ──(head: which village)──> PICK_PERSON ──> forward one of their messages
                                                          │       ├─ or pick from people who started the bot
                                                          │       └─ or /appoint link: a one-time invite link
                                                          └──> role granted, both told, menus refreshed
/remove ──> list of helpers ──> /remove <id> ──> role taken back, person told
"""

from __future__ import annotations

import enum
from datetime import timedelta

from bot import cards, notices
from bot.cards import ROLE_NAMES
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Keyboard
from bot.models import Conversation, InviteKind, Person, Role, RoleKind, Village
from bot.notices import Notice
from bot.registry import Access, Command, Journey
from bot.services import centers, conversations, invites, people, roles
from bot.text import fold, number

JOURNEY = "appoint"
EXPIRES = timedelta(minutes=30)  # a forgotten /appoint must not turn a later forward into an appointment


class Step(enum.StrEnum):
    PICK_PERSON = "pick_person"


KINDS = {"staff": RoleKind.STAFF, "head": RoleKind.VILLAGE_HEAD}


async def appoint(ctx: Context, args: str) -> None:
    word, _, rest = args.strip().partition(" ")
    word = fold(word)
    if word == "pick":
        await _pick(ctx, rest)
    elif word == "link":
        await _invite_link(ctx)
    elif word in KINDS:
        await _choose_kind(ctx, KINDS[word], rest)
    elif word:
        raise Refusal(N_("Please choose what to appoint: staff or village head."), _kind_choices(ctx))
    else:
        ctx.reply(ctx._("Whom do you want to appoint?"), _kind_choices(ctx))


def _kind_choices(ctx: Context) -> Keyboard:
    return ((Choice(ctx._("Staff member"), "/appoint staff"), Choice(ctx._("Village head"), "/appoint head")),)


async def _choose_kind(ctx: Context, kind: RoleKind, village_text: str) -> None:
    ctx.close_buttons()
    village: Village | None = None
    if kind is RoleKind.VILLAGE_HEAD:
        villages = await centers.villages_of(ctx.session, _center_id(ctx))
        village = centers.match_village(villages, village_text) if village_text else None
        if village is None:
            choices = tuple((Choice(v.name, f"/appoint head {centers.village_key(v)}"),) for v in villages)
            if village_text:
                raise Refusal(
                    N_("I could not find the village “{typed}”. Please choose one:"), choices, typed=village_text[:40]
                )
            ctx.reply(ctx._("Head of which village?"), choices)
            return
    data = {"kind": kind.value, "village_id": village.id if village else None}
    await conversations.move_to(ctx.session, _director(ctx).id, JOURNEY, Step.PICK_PERSON, ctx.now, data)
    candidates = [
        p for p in await people.started_in_center(ctx.session, _center_id(ctx), limit=10) if p.id != _director(ctx).id
    ]
    rows = [(Choice(f"{p.full_name} ({p.birth_year})", f"/appoint pick {p.id}"),) for p in candidates]
    rows.append((Choice(ctx._("🔗 Make a one-time invite link"), "/appoint link"),))
    typed = [f"• {p.full_name} ({p.birth_year}): /appoint pick {p.id}" for p in candidates]  # for button-less chats
    question = ctx._(
        "Who should it be? Forward me any message they wrote, choose them below if they have already "
        "opened the bot, or make an invite link to send them."
    )
    ctx.reply("\n".join([question, *typed]), tuple(rows))


async def on_forward(ctx: Context, conversation: Conversation) -> None:
    forwarded = ctx.incoming.forwarded_from
    if forwarded is None:
        raise Refusal(
            N_("Their privacy settings hide who they are. Please make an invite link instead."), _link_choice(ctx)
        )
    person = await people.by_account(ctx.session, ctx.incoming.channel, forwarded.id)
    if person is None or person.center_id != _center_id(ctx) or not person.profile_complete or _withdrawn(person):
        raise Refusal(
            N_("{name} has not opened the bot for this center yet. Please make an invite link and send it to them."),
            _link_choice(ctx),
            name=forwarded.display_name,
        )
    await _grant(ctx, conversation, person)


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    raise Refusal(N_("Please forward me a message from that person, or choose one of the buttons."), _link_choice(ctx))


def _link_choice(ctx: Context) -> Keyboard:
    return ((Choice(ctx._("🔗 Make a one-time invite link"), "/appoint link"),),)


async def _pick(ctx: Context, text: str) -> None:
    conversation = await _waiting(ctx)
    wanted = text.strip()
    person = await people.by_id(ctx.session, found) if (found := number(wanted)) else None
    if (
        person is None
        or person.center_id != _center_id(ctx)
        or not person.accounts
        or _withdrawn(person)
        or not person.profile_complete
    ):
        raise Refusal(N_("I cannot find that person among the people of your center."))
    ctx.close_buttons()
    await _grant(ctx, conversation, person)


async def _invite_link(ctx: Context) -> None:
    conversation = await _waiting(ctx)
    kind = InviteKind(conversation.data["kind"])
    invite = await invites.create(
        ctx.session,
        center_id=_center_id(ctx),
        kind=kind,
        now=ctx.now,
        village_id=conversation.data.get("village_id"),
        created_by_id=_director(ctx).id,
    )
    await conversations.finish(ctx.session, _director(ctx).id)
    ctx.close_buttons()
    role = ctx._(ROLE_NAMES[RoleKind(kind.value)])
    if all(channel.capabilities.links for channel in ctx.channels.values()):
        link = ctx.deep_link(invites.payload(invite))
        ctx.reply(
            ctx._(
                "Send this link to the person. It works once: whoever opens it first becomes {role}.\n{link}",
                role=role,
                link=link,
            )
        )
        return
    ways = cards.ways_to_open(invites.payload(invite), ctx.t, ctx.channels.values())
    ctx.reply(
        ctx._(
            "Send this to the person. It works once: whoever uses it first becomes {role}.\n{ways}",
            role=role,
            ways=ways,
        )
    )


async def _waiting(ctx: Context) -> Conversation:
    conversation = await conversations.current(ctx.session, _director(ctx).id)
    if conversation is None or conversation.journey != JOURNEY or conversation.updated_at < ctx.now - EXPIRES:
        raise Refusal(N_("Please start again with /appoint."))
    return conversation


async def _grant(ctx: Context, conversation: Conversation, person: Person) -> None:
    kind = RoleKind(conversation.data["kind"])
    village_id = conversation.data.get("village_id")
    await roles.grant(
        ctx.session,
        person=person,
        center_id=_center_id(ctx),
        kind=kind,
        now=ctx.now,
        village_id=village_id,
        granted_by=_director(ctx),
    )
    await conversations.finish(ctx.session, _director(ctx).id)
    village = await ctx.session.get(Village, village_id) if village_id else None
    ctx.reply(ctx._("Done: {name} is now {role}.", name=person.full_name, role=_role_label(ctx, kind, village)))
    _tell(ctx, person, Notice.ROLE_GIVEN, kind, village)
    ctx.refresh_menu(person)


def _role_label(ctx: Context, kind: RoleKind, village: Village | None) -> str:
    label = ctx._(ROLE_NAMES[kind])
    return f"{label} ({village.name})" if village else label


def _withdrawn(person: Person) -> bool:
    """Someone who withdrew their consent cannot be given a role (one who blocked the bot can: they are
    told nothing until they come back)."""
    return person.consent_withdrawn_at is not None or person.forgotten_at is not None


def _tell(ctx: Context, person: Person, notice: Notice, kind: RoleKind, village: Village | None) -> None:
    """Tell the appointed or removed person, in their own language, through the outbox."""
    notices.owe(
        ctx.session,
        person,
        notice,
        center_id=_center_id(ctx),
        now=ctx.now,
        role=kind.value,
        village_id=village.id if village else None,
        by=_director(ctx).id,
    )


async def remove(ctx: Context, args: str) -> None:
    helpers = await roles.helpers_of(ctx.session, _center_id(ctx))
    if not args.strip():
        if not helpers:
            ctx.reply(ctx._("There are no staff members or village heads yet. Use /appoint to add one."))
            return
        rows, typed = [], []
        for role in helpers:
            person = await people.by_id(ctx.session, role.person_id)
            label = f"{person.full_name if person else '?'} — {_role_label(ctx, role.kind, role.village)}"
            rows.append((Choice(f"✖ {label}", f"/remove {role.id}"),))
            typed.append(f"• {label}: /remove {role.id}")
        ctx.reply("\n".join([ctx._("Whom do you want to remove?"), *typed]), tuple(rows))
        return
    role: Role | None = next((r for r in helpers if str(r.id) == args.strip()), None)
    if role is None:
        raise Refusal(N_("That role no longer exists, or is not in your center."))
    person = await people.by_id(ctx.session, role.person_id)
    assert person is not None
    kind, village = role.kind, role.village
    await roles.revoke(ctx.session, role=role, now=ctx.now, by=_director(ctx))
    ctx.close_buttons()
    ctx.reply(ctx._("Done: {name} is no longer {role}.", name=person.full_name, role=_role_label(ctx, kind, village)))
    _tell(ctx, person, Notice.ROLE_ENDED, kind, village)
    ctx.refresh_menu(person)


def _director(ctx: Context) -> Person:
    assert ctx.person is not None
    return ctx.person


def _center_id(ctx: Context) -> int:
    assert ctx.person is not None and ctx.person.center_id is not None
    return ctx.person.center_id


COMMANDS = (
    Command("appoint", appoint, N_("Appoint a staff member or a village head"), Access.DIRECTOR),
    Command("remove", remove, N_("Remove a staff member or a village head"), Access.DIRECTOR),
)
JOURNEYS = (Journey(JOURNEY, on_text, on_forward, access=Access.DIRECTOR, expires=EXPIRES),)
