"""The director (or staff) sends a plan file in a private chat; the bot shows what it will create and
what it could not read, and creates the drafts only after "Create". /publish then announces a draft; one
planned only for a month or a day waits for /change to set its day and time. Past rows with attendance
are recorded as held.
Targets travel with the plan: a "Chỉ tiêu" sheet in the workbook (or a CSV of targets alone) is shown
and saved the same way.

    file ──> preview (stored with the file) ──/answer confirm yes──> drafts created
                                            └─/cancel──────────────> nothing
"""

from __future__ import annotations

import base64
import enum

from sqlalchemy import select

from bot.context import Context
from bot.errors import Refusal
from bot.i18n import N_
from bot.messaging import Choice
from bot.models import Activity, ActivitySession, ActivityStatus, Conversation, DateKnown, RoleKind
from bot.registry import Access, Command, Journey
from bot.services import activities, areas, audit, conversations, plan_import, targets
from bot.services.people import has_role
from bot.text import number
from handlers import publish_many

JOURNEY = "plan_import"
MAX_UPLOAD = 1024 * 1024
ROOM = 4000  # characters of a reply: within Telegram's 4,096, with room to spare
SHOWN = 40  # rows listed at most per list of the preview; the rest counted
REFUSED_SHOWN = 10  # reasons listed at most after the import


class Step(enum.StrEnum):
    CONFIRM = "confirm"


async def on_document(ctx: Context) -> None:
    document = ctx.incoming.document
    assert document is not None
    if not has_role(ctx.person, RoleKind.DIRECTOR, RoleKind.STAFF):
        raise Refusal(N_("Thank you, but I only read plan files from the center's director and staff."))
    if document.size is not None and document.size > MAX_UPLOAD:
        raise Refusal(N_("The file is too large (at most 1 MB). Please send only the plan table."))
    content = await ctx.download(document.ref)
    plan, goals = await _read(ctx, document.name, content)
    known = await areas.areas_of(ctx.session, _center_id(ctx))
    names = {a.id: areas.display_name(a, ctx.t) for a in known}
    nothing = not plan.planned and not (goals and goals.lines)
    numbered = {a.id: f"{a.position}. {names[a.id]}" for a in known}
    rest = [] if goals is None else [targets.describe(goals, ctx.t, numbered)]
    if nothing:
        rest.append(ctx._(plan_import.nothing_created(plan)))  # the closing line, always shown
    parts: list[str] = []
    if plan.planned or plan.problems or goals is None:
        room = ROOM - sum(len(part) + 2 for part in rest)  # a long plan is shortened, never cut off by Telegram
        parts.append(plan_import.describe(plan, ctx.t, names, limit=SHOWN, room=max(room, 0)))
    text = "\n\n".join(part for part in parts + rest if part)
    if nothing:
        ctx.reply(text)
        return
    data = {"name": document.name, "content": base64.b64encode(content).decode()}
    assert ctx.person is not None
    await conversations.move_to(ctx.session, ctx.person.id, JOURNEY, Step.CONFIRM, ctx.now, data)
    label = (
        ctx._("✅ Create {count} activities", count=len(plan.planned))
        if plan.planned
        else ctx._("✅ Save {count} targets", count=len(goals.lines) if goals else 0)
    )
    choices = ((Choice(label, f"/answer {Step.CONFIRM} yes"),), (Choice(ctx._("✖ Cancel"), "/cancel"),))
    ctx.reply(text, choices)


async def on_text(ctx: Context, conversation: Conversation, text: str) -> None:
    if text.strip().lower() not in ("yes", "co", "có", "tao", "tạo"):
        raise Refusal(N_("Press “Create” to import the plan, or /cancel."))
    ctx.close_buttons()
    content = base64.b64decode(conversation.data["content"])
    plan, goals = await _read(ctx, conversation.data["name"], content)
    made = await plan_import.create(ctx.session, ctx.center, plan, now=ctx.now, by=ctx.person)  # type: ignore[arg-type]
    for line in goals.lines if goals else []:
        await targets.put(ctx.session, _center_id(ctx), line, now=ctx.now, by=ctx.person)
    await conversations.finish(ctx.session, conversation.person_id)
    audit.record(
        ctx.session,
        action="plan.import",
        at=ctx.now,
        center_id=_center_id(ctx),
        actor_id=conversation.person_id,
        file=conversation.data["name"],
        created=made.total,
        ready=made.ready,
        planned_for_month=made.month,
        planned_for_day=made.day,
        held=made.held,
        refused=len(plan.problems),
        targets=len(goals.lines) if goals else 0,
    )
    if made.total or not goals:
        ctx.reply(_made(ctx, made, plan))
    if goals:
        ctx.reply(ctx._("Saved {count} targets. /stats shows the progress towards them.", count=len(goals.lines)))


def _made(ctx: Context, made: plan_import.Made, plan: plan_import.Plan) -> str:
    """What the import did, one line per kind of result, then the rows it could not take and why."""
    lines = [ctx._("Created {count} draft activities ready to announce.", count=made.ready)]
    if made.month or made.day:
        lines.append(
            ctx._(
                "Planned for a month: {month}; for a day: {day}. They are announced once their day and time "
                "are set; to set them, send:\n/change",
                month=made.month,
                day=made.day,
            )
        )
    if made.held:
        lines.append(ctx._("Recorded {count} activities as already held, with their attendance.", count=made.held))
    if plan.problems:
        lines.append(ctx._("Rows not imported: {count}.", count=len(plan.problems)))
        lines.extend(plan_import.problem_lines(plan.problems, ctx.t, REFUSED_SHOWN))
    if made.ready:
        lines.append(ctx._("To announce them, send:\n/publish"))
    return "\n".join(lines)


async def _read(ctx: Context, name: str, content: bytes) -> tuple[plan_import.Plan, targets.Sheet | None]:
    """The plan and its targets; staff may import activities, but only the director sets targets."""
    assert ctx.center is not None
    try:
        plan, goals = await plan_import.read_file(ctx.session, ctx.center, name, content, ctx.now)
    except plan_import.PlanFileError as error:
        raise Refusal(str(error)) from None
    if goals is not None and not has_role(ctx.person, RoleKind.DIRECTOR):
        if not (plan.planned or plan.problems):
            raise Refusal(N_("Only the center's director can set targets. Please ask them to send this file."))
        return plan, None
    return plan, goals


async def publish(ctx: Context, args: str) -> None:
    """Without a number: the next drafts to choose from, and the batches to announce at once
    (handlers/publish_many.py). With one: announce it now."""
    center_id = _center_id(ctx)
    if publish_many.wanted(args):
        await publish_many.preview(ctx, args)
        return
    if not args.strip():
        not_over = select(ActivitySession.activity_id).where(ActivitySession.ends_at > ctx.now)
        drafts = sorted(
            await ctx.session.scalars(
                select(Activity).where(
                    Activity.center_id == center_id,
                    Activity.status == ActivityStatus.DRAFT,
                    Activity.date_known == DateKnown.EXACT,  # the others wait for /change
                    Activity.id.in_(not_over),
                )
            ),
            key=lambda a: a.starts_at,
        )[:10]
        if not drafts:
            ctx.reply(ctx._("There are no drafts waiting. Create one with /new or send a plan file."))
            return
        rows = []
        lines = [ctx._("Which draft do you want to announce now?")]
        for draft in drafts:
            label = f"{ctx.t.datetime(draft.starts_at, 'dd/MM HH:mm')} {draft.title}"
            rows.append((Choice(label, f"/publish {draft.id}"),))
            lines.append(f"• {label}: /publish {draft.id}")
        ctx.reply("\n".join(lines), (*rows, *await publish_many.offers(ctx)))
        return
    wanted = args.strip()
    activity = await ctx.session.get(Activity, found) if (found := number(wanted)) else None
    if activity is None or activity.center_id != center_id or activity.status is not ActivityStatus.DRAFT:
        raise Refusal(N_("There is no such draft in your center."))
    ctx.close_buttons()
    try:
        told = await activities.publish(ctx.session, activity, now=ctx.now, by=ctx.person)
    except activities.DateNotSet:
        raise Refusal(
            N_(
                "This activity has no day and time yet, so it cannot be announced. Please set them first with:"
                "\n/change {number}"
            ),
            number=activity.id,
        ) from None
    except activities.ActivityError:
        raise Refusal(N_("This activity is already over, so it cannot be announced.")) from None
    ctx.reply(ctx._("Published! The announcement is going out to {count} chats now.", count=told))


def _center_id(ctx: Context) -> int:
    assert ctx.person is not None and ctx.person.center_id is not None
    return ctx.person.center_id


COMMANDS = (Command("publish", publish, N_("Announce a draft activity"), Access.STAFF),)
JOURNEYS = (Journey(JOURNEY, on_text, access=Access.STAFF),)
