"""Which Chromium the browser test drives. CHROMIUM names one; otherwise Debian's (`apt-get install chromium`)
when it is there, else the one Playwright installed before. With none, Playwright fetches its own once, as
`playwright install chromium` does; where that fails too (no network, say), the test fails with the one
command to run. It is never skipped: a browser test that silently did not run would hide a broken page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright
from playwright.sync_api import Error as PlaywrightError

# As this machine's network asks: no background traffic, no sandbox (the tests may run as root).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEBIAN = ("/usr/bin/chromium", "chromium", "chromium-browser")
FETCH = [sys.executable, "-m", "playwright", "install", "chromium"]
FETCH_TIMEOUT = 900  # seconds: a download of about 150 MB on a slow line
MISSING = "No Chromium for the browser test: run `uv run playwright install chromium` (or `apt-get install chromium`)"


def installed() -> str | None:
    """The path of a Chromium that is already on this machine and is not Playwright's own, if any."""
    named = os.environ.get("CHROMIUM")
    if named:
        if not os.access(named, os.X_OK):
            pytest.fail(f"CHROMIUM={named} is not a program that can be run", pytrace=False)
        return named
    for name in DEBIAN:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch(playwright: Playwright) -> Browser:
    path = installed()
    if path is not None:
        return playwright.chromium.launch(executable_path=path, headless=True, args=ARGS)
    if not Path(playwright.chromium.executable_path).exists():
        fetched = subprocess.run(FETCH, capture_output=True, text=True, timeout=FETCH_TIMEOUT, check=False)
        if fetched.returncode != 0:
            pytest.fail(MISSING, pytrace=False)
    try:
        return playwright.chromium.launch(headless=True, args=ARGS)
    except PlaywrightError as error:
        pytest.fail(f"{MISSING}; Playwright's own did not start: {str(error).splitlines()[0]}", pytrace=False)
