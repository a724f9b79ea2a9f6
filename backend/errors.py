"""Domain errors raised below the views, translated to HTTP once, in one table.

Every error body is JSON: {"error": {"code", "message", "message_zh", "details"}}.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class DomainError(Exception):
    """Base of every error a user can act on."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, message_zh: str = "", details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or message
        self.details = details


class NotFound(DomainError):
    status_code, code = 404, "not_found"


class Unauthorized(DomainError):
    status_code, code = 401, "unauthorized"


class Forbidden(DomainError):
    status_code, code = 403, "forbidden"


class Conflict(DomainError):
    status_code, code = 409, "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class Unprocessable(DomainError):
    status_code, code = 422, "unprocessable"


class OutsideJurisdiction(Unprocessable):
    code = "outside_jurisdiction"


class PayloadTooLarge(DomainError):
    status_code, code = 413, "payload_too_large"


class ServiceUnavailable(DomainError):
    status_code, code = 503, "service_unavailable"


def error_body(code: str, message: str, message_zh: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "message_zh": message_zh, "details": details}}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        headers = {503: {"Retry-After": "5"}, 401: {"WWW-Authenticate": "Bearer"}}.get(exc.status_code)
        return JSONResponse(
            error_body(exc.code, exc.message, exc.message_zh, exc.details),
            status_code=exc.status_code,
            headers=headers,
        )

    from backend.photos.processing import PhotoError

    @app.exception_handler(PhotoError)
    async def _photo(_: Request, exc: PhotoError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message_en, exc.message_zh, exc.details),
                            status_code=exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in err.get("loc", ())), "problem": err.get("msg", "")}
            for err in exc.errors()
        ]
        summary = "; ".join(f"{p['field']}: {p['problem']}" for p in problems[:5])
        return JSONResponse(
            error_body("invalid_request", f"The request is not valid: {summary}", f"请求内容有误：{summary}", problems),
            status_code=422,
        )
