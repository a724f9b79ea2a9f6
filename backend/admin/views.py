"""``/api/admin``: the administrator's configuration API (admin role only).

Every route here requires the admin role (declared once, on the router). Validation that needs
the database lives in :mod:`backend.admin.service`; this module only converts between pydantic
models and rows.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy.orm import Session

from backend.admin import service
from backend.admin.schemas import (
    ActiveEdition,
    CatalogClassRead,
    CatalogClassUpdate,
    CatalogKind,
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    PasswordReset,
    RoutingRuleCreate,
    RoutingRuleRead,
    RoutingRuleUpdate,
    UserCreate,
    UserRead,
    UserUpdate,
    WorkCalendarBody,
)
from backend.auth import service as auth
from backend.auth.deps import BearerAuthRoute, require_roles
from backend.deps import AppSettings, DbSession
from backend.models import CatalogClass, Department, RoutingRule, User

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    route_class=BearerAuthRoute,
    dependencies=[Depends(require_roles("admin"))],
)


def _user(db: Session, user: User) -> UserRead:
    return UserRead(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role,
        department_id=user.department_id, active=user.active, created_at=user.created_at,
        grid_codes=auth.grid_codes_of(db_session=db, user_id=user.id),
    )


def _dept(d: Department) -> DepartmentRead:
    return DepartmentRead(id=d.id, code=d.code, name_zh=d.name_zh, name_en=d.name_en, contact=d.contact,
                          active=d.active)


def _class(c: CatalogClass) -> CatalogClassRead:
    return CatalogClassRead.model_validate(
        {k: getattr(c, k) for k in CatalogClassRead.model_fields}
    )


def _rule(r: RoutingRule) -> RoutingRuleRead:
    return RoutingRuleRead(id=r.id, minor_code=r.minor_code, area_level=r.area_level, area_code=r.area_code,
                           department_id=r.department_id, priority=r.priority, note=r.note)


def _changes(model: Any) -> dict[str, Any]:
    return model.model_dump(exclude_unset=True)


# ---- users ---------------------------------------------------------------------------------


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, db: DbSession) -> UserRead:
    user = auth.create_user(db_session=db, **body.model_dump())
    return _user(db, user)


@router.get("/users", response_model=list[UserRead])
def list_users(
    db: DbSession, role: str | None = None, department_id: int | None = None, active: bool | None = None
) -> list[UserRead]:
    users = service.list_users(db_session=db, role=role, department_id=department_id, active=active)
    return [_user(db, u) for u in users]


@router.get("/users/{user_id}", response_model=UserRead)
def get_user(user_id: int, db: DbSession) -> UserRead:
    return _user(db, service.get_user(db_session=db, user_id=user_id))


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(user_id: int, body: UserUpdate, db: DbSession) -> UserRead:
    """Change role, department, grids, display name or ``active`` (false signs the user out)."""
    return _user(db, service.update_user(db_session=db, user_id=user_id, changes=_changes(body)))


@router.post("/users/{user_id}/password", status_code=status.HTTP_204_NO_CONTENT)
def reset_password(user_id: int, body: PasswordReset, db: DbSession) -> None:
    """Set a new password; the user's existing tokens are revoked."""
    service.reset_password(db_session=db, user_id=user_id, password=body.password)


# ---- departments ---------------------------------------------------------------------------


@router.post("/departments", response_model=DepartmentRead, status_code=status.HTTP_201_CREATED)
def create_department(body: DepartmentCreate, db: DbSession) -> DepartmentRead:
    return _dept(service.create_department(db_session=db, **body.model_dump()))


@router.get("/departments", response_model=list[DepartmentRead])
def list_departments(db: DbSession, include_inactive: bool = False) -> list[DepartmentRead]:
    return [_dept(d) for d in service.list_departments(db_session=db, include_inactive=include_inactive)]


@router.get("/departments/{department_id}", response_model=DepartmentRead)
def get_department(department_id: int, db: DbSession) -> DepartmentRead:
    return _dept(service.get_department(db_session=db, department_id=department_id))


@router.patch("/departments/{department_id}", response_model=DepartmentRead)
def update_department(department_id: int, body: DepartmentUpdate, db: DbSession) -> DepartmentRead:
    """Rename or change contact; ``active: false`` deactivates (refused while still routed to)."""
    return _dept(service.update_department(db_session=db, department_id=department_id, changes=_changes(body)))


# ---- catalog -------------------------------------------------------------------------------


@router.get("/catalog/active-edition", response_model=ActiveEdition)
def get_active_edition(db: DbSession, settings: AppSettings) -> ActiveEdition:
    return ActiveEdition(edition=service.get_active_edition(db_session=db, default=settings.catalog_edition))


@router.put("/catalog/active-edition", response_model=ActiveEdition)
def set_active_edition(body: ActiveEdition, db: DbSession) -> ActiveEdition:
    return ActiveEdition(edition=service.set_active_edition(db_session=db, edition=body.edition))


@router.get("/catalog", response_model=list[CatalogClassRead])
def list_catalog(
    db: DbSession, settings: AppSettings, edition: str | None = None, kind: CatalogKind | None = None,
    include_inactive: bool = True,
) -> list[CatalogClassRead]:
    """Classes of one edition (the active one unless ``edition`` is given) with their settings."""
    edition = edition or service.get_active_edition(db_session=db, default=settings.catalog_edition)
    classes = service.list_catalog_classes(db_session=db, edition=edition, kind=kind,
                                           include_inactive=include_inactive)
    return [_class(c) for c in classes]


# ``edition:path`` because edition names contain a slash ("GB/T 47678.5-2026"); send it as is or
# percent-encoded, either way it arrives decoded.
@router.get("/catalog/{edition:path}/{kind}/{minor_code}", response_model=CatalogClassRead)
def get_catalog_class(edition: str, kind: str, minor_code: str, db: DbSession) -> CatalogClassRead:
    return _class(service.get_catalog_class(db_session=db, edition=edition, kind=kind, minor_code=minor_code))


@router.patch("/catalog/{edition:path}/{kind}/{minor_code}", response_model=CatalogClassRead)
def update_catalog_class(
    edition: str, kind: str, minor_code: str, body: CatalogClassUpdate, db: DbSession
) -> CatalogClassRead:
    """Default department, time limit (value + unit), filing/closing conditions, active flag."""
    cls = service.update_catalog_class(db_session=db, edition=edition, kind=kind, minor_code=minor_code,
                                       changes=_changes(body))
    return _class(cls)


# ---- routing rules -------------------------------------------------------------------------


@router.post("/routing-rules", response_model=RoutingRuleRead, status_code=status.HTTP_201_CREATED)
def create_routing_rule(body: RoutingRuleCreate, db: DbSession) -> RoutingRuleRead:
    return _rule(service.create_routing_rule(db_session=db, fields=body.model_dump()))


@router.get("/routing-rules", response_model=list[RoutingRuleRead])
def list_routing_rules(
    db: DbSession, department_id: int | None = None, minor_code: str | None = None,
    area_code: str | None = Query(default=None, pattern=r"^\d{6,15}$"),
) -> list[RoutingRuleRead]:
    rules = service.list_routing_rules(db_session=db, department_id=department_id, minor_code=minor_code,
                                       area_code=area_code)
    return [_rule(r) for r in rules]


@router.get("/routing-rules/{rule_id}", response_model=RoutingRuleRead)
def get_routing_rule(rule_id: int, db: DbSession) -> RoutingRuleRead:
    return _rule(service.get_routing_rule(db_session=db, rule_id=rule_id))


@router.patch("/routing-rules/{rule_id}", response_model=RoutingRuleRead)
def update_routing_rule(rule_id: int, body: RoutingRuleUpdate, db: DbSession) -> RoutingRuleRead:
    return _rule(service.update_routing_rule(db_session=db, rule_id=rule_id, changes=_changes(body)))


@router.delete("/routing-rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_routing_rule(rule_id: int, db: DbSession) -> None:
    service.delete_routing_rule(db_session=db, rule_id=rule_id)


# ---- work calendar -------------------------------------------------------------------------


@router.get("/calendar", response_model=WorkCalendarBody)
def get_calendar(db: DbSession, settings: AppSettings) -> WorkCalendarBody:
    """The work calendar deadlines are counted against (the 2026 China default until one is set)."""
    calendar = service.get_work_calendar(db_session=db, default_timezone=settings.timezone)
    return WorkCalendarBody.model_validate(calendar.to_mapping())


@router.put("/calendar", response_model=WorkCalendarBody)
def put_calendar(body: WorkCalendarBody, db: DbSession) -> WorkCalendarBody:
    """Replace the whole work calendar; it is checked before it is stored."""
    calendar = service.set_work_calendar(db_session=db, mapping=body.model_dump(mode="json"))
    return WorkCalendarBody.model_validate(calendar.to_mapping())
