"""Fakes of the messengers' Bot APIs, served over HTTP: the tests drive the real bot against them, and the sandbox
runs on them. A fake answers what the real service answers and refuses what it refuses; it is not a channel."""
