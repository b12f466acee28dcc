"""The tables. Times are stored as UTC. A person reaches the bot through accounts, one per messenger; people
registered by someone else have none. Chats and messages are named by their channel and the channel's own id,
an opaque string: nothing here knows what a messenger's ids look like.

Later issues add activities, registrations, attendance and deliveries beside these; every
table carries its center (directly or through a parent) so data never crosses centers.
"""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from bot.messaging import ChatRef
from bot.text import fold

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[object, object]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class RoleKind(enum.StrEnum):
    DIRECTOR = "director"
    STAFF = "staff"
    VILLAGE_HEAD = "village_head"
    REGION = "region"  # a district's or province's officer: reads the totals of the region's centers


class InviteKind(enum.StrEnum):
    """What opening a one-time link makes of its opener."""

    DIRECTOR = "director"
    STAFF = "staff"
    VILLAGE_HEAD = "village_head"
    REGION = "region"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Region(Base):
    """A district or a province: a tree whose leaves hold centers. Its officers see the summed totals."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    created_at: Mapped[datetime]


class Center(Base):
    __tablename__ = "center"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    population_15_plus: Mapped[int | None] = mapped_column(Integer)
    reminders: Mapped[str] = mapped_column(String(100), default="1d@19:00,2h")  # see bot.services.reminders
    secret: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))  # signs check-in codes
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    retention_months: Mapped[int] = mapped_column(Integer, default=24, server_default="24")  # then anonymized
    # The reports' header: who they go to ("Kính gửi", one per line), and the month whose plan the director
    # was last reminded to complete ("2025-10"): the reminder is owed once a month.
    report_addressees: Mapped[str | None] = mapped_column(Text)
    plan_reminded_month: Mapped[str | None] = mapped_column(String(7))
    # after a session, those who came are asked whether it was useful (optional per center)
    ask_feedback: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime]

    villages: Mapped[list[Village]] = relationship(back_populates="center", order_by="Village.name")


class Village(Base):
    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("center_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    center: Mapped[Center] = relationship(back_populates="villages")


class Person(Base):
    """A resident, helper or director. Exists only after explicit consent (or, for people
    without a phone, when a helper registers them and records that)."""

    __tablename__ = "person"
    __table_args__ = (Index("ix_person_center_id_name_key", "center_id", "name_key"),)  # a name at the desk

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"), index=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    # the name as bot.text.fold writes it ("nguyen thi lan"), kept with it, so that a name typed with or
    # without accents is searched in SQL (bot/services/people.named), not among 30,000 rows read into memory
    name_key: Mapped[str | None] = mapped_column(String(200))
    gender: Mapped[Gender | None] = mapped_column(_enum(Gender))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(8))  # their own choice (/lang)
    messenger_language: Mapped[str | None] = mapped_column(String(16))  # what their phone app says
    consent_at: Mapped[datetime | None]
    consent_withdrawn_at: Mapped[datetime | None]  # no message goes to them until they agree again
    forgotten_at: Mapped[datetime | None]  # nothing is left; their visits went to anonymous rows
    # a shared stand-in for forgotten people's visits: see bot/services/anonymous.py
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    blocked_at: Mapped[datetime | None]
    private_notices: Mapped[bool] = mapped_column(Boolean, default=False)  # announcements in private too
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # the loudspeaker bulletin before each week (a village head or the director chose it), and the week
    # ("2025-W41") it last went out for: marked in the same transaction as its outbox row
    weekly_bulletin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    bulletin_week: Mapped[str | None] = mapped_column(String(10))
    bulletin_day: Mapped[str | None] = mapped_column(String(10))  # during a campaign, daily: "2025-10-03"
    created_at: Mapped[datetime]

    village: Mapped[Village | None] = relationship(lazy="joined")
    roles: Mapped[list[Role]] = relationship(back_populates="person", foreign_keys="Role.person_id", lazy="selectin")
    # none for a person without a phone, whom a helper registered
    accounts: Mapped[list[Account]] = relationship(
        back_populates="person", lazy="selectin", cascade="all, delete-orphan", order_by="Account.id"
    )
    # loaded only where asked (bot/services/people.by_account), which saves every update a query
    center: Mapped[Center | None] = relationship(lazy="raise", viewonly=True)

    def __init__(self, **fields: Any) -> None:
        # A new person's lists start empty and loaded: read later in async code, they must not lazy-load.
        fields.setdefault("roles", [])
        fields.setdefault("accounts", [])
        super().__init__(**fields)

    @validates("full_name")
    def _keep_name_key(self, _field: str, value: str | None) -> str | None:
        self.name_key = fold(value) if value is not None else None
        return value

    @property
    def profile_complete(self) -> bool:
        return None not in (self.full_name, self.gender, self.birth_year, self.village_id)


class Account(Base):
    """A person on one messenger: the channel's name and its opaque id for them. Their private chat on that
    channel has the same id."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    # when the person last wrote from this account, kept only for people with two (bot/services/people.py):
    # they are reached on the messenger they used last
    used_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="accounts")

    @property
    def chat(self) -> ChatRef:
        return ChatRef(self.channel, self.external_id)


class Role(Base):
    """Roles are per center; a village head's also names the village. A region officer's role names
    the region instead, and no center."""

    __tablename__ = "role"
    __table_args__ = (UniqueConstraint("person_id", "center_id", "kind", "village_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RoleKind] = mapped_column(_enum(RoleKind))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    granted_at: Mapped[datetime]

    person: Mapped[Person] = relationship(back_populates="roles", foreign_keys=[person_id])
    village: Mapped[Village | None] = relationship(lazy="joined")


class GroupChat(Base):
    """A chat group the bot is in. Linked to a village, or to the whole commune when
    `center_id` is set and `village_id` is empty; unlinked while both are empty."""

    __tablename__ = "group_chat"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(255))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime]

    village: Mapped[Village | None] = relationship(lazy="joined")

    @property
    def chat(self) -> ChatRef:
        return ChatRef(self.channel, self.external_id, group=True)


class Invite(Base):
    """A one-time deep link: the director's claim of a new center, a helper's appointment, or a
    region officer's (which names a region and no center)."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"))
    kind: Mapped[InviteKind] = mapped_column(_enum(InviteKind))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class InboxUpdate(Base):
    """An update a messenger posted to the webhook (bot/inbox.py): the post is answered once the row is saved, so
    a process killed before handling it loses nothing. Once handled, only its id stays, for a day, so that
    the same update posted again is recognised."""

    __tablename__ = "inbox_update"
    __table_args__ = (UniqueConstraint("channel", "update_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime]
    claimed_by: Mapped[int] = mapped_column(Integer, index=True)  # the process handling it (scheduler/liveness)
    handled_at: Mapped[datetime | None] = mapped_column(index=True)


class Conversation(Base):
    """The step a person is at in a multi-step journey; a restart loses nothing."""

    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    journey: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class OfferedChoices(Base):
    """The numbered choices last offered in a chat of a channel without buttons (bot/choices.py): a number the
    person types there picks one. A row, so that a restart or another process reads the same list."""

    __tablename__ = "offered_choices"
    __table_args__ = (UniqueConstraint("channel", "chat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat: Mapped[str] = mapped_column(String(64))
    commands: Mapped[list[str]] = mapped_column(JSON, default=list)
    offered_at: Mapped[datetime]


class LinkCode(Base):
    """A one-time code that joins a second messenger's account to a person (handlers/connect.py): made on one
    messenger, typed on the other within minutes."""

    __tablename__ = "link_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class SharedFile(Base):
    """A picture or a file handed out as a link, for a messenger that takes pictures only by URL or files not
    at all (bot/shelf.py): served by the bot's web server at an unguessable address until it expires. A row, so
    that whichever process the link reaches can serve it."""

    __tablename__ = "shared_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # whose it is, when it is someone's (their /mydata, say): it goes when they are forgotten
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("center.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)


class ActivityKind(enum.StrEnum):
    TALK = "talk"
    CLASS = "class"
    COURSE = "course"
    EVENT = "event"


class ActivityStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CHANGED = "changed"
    CANCELLED = "cancelled"
    FINISHED = "finished"


LIVE = (ActivityStatus.PUBLISHED, ActivityStatus.CHANGED)  # announced and still on: shown, open to register


class Area(Base):
    """A row of the yearly report (literacy, law, health, ...). Centers start with the ten rows of the
    national form and may rename them or add their own; `code` names the built-in ones."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("center_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))


class DateKnown(enum.StrEnum):
    EXACT = "exact"
    DAY = "day"
    MONTH = "month"


class BudgetSource(enum.StrEnum):
    """The sources of the report's budget table, in its order."""

    STATE = "state"  # ngân sách nhà nước
    SOCIAL = "social"  # xã hội hóa, đóng góp của các tổ chức
    LEARNERS = "learners"  # người học đóng góp
    OTHER = "other"  # a plan's plain "Kinh phí" column: the source is not said


class Campaign(Base):
    """A named stretch of days that groups activities, such as the Lifelong Learning Week (1-7 October).
    `summary_sent_at` marks the director's summary as owed no more (set with the outbox row)."""

    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint("center_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    summary_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Budget(Base):
    """An activity's money from one source, planned and spent (đồng)."""

    __tablename__ = "activity_budget"
    __table_args__ = (UniqueConstraint("activity_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    source: Mapped[BudgetSource] = mapped_column(_enum(BudgetSource))
    planned_vnd: Mapped[int | None] = mapped_column(BigInteger)
    spent_vnd: Mapped[int | None] = mapped_column(BigInteger)


activity_village = Table(
    "activity_village",
    Base.metadata,
    Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    Column("village_id", ForeignKey("village.id", ondelete="CASCADE"), primary_key=True),
)


class Activity(Base):
    """A talk, class, course or event. A class has several sessions; each is counted on its own."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ActivityKind] = mapped_column(_enum(ActivityKind))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    place: Mapped[str | None] = mapped_column(String(300))
    target_group: Mapped[str | None] = mapped_column(String(300))
    partner: Mapped[str | None] = mapped_column(String(300))  # as the plan wrote it ("Đơn vị phối hợp/Người dạy")
    # the roster's partner organisation and speaker (issue 20), when the activity names them
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"), index=True)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"), index=True)
    capacity: Mapped[int | None] = mapped_column(Integer)
    expected: Mapped[int | None] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"), index=True)
    # How much of its first session's start the plan knew: "exact", or only the "day" or the "month" (the
    # session then starts at that day's or month's first moment). Only an exact activity can be published.
    date_known: Mapped[DateKnown] = mapped_column(
        _enum(DateKnown), default=lambda: DateKnown.EXACT, server_default="exact"
    )
    # held first, typed in afterwards (a center's earlier records, a village's session run without the bot)
    entered_afterwards: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    all_villages: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[ActivityStatus] = mapped_column(_enum(ActivityStatus), default=ActivityStatus.DRAFT)
    reminders: Mapped[str | None] = mapped_column(String(100))  # overrides the center's rules, e.g. "2h"
    import_key: Mapped[str | None] = mapped_column(String(64), index=True)
    counts_version: Mapped[int] = mapped_column(Integer, default=0)  # bumped by every registration change
    cards_version: Mapped[int] = mapped_column(Integer, default=0)  # the version the group cards show
    cards_edited_at: Mapped[datetime | None]  # group cards are edited at most once a minute
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    area: Mapped[Area | None] = relationship(lazy="joined")
    sessions: Mapped[list[ActivitySession]] = relationship(
        back_populates="activity", order_by="ActivitySession.starts_at", lazy="selectin", cascade="all, delete-orphan"
    )
    villages: Mapped[list[Village]] = relationship(secondary=activity_village, lazy="selectin")
    campaign: Mapped[Campaign | None] = relationship(lazy="joined")
    budgets: Mapped[list[Budget]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="Budget.source"
    )

    @property
    def starts_at(self) -> datetime:
        return self.sessions[0].starts_at

    @property
    def ends_at(self) -> datetime:
        return self.sessions[-1].ends_at


class ActivitySession(Base):
    __tablename__ = "activity_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    # where staff show the rotating code: the channel, the chat's and the message's ids
    checkin_channel: Mapped[str | None] = mapped_column(String(16))
    checkin_chat: Mapped[str | None] = mapped_column(String(64))
    checkin_message: Mapped[str | None] = mapped_column(String(64))
    checkin_shown_minute: Mapped[int | None] = mapped_column(BigInteger)  # the minute whose code is on screen
    closed_at: Mapped[datetime | None]  # staff closed the session: no more check-ins
    # The hall screen's link (bot/hall_screen.py): a random secret, made when first offered, good while the
    # session's check-in window is open; and when staff were told that check-in opened (scheduler/checkin_opens.py)
    hall_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    checkin_told_at: Mapped[datetime | None]
    feedback_asked_at: Mapped[datetime | None]  # those who came were asked what they thought (issue 20)
    # Its attendance rows counted, all and women, written in the same transaction as each row
    # (bot.services.checkin.record), so a province's totals add up sessions instead of scanning visits.
    visits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    women_visits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    activity: Mapped[Activity] = relationship(back_populates="sessions")


class DeliveryKind(enum.StrEnum):
    ANNOUNCE = "announce"
    REMINDER = "reminder"
    UPDATE = "update"
    CANCEL = "cancel"
    NOTICE = "notice"  # to one person, about what someone else did (bot/notices.py)


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    RETRY = "retry"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"


class Delivery(Base):
    """One message the bot owes. Written in the same transaction as the change that causes it;
    see `bot.services.outbox` for the state machine."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("activity_id", "channel", "chat", "kind", "due_at"),
        Index("ix_delivery_channel_chat", "channel", "chat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat: Mapped[str] = mapped_column(String(64))
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)  # the channel's word, kept for its sending rules
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[DeliveryKind] = mapped_column(_enum(DeliveryKind))
    due_at: Mapped[datetime]
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus), default=DeliveryStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[int | None] = mapped_column(Integer)  # the sending process's number: scheduler/liveness.py
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(64))  # the channel's id of what was sent: cards are edited
    last_error: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    @property
    def to(self) -> ChatRef:
        return ChatRef(self.channel, self.chat, self.is_group)

    @to.setter
    def to(self, chat: ChatRef) -> None:
        self.channel, self.chat, self.is_group = chat.channel, chat.id, chat.group


class RegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Registration(Base):
    """A person's place at an activity, credited to the village whose card or link brought them."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("activity_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    # the village whose group card or head's text brought them, when one did: that village's credit
    via_village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"))
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus), default=RegistrationStatus.REGISTERED)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    queued_at: Mapped[datetime | None]  # when they joined the waitlist: first come, first served
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Standing(enum.Enum):
    """Where a person stands with an activity, as their cards and lists show it (not stored: read off their
    registration and attendance)."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CHECKED_IN = "checked_in"


class AttendanceMethod(enum.StrEnum):
    CODE = "code"  # typed or scanned the rotating code at the venue
    TICKET = "ticket"  # staff scanned the person's own QR ticket
    DESK = "desk"  # staff found the person by name at the desk
    SHEET = "sheet"  # entered afterwards from a paper sign-in sheet


class Attendance(Base):
    """One person at one session: one learner-visit. Checking in twice counts once."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("activity_session.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    method: Mapped[AttendanceMethod] = mapped_column(_enum(AttendanceMethod))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime]
    afterwards: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # typed in later


class HeadCount(Base):
    """Walk-ins counted without names: a total and how many of them are women."""

    __tablename__ = "head_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("activity_session.id", ondelete="CASCADE"), index=True)
    total: Mapped[int] = mapped_column(Integer)
    women: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    at: Mapped[datetime]
    afterwards: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # typed in later


class PartnerKind(enum.StrEnum):
    ORGANISATION = "organisation"  # Hội Nông dân, Trạm Y tế, ...
    SPEAKER = "speaker"  # a person who gives talks or teaches


class Partner(Base):
    """A center's partner organisation or speaker (seed 000's roster). `person_id` is their account in the bot,
    when they use it: they then get their sessions, reminders and attendance."""

    __tablename__ = "partner"
    __table_args__ = (UniqueConstraint("center_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PartnerKind] = mapped_column(_enum(PartnerKind))
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))  # a speaker's
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime]


class Survey(Base):
    """A learning-needs survey: its topics (report rows and the director's own) and times of day to choose from,
    as [{"key": ..., "label": ...}] lists, so answers keep meaning what was asked."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    topics: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    times: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class SurveyAnswer(Base):
    """One person's answer: personal data (shown by /mydata, removed by /forget; `anonymous` stand-ins keep the
    totals). `entered_by_id` is the village head who answered for someone without a phone."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)  # the chosen topics' keys
    time_of_day: Mapped[str | None] = mapped_column(String(30))  # a chosen time's key
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    at: Mapped[datetime]


class Feedback(Base):
    """What one person who came thought of one session: asked once (`asked_at`, with the outbox row), answered
    or not. Personal data: /forget removes the person's, the totals survive on an anonymous stand-in."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("activity_session.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    asked_at: Mapped[datetime]
    useful: Mapped[bool | None] = mapped_column(Boolean)
    word: Mapped[str | None] = mapped_column(String(500))
    answered_at: Mapped[datetime | None]


class Target(Base):
    """What the center plans to reach in a year: classes and learner-visits, for the whole center
    (`area_id` empty) or one report row, for the year (`quarter` 0) or one quarter (1-4)."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("center_id", "year", "quarter", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("center.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer, default=0)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    classes: Mapped[int | None] = mapped_column(Integer)
    learners: Mapped[int | None] = mapped_column(Integer)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime]
