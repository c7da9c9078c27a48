"""Real headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

One place for the launch flags and the offline guard, shared by the UI, explorer, site and
resource-page tests. Each test process launches Chromium once (the first page asks for it) and
gives every page a fresh browser context of its own: an empty profile (no cookies, storage or
cache of another test), as a new user-data dir gave, without paying Playwright's driver and a
browser start-up per test (about 1.2 s each on the 2-core machine). The browser is closed when
the test process ends (this module is a plugin of tests/conftest.py), and launched again if it
went away. Never `playwright install` (it downloads a browser, which cannot work here): `make test`
installs Debian's chromium (Makefile target `apt-packages`, list APT_TEST)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Without the background-networking flags Chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
#: This process's Playwright and Chromium: {"playwright": ..., "manager": ..., "browser": ...} once started.
_RUNNING: dict[str, Any] = {}


@dataclass
class WatchedPage:
    """A page plus what went wrong in it: console errors, uncaught page errors, off-server requests."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


def browser() -> Any:
    """This process's one headless Chromium, launched on first use (again if it has gone)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (`make apt-packages`, run by `make test`)")
    running = _RUNNING.get("browser")
    if running is not None and running.is_connected():
        return running
    if "playwright" not in _RUNNING:
        from playwright.sync_api import sync_playwright

        manager = sync_playwright()
        _RUNNING["manager"], _RUNNING["playwright"] = manager, manager.start()
    _RUNNING["browser"] = _RUNNING["playwright"].chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    return _RUNNING["browser"]


def close_browser() -> None:
    """Close this process's Chromium and Playwright driver, if they were started."""
    running = _RUNNING.pop("browser", None)
    try:
        if running is not None and running.is_connected():
            running.close()
    finally:
        manager = _RUNNING.pop("manager", None)
        _RUNNING.pop("playwright", None)
        if manager is not None:
            manager.__exit__(None, None, None)


def pytest_unconfigure(config: pytest.Config) -> None:  # plugin hook: the test process is ending
    close_browser()


@contextmanager
def offline_page(base_url: str, viewport: dict | None = None,
                 local_schemes: tuple[str, ...] = ()) -> Iterator[WatchedPage]:
    """A page in a fresh browser context (an empty profile) where every request not to `base_url`
    (or to one of `local_schemes`, e.g. "file:") is aborted and recorded: the page must work with
    no network."""
    options: dict[str, Any] = {"viewport": viewport} if viewport else {}
    context = browser().new_context(**options)
    try:
        watched = WatchedPage(context.new_page())

        def only_our_server(route) -> None:
            url = route.request.url
            if url.startswith(base_url + "/") or (local_schemes and url.startswith(local_schemes)):
                route.continue_()
            else:
                watched.external.append(url)
                route.abort()

        context.route("**/*", only_our_server)
        watched.page.on("console", lambda m: watched.console_errors.append(m.text) if m.type == "error" else None)
        watched.page.on("pageerror", lambda exc: watched.page_errors.append(str(exc)))
        yield watched
    finally:
        context.close()
