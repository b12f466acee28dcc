"""/notify: a resident chooses to also get the announcements of their village in private."""

from __future__ import annotations

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.registry import Access, Command
from bot.text import fold

ON = {"on", "bat", "yes", "co"}
OFF = {"off", "tat", "no", "khong"}


async def notify(ctx: Context, args: str) -> None:
    person = ctx.person
    assert person is not None
    choices = ((Choice(ctx._("🔔 Turn on"), "/notify on"), Choice(ctx._("🔕 Turn off"), "/notify off")),)
    wanted = fold(args)
    if not wanted:
        state = ctx._("on") if person.private_notices else ctx._("off")
        ctx.reply(ctx._("Announcements for your village in this private chat are {state}.", state=state), choices)
        return
    if wanted not in ON | OFF:
        raise Refusal(N_("Please choose: on or off."), choices)
    ctx.close_buttons()
    person.private_notices = wanted in ON
    if person.private_notices:
        ctx.reply(ctx._("Done: I will also send you the announcements for your village here."))
    else:
        ctx.reply(ctx._("Done: no more announcements here. Reminders for what you registered for still come."))


COMMANDS = (Command("notify", notify, N_("Get announcements in private: on or off"), Access.MEMBER),)
