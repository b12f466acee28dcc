"""The user journeys, one per module, each messenger-neutral. `build_registry` lists them all."""

from __future__ import annotations

from bot.registry import Registry
from handlers import (
    add_person,
    appoint,
    audit_log,
    blocking,
    budget,
    bulletin,
    campaigns,
    center_settings,
    change_activity,
    checkin,
    connect,
    desk,
    events,
    feedback,
    groups,
    help,
    language,
    month_plan,
    new_activity,
    notices,
    partners,
    plan_upload,
    privacy,
    profile,
    publish_many,
    registration,
    report,
    start,
    stats,
    steps,
    survey,
    targets,
)


def build_registry() -> Registry:
    registry = Registry()
    for module in (
        start,
        profile,
        events,
        registration,
        add_person,
        checkin,
        desk,
        language,
        connect,
        notices,
        help,
        steps,
        new_activity,
        change_activity,
        plan_upload,
        month_plan,
        bulletin,
        appoint,
        center_settings,
        campaigns,
        partners,
        stats,
        report,
        survey,
        budget,
        targets,
        feedback,
        privacy,
        audit_log,
        groups,
    ):
        registry.add(*module.COMMANDS)
    for module in (
        profile,
        new_activity,
        change_activity,
        plan_upload,
        publish_many,
        add_person,
        desk,
        appoint,
        budget,
        feedback,
        survey,
    ):
        registry.add(*module.JOURNEYS)
    for module in (groups, blocking):
        for event, handler in module.EVENTS.items():
            registry.on(event, handler)
    registry.on_document = plan_upload.on_document
    return registry
