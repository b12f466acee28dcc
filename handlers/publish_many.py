"""Publishing a month's, a campaign's or the last import's drafts with one confirmation.

    /publish ──> the drafts one by one, and under them [📢 All 5 drafts of 10/2025] [📢 … of the campaign]
                 [📢 … of the last import]
    /publish month 2025-10 | campaign 3 | import 57 ──> a preview: each draft's what, when, where and the groups
        its card goes to; those that cannot be announced, and why ──/answer confirm yes──> all published
                                                                    └─/cancel──────────> nothing

The preview's drafts are kept with the question (the database, not memory): the confirmation publishes what
was shown, checked again, never a draft added since.
"""

from __future__ import annotations

import enum

from bot import cards
from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_, Translator
from bot.messaging import Choice, Keyboard
from bot.models import Activity, Conversation
from bot.registry import Access, Journey
from bot.services import conversations, publish_many
from bot.services.publish_many import Batch

JOURNEY = "publish_many"
NO_SUCH_BATCH = N_("There are no such drafts in your center. Send /publish to see what can be announced.")
TO_SET = N_("To set the day and time, send:")
TO_SET_PLACE = N_("To set the place, send:")
# A message stays within what a phone shows and Telegram carries (4096 characters), even for a year's import:
DETAILED = 8  # drafts shown with when, where and their groups
LISTED = 30  # drafts shown at all; the rest counted
SKIPPED_SHOWN = 10  # drafts left out shown with their reason


class Step(enum.StrEnum):
    CONFIRM = "confirm"


def wanted(args: str) -> bool:
    """Whether `/publish …` names a batch rather than one draft."""
    return (args.split() or [""])[0] in {b.value for b in Batch}


async def offers(ctx: Context) -> Keyboard:
    """The batches to publish at once, as buttons under the list of single drafts."""
    assert ctx.center is not None
    rows = []
    for offer in await publish_many.offers(ctx.session, ctx.center, ctx.now):
        if offer.batch is Batch.MONTH:
            label = ctx._("📢 All {count} drafts of {month}", count=offer.count, month=offer.name)
        elif offer.batch is Batch.CAMPAIGN:
            label = ctx._("📢 All {count} drafts of {campaign}", count=offer.count, campaign=offer.name)
        else:
            label = ctx._("📢 All {count} drafts of the last import", count=offer.count)
        rows.append((Choice(label, offer.command),))
    return tuple(rows)


async def preview(ctx: Context, args: str) -> None:
    assert ctx.center is not None and ctx.person is not None
    kind, _, key = args.strip().partition(" ")
    found = await publish_many.members(ctx.session, ctx.center, Batch(kind), key.strip())
    if not found:
        raise Refusal(NO_SUCH_BATCH)
    ready = [a for a in found if publish_many.why_not(a, ctx.now) is None]
    blocks = []
    if ready:
        blocks.append(
            ctx.t.ngettext(
                "Loa Làng will announce {count} activity:", "Loa Làng will announce {count} activities:", len(ready)
            ).format(count=len(ready))
        )
    for number, activity in enumerate(ready[:DETAILED], 1):
        where = await publish_many.told(ctx.session, activity)
        blocks.append(
            f"{number}. {cards.what(activity, ctx.t)}\n{cards.when_where(activity, ctx.t)}\n" + _to(ctx, where)
        )
    if len(ready) > DETAILED:  # a whole year's import: the rest in a line each, so the message stays readable
        rest = [
            f"{number}. {ctx.t.datetime(a.starts_at, 'dd/MM HH:mm')} · {a.title}"
            for number, a in enumerate(ready[DETAILED:LISTED], DETAILED + 1)
        ]
        if len(ready) > LISTED:
            rest.append(ctx._("…and {count} more.", count=len(ready) - LISTED))
        blocks.append("\n".join(rest))
    skipped = [(a, reason) for a in found if (reason := publish_many.why_not(a, ctx.now)) is not None]
    if skipped:
        blocks.append(_skipped(skipped, ctx.t))
    if not ready:
        blocks.append(ctx._("Nothing in this list can be announced yet."))
        ctx.reply("\n\n".join(blocks))
        return
    await conversations.move_to(
        ctx.session,
        ctx.person.id,
        JOURNEY,
        Step.CONFIRM,
        ctx.now,
        {"ids": [a.id for a in ready], "skipped": [a.id for a, _ in skipped]},
    )
    label = ctx.t.ngettext("✅ Announce {count} activity", "✅ Announce {count} activities", len(ready))
    choices = (
        (Choice(label.format(count=len(ready)), f"/answer {Step.CONFIRM} yes"),),
        (Choice(ctx._("✖ Cancel"), "/cancel"),),
    )
    ctx.reply("\n\n".join(blocks), choices)


def _to(ctx: Context, where: publish_many.Told) -> str:
    """ "👥 Nhóm Thôn Đông, Nhóm Xã; Thôn Bắc: qua trưởng thôn; 3 người nhận tin riêng"."""
    parts = [", ".join(where.groups)] if where.groups else []
    if where.pasted:
        parts.append(ctx._("{villages}: through the village head", villages=", ".join(where.pasted)))
    if where.private:
        parts.append(
            ctx.t.ngettext("{count} person in private", "{count} people in private", where.private).format(
                count=where.private
            )
        )
    return "👥 " + ("; ".join(parts) or ctx._("no group linked yet"))


def _skipped(skipped: list[tuple[Activity, str]], t: Translator) -> str:
    """The drafts left out and why, with the command that sets a missing day, time or place alone on its line."""
    lines = [t.gettext(N_("Not announced:"))]
    for activity, reason in skipped[:SKIPPED_SHOWN]:
        lines.append(f"• {activity.title}: {t.gettext(reason)}")
        if reason in (N_("it has no day or time yet"), N_("it has no time yet")):
            lines.append(f"{t.gettext(TO_SET)}\n/change {activity.id}")
        elif reason == publish_many.NO_PLACE:
            lines.append(f"{t.gettext(TO_SET_PLACE)}\n/change {activity.id}")
    if len(skipped) > SKIPPED_SHOWN:
        more = t.gettext(N_("…and {count} more. To see each month's plan, send:"))
        lines.append(more.format(count=len(skipped) - SKIPPED_SHOWN) + "\n/plan")
    return "\n".join(lines)


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    if text.strip().lower() not in ("yes", "co", "có", "dang", "đăng"):
        raise Refusal(N_("Press “Announce” to publish them all, or /cancel."))
    assert ctx.center is not None
    ctx.close_buttons()
    ids = [int(i) for i in conversation.data.get("ids", [])]
    done, skipped = await publish_many.publish(ctx.session, ids, ctx.center, now=ctx.now, by=ctx.person)
    for activity_id in conversation.data.get("skipped", []):  # said at the preview: said again, if still so
        activity = await ctx.session.get(Activity, int(activity_id))
        if activity is not None and (reason := publish_many.why_not(activity, ctx.now)) is not None:
            skipped.append((activity, reason))
    await conversations.finish(ctx.session, conversation.person_id)
    parts = [
        ctx.t.ngettext(
            "Published {count} activity. The announcements are going out now.",
            "Published {count} activities. The announcements are going out now.",
            len(done),
        ).format(count=len(done))
    ]
    if skipped:
        parts.append(_skipped(skipped, ctx.t))
    ctx.reply("\n\n".join(parts))


JOURNEYS = (Journey(JOURNEY, on_text, access=Access.STAFF),)
