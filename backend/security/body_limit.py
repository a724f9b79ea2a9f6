"""Refuse oversized request bodies before they cost memory, disk or CPU.

Two limits: multipart uploads (reports with photos) and everything else (JSON, forms). A declared
``Content-Length`` over the limit is refused at once without reading a byte; a chunked body is
counted as it streams and refused when it crosses the limit, whatever the route does with the
read error (FastAPI would turn it into a 400 "error parsing the body"), so the client always
gets the same bilingual 413.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.errors import error_body


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a streamed body crosses the limit."""


def too_large_response(limit: int) -> tuple[list[tuple[bytes, bytes]], bytes]:
    mb = limit / (1024 * 1024)
    body = json.dumps(error_body(
        "payload_too_large",
        f"The request body is larger than {mb:.1f} MB, the most this endpoint accepts.",
        f"请求内容超过 {mb:.1f} MB 的上限。",
        {"limit_bytes": limit},
    ), ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close")]
    return headers, body


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, json_limit: int, upload_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit

    def limit_for(self, scope: Scope) -> int:
        content_type = b""
        for name, value in scope.get("headers", []):
            if name == b"content-type":
                content_type = value.lower()
                break
        return self.upload_limit if content_type.startswith(b"multipart/form-data") else self.json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_413(send, limit)
            return
        received = 0
        exceeded = False
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if exceeded:
                return  # the app's answer to a body we cut off is replaced by our 413
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            # Whatever the app turned our BodyTooLarge into, the answer is the 413 below.
            if not exceeded:
                raise
        if exceeded and not response_started:
            await _send_413(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_413(send: Send, limit: int) -> None:
    headers, body = too_large_response(limit)
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
