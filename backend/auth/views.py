"""``/api/auth``: sign in, sign out, who am I."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from backend.auth import service
from backend.auth.deps import BearerAuthRoute, BearerToken, CurrentUser
from backend.deps import AppSettings, DbSession
from backend.models import User

router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=BearerAuthRoute)


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=service.MAX_PASSWORD_LENGTH)


class UserPublic(BaseModel):
    """What a signed-in user may know about an account (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None
    grid_codes: list[str]


class LoginResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserPublic


def user_public(db: Session, user: User) -> UserPublic:
    return UserPublic(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        department_id=user.department_id,
        grid_codes=service.grid_codes_of(db_session=db, user_id=user.id),
    )


@router.post("/login", response_model=LoginResponse)
def login(body: LoginRequest, db: DbSession, settings: AppSettings) -> LoginResponse:
    """Exchange a username and password for a bearer token (valid ``token_ttl_minutes``)."""
    user = service.authenticate(db_session=db, username=body.username, password=body.password)
    token = service.issue_token(db_session=db, user=user, ttl_minutes=settings.token_ttl_minutes)
    expires_at = service.token_expires_at(db_session=db, token=token)
    assert expires_at is not None
    return LoginResponse(access_token=token, expires_at=expires_at, user=user_public(db, user))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(user: CurrentUser, token: BearerToken, db: DbSession) -> None:
    """Revoke the token this request was made with."""
    service.revoke_token(db_session=db, token=token)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser, db: DbSession) -> UserPublic:
    return user_public(db, user)
