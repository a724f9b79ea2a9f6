"""Hardening of the web app: security headers, body limits, login rate limiting, database and
disk failures as clean 503/507 answers, personal data kept out of logs.

:func:`install_security` is the one call ``create_app`` makes; everything is per app instance
(tests build many apps) except the log redaction, which is process-wide by nature.
"""

from __future__ import annotations

from fastapi import FastAPI

from backend.config import Settings
from backend.security.body_limit import BodyLimitMiddleware
from backend.security.db_errors import install_database_error_handlers
from backend.security.headers import SecurityHeadersMiddleware, security_headers
from backend.security.log_redaction import install_log_redaction
from backend.security.login_limit import LoginRateLimiter, LoginRateLimitMiddleware
from backend.security.settings import SecuritySettings

# Matches backend.cases.views.MAX_PHOTOS_PER_REQUEST and its 1 MB allowance for the form fields.
PHOTOS_PER_REQUEST = 9


def install_security(app: FastAPI, settings: Settings, security: SecuritySettings | None = None) -> None:
    security = security or SecuritySettings()
    upload_limit = security.max_upload_body_bytes or settings.max_photo_bytes * PHOTOS_PER_REQUEST + 1_000_000
    limiter = LoginRateLimiter(max_failures=security.login_max_failures,
                               max_failures_per_ip=security.login_max_failures_per_ip,
                               window_seconds=security.login_window_seconds)
    app.state.security = security
    app.state.login_limiter = limiter
    # add_middleware wraps: the last added runs first. Order on the way in: headers (so even a
    # 413 or 429 carries them) → body limit → login limit (reads the already-limited body).
    app.add_middleware(LoginRateLimitMiddleware, limiter=limiter)
    app.add_middleware(BodyLimitMiddleware, json_limit=security.max_json_body_bytes, upload_limit=upload_limit)
    app.add_middleware(SecurityHeadersMiddleware,
                       headers=security_headers(tile_url=settings.tile_url, hsts_seconds=security.hsts_seconds))
    install_database_error_handlers(app, retry_after=security.db_retry_after_seconds)
    install_log_redaction()


__all__ = ["LoginRateLimiter", "SecuritySettings", "install_security"]
