"""Login rate limiting: too many failed sign-ins for one username from one address → 429.

In memory, per process: right for one server process (the default deployment). With
``--workers N`` each worker counts on its own, so the effective limit is N times higher; a shared
store (the database or Redis) would be the next step for a multi-process or multi-host setup.

A blocked key is refused *before* the password is checked, so a blocked guesser also stops
costing argon2 time; a successful sign-in clears the failures of its key. A second, looser
limit per client address over all usernames stops password spraying.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.errors import error_body

LOGIN_PATH = "/api/auth/login"


class SlidingWindowCounter:
    """Failure timestamps per key inside a sliding window (thread-safe)."""

    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window_seconds, clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float] | None:
        events = self._events.get(key)
        if events is None:
            return None
        while events and events[0] <= now - self.window:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again; 0 when it is not blocked."""
        with self._lock:
            now = self.clock()
            events = self._trim(key, now)
            if events is None or len(events) < self.limit:
                return 0.0
            return max(events[-self.limit] + self.window - now, 0.001)

    def record(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._trim(key, now)
            self._events.setdefault(key, deque()).append(now)
            if len(self._events) > 100_000:  # a flood of distinct keys must not grow memory forever
                for stale in [k for k in self._events if k != key][:50_000]:
                    del self._events[stale]

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


class LoginRateLimiter:
    def __init__(self, *, max_failures: int, max_failures_per_ip: int, window_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_user = SlidingWindowCounter(max_failures, window_seconds, clock)
        self.per_ip = SlidingWindowCounter(max_failures_per_ip, window_seconds, clock)

    @staticmethod
    def user_key(username: str, ip: str) -> str:
        return f"{username.strip().casefold()}\x00{ip}"

    def retry_after(self, username: str, ip: str) -> float:
        return max(self.per_user.retry_after(self.user_key(username, ip)), self.per_ip.retry_after(ip))

    def failed(self, username: str, ip: str) -> None:
        self.per_user.record(self.user_key(username, ip))
        self.per_ip.record(ip)

    def succeeded(self, username: str, ip: str) -> None:
        self.per_user.clear(self.user_key(username, ip))


class LoginRateLimitMiddleware:
    """Watches ``POST /api/auth/login``: counts 401 answers, answers 429 while a key is blocked."""

    def __init__(self, app: ASGIApp, *, limiter: LoginRateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") != LOGIN_PATH:
            await self.app(scope, receive, send)
            return
        body, more = await _read_body(receive)
        username = _username(body)
        ip = scope["client"][0] if scope.get("client") else "unknown"
        wait = self.limiter.retry_after(username, ip)
        if wait > 0:
            await _send_429(send, math.ceil(wait))
            return
        status = 0

        async def replay() -> Message:
            nonlocal more
            if more is None:
                return await receive()
            message, more = more, None
            return message

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, replay, watch)
        if status == 401:
            self.limiter.failed(username, ip)
        elif 200 <= status < 300:
            self.limiter.succeeded(username, ip)


async def _read_body(receive: Receive) -> tuple[bytes, Message]:
    """The whole (small: the body limit runs first) login body, and the message to replay it."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            body = b"".join(chunks)
            return body, {"type": "http.request", "body": body, "more_body": False}


def _username(body: bytes) -> str:
    try:
        value = json.loads(body).get("username", "")
    except (ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


async def _send_429(send: Send, retry_after: int) -> None:
    body = json.dumps(error_body(
        "too_many_login_attempts",
        f"Too many failed sign-ins. Wait {retry_after} s and try again.",
        f"登录失败次数过多，请 {retry_after} 秒后再试。",
        {"retry_after_seconds": retry_after},
    ), ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode())]})
    await send({"type": "http.response.body", "body": body})
