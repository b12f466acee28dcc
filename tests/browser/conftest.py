"""Browser tests: say where their screenshots went, in the test run's own output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.test_sandbox_in_a_browser import SHOTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    shots = sorted(Path(SHOTS).glob("*.png"))
    if shots:
        terminalreporter.write_sep("-", "sandbox screenshots")
        for shot in shots:
            terminalreporter.write_line(str(shot))
