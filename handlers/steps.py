"""Moving through any multi-step journey: a button's answer, going back, and cancelling.

A button's answer is "/answer <step> <value>": it carries its question, so a button left on screen
from an earlier question cannot answer the current one. Typing the answer works just the same.
"""

from __future__ import annotations

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.registry import Access, Command
from bot.services import conversations


async def answer(ctx: Context, args: str) -> None:
    step, _, value = args.partition(" ")
    conversation = await conversations.current(ctx.session, _person_id(ctx))
    journey = ctx.registry.journeys.get(conversation.journey) if conversation else None
    if conversation is None or journey is None or conversation.step != step:  # answered, not refused: a refusal
        ctx.close_buttons(answered=False)  # would roll back taking the stale buttons off too
        ctx.reply(
            ctx._("That question is closed. Nothing more is needed.")
            if conversation is None or journey is None
            else ctx._("That button belongs to an earlier question. Please answer the latest question.")
        )
        return
    await journey.on_text(ctx, conversation, value)


async def back(ctx: Context, args: str) -> None:
    conversation = await conversations.current(ctx.session, _person_id(ctx))
    journey = ctx.registry.journeys.get(conversation.journey) if conversation else None
    if conversation is None or journey is None or journey.on_back is None:
        raise Refusal(N_("There is no earlier question to go back to."))
    ctx.close_buttons()
    await journey.on_back(ctx, conversation)


async def cancel(ctx: Context, args: str) -> None:
    ctx.close_buttons()
    if await conversations.current(ctx.session, _person_id(ctx)) is None:
        ctx.reply(ctx._("There is nothing to cancel."))
        return
    await conversations.finish(ctx.session, _person_id(ctx))
    ctx.reply(ctx._("Cancelled. Nothing was saved."))


def _person_id(ctx: Context) -> int:
    assert ctx.person is not None
    return ctx.person.id


COMMANDS = (
    Command("answer", answer, N_("Answer a question with a button"), Access.MEMBER, in_menu=False),
    Command("back", back, N_("Go back to the previous question"), Access.MEMBER, in_menu=False),
    Command("cancel", cancel, N_("Stop what you are doing"), Access.MEMBER),
)
