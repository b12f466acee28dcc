"""/audit: the director reads who did what in their center (roles, links, edits, cancellations,
imports, targets, consent and deletions of personal data), newest first, ten to a page."""

from __future__ import annotations

from bot.cards import ROLE_NAMES
from bot.context import Context
from bot.i18n import N_
from bot.messaging import Choice
from bot.models import AuditEntry, Person
from bot.registry import Access, Command
from bot.services import audit
from bot.text import number

PAGE = 10
ACTIONS = {
    "activity.create": N_("created activity #{activity_id}"),
    "activity.publish": N_("published activity #{activity_id}"),
    "activity.change": N_("changed activity #{activity_id}"),
    "activity.cancel": N_("cancelled activity #{activity_id}"),
    "activity.record_held": N_("recorded activity #{activity_id} as held, entered afterwards"),
    "attendance.afterwards": N_("entered person #{person_id} as present afterwards (session #{session_id})"),
    "headcount.afterwards": N_(
        "entered a head count afterwards: {total} people, {women} women (session #{session_id})"
    ),
    "plan.import": N_("imported a plan: {created} activities"),
    "target.set": N_("set a target"),
    "center.population": N_("set the population aged 15 and over"),
    "center.addressees": N_("set whom the reports are addressed to"),
    "activity.budget": N_("recorded the budget of activity #{activity_id}"),
    "center.retention": N_("set how long names are kept: {months} months"),
    "campaign.start": N_("started the campaign {name}"),
    "campaign.days": N_("set a campaign's days: {days}"),
    "retention.expired": N_("anonymized the old activities of {people} people"),
    "group.link": N_("linked a group chat"),
    "group.migrate": N_("a group chat became a supergroup"),
    "role.grant": N_("gave person #{person_id} the role {role}"),
    "role.revoke": N_("took the role {role} from person #{person_id}"),
    "consent.given": N_("agreed to the privacy notice"),
    "consent.withdrawn": N_("withdrew the consent of person #{person_id}"),
    "person.add_without_phone": N_("added a person without a phone"),
    "person.data_shown": N_("read the data of person #{person_id}"),
    "person.forgotten": N_("deleted the personal data of person #{person_id}"),
}


async def show(ctx: Context, args: str) -> None:
    assert ctx.person is not None and ctx.person.center_id is not None
    page = max(number(args.strip()) or 1, 1)
    entries = await audit.latest(ctx.session, ctx.person.center_id, limit=PAGE + 1, offset=(page - 1) * PAGE)
    if not entries:
        ctx.reply(ctx._("The log is empty."))
        return
    lines = [ctx._("Who did what, newest first (page {page}):", page=page)]
    for entry in entries[:PAGE]:
        lines.append(f"• {ctx.t.datetime(entry.at, 'dd/MM HH:mm')} · {await _who(ctx, entry)}: {_what(ctx, entry)}")
    more = ((Choice(ctx._("Older ▶"), f"/audit {page + 1}"),),) if len(entries) > PAGE else ()
    ctx.reply("\n".join(lines), more)


async def _who(ctx: Context, entry: AuditEntry) -> str:
    actor = await ctx.session.get(Person, entry.actor_id) if entry.actor_id else None
    if actor is None:
        return ctx._("the system")
    return actor.full_name or ctx._("person #{id}", id=actor.id)


def _what(ctx: Context, entry: AuditEntry) -> str:
    message = ACTIONS.get(entry.action)
    if message is None:
        return entry.action
    fields = {key: value for key, value in (entry.detail or {}).items() if value is not None}
    if "role" in fields:
        known = {kind.value: kind for kind in ROLE_NAMES}
        role = known.get(str(fields["role"]))
        fields["role"] = ctx._(ROLE_NAMES[role]) if role else str(fields["role"])
    try:
        return ctx.t.gettext(message).format(**fields)
    except (KeyError, IndexError):
        return ctx.t.gettext(message).split(" #")[0]


COMMANDS = (Command("audit", show, N_("Who did what in your center"), Access.DIRECTOR),)
