"""Schemathesis against the OpenAPI document: every operation, at least 200 generated cases per
backend (up to three valid requests per operation, each signed in as a role the route admits) — no 5xx.
(The 1,000-case run is `make fuzz`.)"""

from __future__ import annotations

import re

import pytest
from schemathesis.generation import GenerationMode
from schemathesis.python.asgi import shutdown_lifespans
from sqlalchemy import text

from tests.backend.district import ROLES
from tests.hardening.routes import endpoints

pytestmark = [pytest.mark.db, pytest.mark.slow]


def heal_accounts(engine) -> None:
    """Undo what generated admin requests may do to the accounts the run signs in with."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET active = :t"), {"t": True})
        conn.execute(text("UPDATE api_token SET revoked_at = NULL"))


def test_no_generated_request_gets_a_5xx(client, district, engine):
    from tests.hardening.fuzz import fuzz_app

    openapi = client.get("/openapi.json").json()
    admitted = {re.sub(r"\{(\w+):\w+\}", r"{\1}", e.label): sorted(e.roles) for e in endpoints(client.app)}
    everyone = [*ROLES, None]

    def headers_for(label: str, mode: GenerationMode, n: int) -> dict[str, str]:
        # Valid requests go as a role the route admits (to reach the handler); invalid ones as
        # anyone, including nobody.
        roles = admitted.get(label) or everyone if mode == GenerationMode.POSITIVE else everyone
        role = roles[n % len(roles)]
        return district.headers(role) if role else {}

    try:
        # Valid requests only here (invalid ones are mostly refused by the generator's own filters,
        # which costs time per case); `make fuzz` adds the invalid half and 1,000+ cases.
        result = fuzz_app(client.app, openapi, headers_for, examples=3, heal=lambda: heal_accounts(engine),
                          modes=(GenerationMode.POSITIVE,))
    finally:
        shutdown_lifespans()
    print(f"\nschemathesis: {result.cases} cases over {result.operations} operations in {result.elapsed_s:.0f} s "
          f"({result.call_s:.0f} s in the app); "
          f"statuses {dict(sorted(result.by_status.items()))}")
    assert result.operations >= len(openapi["paths"]) - 1
    assert result.cases >= 200, result
    assert result.server_errors == [], "\n".join(result.server_errors[:20])
