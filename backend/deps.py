"""Typed FastAPI dependencies: the settings and a database session per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.db import session_scope


async def get_app_settings(request: Request) -> Settings:
    # async: no I/O, and a sync dependency would cost a worker-thread hop per request.
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; committed at the end unless the request failed."""
    with session_scope(request.app.state.sessionmaker) as session:
        yield session


AppSettings = Annotated[Settings, Depends(get_app_settings)]
DbSession = Annotated[Session, Depends(get_db)]
