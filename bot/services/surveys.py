"""The learning-needs survey ("điều tra nhu cầu học tập", seeds 000-002): what residents want to learn and at
which time of day, counted by topic, village, gender and age band, and turned into next year's draft plan.

A survey's topics and times are stored as [{"key", "label"}] when it opens, so an answer keeps meaning what was
asked even if a report row is renamed later. One answer per person per survey: answering again replaces it.
Answers are personal data: /forget moves a person's answers to anonymous stand-ins (`fold`), which keep the
village, gender and the age band (as a birth year in the band's middle), so the totals do not change.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator
from bot.messaging import Choice, Keyboard
from bot.models import (
    Activity,
    ActivityKind,
    Area,
    Center,
    DateKnown,
    DeliveryKind,
    Gender,
    GroupChat,
    Person,
    Survey,
    SurveyAnswer,
    Village,
)
from bot.services import activities, areas, audit, outbox

# The times of day a resident may prefer, as the seeds plan them (sáng, chiều, tối).
TIMES = (("morning", N_("Morning")), ("afternoon", N_("Afternoon")), ("evening", N_("Evening")))
# Age bands for the results: (lowest age, highest age or None, label).
BANDS = (
    (15, 29, N_("under 30")),
    (30, 44, N_("30 to 44")),
    (45, 59, N_("45 to 59")),
    (60, None, N_("60 and over")),
)
UNKNOWN = "?"  # a band, village or gender not known
TOP = 3  # how many of the most wished topics become draft activities
SURVEY_NOTICE = "survey"  # the outbox row's notice: a group's invitation card (bot/notices.py)
NUMBERS = re.compile(r"^[0-9][0-9\s,.;]*$")  # "1 3 5", "1,3,5": ASCII digits, as a keypad types them


class SurveyError(ValueError):
    """The survey cannot do what was asked (closed, a topic not on its list)."""


def topic_choices(rows: list[Area], own: list[str], t: Translator) -> list[dict[str, Any]]:
    """The survey's topics: the chosen report rows (named as the center reads them) then the director's own."""
    vi = Translator("vi")
    topics: list[dict[str, Any]] = [
        {"key": f"area:{area.id}", "label": areas.display_name(area, vi), "area_id": area.id} for area in rows
    ]
    topics += [{"key": f"own:{i}", "label": label} for i, label in enumerate(own, 1)]
    return topics


def time_choices() -> list[dict[str, Any]]:
    return [{"key": key, "label": label} for key, label in TIMES]


def label(item: dict[str, Any], t: Translator) -> str:
    """A topic's or time's label in the reader's language: built-in rows and times are translated."""
    msgid = dict(TIMES).get(item["key"])
    if msgid is not None:
        return t.gettext(msgid)
    return areas.label(item.get("code"), item["label"], t) if item.get("code") else str(item["label"])


async def open_survey(
    session: AsyncSession, center: Center, *, title: str, topics: list[dict[str, Any]], now: datetime, by: Person
) -> Survey:
    """Open the survey (closing any still open: one at a time) and invite every linked group through the outbox."""
    for earlier in await session.scalars(
        select(Survey).where(Survey.center_id == center.id, Survey.closed_at.is_(None))
    ):
        earlier.closed_at = now
    codes = {a.id: a.code for a in await areas.areas_of(session, center.id)}
    for topic in topics:
        if "area_id" in topic and codes.get(topic["area_id"]):
            topic["code"] = codes[topic["area_id"]]
    survey = Survey(
        center_id=center.id,
        title=title,
        topics=topics,
        times=time_choices(),
        opened_at=now,
        created_by_id=by.id,
    )
    session.add(survey)
    await session.flush()
    chats = await session.scalars(
        select(GroupChat).where(GroupChat.center_id == center.id, GroupChat.active.is_(True)).order_by(GroupChat.id)
    )
    outbox.enqueue(
        session,
        center_id=center.id,
        activity_id=None,
        recipients=[outbox.Recipient(group.chat) for group in chats],
        kind=DeliveryKind.NOTICE,
        due_at=now,
        detail={"notice": SURVEY_NOTICE, "survey_id": survey.id},
    )
    audit.record(session, action="survey.open", at=now, center_id=center.id, actor_id=by.id, survey_id=survey.id)
    return survey


async def current(session: AsyncSession, center_id: int | None) -> Survey | None:
    """The center's open survey, if any."""
    if center_id is None:
        return None
    return await session.scalar(
        select(Survey)
        .where(Survey.center_id == center_id, Survey.closed_at.is_(None))
        .order_by(Survey.opened_at.desc(), Survey.id.desc())
        .limit(1)
    )


async def latest(session: AsyncSession, center_id: int | None) -> Survey | None:
    """The open survey, else the last one closed: what results and planning read."""
    if center_id is None:
        return None
    return await session.scalar(
        select(Survey)
        .where(Survey.center_id == center_id)
        .order_by(Survey.closed_at.is_not(None), Survey.opened_at.desc(), Survey.id.desc())
        .limit(1)
    )


async def invitation(
    session: AsyncSession, survey_id: int, t: Translator, deep_link: Callable[[str], str]
) -> tuple[str, Keyboard] | None:
    """A group's card: what the survey asks and a button to answer in private (the link opens /start survey);
    nothing once the survey is closed."""
    survey = await session.get(Survey, survey_id)
    if survey is None or survey.closed_at is not None:
        return None
    text = t.gettext(
        "📋 {title}\nThe center asks everyone what they would like to learn next year, and at which time of day. "
        "It takes a few taps. Those without a phone can tell their village head."
    ).format(title=survey.title)
    return text, ((Choice(t.gettext("✍️ Answer the survey"), url=deep_link(SURVEY_NOTICE)),),)


def numbers(text: str, count: int) -> list[int] | None:
    """ "1 3 5" as [1, 3, 5] (each once, in order), or None when it is not a list of numbers from 1 to `count`."""
    if not NUMBERS.match(text.strip()):
        return None
    picked = [int(n) for n in re.findall(r"[0-9]+", text)]
    if not picked or any(not 1 <= n <= count for n in picked):
        return None
    return sorted(set(picked))


async def answer(
    session: AsyncSession,
    survey: Survey,
    person: Person,
    topics: list[str],
    time_of_day: str | None,
    *,
    now: datetime,
    by: Person | None = None,
) -> SurveyAnswer:
    """Save the person's answer, replacing their earlier one (the unique key keeps one per person)."""
    if survey.closed_at is not None:
        raise SurveyError("the survey is closed")
    known = {t["key"] for t in survey.topics}
    if not topics or any(t not in known for t in topics):
        raise SurveyError("a topic not on the survey")
    if time_of_day is not None and time_of_day not in {t["key"] for t in survey.times}:
        raise SurveyError("a time not on the survey")
    row = await session.scalar(
        select(SurveyAnswer).where(SurveyAnswer.survey_id == survey.id, SurveyAnswer.person_id == person.id)
    )
    if row is None:
        row = SurveyAnswer(survey_id=survey.id, person_id=person.id)
        session.add(row)
    row.topics, row.time_of_day, row.at = list(topics), time_of_day, now
    row.entered_by_id = by.id if by is not None and by.id != person.id else None
    await session.flush()
    return row


def band_of(birth_year: int | None, year: int) -> str:
    """The age band's label (an English msgid) of someone born in `birth_year`, in the survey's year."""
    if birth_year is None:
        return UNKNOWN
    age = year - birth_year
    return next(name for low, high, name in BANDS if high is None or age <= high)


@dataclass
class Results:
    """A survey's totals: people who answered, and each topic's count overall and by village, gender and band."""

    survey: Survey
    answered: int = 0
    topics: Counter[str] = field(default_factory=Counter)
    times: Counter[str] = field(default_factory=Counter)
    by_village: dict[str, Counter[str]] = field(default_factory=dict)  # village name -> topic counts
    by_gender: dict[str, Counter[str]] = field(default_factory=dict)  # "female"/"male"/"other"/"?"
    by_band: dict[str, Counter[str]] = field(default_factory=dict)
    people_by_village: Counter[str] = field(default_factory=Counter)
    people_by_gender: Counter[str] = field(default_factory=Counter)
    people_by_band: Counter[str] = field(default_factory=Counter)

    def ranked(self) -> list[dict[str, Any]]:
        """The survey's topics, the most wished first (ties in the survey's order), those nobody chose left out."""
        order = {t["key"]: i for i, t in enumerate(self.survey.topics)}
        chosen = [t for t in self.survey.topics if self.topics[t["key"]]]
        return sorted(chosen, key=lambda t: (-self.topics[t["key"]], order[t["key"]]))

    def ranked_in(self, counts: Counter[str]) -> dict[str, Any] | None:
        """The most wished topic among these counts (a village's, say), the survey's order breaking ties."""
        return next((t for t in sorted(self.survey.topics, key=lambda t: -counts[t["key"]]) if counts[t["key"]]), None)


async def results(session: AsyncSession, survey: Survey) -> Results:
    year = survey.opened_at.year  # ages as of the survey's year (as `fold` keeps them)
    found = Results(survey)
    rows = await session.execute(
        select(SurveyAnswer, Person.gender, Person.birth_year, Village.name)
        .join(Person, Person.id == SurveyAnswer.person_id)
        .outerjoin(Village, Village.id == Person.village_id)
        .where(SurveyAnswer.survey_id == survey.id)
        .order_by(SurveyAnswer.id)
    )
    for row, gender, birth_year, village in rows:
        found.answered += 1
        parts = (
            (found.by_village, found.people_by_village, village or UNKNOWN),
            (found.by_gender, found.people_by_gender, gender.value if isinstance(gender, Gender) else UNKNOWN),
            (found.by_band, found.people_by_band, band_of(birth_year, year)),
        )
        for table, people, key in parts:
            people[key] += 1
            table.setdefault(key, Counter()).update(row.topics)
        found.topics.update(row.topics)
        if row.time_of_day:
            found.times[row.time_of_day] += 1
    return found


async def close(session: AsyncSession, survey: Survey, *, now: datetime, by: Person) -> None:
    survey.closed_at = now
    audit.record(
        session, action="survey.close", at=now, center_id=survey.center_id, actor_id=by.id, survey_id=survey.id
    )


# a topic of a built-in row becomes an activity of a kind that row may count (bot/services/areas.FITS)
KIND_OF = {"literacy": ActivityKind.CLASS, "vocational": ActivityKind.COURSE, "arts_sports": ActivityKind.CLASS}


async def plan(
    session: AsyncSession, center: Center, survey: Survey, *, now: datetime, by: Person, top: int = TOP
) -> list[Activity]:
    """The most wished topics as DRAFT activities of next year's plan, one a month from January, planned for the
    month only (`DateKnown.MONTH`): the director sets day, time and place with /change. A topic of the center's
    own counts under the "other programmes" row. Planned once: a second press makes nothing more."""
    key = f"survey-{survey.id}"
    made = list(
        await session.scalars(
            select(Activity).where(Activity.center_id == center.id, Activity.import_key.like(f"{key}-%"))
        )
    )
    if made:
        return []
    found = await results(session, survey)
    rows = {a.id: a for a in await areas.areas_of(session, center.id)}
    other = next((a for a in rows.values() if a.code == "other"), None)
    zone = ZoneInfo(center.timezone)
    year = survey.opened_at.astimezone(zone).year + 1
    created = []
    for month, topic in enumerate(found.ranked()[:top], 1):
        area = rows.get(topic.get("area_id") or 0) or other
        kind = KIND_OF.get(area.code or "", ActivityKind.TALK) if area is not None else ActivityKind.TALK
        starts = datetime(year, month, 1, tzinfo=zone)
        draft = activities.Draft(
            title=str(topic["label"]),
            kind=kind,
            sessions=[(starts, starts + timedelta(hours=2))],
            area_id=area.id if area is not None else None,
            import_key=f"{key}-{topic['key']}",
        )
        activity = await activities.create(session, center, draft, now=now, by=by)
        activity.date_known = DateKnown.MONTH
        created.append(activity)
    await session.flush()
    return created


async def answers_of(session: AsyncSession, person_id: int) -> list[dict[str, Any]]:
    """The person's answers, as /mydata's file shows them: the survey, the topics and time chosen by name."""
    rows = await session.execute(
        select(SurveyAnswer, Survey)
        .join(Survey, Survey.id == SurveyAnswer.survey_id)
        .where(SurveyAnswer.person_id == person_id)
        .order_by(SurveyAnswer.id)
    )
    out = []
    for row, survey in rows:
        topics = {t["key"]: t["label"] for t in survey.topics}
        times = {t["key"]: t["label"] for t in survey.times}
        out.append(
            {
                "survey": survey.title,
                "topics": [topics.get(k, k) for k in row.topics],
                "time_of_day": times.get(row.time_of_day or "", row.time_of_day),
                "at": row.at.isoformat(),
                "entered_by_person": row.entered_by_id,
            }
        )
    return out


async def fold(session: AsyncSession, person: Person) -> None:
    """Move the person's answers to anonymous stand-ins before their row is emptied: each stand-in keeps only the
    village, gender and age band (a birth year in the band's middle, so the band reads the same), and holds one
    answer per survey. Times go: the answer is dated at the survey's opening."""
    rows = list(
        await session.execute(
            select(SurveyAnswer, Survey)
            .join(Survey, Survey.id == SurveyAnswer.survey_id)
            .where(SurveyAnswer.person_id == person.id)
        )
    )
    await session.execute(
        SurveyAnswer.__table__.update().where(SurveyAnswer.entered_by_id == person.id).values(entered_by_id=None)
    )
    for row, survey in rows:
        year = survey.opened_at.year
        birth = _middle_of_band(person.birth_year, year)
        stand_in = await session.scalar(
            select(Person.id)
            .where(
                Person.anonymous.is_(True),
                Person.center_id == survey.center_id,
                Person.village_id.is_(None) if person.village_id is None else Person.village_id == person.village_id,
                Person.gender.is_(None) if person.gender is None else Person.gender == person.gender,
                Person.birth_year.is_(None) if birth is None else Person.birth_year == birth,
                Person.id.not_in(select(SurveyAnswer.person_id).where(SurveyAnswer.survey_id == survey.id)),
            )
            .order_by(func.random())
            .limit(1)
        )
        if stand_in is None:
            new = Person(
                center_id=survey.center_id,
                village_id=person.village_id,
                gender=person.gender,
                birth_year=birth,
                anonymous=True,
                created_at=survey.opened_at,
                forgotten_at=survey.opened_at,
                roles=[],
            )
            session.add(new)
            await session.flush()
            stand_in = new.id
        row.person_id, row.entered_by_id, row.at = stand_in, None, survey.opened_at
    await session.flush()


def _middle_of_band(birth_year: int | None, year: int) -> int | None:
    if birth_year is None:
        return None
    age = year - birth_year
    low, high, _ = next(b for b in BANDS if b[1] is None or age <= b[1])
    return year - (low + (high if high is not None else low + 10)) // 2
