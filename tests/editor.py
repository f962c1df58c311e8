"""What the tests of the editor at /admin/ share: signing in to the local backend in
Chromium, publishing, and waiting for a change to reach a file or the site."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def eventually(check: Callable[[], object], seconds: float = 20) -> None:
    """Wait for `check` to hold: a save to reach its file, or live reload to take a change
    in (it looks every second or so)."""
    end = time.monotonic() + seconds
    while not check():
        if time.monotonic() > end:
            raise AssertionError("the change did not come")
        time.sleep(0.2)


@contextmanager
def signed_in(browser, base: str) -> Iterator:
    """A page of the editor at `base`/admin/, signed in to the local backend, in a fresh
    browser context closed on the way out."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "are you sure?" before deleting
    page.goto(base + "admin/")
    page.get_by_role("button", name="Login").click()
    page.wait_for_url("**/#/collections/credentials", timeout=30_000)
    try:
        yield page
    finally:
        context.close()


def publish(page) -> None:
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now").click()
