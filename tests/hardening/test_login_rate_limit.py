"""Five failed sign-ins a minute per username and address, then 429 with Retry-After."""

from __future__ import annotations

import pytest

from backend.security.login_limit import LoginRateLimiter
from tests.backend.district import PASSWORD

pytestmark = pytest.mark.db


def _login(client, username, password):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_five_failures_then_429_even_with_the_right_password(client, district):
    for _ in range(5):
        assert _login(client, "dispatcher", "wrong-password").status_code == 401
    blocked = _login(client, "dispatcher", PASSWORD)
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 60
    assert blocked.json()["error"]["code"] == "too_many_login_attempts"
    assert blocked.json()["error"]["message_zh"]
    # Another account from the same address is not locked out by someone guessing this one.
    assert _login(client, "analyst", PASSWORD).status_code == 200
    # Usernames differing only in case are one key.
    assert _login(client, "DISPATCHER", "wrong-password").status_code == 429


def test_success_clears_the_failures(client, district):
    for _ in range(4):
        assert _login(client, "operator", "nope-nope").status_code == 401
    assert _login(client, "operator", PASSWORD).status_code == 200
    for _ in range(4):
        assert _login(client, "operator", "nope-nope").status_code == 401
    assert _login(client, "operator", PASSWORD).status_code == 200


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_window_slides_and_addresses_are_separate():
    clock = Clock()
    limiter = LoginRateLimiter(max_failures=5, max_failures_per_ip=8, window_seconds=60, clock=clock)
    for _ in range(5):
        clock.now += 1
        limiter.failed("alice", "10.0.0.1")
    assert 55 < limiter.retry_after("alice", "10.0.0.1") <= 60
    assert limiter.retry_after("alice", "10.0.0.2") == 0  # same user, another address
    clock.now += 56.5  # the first failure leaves the window
    assert limiter.retry_after("alice", "10.0.0.1") == 0
    # Spraying many usernames from one address hits the per-address limit.
    for name in ("a", "b", "c", "d"):
        limiter.failed(name, "10.0.0.9")
        limiter.failed(name, "10.0.0.9")
    assert limiter.retry_after("zed", "10.0.0.9") > 0
