"""What an activity looks like in a chat: the card, the reminder, the change and cancellation notices.

Rendered when a message is sent, in the reader's language, so a card that waited in the outbox
still shows the current time, place and seats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from bot import typed
from bot.i18n import N_, Translator
from bot.messaging import Choice, Keyboard, Messenger
from bot.models import Activity, ActivityKind, DateKnown, RoleKind, Standing
from bot.services.areas import label

ROLE_NAMES = {
    RoleKind.DIRECTOR: N_("director"),
    RoleKind.STAFF: N_("staff member"),
    RoleKind.VILLAGE_HEAD: N_("village head"),
}

KIND_NAMES = {
    ActivityKind.TALK: N_("Talk"),
    ActivityKind.CLASS: N_("Class"),
    ActivityKind.COURSE: N_("Vocational course"),
    ActivityKind.EVENT: N_("Event"),
}


def when(activity: Activity, t: Translator) -> str:
    """ "Thứ Hai, 06/10/2025 lúc 13:30" — and the number of sessions of a class. A plan's activity known only
    by its day or month says so instead of showing midnight or the first of the month."""
    if activity.date_known is DateKnown.MONTH:
        return t.gettext(N_("{month} (no day or time yet)")).format(month=t.datetime(activity.starts_at, "MM/yyyy"))
    if activity.date_known is DateKnown.DAY:
        day = t.datetime(activity.starts_at, "EEEE, dd/MM/yyyy")
        return t.gettext(N_("{day} (no time yet)")).format(day=day)
    return when_from(activity.starts_at, len(activity.sessions), t)


def short_when(starts: datetime, known: DateKnown, t: Translator) -> str:
    """The start in a choice's label: "18/01 14:00", but "18/01 (no time yet)" or "01/2027 (no day or time yet)"
    for a plan's activity known only by its day or month, never a midnight it does not have."""
    if known is DateKnown.MONTH:
        return t.gettext(N_("{month} (no day or time yet)")).format(month=t.datetime(starts, "MM/yyyy"))
    if known is DateKnown.DAY:
        return t.gettext(N_("{day} (no time yet)")).format(day=t.datetime(starts, "dd/MM"))
    return t.datetime(starts, "dd/MM HH:mm")


def when_from(first_start: datetime, sessions: int, t: Translator) -> str:
    """`when` for a caller that asked the database for the first start and the count alone."""
    first = t.datetime(first_start, t.gettext(N_("EEEE, dd/MM/yyyy 'at' HH:mm")))
    if sessions == 1:
        return first
    return t.ngettext("{first} ({count} session)", "{first} ({count} sessions)", sessions).format(
        first=first, count=sessions
    )


def what(activity: Activity, t: Translator) -> str:
    """The kind and the title, the kind said once: "Chuyên đề: Trồng lúa", but "Chuyên đề trồng lúa" as it is."""
    kind = t.gettext(KIND_NAMES[activity.kind])
    return activity.title if activity.title.casefold().startswith(kind.casefold()) else f"{kind}: {activity.title}"


def when_where(activity: Activity, t: Translator) -> str:
    """When, then where on its own line: a confirmation reads what, when, where, one per line (locales/VOICE.md)."""
    place = f"\n📍 {activity.place}" if activity.place else ""
    return f"🗓 {when(activity, t)}{place}"


STANDINGS = {
    Standing.REGISTERED: N_("✅ You are registered."),
    Standing.WAITLISTED: N_("⏳ You are on the waitlist. If a seat is freed, it is yours."),
    Standing.CHECKED_IN: N_("☑️ You have checked in. Thank you for coming!"),
}


def full(activity: Activity, registered: int) -> bool:
    return bool(activity.capacity) and registered >= (activity.capacity or 0)


def card(activity: Activity, t: Translator, *, registered: int = 0, standing: Standing | None = None) -> str:
    """The activity as a card; `standing`, what the reader has already done about it, heads a private card."""
    lines = [t.gettext(STANDINGS[standing])] if standing is not None else []
    lines += [f"📢 {activity.title}", f"🗓 {when(activity, t)}"]
    if activity.place:
        lines.append(f"📍 {activity.place}")
    if activity.partner:
        lines.append(f"🤝 {activity.partner}")
    if activity.target_group:
        lines.append(f"👥 {activity.target_group}")
    if activity.campaign is not None:  # one short line: the campaign it is part of, by the name its plan gave
        lines.append(t.gettext("🎉 Part of: {campaign}").format(campaign=activity.campaign.name))
    details = [t.gettext(KIND_NAMES[activity.kind])]
    if activity.area is not None:
        details.append(label(activity.area.code, activity.area.name, t, short=True))  # the kind is said once
    lines.append(f"🏷 {' · '.join(details)}")
    if activity.capacity and full(activity, registered):
        lines.append(
            t.gettext("✍️ Full: all {capacity} seats are taken. You can still join the waitlist.").format(
                capacity=activity.capacity
            )
        )
    elif activity.capacity:
        left = activity.capacity - registered
        lines.append(
            t.gettext("✍️ Registered: {registered}/{capacity} ({left} seats left)").format(
                registered=registered, capacity=activity.capacity, left=left
            )
        )
    elif registered:
        lines.append(t.gettext("✍️ Registered: {registered}").format(registered=registered))
    return "\n".join(lines)


def reminder(activity: Activity, t: Translator, *, registered: int = 0, standing: Standing | None = None) -> str:
    return t.gettext("⏰ Reminder") + "\n" + card(activity, t, registered=registered, standing=standing)


def update(activity: Activity, t: Translator, *, registered: int = 0, standing: Standing | None = None) -> str:
    return (
        t.gettext("🔔 Changed: please note the new time or place.")
        + "\n"
        + card(activity, t, registered=registered, standing=standing)
    )


def cancellation(activity: Activity, t: Translator, *, registered: int = 0, standing: Standing | None = None) -> str:
    return t.gettext("❌ Cancelled: {title} ({when}) will not take place. We are sorry.").format(
        title=activity.title, when=when(activity, t)
    )


def checkin_screen(activity: Activity, code: str, t: Translator) -> str:
    """What staff show at the door; edited to the new code every minute."""
    return t.gettext(
        "Check-in: {title}\nCode: {code} (it changes every minute)\n\nResidents type these 4 numbers to the bot, "
        "or scan the QR."
    ).format(title=activity.title, code=code)


def still_coming(activity: Activity, t: Translator) -> Keyboard:
    """The registrant's answer to a reminder: coming, or giving the seat back to the waitlist."""
    return (
        (
            Choice(t.gettext("✅ Yes, I'm coming"), f"/coming {activity.id}"),
            Choice(t.gettext("🙅 Can't come"), f"/unregister {activity.id}"),
        ),
    )


def start_payload(activity: Activity, village_id: int | None) -> str:
    """Opens the bot on this activity; the village credits whoever forwarded the card."""
    return f"a{activity.id}" + (f"-v{village_id}" if village_id else "")


def ways_to_register(activity: Activity, village_id: int | None, t: Translator, channels: Iterable[Messenger]) -> str:
    """How a reader of a pasted announcement registers, on each messenger the bot serves: a link where one opens
    the bot on the activity, else the words to type ("DK 12 3"). Either way the village is credited."""
    lines = []
    for channel in sorted(channels, key=lambda c: c.capabilities.links):  # typing first: most groups are Zalo's
        if channel.capabilities.links:
            link = channel.deep_link(start_payload(activity, village_id))
            lines.append(t.gettext("To register on {messenger}: {link}").format(messenger=_title(channel), link=link))
        else:
            lines.append(
                t.gettext("To register on {messenger}, send Loa Làng this message: {line}").format(
                    messenger=_title(channel), line=typed.register_line(activity.id, village_id)
                )
            )
    return "\n".join(lines)


def ways_to_open(payload: str, t: Translator, channels: Iterable[Messenger]) -> str:
    """A one-time link (an invitation) on each messenger the bot serves: the link itself where one opens the bot,
    else the words to send it. The words work on every messenger."""
    lines = []
    for channel in sorted(channels, key=lambda c: not c.capabilities.links):
        if channel.capabilities.links:
            lines.append(
                t.gettext("On {messenger}: {link}").format(messenger=_title(channel), link=channel.deep_link(payload))
            )
        else:
            lines.append(
                t.gettext("On {messenger}, send Loa Làng this message: {line}").format(
                    messenger=_title(channel), line=f"start {payload}"
                )
            )
    return "\n".join(lines)


def _title(channel: Messenger) -> str:
    return channel.name.title()


def buttons(
    activity: Activity,
    t: Translator,
    *,
    in_group: bool,
    village_id: int | None,
    deep_link: Callable[[str], str],
    registered: int = 0,
    standing: Standing | None = None,
) -> Keyboard:
    """In a group, buttons open the bot privately (a group is no place to register); in private they act, and
    offer what fits what the reader has done: a ticket and giving the seat back once registered, leaving the
    waitlist while waiting, nothing to register once checked in."""
    register = t.gettext("⏳ Join the waitlist") if full(activity, registered) else t.gettext("✍️ Register")
    calendar = t.gettext("📅 Add to calendar")
    if in_group:
        return (
            (
                Choice(register, url=deep_link(start_payload(activity, village_id))),
                Choice(calendar, url=deep_link(f"ics{activity.id}")),
            ),
        )
    add = Choice(calendar, f"/ics {activity.id}")
    if standing is Standing.REGISTERED:
        return (
            (Choice(t.gettext("🎫 Ticket"), f"/ticket {activity.id}"), add),
            (Choice(t.gettext("🙅 Can't come"), f"/unregister {activity.id}"),),
        )
    if standing is Standing.WAITLISTED:
        return ((Choice(t.gettext("Leave the waitlist"), f"/unregister {activity.id}"), add),)
    if standing is Standing.CHECKED_IN:
        return ((add,),)
    credit = f" v{village_id}" if village_id else ""  # the village whose card brought the person here
    return ((Choice(register, f"/register {activity.id}{credit}"), add),)


STAFF_ACTIONS = (  # what staff and village heads may do about an activity, each offered where they may
    ("add", N_("👤 Register someone")),
    ("desk", N_("🧾 Check-in desk")),
    ("text", N_("📋 Text to copy")),
    ("change", N_("✏️ Change")),
    ("calloff", N_("❌ Call off")),
)


def staff_actions(activity: Activity, t: Translator, may: Callable[[str], bool]) -> Keyboard:
    """The actions a staff member or village head may take on this activity, two to a row."""
    offered = [Choice(t.gettext(label), f"/{name} {activity.id}") for name, label in STAFF_ACTIONS if may(name)]
    return tuple(tuple(offered[i : i + 2]) for i in range(0, len(offered), 2))
