"""Debian's headless Chromium for the browser tests, launched the same way by each of them.

Playwright drives the system package ``chromium`` (``apt-get install chromium``); the browser
Playwright would download is not used. A test module marks itself with ``NEEDS_CHROMIUM`` and
opens the browser with ``launch()``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No updates, sync or background requests: the tests must not depend on the network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@contextlib.contextmanager
def launch(extra_args: list[str] = ()):
    """Yield a headless Chromium (a Playwright ``Browser``); close it afterwards."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*ARGS, *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()
