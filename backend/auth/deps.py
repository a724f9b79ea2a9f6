"""Who is calling: the ``CurrentUser`` dependency and per-route role checks.

Least privilege: :func:`require_roles` allows exactly the roles it names. The admin role is
*not* implicitly allowed everywhere: an administrator configures the system and acts on cases
only where a route names ``"admin"`` too.

A 401 must carry ``WWW-Authenticate: Bearer`` (RFC 6750). The app-wide DomainError handler sets
no headers, so routers that authenticate use :class:`BearerAuthRoute` (``APIRouter(route_class=
BearerAuthRoute)``), which renders every Unauthorized raised by a dependency or an endpoint with
the usual JSON error body plus that header.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from backend.auth import service
from backend.deps import DbSession
from backend.errors import Forbidden, Unauthorized, error_body
from backend.models import User

BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}
_NO_TOKEN = (
    "Sign in first: send the header 'Authorization: Bearer <token>' (from POST /api/auth/login).",
    "请先登录：请求须带 'Authorization: Bearer <令牌>' 头（令牌由 POST /api/auth/login 获取）。",
)


class BearerAuthRoute(APIRoute):
    """An APIRoute whose 401 answers carry ``WWW-Authenticate: Bearer``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_challenge(request: Request) -> Response:
            try:
                return await handler(request)
            except Unauthorized as exc:
                return JSONResponse(
                    error_body(exc.code, exc.message, exc.message_zh, exc.details),
                    status_code=exc.status_code,
                    headers=BEARER_CHALLENGE,
                )

        return with_challenge


async def bearer_token(request: Request) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; Unauthorized without one.

    ``async`` although it awaits nothing: FastAPI runs a sync dependency in a worker thread, a
    hop that costs more than reading a header."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(*_NO_TOKEN)
    return token


BearerToken = Annotated[str, Depends(bearer_token)]


def current_user(db: DbSession, token: BearerToken) -> User:
    """The signed-in, active user (401 otherwise). Shares the request's database session."""
    return service.user_for_token(db_session=db, token=token)


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: str) -> Callable[[User], User]:
    """A dependency allowing only users whose role is one of ``roles`` (403 otherwise).

    Use it on a router or a route (``dependencies=[Depends(require_roles("admin"))]``) or as a
    parameter that returns the user (``user: Annotated[User, Depends(require_roles(...))]``).
    Admin is not implied: name ``"admin"`` where administrators are meant to act.
    """
    if not roles:
        raise ValueError("require_roles needs at least one role")
    unknown = sorted(set(roles) - set(service.STAFF_ROLES))
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; staff roles are {service.STAFF_ROLES}")
    allowed = frozenset(roles)
    names = ", ".join(roles)

    def check_role(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise Forbidden(
                f"Your role ({user.role}) may not do this; allowed: {names}.",
                f"您的角色（{user.role}）无权执行此操作；允许的角色：{'、'.join(roles)}。",
                {"role": user.role, "allowed": list(roles)},
            )
        return user

    check_role.__name__ = f"require_roles_{'_'.join(roles)}"
    check_role.required_roles = allowed  # type: ignore[attr-defined]  # the declared policy, read by tests
    return check_role
