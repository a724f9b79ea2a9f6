"""Schemathesis over the app's own OpenAPI document: every operation, generated requests
(valid and invalid by the schema), signed in as every role and as nobody; any 5xx is a finding.

In process, through schemathesis' ASGI transport: no server to start, and a 500 comes back as a
response (with the traceback in the server log) instead of ending the run. Used by the in-suite
test (a few hundred cases) and by ``make fuzz`` (bench/bench_fuzz.py, 1,000+ cases per backend).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

# Signing out revokes the token the run uses; it has its own tests (tests/hardening/test_tokens.py).
SKIPPED = {"POST /api/auth/logout"}


@dataclass
class FuzzResult:
    cases: int = 0
    operations: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    not_generated: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    call_s: float = 0.0  # of which waiting for the app


def fuzz_app(app: FastAPI, openapi: dict, headers_for: Callable[[str, GenerationMode, int], dict[str, str]], *,
             examples: int,
             heal: Callable[[], None] = lambda: None, slow_s: float = 2.0,
             modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)) -> FuzzResult:
    """Run ``examples`` generated requests per operation and mode; ``headers_for(label, mode, n)``
    says whom the n-th case of the run signs in as.

    ``heal`` runs after each operation (re-activate accounts, un-revoke tokens a generated admin
    request may have changed). An operation slower than ``slow_s`` gets no further examples.
    """
    schema = schemathesis.openapi.from_dict(openapi)
    result = FuzzResult()
    started = time.monotonic()
    for found in schema.get_all_operations():
        operation = found.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if label in SKIPPED:
            continue
        result.operations += 1
        for mode in modes:
            _fuzz_operation(app, operation, label, mode, headers_for, examples, slow_s, result)
        if operation.method.upper() != "GET":
            heal()
    result.elapsed_s = time.monotonic() - started
    return result


def _fuzz_operation(app, operation, label, mode, headers_for, examples, slow_s, result) -> None:
    state = {"slow": False}

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        if state["slow"]:
            return
        headers = headers_for(label, mode, result.cases)
        t = time.perf_counter()
        result.cases += 1
        try:
            status = case.call(app=app, headers=headers).status_code
        except Exception as exc:  # the ASGI transport re-raises what the app did not handle: a 500
            status = 500
            result.server_errors.append(f"{label} [{mode}] raised {exc!r}"[:300])
        state["slow"] = time.perf_counter() - t > slow_s
        result.call_s += time.perf_counter() - t
        result.by_status[status] = result.by_status.get(status, 0) + 1
        if status >= 500:
            result.server_errors.append(f"{label} [{mode}] → {status}: "
                                        f"{case.as_curl_command(headers=headers)[:400]}")

    try:
        run()
    except Unsatisfiable:
        result.not_generated.append(f"{label} [{mode}]")
