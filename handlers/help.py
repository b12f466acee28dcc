"""/help: what this person may do, which differs for residents, village heads, staff and the director."""

from __future__ import annotations

from bot.context import Context
from bot.i18n import N_
from bot.registry import Access, Command, Where, access_of
from bot.services.regions import officer_region

INTRO = {
    Access.ANYONE: N_("Send /start to begin."),
    Access.MEMBER: N_("Here is what you can do:"),
    Access.HELPER: N_("As a village head, you can:"),
    Access.STAFF: N_("As a member of the center's staff, you can:"),
    Access.DIRECTOR: N_("As the center's director, you can:"),
}
OFFICER = N_("As an officer of your region, you can:")


async def show(ctx: Context, args: str) -> None:
    access = access_of(ctx.person)
    where = Where.GROUP if ctx.incoming.is_group else Where.PRIVATE
    regional = officer_region(ctx.person) is not None and access <= Access.MEMBER
    lines = [ctx._(OFFICER if regional else INTRO[access])]
    lines += [f"/{c.name} — {ctx._(c.description)}" for c in ctx.registry.menu_of(ctx.person, where)]
    ctx.reply("\n".join(lines))


COMMANDS = (Command("help", show, N_("What I can do for you"), where=Where.ANY),)
