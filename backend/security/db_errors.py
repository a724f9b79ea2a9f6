"""The database is down or busy → 503 with a retry hint, not a 500 with a stack trace.

PostgreSQL restarting, refusing connections or killing a session surfaces as a DBAPI
OperationalError (or an error SQLAlchemy flags as a disconnect); SQLite as "database is locked"
or an I/O error. Those are conditions a client should retry, so they get 503 + Retry-After and a
bilingual body. Everything else (a bad query is a bug) still fails loudly as a 500.

Recovery needs no restart: a disconnect makes SQLAlchemy invalidate the pool, and PostGIS engines
ping each connection on checkout (``pool_pre_ping``), so the first request after the database
is back gets a fresh connection.
"""

from __future__ import annotations

import errno
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from backend.errors import error_body

log = logging.getLogger("gridwatch.security")

# SQLite messages that mean "try again later" rather than "the code is wrong".
_SQLITE_TRANSIENT = ("database is locked", "database table is locked", "unable to open database",
                     "disk i/o error", "database is busy")
_SQLITE_FULL = ("database or disk is full",)
NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be reached or is busy right now."""
    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection became free in time
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.InterfaceError):
        return True
    if not isinstance(exc, sa_exc.OperationalError):
        return False
    module = type(exc.orig).__module__ if exc.orig is not None else ""
    if module.startswith("psycopg"):
        # psycopg raises OperationalError for connection failures, admin shutdowns and the like;
        # SQL mistakes are ProgrammingError/DataError and never get here.
        return True
    text = str(exc.orig).lower()
    return any(marker in text for marker in _SQLITE_TRANSIENT)


def is_database_full(exc: BaseException) -> bool:
    return isinstance(exc, sa_exc.OperationalError) and any(m in str(exc.orig).lower() for m in _SQLITE_FULL)


def unavailable_response(retry_after: int) -> JSONResponse:
    return JSONResponse(
        error_body(
            "database_unavailable",
            f"The database is unavailable or busy right now. Nothing was saved; try again in {retry_after} s.",
            f"数据库暂时不可用或繁忙，本次操作未保存，请 {retry_after} 秒后重试。",
            {"retry_after_seconds": retry_after},
        ),
        status_code=503,
        headers={"Retry-After": str(retry_after)},
    )


def storage_full_response() -> JSONResponse:
    return JSONResponse(
        error_body(
            "storage_full",
            "The server has no room to store this right now. Nothing was saved; try again later, and "
            "tell the system administrator if it keeps happening.",
            "服务器存储空间已满，本次内容未保存。请稍后重试；如果一直出现此问题，请联系系统管理员。",
        ),
        status_code=507,
    )


def invalid_value_response() -> JSONResponse:
    return JSONResponse(
        error_body(
            "invalid_value",
            "A value in the request is out of range or contains characters that cannot be stored "
            "(e.g. a number over 64 bits or a NUL character).",
            "请求中有超出范围或无法保存的值（例如超过 64 位的数字或空字符）。",
        ),
        status_code=422,
    )


def install_database_error_handlers(app: FastAPI, *, retry_after: int) -> None:
    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if is_database_full(exc):
            log.error("database full during %s %s", request.method, request.url.path)
            return storage_full_response()
        if not is_unavailable(exc):
            raise exc
        # No message text: it may quote SQL parameters, and those may be personal data.
        log.warning("database unavailable during %s %s: %s", request.method, request.url.path,
                    type(getattr(exc, "orig", None) or exc).__name__)
        return unavailable_response(retry_after)

    async def _disk(request: Request, exc: Exception) -> JSONResponse:
        if not (isinstance(exc, OSError) and exc.errno in NO_SPACE):
            raise exc
        log.error("no space left during %s %s", request.method, request.url.path)
        return storage_full_response()

    async def _invalid_value(request: Request, exc: Exception) -> JSONResponse:
        # A value the database cannot hold or compare: an id beyond 64 bits, a NUL character in
        # text (PostgreSQL), a string longer than its column. The client's input, not our bug.
        log.info("value refused by the database during %s %s: %s", request.method, request.url.path,
                 type(getattr(exc, "orig", None) or exc).__name__)
        return invalid_value_response()

    for error_type in (sa_exc.DBAPIError, sa_exc.TimeoutError):
        app.add_exception_handler(error_type, _database)
    for error_type in (sa_exc.DataError, OverflowError):
        app.add_exception_handler(error_type, _invalid_value)
    app.add_exception_handler(OSError, _disk)
