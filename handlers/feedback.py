"""What people thought of a session (bot/services/feedback.py): the answer to the one question after it, and the
director's view and switch.

    (question after a session) [👍 Useful] [👎 Not useful] ──/useful 12 yes──> "a word?" [Skip]
        ──(typed text)──> the word is kept      ──/useful 12 skip──> nothing more is asked
    /feedback          ──> the latest activities: asked, useful, not useful, the words; then per partner
    /feedback on|off   ──> the center asks after each session, or not (off by default); audited
"""

from __future__ import annotations

import enum
from datetime import timedelta

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.models import Center, Conversation
from bot.registry import Access, Command, Journey
from bot.services import audit, conversations, feedback
from bot.text import fold

JOURNEY = "feedback"
CLOSED = N_("That question is closed. Nothing more is needed.")
ON_WORDS = ("on", "bat", "co")
OFF_WORDS = ("off", "tat", "khong")
SHOWN_WORDS = 5  # the latest words of each activity in /feedback; the year's report has them all
WORD_SHOWN = 160  # characters


class Step(enum.StrEnum):
    WORD = "word"


async def useful(ctx: Context, args: str) -> None:
    """A press of one of the question's buttons: the answer, then the offer of a word; or the word skipped."""
    assert ctx.person is not None
    words = args.split()
    session_id = int(words[0]) if len(words) == 2 and words[0].isdigit() and len(words[0]) <= 9 else None
    choice = words[1] if len(words) == 2 else ""
    asked = await feedback.of(ctx.session, session_id, ctx.person.id) if session_id is not None else None
    if asked is None or choice not in ("yes", "no", "skip"):
        raise Refusal(CLOSED)
    ctx.close_buttons()
    if choice == "skip":
        await _leave_question(ctx)
        ctx.reply(ctx._("Thank you. Your answer is saved."))
        return
    feedback.answer(asked, choice == "yes", ctx.now)
    busy = await conversations.current(ctx.session, ctx.person.id)
    if busy is not None and busy.journey != JOURNEY:  # in the middle of something else: that question stays
        ctx.reply(ctx._("Thank you. Your answer is saved."))
        return
    await conversations.move_to(ctx.session, ctx.person.id, JOURNEY, Step.WORD, ctx.now, {"session_id": session_id})
    ctx.reply(
        ctx._("Thank you. If you would like to add a few words, please type them now."),
        ((Choice(ctx._("Skip"), f"/useful {session_id} skip"),),),
    )


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    """The optional word: kept with the answer, and the question ends."""
    assert ctx.person is not None
    if not text.strip():
        raise Refusal(N_("Please type a few words, or press Skip."))
    asked = await feedback.of(ctx.session, int(conversation.data["session_id"]), ctx.person.id)
    await conversations.finish(ctx.session, conversation.person_id)
    if asked is None:  # the session was deleted meanwhile
        ctx.reply(ctx._(CLOSED))
        return
    ctx.close_buttons()
    feedback.note_word(asked, text, ctx.now)
    ctx.reply(ctx._("Thank you. Your words are saved for the center."))


async def _leave_question(ctx: Context) -> None:
    assert ctx.person is not None
    current = await conversations.current(ctx.session, ctx.person.id)
    if current is not None and current.journey == JOURNEY:
        await conversations.finish(ctx.session, ctx.person.id)


async def view(ctx: Context, args: str) -> None:
    """The director's view of the answers, or the switch."""
    center = ctx.center
    assert isinstance(center, Center)
    wanted = fold(args.strip())
    if wanted in ON_WORDS or wanted in OFF_WORDS:
        center.ask_feedback = wanted in ON_WORDS
        actor = ctx.person.id if ctx.person else None
        on = center.ask_feedback
        audit.record(ctx.session, action="center.feedback", at=ctx.now, center_id=center.id, actor_id=actor, on=on)
        ctx.reply(
            ctx._(
                "Done: an hour after each session, those who came will be asked whether it was useful. "
                "To stop, send:\n/feedback off"
            )
            if center.ask_feedback
            else ctx._("Done: no one will be asked after a session any more. To ask again, send:\n/feedback on")
        )
        return
    if wanted:
        raise Refusal(
            N_(
                "To see the answers, send:\n/feedback\nTo ask after each session, send:\n/feedback on\n"
                "To stop asking, send:\n/feedback off"
            )
        )
    lines: list[str] = []
    activities = await feedback.per_activity(ctx.session, center.id)
    if not activities:
        lines.append(ctx._("No one has been asked yet."))
    else:
        lines.append(ctx._("What people thought of the latest activities:"))
        for thoughts in activities:
            assert thoughts.starts_at is not None
            day = ctx.t.datetime(thoughts.starts_at, "dd/MM")
            lines += ["", f"📌 {thoughts.label} ({day})", _counts(ctx, thoughts)]
            lines += [f"💬 “{_short(word)}”" for word in thoughts.words[-SHOWN_WORDS:]]
            if len(thoughts.words) > SHOWN_WORDS:
                more = len(thoughts.words) - SHOWN_WORDS
                lines.append(ctx._("…and {count} more words in the year's report.", count=more))
        lines += ["", ctx._("By partner:")]
        for thoughts in await feedback.per_partner(ctx.session, center.id):
            label = thoughts.label or ctx._("No partner written")
            lines.append(f"• {label}: {_counts(ctx, thoughts)}")
    lines.append("")
    lines.append(
        ctx._("Those who came are asked after each session. To stop, send:\n/feedback off")
        if center.ask_feedback
        else ctx._("No one is asked after a session now. To ask, send:\n/feedback on")
    )
    ctx.reply("\n".join(lines))


def _short(word: str) -> str:
    """A word as the chat shows it: cut at a word boundary, so that eight activities fit one message."""
    if len(word) <= WORD_SHOWN:
        return word
    return word[:WORD_SHOWN].rsplit(" ", 1)[0] + "…"


def _counts(ctx: Context, thoughts: feedback.Thoughts) -> str:
    return ctx._(
        "asked {asked}, 👍 useful {useful}, 👎 not useful {not_useful}",
        asked=thoughts.asked,
        useful=thoughts.useful,
        not_useful=thoughts.not_useful,
    )


COMMANDS = (
    Command("feedback", view, N_("What people thought of the activities"), Access.DIRECTOR),
    Command("useful", useful, N_("Answer whether an activity was useful"), Access.MEMBER, in_menu=False),
)
JOURNEYS = (Journey(JOURNEY, on_text, access=Access.MEMBER, expires=timedelta(days=2)),)
