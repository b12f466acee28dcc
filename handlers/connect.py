"""/connect: one person on two messengers. On the first, /connect gives a one-time code; typed on the second
("connect 123456", with or without the slash), it joins that account to the same person
(bot/services/linking.py). From then on they are counted once and reached on the messenger they used last."""

from __future__ import annotations

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.registry import Access, Command
from bot.services import audit, linking
from bot.services.linking import Linked

REFUSED = {
    Linked.UNKNOWN: N_("This code is not valid or has expired. Send /connect on your other messenger for a new one."),
    Linked.SAME: N_("This account is already yours: there is nothing to join."),
    Linked.TAKEN: N_(
        "You already use Loa Làng from another account on this messenger. Send /forget there first, or use that one."
    ),
    Linked.SOMEONE_ELSE: N_(
        "This account belongs to someone else at the center (another name, or a role), so a code cannot join it. "
        "If it is yours, please ask the center's staff."
    ),
}


async def connect(ctx: Context, args: str) -> None:
    code = args.strip()
    if not code:
        if ctx.person is None:  # a newcomer here, maybe already known on the other messenger
            raise Refusal(
                N_(
                    "To join this account to the one you use on your other messenger, send /connect there and type "
                    "here what it gives you, like: connect 123456"
                )
            )
        made = await linking.make(ctx.session, ctx.person, ctx.now)
        ctx.reply(
            ctx._(
                "To use Loa Làng on your other messenger too (Zalo or Telegram), send it this message within 10 "
                "minutes:\nconnect {code}\nYou stay one person, and your registrations and visits count once. Never "
                "give this code to anyone else: it joins their account to yours.",
                code=made,
            )
        )
        return
    sender = ctx.incoming.sender
    assert sender is not None
    words = code.split()
    confirmed = len(words) == 2 and words[1].lower() == "yes"
    if len(words) == 2 and words[1].lower() == "no":
        ctx.reply(ctx._("Nothing was joined."))
        return
    outcome, person = await linking.redeem(
        ctx.session,
        words[0],
        channel=ctx.incoming.channel,
        external_id=sender.id,
        current=ctx.person or ctx.withdrawn,
        now=ctx.now,
        confirmed=confirmed,
    )
    if outcome is Linked.ASK:
        assert person is not None
        ctx.reply(
            ctx._(
                "This code joins this account to {name}, born {year}, of {village}. Is that you?",
                name=person.full_name or "—",
                year=person.birth_year or "—",
                village=person.village.name if person.village else "—",
            ),
            (
                (
                    Choice(ctx._("Yes, it is me"), f"/connect {words[0]} yes"),
                    Choice(ctx._("No"), f"/connect {words[0]} no"),
                ),
            ),
        )
        return
    if outcome is not Linked.DONE:
        raise Refusal(REFUSED[outcome])
    assert person is not None
    audit.record(ctx.session, action="account.linked", at=ctx.now, center_id=person.center_id, actor_id=person.id)
    ctx.person = person
    ctx.t = ctx.translator_for(person)
    ctx.reply(
        ctx._(
            "Done: this account and your other one are one person now, {name}. I will write to you on the "
            "messenger you used last.",
            name=person.full_name or sender.display_name,
        )
    )
    ctx.refresh_menu(person)


COMMANDS = (Command("connect", connect, N_("Use Loa Làng on a second messenger"), Access.ANYONE, in_menu=False),)
