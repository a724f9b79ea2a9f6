"""Headless Chromium as an inspector's phone: mobile viewport and user agent, geolocation, offline
emulation, and a log of everything that could go wrong (failed requests, HTTP errors, console
errors, page errors, requests leaving 127.0.0.1) — including the service worker's own requests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.backend.district import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    # Belt and braces: any host but loopback fails to resolve, so a stray request cannot succeed.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# WebKit cannot be installed here (no browser downloads): Chromium with a phone's viewport and UA.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
    "user_agent": ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/126.0.0.0 Mobile Safari/537.36"),
}


@dataclass
class BrowserLog:
    """What happened in one browser context. ``offline`` marks the phase in which requests are
    expected to fail (the connection is deliberately cut); failures then are kept apart."""

    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    failed_while_offline: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    # URL → how many deliberate failures of it a test causes (e.g. a response it throws away).
    expected_failures: dict[str, int] = field(default_factory=dict)
    # Console text → how many times a deliberate failure makes the browser log it.
    expected_console_errors: dict[str, int] = field(default_factory=dict)
    offline: bool = False

    def on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        for text, left in self.expected_console_errors.items():
            if left > 0 and text in message.text:
                self.expected_console_errors[text] -= 1
                return
        self.console_errors.append(message.text)

    def on_failed(self, request: Any) -> None:
        line = f"{request.method} {request.url} {request.failure}"
        if self.expected_failures.get(request.url, 0) > 0:
            self.expected_failures[request.url] -= 1
            return
        (self.failed_while_offline if self.offline else self.failed).append(line)

    def foreign_hosts(self) -> set[str]:
        hosts = {urlsplit(u).hostname or "" for u in self.requests if urlsplit(u).scheme in ("http", "https")}
        return hosts - {"127.0.0.1"}

    def assert_clean(self, *, offline_too: bool = False) -> None:
        """No request left 127.0.0.1, none failed (``offline_too``: not even while offline), no
        HTTP error, no console or page error."""
        assert self.foreign_hosts() == set(), f"requests left 127.0.0.1: {self.foreign_hosts()}"
        assert self.failed == [], f"failed requests: {self.failed}"
        if offline_too:
            assert self.failed_while_offline == [], f"failed while offline: {self.failed_while_offline}"
        assert self.bad_status == [], f"HTTP errors: {self.bad_status}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"page errors: {self.page_errors}"


# Generous: on a loaded two-core CI machine a sign-in with argon2 can take seconds.
DEFAULT_TIMEOUT_MS = 60_000


def _watch(context: Any, log: BrowserLog) -> None:
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.on("request", lambda r: log.requests.append(r.url))
    context.on("requestfailed", log.on_failed)
    context.on("response", lambda r: r.status >= 400 and log.bad_status.append(f"{r.status} {r.url}"))

    def watch(page: Any) -> None:
        page.on("console", log.on_console)
        page.on("pageerror", lambda e: log.page_errors.append(str(e)))

    context.on("page", watch)
    for page in context.pages:
        watch(page)


@contextmanager
def phone(browser: Any, *, lon: float, lat: float, accuracy: float = 6.0, **extra: Any) -> Iterator[tuple[Any, BrowserLog]]:
    """A new phone-like context with GPS at (lon, lat) and logging attached."""
    log = BrowserLog()
    context = browser.new_context(**PHONE, geolocation={"longitude": lon, "latitude": lat, "accuracy": accuracy},
                                  permissions=["geolocation"], **extra)
    _watch(context, log)
    try:
        yield context, log
    finally:
        context.close()


@contextmanager
def persistent_phone(browser: Any, profile: Path, *, lon: float, lat: float, log: BrowserLog | None = None,
                     **extra: Any) -> Iterator[tuple[Any, BrowserLog]]:
    """A phone whose browser profile lives in ``profile``: closing it closes the whole browser, and
    the next one opened on the same profile finds what the last one stored (IndexedDB, caches)."""
    log = log or BrowserLog()
    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, **PHONE,
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 6.0}, permissions=["geolocation"], **extra)
    _watch(context, log)
    try:
        yield context, log
    finally:
        context.close()


def open_app(context: Any, base_url: str) -> Any:
    page = context.new_page()
    page.goto(f"{base_url}/field/")
    page.wait_for_selector("body[data-ready='1']")
    return page


def sign_in(page: Any, username: str = "inspector") -> None:
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#screen-map:not([hidden]) .leaflet-container")


def wait_offline_ready(page: Any) -> None:
    """The service worker controls the page, i.e. the shell is cached for offline use."""
    wait_js(page, "navigator.serviceWorker.controller !== null", timeout=20)


def wait_js(page: Any, expression: str, *, timeout: float = 30) -> None:
    """Poll a JavaScript expression until it is true. (page.wait_for_function evaluates its
    predicate with eval, which the app's Content-Security-Policy rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)


def wait_count(page: Any, selector: str, count: int, *, timeout: float = 30) -> None:
    wait_js(page, f"document.querySelectorAll({selector!r}).length === {count}", timeout=timeout)


def shot(page: Any, artifacts: Path, name: str, *, full_page: bool = False) -> None:
    # A sticky header would be painted mid-page in a full-page capture: unstick it meanwhile.
    if full_page:
        page.evaluate("document.querySelector('.bar').style.position = 'static'")
    page.screenshot(path=str(artifacts / f"field_{name}.png"), full_page=full_page)
    if full_page:
        page.evaluate("document.querySelector('.bar').style.position = ''")


def queued_photo_sizes(page: Any, uuid: str) -> list[list[int]]:
    """[width, height, bytes] of each photo of a queued outbox item, read back from IndexedDB."""
    return page.evaluate("""async (uuid) => {
        const db = await new Promise((resolve) => {
            const open = indexedDB.open("gridwatch-field");
            open.onsuccess = () => resolve(open.result);
        });
        const item = await new Promise((resolve) => {
            const get = db.transaction("photos").objectStore("photos").get(uuid);
            get.onsuccess = () => resolve(get.result);
        });
        db.close();
        return Promise.all(item.photos.map(async (p) => {
            const bitmap = await createImageBitmap(new Blob([p.data]));
            return [bitmap.width, bitmap.height, p.data.byteLength];
        }));
    }""", uuid)
