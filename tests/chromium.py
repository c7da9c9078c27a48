"""Real headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

One place for the launch flags and the offline guard, shared by the UI, explorer and resource-page
tests. Never `playwright install` (it downloads a browser, which cannot work here): `make test`
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


@dataclass
class WatchedPage:
    """A page plus what went wrong in it: console errors, uncaught page errors, off-server requests."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


@contextmanager
def offline_page(base_url: str, profile: Path, viewport: dict | None = None,
                 local_schemes: tuple[str, ...] = ()) -> Iterator[WatchedPage]:
    """A page in a fresh Chromium profile where every request not to `base_url` (or to one of
    `local_schemes`, e.g. "file:") is aborted and recorded: the page must work with no network."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (`make apt-packages`, run by `make test`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        options: dict[str, Any] = {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}
        if viewport:
            options["viewport"] = viewport
        context = playwright.chromium.launch_persistent_context(str(profile), **options)
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
