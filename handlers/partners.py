"""The center's partners and speakers, and the sessions a speaker leads.

/partners ──> the roster, each with a button to link it to a person who uses the bot
/partners add Hội Nông dân xã                       an organisation
/partners add Hội Nông dân xã / Ông Nguyễn Văn Bình  a speaker of that organisation (the organisation added too)
/partners speaker Bà Lê Thị Hoa                     a speaker on their own
/partners link <n> ──> pick one of the people who opened the bot ──> /partners pick <n> <person> ──> linked, told
/partners unlink <n>
/sessions ──> the sessions the reader leads: the coming ones, then how many came to the past ones

Every step carries what it needs in its command, so nothing waits in a conversation: the database is the state.
"""

from __future__ import annotations

from bot import cards, notices
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice, Keyboard
from bot.models import Partner, PartnerKind, Person
from bot.notices import Notice
from bot.registry import Access, Command
from bot.services import partners, people
from bot.text import fold, number

USAGE = N_(
    "To add a partner organisation, send for example:\n/partners add Hội Nông dân xã\n\nTo add a speaker of an "
    "organisation, write the organisation, a slash, then the speaker:\n/partners add Hội Nông dân xã / Ông Nguyễn "
    "Văn Bình\n\nTo add a speaker on their own:\n/partners speaker Bà Lê Thị Hoa"
)
PAST_SHOWN = 5


async def roster(ctx: Context, args: str) -> None:
    word, _, rest = args.strip().partition(" ")
    word = fold(word)
    if word == "add":
        await _add(ctx, rest, PartnerKind.ORGANISATION)
    elif word == "speaker":
        await _add(ctx, rest, PartnerKind.SPEAKER)
    elif word == "link":
        await _candidates(ctx, rest)
    elif word == "pick":
        await _pick(ctx, rest)
    elif word == "unlink":
        await _unlink(ctx, rest)
    elif word:
        raise Refusal(USAGE)
    else:
        await _list(ctx)


async def _list(ctx: Context) -> None:
    # in the order they were added, so the numbers (what /partners link takes) read 1, 2, 3 down the list
    entries = sorted(await partners.roster(ctx.session, _center_id(ctx)), key=lambda entry: entry.id)
    if not entries:
        ctx.reply(ctx._("There are no partners or speakers yet.") + "\n\n" + ctx._(USAGE))
        return
    lines, rows = [ctx._("The center's partners and speakers:")], []
    for entry in entries:
        lines.append(f"{entry.id}. {await _line(ctx, entry)}")
        if entry.person_id is None:
            rows.append((Choice(ctx._("🔗 Link {name}", name=entry.name), f"/partners link {entry.id}"),))
    link = ctx._("To link one of them to a person who uses Loa Làng, send its number, for example:")
    lines += ["", f"{link}\n/partners link {entries[-1].id}", "", ctx._(USAGE)]
    ctx.reply("\n".join(lines), tuple(rows[:10]))


async def _line(ctx: Context, entry: Partner) -> str:
    """ "🎤 Ông Nguyễn Văn Bình (Hội Nông dân xã) · uses Loa Làng: Nguyễn Văn Bình"."""
    mark = "🤝" if entry.kind is PartnerKind.ORGANISATION else "🎤"
    text = f"{mark} {entry.name}"
    organisation = await ctx.session.get(Partner, entry.organisation_id) if entry.organisation_id else None
    if organisation is not None:
        text += f" ({organisation.name})"
    person = await people.by_id(ctx.session, entry.person_id) if entry.person_id else None
    if person is not None:
        text += " · " + ctx._("uses Loa Làng: {name}", name=person.full_name or "")
    return text


async def _add(ctx: Context, text: str, kind: PartnerKind) -> None:
    if not text.strip():
        raise Refusal(USAGE)
    try:
        if kind is PartnerKind.SPEAKER:
            added = [await partners.add(ctx.session, _center_id(ctx), kind, text, ctx.now)]
        else:
            organisation, speaker = await partners.match_text(ctx.session, _center_id(ctx), text, ctx.now)
            added = [entry for entry in (organisation, speaker) if entry is not None]
    except partners.PartnerError:
        raise Refusal(N_("Please write a name of at most 200 characters.")) from None
    if not added:
        raise Refusal(USAGE)
    entry = added[-1]
    ctx.reply(
        ctx._("Saved: {line}", line=await _line(ctx, entry))
        + "\n\n"
        + ctx._("If they use Loa Làng, link them so that they get the reminders and attendance of their sessions:")
        + f"\n/partners link {entry.id}"
    )


async def _entry(ctx: Context, text: str) -> Partner:
    found = number(text.strip()) if text.strip() else None
    entry = await partners.get(ctx.session, _center_id(ctx), found) if found else None
    if entry is None:
        raise Refusal(N_("I cannot find that partner. To see the list, send:\n/partners"))
    return entry


async def _candidates(ctx: Context, text: str) -> None:
    entry = await _entry(ctx, text)
    director = ctx.person
    candidates = [
        p
        for p in await people.started_in_center(ctx.session, _center_id(ctx), limit=10)
        if director is None or p.id != director.id
    ]
    if not candidates:
        raise Refusal(N_("No one of your center has opened Loa Làng yet. Ask them to open it first."))
    ctx.close_buttons()
    rows: Keyboard = tuple(
        (Choice(f"{p.full_name} ({p.birth_year})", f"/partners pick {entry.id} {p.id}"),) for p in candidates
    )
    typed = [f"• {p.full_name} ({p.birth_year}): /partners pick {entry.id} {p.id}" for p in candidates]
    ctx.reply("\n".join([ctx._("Who is {name} among the people who use Loa Làng?", name=entry.name), *typed]), rows)


async def _pick(ctx: Context, text: str) -> None:
    entry_text, _, person_text = text.strip().partition(" ")
    entry = await _entry(ctx, entry_text)
    person = await people.by_id(ctx.session, found) if (found := number(person_text.strip())) else None
    if person is None or person.center_id != _center_id(ctx) or not person.accounts or not person.profile_complete:
        raise Refusal(N_("I cannot find that person among the people of your center."))
    partners.link(entry, person)
    ctx.close_buttons()
    ctx.reply(ctx._("Done: {line}", line=await _line(ctx, entry)))
    notices.owe(ctx.session, person, Notice.PARTNER_LINKED, center_id=_center_id(ctx), now=ctx.now, partner_id=entry.id)


async def _unlink(ctx: Context, text: str) -> None:
    entry = await _entry(ctx, text)
    entry.person_id = None
    ctx.reply(ctx._("Done: {line}", line=await _line(ctx, entry)))


async def sessions(ctx: Context, args: str) -> None:
    """The sessions the reader leads: coming ones with when and where, past ones with how many came."""
    person = _person(ctx)
    found = await partners.sessions_of(ctx.session, person.id)
    if not found:
        ctx.reply(ctx._("No sessions are listed for you yet."))
        return
    coming = [(a, s) for a, s in found if s.ends_at > ctx.now]
    past = [(a, s) for a, s in found if s.ends_at <= ctx.now][-PAST_SHOWN:]
    blocks = []
    if coming:
        lines = [ctx._("The sessions you lead:")]
        for activity, session in coming:
            lines.append(f"📢 {cards.what(activity, ctx.t)}\n🗓 {cards.when_from(session.starts_at, 1, ctx.t)}")
            if activity.place:
                lines[-1] += f"\n📍 {activity.place}"
        blocks.append("\n\n".join(lines))
    if past:
        lines = [ctx._("Your sessions already held:")]
        for activity, session in reversed(past):
            counted = await partners.figures(ctx.session, session.id)
            came = ctx.t.ngettext(
                "{total} person came, {women} of them women.",
                "{total} people came, {women} of them women.",
                counted.total,
            ).format(total=counted.total, women=counted.women)
            lines.append(f"📋 {activity.title}\n🗓 {cards.when_from(session.starts_at, 1, ctx.t)}\n{came}")
        blocks.append("\n\n".join(lines))
    ctx.reply("\n\n".join(blocks))


def _person(ctx: Context) -> Person:
    assert ctx.person is not None
    return ctx.person


def _center_id(ctx: Context) -> int:
    assert ctx.person is not None and ctx.person.center_id is not None
    return ctx.person.center_id


COMMANDS = (
    Command("partners", roster, N_("Partner organisations and speakers"), Access.DIRECTOR),
    Command(
        "sessions", sessions, N_("The sessions you lead as a speaker or partner"), Access.MEMBER, in_menu=False
    ),  # only speakers need it: /my and the notice linking them point to it
)
