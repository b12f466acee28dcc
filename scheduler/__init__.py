"""Timed announcements, reminders and the delivery outbox (see the activities issue)."""
