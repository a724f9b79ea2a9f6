"""Every endpoint of the app and the access policy it declares, found by walking the routes.

Built from ``app.routes`` at test time, so endpoints added later are covered without editing a
table: a route guarded by ``require_roles(...)`` declares its roles (``required_roles`` on the
dependency), a route taking ``CurrentUser`` admits every signed-in role, and a route with
neither is public — which is allowed only under the prefixes in :data:`PUBLIC_PREFIXES`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, routing

from backend.auth.deps import current_user
from tests.backend.district import ROLES

# Deliberately reachable without a bearer token: pages and app shells (their data comes from
# bearer-protected /api routes), the health check, signing in, the public standards APIs
# (Open311 with its own api_key rules, OGC API Features) and the upper platform's inbound
# endpoint (its own platform key). A new public route elsewhere fails the matrix test.
PUBLIC_PREFIXES = ("/health", "/docs", "/openapi.json", "/field", "/map", "/stats", "/desk", "/open311/", "/ogc",
                   "/api/auth/login", "/api/exchange/inbound/")
PUBLIC_EXACT = ("/",)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    bearer: bool  # needs a signed-in user
    roles: frozenset[str]  # roles the route admits (all staff roles for a plain CurrentUser)
    in_schema: bool

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def declared_public(self) -> bool:
        return self.path in PUBLIC_EXACT or self.path.startswith(PUBLIC_PREFIXES)


def _calls(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def endpoints(app: FastAPI) -> list[Endpoint]:
    found = []
    for rc in routing.iter_route_contexts(app.routes):
        dependant = getattr(rc, "dependant", None)
        methods = rc.methods or set()
        if dependant is None or not rc.path:
            continue
        calls = list(_calls(dependant))
        bearer = any(call is current_user for call in calls)
        roles = frozenset(ROLES)
        for call in calls:
            declared = getattr(call, "required_roles", None)
            if declared is not None:
                roles &= frozenset(declared)
        for method in sorted(methods - {"HEAD"}):
            found.append(Endpoint(method, rc.path, bearer, roles if bearer else frozenset(),
                                  bool(getattr(rc, "include_in_schema", False))))
    return found


def _param_value(param: dict) -> str:
    schema = param.get("schema", {})
    options = schema.get("anyOf", [schema])
    for option in options:
        if "enum" in option:
            return str(option["enum"][0])
        if "const" in option:
            return str(option["const"])
    name = param["name"]
    if name in ("fmt", "format"):
        return "json"
    return "999999"  # an id or code that exists nowhere: allowed roles get 404/422, never a change


def fill_path(path: str, operation: dict | None) -> str:
    """``/api/cases/{case_id}`` → ``/api/cases/999999`` (enums get their first value)."""
    params = {p["name"]: p for p in (operation or {}).get("parameters", []) if p.get("in") == "path"}
    out = path
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        name = out[start + 1:end].split(":")[0]
        value = _param_value(params.get(name, {"name": name}))
        out = out[:start] + value + out[end + 1:]
    return out


def required_query(operation: dict | None) -> dict[str, str]:
    return {p["name"]: _param_value(p) for p in (operation or {}).get("parameters", [])
            if p.get("in") == "query" and p.get("required")}


def operation_of(openapi: dict, endpoint: Endpoint) -> dict | None:
    path = re.sub(r"\{(\w+):\w+\}", r"{\1}", endpoint.path)  # "{edition:path}" is "{edition}" there
    return openapi.get("paths", {}).get(path, {}).get(endpoint.method.lower())


def body_kwargs(operation: dict | None) -> dict:
    """An empty but well-formed body, so a role check is reached before body validation."""
    content = ((operation or {}).get("requestBody") or {}).get("content", {})
    if "application/json" in content:
        return {"json": {}}
    if "multipart/form-data" in content:
        return {"files": {"unused": ("x.txt", b"x", "text/plain")}}
    return {}
