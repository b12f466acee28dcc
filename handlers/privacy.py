"""A person's rights: /mydata (a readable summary and a JSON file of everything kept), /withdraw
(no more messages), /forget (delete their data, after they confirm). The director does the same for
people without a phone, whom a helper registered: /data and /erase, found by name, and logged.

    /forget ──> "Delete?" [Yes, delete] [Keep] ──/forget yes──> anonymous row, seats given back
    /erase Name ──> [the people of that name] ──/erase #12──> "Delete?" ──/erase #12 yes──> the same

The director cannot delete or withdraw themselves: a center always has someone answerable.
"""

from __future__ import annotations

import json
import re

from bot.cards import ROLE_NAMES
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Attachment, Choice
from bot.models import Person, RoleKind
from bot.registry import Access, Command
from bot.services import audit, people, privacy
from bot.services.people import has_role
from bot.text import fold
from handlers.profile import GENDER_LABELS

NOTHING = N_("I keep nothing about you. Nothing is stored until you agree to the privacy notice with /start.")
DIRECTOR_STAYS = N_(
    "As the director you are answerable for the center's data, so your own cannot be deleted or withdrawn "
    "while you are director. Please ask the authority above the center to hand it to someone else first."
)
_PICK = re.compile(r"^#(\d{1,9})(?:\s+(yes|no))?$")


async def my_data(ctx: Context, args: str) -> None:
    person = ctx.person or ctx.withdrawn
    if person is None:
        ctx.reply(ctx._(NOTHING))
        return
    await _send_data(ctx, person, mine=True)


async def withdraw(ctx: Context, args: str) -> None:
    person = ctx.person
    if person is None:
        raise Refusal(NOTHING if ctx.withdrawn is None else N_("You have already withdrawn your consent."))
    _not_the_director(person)
    if args.strip() == "no":
        ctx.close_buttons()
        ctx.reply(ctx._("Your consent stays as it was."))
        return
    if args.strip() != "yes":
        ctx.reply(
            ctx._(
                "If you withdraw your consent, I will send you nothing more, and your places in coming activities "
                "are given back. Your data stays until you delete it with /forget; /start lets you agree again."
            ),
            ((Choice(ctx._("Withdraw my consent"), "/withdraw yes"), Choice(ctx._("Keep it"), "/withdraw no")),),
        )
        return
    ctx.close_buttons()
    await privacy.withdraw(ctx.session, person, ctx.now)
    ctx.reply(ctx._("Done: your consent is withdrawn and I will not write to you again. /start lets you agree again."))


async def forget(ctx: Context, args: str) -> None:
    person = ctx.person or ctx.withdrawn
    if person is None:
        raise Refusal(NOTHING)
    _not_the_director(person)
    answer = args.strip()
    if answer == "no":
        ctx.close_buttons()
        ctx.reply(ctx._("Nothing was deleted."))
        return
    if answer != "yes":
        ctx.reply(
            ctx._(
                "Delete what I keep about you: your name, birth year, phone, the links to your messenger accounts "
                "and your places in coming activities? Only your past visits are still counted, by gender and "
                "village, with no name and nothing linking them to you or to each other, so that the center's "
                "totals do not change. This cannot be undone."
            ),
            ((Choice(ctx._("🗑 Yes, delete my data"), "/forget yes"), Choice(ctx._("Keep my data"), "/forget no")),),
        )
        return
    ctx.close_buttons()
    await privacy.forget(ctx.session, person, ctx.now)
    ctx.person = ctx.withdrawn = None
    ctx.reply(ctx._("Done: your personal data is deleted. Thank you for taking part. /start if you ever come back."))


async def their_data(ctx: Context, args: str) -> None:
    """The director prints or reads out what is kept about someone without a phone."""
    person = await _without_phone(ctx, args, "/data")
    if person is not None:
        await _send_data(ctx, person, mine=False)
        audit.record(
            ctx.session,
            action="person.data_shown",
            at=ctx.now,
            center_id=person.center_id,
            actor_id=_director(ctx).id,
            person_id=person.id,
        )


async def erase(ctx: Context, args: str) -> None:
    """The director deletes the data of someone without a phone, on their request."""
    person = await _without_phone(ctx, args, "/erase")
    if person is None:
        return
    answer = _PICK.match(args.strip())
    assert answer is not None
    if answer.group(2) == "no":
        ctx.close_buttons()
        ctx.reply(ctx._("Nothing was deleted."))
        return
    if answer.group(2) != "yes":
        ctx.reply(
            ctx._(
                "Delete everything kept about {name} ({year}), at their request? The center keeps only anonymous "
                "totals. This cannot be undone.",
                name=person.full_name,
                year=person.birth_year,
            ),
            (
                (
                    Choice(ctx._("🗑 Yes, delete"), f"/erase #{person.id} yes"),
                    Choice(ctx._("Keep"), f"/erase #{person.id} no"),
                ),
            ),
        )
        return
    ctx.close_buttons()
    name = person.full_name
    await privacy.forget(ctx.session, person, ctx.now, by=_director(ctx))
    ctx.reply(ctx._("Done: the personal data of {name} is deleted. The log keeps that you did it.", name=name))


async def _send_data(ctx: Context, person: Person, *, mine: bool) -> None:
    data = await privacy.export(ctx.session, person)
    about = data["person"]
    gender = ctx._(GENDER_LABELS[person.gender]) if person.gender else "—"
    roles = ", ".join(ctx._(ROLE_NAMES[r.kind]) for r in person.roles if r.kind in ROLE_NAMES) or "—"
    consent = ctx.t.datetime(person.consent_at) if person.consent_at else "—"
    lines = [
        ctx._("This is everything I keep about you:") if mine else ctx._("This is everything kept about this person:"),
        ctx._("• Full name: {value}", value=about["full_name"] or "—"),
        ctx._("• Gender: {value}", value=gender),
        ctx._("• Birth year: {value}", value=about["birth_year"] or "—"),
        ctx._("• Village: {value}", value=about["village"] or "—"),
        ctx._("• Phone: {value}", value=about["phone"] or "—"),
        ctx._("• Consent given: {value}", value=consent),
        ctx._("• Roles: {value}", value=roles),
        ctx._(
            "• Registrations: {registrations}; check-ins: {visits}",
            registrations=len(data["registrations"]),
            visits=len(data["check_ins"]),
        ),
        *(  # what they thought of sessions (issue 20), when they were asked
            [ctx._("• Sessions you were asked about: {count}", count=len(data["feedback"]))] if data["feedback"] else []
        ),
        *_survey_lines(ctx, data["survey_answers"]),
        ctx._(
            "• Messages sent or still due: {messages}; log entries: {entries}",
            messages=len(data["messages"]),
            entries=len(data["log"]),
        ),
        "",
        ctx._("The file has every detail.")
        + (" " + ctx._("/forget deletes your data; /withdraw withdraws your consent.") if mine else ""),
    ]
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    name = "du-lieu-cua-toi.json" if ctx.t.locale == "vi" else "my-data.json"
    ctx.reply("\n".join(lines), file=Attachment(name if mine else f"person-{person.id}.json", content))


def _survey_lines(ctx: Context, answers: list[dict[str, object]]) -> list[str]:
    """Each survey answer kept (issue 20): the topics and the time of day chosen."""
    return [
        ctx._(
            "• Survey “{survey}”: {topics}; {time}",
            survey=a["survey"],
            topics=", ".join(str(topic) for topic in a["topics"]),  # type: ignore[attr-defined]
            time=ctx._(str(a["time_of_day"])) if a["time_of_day"] else "—",
        )
        for a in answers
    ]


async def _without_phone(ctx: Context, args: str, command: str) -> Person | None:
    """The person a director means: picked by #id from a button, or found by a typed name."""
    director = _director(ctx)
    typed = args.strip()
    picked = _PICK.match(typed)
    if picked is not None:
        person = await ctx.session.get(Person, int(picked.group(1)))
        if person is None or person.center_id != director.center_id or not _phoneless(person):
            raise Refusal(N_("That person is not one of the people without a phone of your center."))
        return person
    if typed and len(fold(typed)) < 2:
        raise Refusal(N_("Please write the person's name, like {command} Nguyễn Thị Lan."), command=command)
    assert director.center_id is not None
    found = await people.named(ctx.session, director.center_id, typed, *PHONELESS)  # nothing typed: everyone
    if not found and not typed:
        raise Refusal(N_("Your center has nobody registered without a phone."))
    if not found:
        raise Refusal(
            N_(
                "Nobody without a phone is called “{typed}”. People who write to the bot do this themselves with "
                "/mydata and /forget."
            ),
            typed=typed[:40],
        )
    ctx.reply(
        ctx._("Who is it?"),
        tuple((Choice(f"{p.full_name} ({p.birth_year})", f"{command} #{p.id}"),) for p in found),
    )
    return None


PHONELESS = (~people.HAS_ACCOUNT, Person.forgotten_at.is_(None))  # _phoneless, in SQL


def _phoneless(person: Person) -> bool:
    return not person.accounts and person.forgotten_at is None


def _director(ctx: Context) -> Person:
    assert ctx.person is not None and ctx.person.center_id is not None
    return ctx.person


def _not_the_director(person: Person) -> None:
    """Said before asking, not after the "yes"."""
    if has_role(person, RoleKind.DIRECTOR):
        raise Refusal(DIRECTOR_STAYS)


COMMANDS = (
    Command("mydata", my_data, N_("See everything kept about you"), Access.ANYONE),
    Command("withdraw", withdraw, N_("Withdraw your consent: no more messages"), Access.ANYONE, in_menu=False),
    Command("forget", forget, N_("Delete your personal data"), Access.ANYONE, in_menu=False),
    Command("data", their_data, N_("What is kept about someone without a phone"), Access.DIRECTOR, in_menu=False),
    Command("erase", erase, N_("Delete the data of someone without a phone"), Access.DIRECTOR, in_menu=False),
)
