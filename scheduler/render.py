"""Render: what a claimed row says now, in its reader's language and from what is true now, or why it is no
longer worth sending (the row is then DROPPED with that reason). Runs in the claiming transaction; nothing is
sent from here (see `bot.services.outbox` for the states)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import cards, notices
from bot.address import address_of
from bot.i18n import N_, Translator, pick_locale
from bot.messaging import Messenger, Send
from bot.models import (
    Account,
    Activity,
    ActivityStatus,
    Center,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    GroupChat,
    Person,
    Standing,
)
from bot.services import groups, helped, outbox, partners, people, registrations, surveys
from scheduler import campaign_summaries

SPEAKER_REMINDER = N_("⏰ Reminder: you lead this session.")


async def render(
    session: AsyncSession,
    delivery: Delivery,
    now: datetime,
    *,
    channels: dict[str, Messenger],
    default_locale: str,
    base_url: str | None = None,
) -> Send | None:
    """The message for this row as it should read now, or None when it is no longer worth sending."""
    activity = await session.get(Activity, delivery.activity_id) if delivery.activity_id else None
    reason = (
        _stale(delivery, activity, now)
        or await _superseded(session, delivery, now)
        or await _unreachable(session, delivery)
    )
    listing = helped.KEY in delivery.detail  # a helper's list for the people they registered
    if reason is None and activity is None and delivery.kind is not DeliveryKind.NOTICE and not listing:
        reason = "activity deleted"
    if reason is not None:
        return _drop(delivery, reason)
    center = await session.get(Center, delivery.center_id)
    assert center is not None
    in_group = delivery.is_group
    person = await session.get(Person, delivery.person_id) if delivery.person_id else None
    locale = pick_locale(
        person.language if person else None,
        person.messenger_language if person else None,
        center.locale,
        default_locale,
    )
    t = Translator(locale, center.timezone, address_of(person, now.date(), locale))
    if listing:
        listed = await helped.render(session, delivery, t, now)
        return _drop(delivery, "no one left to remind") if listed is None else Send(delivery.to, listed)
    if delivery.kind is DeliveryKind.NOTICE and delivery.detail.get("notice") == notices.Notice.CAMPAIGN_SUMMARY:
        sent = await campaign_summaries.render(
            session, delivery, t, now, channel=channels[delivery.channel], base_url=base_url
        )
        return _drop(delivery, "the campaign is gone") if sent is None else sent
    if delivery.kind is DeliveryKind.NOTICE and delivery.detail.get("notice") == notices.Notice.SURVEY:
        card = await surveys.invitation(session, delivery.detail["survey_id"], t, channels[delivery.channel].deep_link)
        return _drop(delivery, "the survey is closed") if card is None else Send(delivery.to, *card)
    if delivery.kind is DeliveryKind.NOTICE:
        said = await notices.render(session, delivery, t, now)
        return _drop(delivery, "no longer true") if said is None else Send(delivery.to, *said)
    assert activity is not None
    if delivery.detail.get("paste"):  # for a village head to paste in the village's own (Zalo) group
        pasted = cards.card(activity, t, registered=await registrations.count(session, activity.id))
        ways = cards.ways_to_register(activity, delivery.detail["paste"], t, channels.values())
        return Send(delivery.to, f"{pasted}\n\n{ways}")
    if delivery.kind is DeliveryKind.REMINDER and await partners.speaks_at(session, activity, delivery.person_id):
        return Send(delivery.to, t.gettext(SPEAKER_REMINDER) + "\n" + cards.card(activity, t))  # not a seat to keep
    group = await groups.by_chat(session, delivery.to) if in_group else None
    taken = await registrations.count(session, activity.id)
    standing = (await registrations.standings(session, person.id, [activity.id])).get(activity.id) if person else None
    text = {
        DeliveryKind.ANNOUNCE: cards.card,
        DeliveryKind.REMINDER: cards.reminder,
        DeliveryKind.UPDATE: cards.update,
        DeliveryKind.CANCEL: cards.cancellation,
    }[delivery.kind](
        activity, t, registered=taken, standing=None if in_group or delivery.kind is DeliveryKind.REMINDER else standing
    )
    choices = ()
    ask = delivery.kind is DeliveryKind.REMINDER and standing is Standing.REGISTERED
    if ask and not await _asked(session, delivery):
        text += "\n\n" + t.gettext("Are you still coming?")
        choices = cards.still_coming(activity, t)
    elif delivery.kind is not DeliveryKind.CANCEL:
        village_id = group.village_id if isinstance(group, GroupChat) else None
        choices = cards.buttons(
            activity,
            t,
            in_group=in_group,
            village_id=village_id,
            deep_link=channels[delivery.channel].deep_link,
            registered=taken,
            standing=standing,
        )
    return Send(delivery.to, text, choices)


async def _asked(session: AsyncSession, delivery: Delivery) -> bool:
    """Whether this chat was already sent a reminder of this activity, which asked "still coming?": asked once
    per registration, later reminders only remind."""
    return await _other_reminder(session, delivery, Delivery.id != delivery.id, Delivery.status == DeliveryStatus.SENT)


async def _other_reminder(session: AsyncSession, delivery: Delivery, *where: ColumnElement[bool]) -> bool:
    """Whether another reminder of this activity to this chat matches `where`."""
    found = await session.scalar(
        select(Delivery.id)
        .where(
            Delivery.activity_id == delivery.activity_id,
            Delivery.channel == delivery.channel,
            Delivery.chat == delivery.chat,
            Delivery.kind == DeliveryKind.REMINDER,
            *where,
        )
        .limit(1)
    )
    return found is not None


def _drop(delivery: Delivery, reason: str) -> None:
    delivery.status = DeliveryStatus.DROPPED
    delivery.last_error = reason


async def _unreachable(session: AsyncSession, delivery: Delivery) -> str | None:
    """A private message to someone who withdrew their consent, was forgotten or is no one any more."""
    if delivery.is_group:
        return None
    reader = await session.scalar(
        select(Person).join(Account).where(Account.channel == delivery.channel, Account.external_id == delivery.chat)
    )
    return None if people.reachable(reader) else "the reader withdrew consent or is gone"


async def _superseded(session: AsyncSession, delivery: Delivery, now: datetime) -> str | None:
    """After downtime several reminders may be due at once: only the latest one is worth sending."""
    if delivery.kind is not DeliveryKind.REMINDER or helped.KEY in delivery.detail:  # a list is about many
        return None
    later = await _other_reminder(
        session,
        delivery,
        Delivery.due_at > delivery.due_at,
        Delivery.due_at <= now,
        Delivery.status.in_((*outbox.WAITING, DeliveryStatus.IN_PROGRESS, DeliveryStatus.SENT)),
    )
    return "a later reminder was due too" if later else None


def _stale(delivery: Delivery, activity: Activity | None, now: datetime) -> str | None:
    if activity is None:
        return None
    if activity.status is ActivityStatus.CANCELLED and delivery.kind is not DeliveryKind.CANCEL:
        return "activity cancelled"
    if delivery.kind is DeliveryKind.REMINDER:
        session_id = delivery.detail.get("session_id")
        starts = next((s.starts_at for s in activity.sessions if s.id == session_id), None)
        if starts is None or starts <= now:
            return "the session had already started when the reminder could be sent"
    return None
