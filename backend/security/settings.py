"""Hardening settings, read from the same GRIDWATCH_ environment as :class:`backend.config.Settings`.

Kept apart from the core settings so this area can grow without touching the shared file; every
field is documented where it is used.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SecuritySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRIDWATCH_", extra="ignore")

    # Strict-Transport-Security is only right behind TLS; 0 (the default) sends no HSTS header.
    hsts_seconds: int = Field(default=0, ge=0)
    # Bodies that are not multipart uploads (JSON, forms): nothing legitimate comes near this.
    max_json_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # Multipart uploads (reports with photos); None = the app's per-photo limit × 9 photos + 1 MB.
    max_upload_body_bytes: int | None = Field(default=None, gt=0)
    # Failed logins allowed per (username, client address) inside the window before 429.
    login_max_failures: int = Field(default=5, gt=0)
    # Failed logins allowed per client address over all usernames (password spraying).
    login_max_failures_per_ip: int = Field(default=50, gt=0)
    login_window_seconds: float = Field(default=60.0, gt=0)
    # The hint sent with 503 when the database cannot be reached.
    db_retry_after_seconds: int = Field(default=5, gt=0)
