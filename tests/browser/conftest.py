"""Browser tests: say where their screenshots went, in the test run's own output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_sandbox_in_a_browser import SHOTS
from tests.browser.test_stats_on_a_phone import SHOTS as STATS_SHOTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for title, folder in (("sandbox screenshots", SHOTS), ("/stats on a phone screenshots", STATS_SHOTS)):
        shots = sorted(Path(folder).glob("*.png"))
        if shots:
            terminalreporter.write_sep("-", title)
            for shot in shots:
                terminalreporter.write_line(str(shot))
