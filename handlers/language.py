"""/lang: switch between Vietnamese and English. The choice is saved and wins over the phone's language."""

from __future__ import annotations

from bot.config import SUPPORTED_LOCALES
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_, Translator
from bot.messaging import Choice
from bot.registry import Command
from handlers.start import LANGUAGE_NAMES, show_notice


async def switch(ctx: Context, args: str) -> None:
    words = args.split()
    wanted = words[0].lower() if words else ""
    start_payload = words[1] if len(words) > 1 else ""  # the link the notice was opened with
    choices = (tuple(Choice(LANGUAGE_NAMES[code], f"/lang {code}") for code in SUPPORTED_LOCALES),)
    if not wanted:
        ctx.reply(ctx._("Choose your language:"), choices)
        return
    if wanted not in SUPPORTED_LOCALES:
        raise Refusal(N_("Sorry, I only speak Vietnamese and English. Choose your language:"), choices)
    ctx.close_buttons()
    ctx.t = Translator(wanted, ctx.t.timezone)
    if ctx.person is None:
        await show_notice(ctx, ctx.t, start_payload, chosen=True)  # nothing is stored before consent
        return
    ctx.person.language = wanted
    ctx.readdress()
    ctx.reply(ctx._("Done: I will speak English with you from now on."))
    ctx.refresh_menu(ctx.person)


COMMANDS = (Command("lang", switch, N_("Tiếng Việt / English")),)
