"""Opening the bot: a welcome, the privacy notice, and an explicit "Đồng ý" before anything is stored.

    /start [link] ──> notice + [Đồng ý] ──/agree──> person saved (consent time) ──> profile
                         │                                 │
                         └── a used or unknown link:       └── a claim or invite link in it:
                             polite refusal, nothing kept      the role is granted first

The link a person opened travels inside the button's command (/agree vi inv-…), so nothing
about them is kept before they agree.
"""

from __future__ import annotations

from sqlalchemy import select

from bot import notices
from bot.cards import ROLE_NAMES
from bot.config import SUPPORTED_LOCALES
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_, Translator
from bot.messaging import Choice
from bot.models import Activity, Center, Invite, InviteKind, Person, Region, Role, RoleKind
from bot.notices import Notice
from bot.registry import Command
from bot.services import audit, centers, invites, people, roles
from bot.text import spelled_out
from handlers import checkin, events, profile, survey

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
RETENTION_MONTHS = 24  # a center's default (Center.retention_months), told before the person's center is known
USED_LINK = N_(
    "Sorry, this link has already been used or is not valid. Please ask the person who sent it for a new one."
)


async def start(ctx: Context, args: str) -> None:
    token = invites.token_of(args)
    invite = await invites.usable(ctx.session, token) if token else None
    if token is not None and invite is None:
        raise Refusal(USED_LINK)
    if ctx.person is None:
        center_id = invite.center_id if invite else await _center_of_link(ctx, args)
        if ctx.center is None and center_id is not None:
            ctx.center = await ctx.session.get(Center, center_id)
        await show_notice(ctx, ctx.t, args)
        return
    if token is not None:
        await _redeem(ctx, token)
    if ctx.person.profile_complete and (
        await events.open_link(ctx, args)
        or await checkin.by_qr(ctx, args)
        or await checkin.by_ticket(ctx, args)
        or await survey.by_link(ctx, args)
    ):
        return
    await profile.continue_or_welcome(ctx, then=args)


async def show_notice(ctx: Context, t: Translator, start_payload: str = "", *, chosen: bool = False) -> None:
    """The welcome and the privacy notice, with the only button that stores anything.

    When the person picked the language with /lang, agreeing also saves that choice. A region officer's
    link gets its own notice: an officer gives no profile and reads totals only."""
    token = invites.token_of(start_payload)
    invite = await invites.usable(ctx.session, token) if token else None
    region = await ctx.session.get(Region, invite.region_id) if invite and invite.region_id else None
    keeper = spelled_out(ctx.center.name) if ctx.center else t.gettext("your commune's community learning center")
    text = (
        _officer_notice(ctx, t, region.name)
        if region
        else "\n\n".join(
            [
                t.gettext(
                    "Welcome to Loa Làng! I announce the talks, classes and events of your community "
                    "learning center, and let you register and check in from your phone."
                ),
                t.gettext(
                    "🔒 Before we start, please read how your data is used:\n"
                    "• What: your name, gender, birth year and village, and the number of your account on this "
                    "messenger; and, when you give them, your answers to the center's surveys and what you thought "
                    "of a session.\n"
                    "• Why: to register you for activities, count attendance and send you reminders. "
                    "Reports to the authorities contain totals only, never your name.\n"
                    "• Who keeps it: {keeper}. It is never sold or shared for other purposes.\n"
                    "• Your rights, at any time: /mydata shows everything kept about you, /profile corrects "
                    "it, /forget deletes it and /withdraw withdraws your consent."
                ).format(keeper=keeper)
                + "\n"
                + t.gettext(
                    "• How long: until you delete it, and at most {months} months after the activities you took "
                    "part in; after that only totals remain, with no name."
                ).format(months=ctx.center.retention_months if ctx.center else RETENTION_MONTHS),
                _nothing_until(ctx, t),
            ]
        )
    )
    agree = " ".join(part for part in ("/agree", t.locale if chosen else "", start_payload) if part)
    _ask_consent(ctx, t, text, agree, start_payload)


def _nothing_until(ctx: Context, t: Translator) -> str:
    if ctx.can.buttons:
        return t.gettext("Nothing about you is stored until you press “Đồng ý” (I agree).")
    return t.gettext("Nothing about you is stored until you type “Đồng ý” (I agree) or 1.")


def _officer_notice(ctx: Context, t: Translator, region: str) -> str:
    return "\n\n".join(
        [
            t.gettext(
                "Welcome to Loa Làng! This link makes you an officer of {region}: you will read the totals of its "
                "community learning centers (/stats) and their yearly reports (/report). They hold numbers only, "
                "never residents' names."
            ).format(region=region),
            t.gettext(
                "🔒 What is stored about you: the number of your account on this messenger, this role and the moment "
                "you agree; nothing else. Why: so that only you can read these totals. Your rights: you may ask at "
                "any time for the role and this data to be removed."
            ),
            _nothing_until(ctx, t),
        ]
    )


def _ask_consent(ctx: Context, t: Translator, text: str, agree: str, start_payload: str) -> None:
    other = next(code for code in SUPPORTED_LOCALES if code != t.locale)
    choices = (
        (Choice(t.gettext("✅ Đồng ý (I agree)"), agree),),
        (Choice(LANGUAGE_NAMES[other], f"/lang {other} {start_payload}".strip()),),
    )
    ctx.reply(text, choices)


async def agree(ctx: Context, args: str) -> None:
    words = args.split()
    language = words.pop(0) if words and words[0] in SUPPORTED_LOCALES else None
    token = invites.token_of(words[0]) if words else None
    ctx.close_buttons()
    if ctx.withdrawn is not None:  # agreeing again, after withdrawing
        ctx.person, ctx.withdrawn = ctx.withdrawn, None
        ctx.person.consent_withdrawn_at, ctx.person.consent_at = None, ctx.now
        audit.record(
            ctx.session, action="consent.given", at=ctx.now, center_id=ctx.person.center_id, actor_id=ctx.person.id
        )
        ctx.reply(ctx._("Thank you! Your consent was recorded on {moment}.", moment=ctx.t.datetime(ctx.now)))
        if token is not None:  # re-invited: the link they came back with counts
            await _redeem(ctx, token)
    if ctx.person is not None:
        await profile.continue_or_welcome(ctx)
        return
    invite = await invites.usable(ctx.session, token) if token else None
    if token is not None and invite is None:
        raise Refusal(USED_LINK)
    center_id = invite.center_id if invite else await _center_of_link(ctx, " ".join(words))
    sender = ctx.incoming.sender
    assert sender is not None
    person = await people.consent(
        ctx.session,
        channel=ctx.incoming.channel,
        external_id=sender.id,
        now=ctx.now,
        language=language,
        center_id=center_id,
        messenger_language=sender.language_code,
    )
    audit.record(ctx.session, action="consent.given", at=ctx.now, center_id=center_id, actor_id=person.id)
    if not ctx.can.groups:  # no village group brings the news on this messenger (Zalo): it comes in private
        person.private_notices = True
    ctx.person = person
    if language is not None:
        ctx.t = Translator(language, ctx.t.timezone)
    if center_id is not None and ctx.center is None:
        ctx.center = await ctx.session.get(Center, center_id)
    if ctx.center is not None:
        ctx.t = Translator(ctx.t.locale, ctx.center.timezone)
    ctx.readdress()
    ctx.reply(ctx._("Thank you! Your consent was recorded on {moment}.", moment=ctx.t.datetime(ctx.now)))
    if token is not None:
        await _redeem(ctx, token)
    if invite is not None and invite.kind is InviteKind.REGION:
        return  # an officer reads totals only: no village, no profile
    await profile.begin(ctx, then=" ".join(words))


async def _center_of_link(ctx: Context, payload: str) -> int | None:
    """The center a card's link belongs to; without one, the only center there is."""
    found = events.activity_payload(payload)
    activity = await ctx.session.get(Activity, found[0]) if found else None
    return activity.center_id if activity is not None else await _only_center(ctx)


async def _only_center(ctx: Context) -> int | None:
    """With one center in the deployment, everyone belongs to it; otherwise the profile asks."""
    all_centers = await centers.all_centers(ctx.session)
    if not all_centers:
        raise Refusal(N_("No community learning center has been set up here yet. Please try again later."))
    return all_centers[0].id if len(all_centers) == 1 else None


ROLE_FOR = {
    InviteKind.DIRECTOR: RoleKind.DIRECTOR,
    InviteKind.STAFF: RoleKind.STAFF,
    InviteKind.VILLAGE_HEAD: RoleKind.VILLAGE_HEAD,
    InviteKind.REGION: RoleKind.REGION,
}


async def _redeem(ctx: Context, token: str) -> None:
    person = ctx.person
    assert person is not None
    invite: Invite | None = await invites.usable(ctx.session, token)
    if invite is not None and invite.kind is not InviteKind.REGION and person.center_id not in (None, invite.center_id):
        raise Refusal(N_("This link is for another center than yours, so I cannot use it for you."))
    invite = await invites.redeem(ctx.session, token, person.id, ctx.now)
    if invite is None:
        raise Refusal(USED_LINK)
    kind = ROLE_FOR[invite.kind]
    if kind is RoleKind.DIRECTOR:
        await _step_down(ctx, invite.center_id, successor=person)
    await roles.grant(
        ctx.session,
        person=person,
        center_id=invite.center_id,
        kind=kind,
        now=ctx.now,
        village_id=invite.village_id,
        region_id=invite.region_id,
        granted_by=await people.by_id(ctx.session, invite.created_by_id) if invite.created_by_id else None,
    )
    if invite.region_id is not None:
        region = await ctx.session.get(Region, invite.region_id)
        assert region is not None
        ctx.reply(
            ctx._(
                "You are now an officer of {region}. Send /stats for the totals of its centers and "
                "/report for the yearly report.",
                region=region.name,
            )
        )
        ctx.refresh_menu(person)
        return
    ctx.center = await ctx.session.get(Center, invite.center_id)
    assert ctx.center is not None
    ctx.reply(
        ctx._("You are now the {role} of {center}.", role=ctx._(ROLE_NAMES[kind]), center=spelled_out(ctx.center.name))
    )
    ctx.refresh_menu(person)


async def _step_down(ctx: Context, center_id: int | None, *, successor: Person) -> None:
    """A director link for a center that has a director (`loalang center handover`): the one before steps
    down, with no role left, and is told. Only then can they use /forget or /withdraw; the new director
    may appoint them as staff again."""
    held = await ctx.session.scalars(
        select(Role).where(Role.center_id == center_id, Role.kind == RoleKind.DIRECTOR, Role.person_id != successor.id)
    )
    for role in list(held):
        await roles.revoke(ctx.session, role=role, now=ctx.now, by=successor)
        former = await ctx.session.get(Person, role.person_id)
        if former is None:
            continue
        assert role.center_id is not None
        notices.owe(  # named as known at the handover: by the messenger, if they have not given their name yet
            ctx.session,
            former,
            Notice.STEPPED_DOWN,
            center_id=role.center_id,
            now=ctx.now,
            successor=successor.full_name or _display_name(ctx),
            successor_id=successor.id,  # so that forgetting them removes their name from it (bot/services/privacy.py)
        )
        ctx.refresh_menu(former)


def _display_name(ctx: Context) -> str:
    sender = ctx.incoming.sender
    return sender.display_name if sender is not None else "—"


COMMANDS = (
    Command("start", start, N_("Start, or show the welcome again")),
    Command("agree", agree, N_("Agree to the privacy notice"), in_menu=False),
)
