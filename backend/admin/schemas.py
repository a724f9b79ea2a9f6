"""Request and response models of ``/api/admin`` (pydantic at the edge; never ORM objects)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TimeLimitUnit = Literal["working_hours", "working_days", "calendar_hours"]
AreaLevel = Literal["grid", "community", "street", "county"]
CatalogKind = Literal["component", "event"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- users ---------------------------------------------------------------------------------


class UserCreate(_Strict):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(max_length=1024)
    role: str
    display_name: str = Field(default="", max_length=100)
    department_id: int | None = None
    grid_codes: list[str] = Field(default_factory=list)


class UserUpdate(_Strict):
    """Only the fields sent are changed; ``department_id: null`` clears the department."""

    display_name: str | None = Field(default=None, max_length=100)
    role: str | None = None
    department_id: int | None = None
    grid_codes: list[str] | None = None
    active: bool | None = None


class PasswordReset(_Strict):
    password: str = Field(max_length=1024)


class UserRead(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None
    grid_codes: list[str]
    active: bool
    created_at: datetime


# ---- departments ---------------------------------------------------------------------------


class DepartmentCreate(_Strict):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=200)
    contact: str = Field(default="", max_length=200)


class DepartmentUpdate(_Strict):
    name_zh: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=200)
    active: bool | None = None


class DepartmentRead(BaseModel):
    id: int
    code: str
    name_zh: str
    name_en: str
    contact: str
    active: bool


# ---- catalog -------------------------------------------------------------------------------


class CatalogClassUpdate(_Strict):
    """Local settings of one class; only the fields sent are changed (``null`` clears)."""

    default_department_id: int | None = None
    time_limit_value: float | None = Field(default=None, gt=0, le=10_000)
    time_limit_unit: TimeLimitUnit | None = None
    filing_condition: str | None = Field(default=None, max_length=4000)
    closing_condition: str | None = Field(default=None, max_length=4000)
    active: bool | None = None


class CatalogClassRead(BaseModel):
    id: int
    edition: str
    kind: str
    major_code: str
    major_name_zh: str
    minor_code: str
    name_zh: str
    name_en: str
    active: bool
    default_department_id: int | None
    time_limit_value: float | None
    time_limit_unit: str | None
    filing_condition: str
    closing_condition: str


class ActiveEdition(_Strict):
    edition: str


# ---- routing rules -------------------------------------------------------------------------


class RoutingRuleCreate(_Strict):
    minor_code: str | None = Field(default=None, description="Catalog minor class; null = any class.")
    area_level: AreaLevel
    area_code: str = Field(description="Digits: grid 15, community 12, street 9, county 6.")
    department_id: int
    priority: int = Field(default=0, ge=-1000, le=1000)
    note: str = Field(default="", max_length=2000)


class RoutingRuleUpdate(_Strict):
    minor_code: str | None = None
    area_level: AreaLevel | None = None
    area_code: str | None = None
    department_id: int | None = None
    priority: int | None = Field(default=None, ge=-1000, le=1000)
    note: str | None = Field(default=None, max_length=2000)


class RoutingRuleRead(BaseModel):
    id: int
    minor_code: str | None
    area_level: str
    area_code: str
    department_id: int
    priority: int
    note: str


# ---- work calendar -------------------------------------------------------------------------


class WorkCalendarBody(_Strict):
    """The working periods (local time), weekend days (Monday = 0), holidays and 调休 days."""

    timezone: str = "Asia/Shanghai"
    periods: list[tuple[time, time]] = Field(min_length=1, max_length=12)
    weekend: list[int] = Field(default_factory=lambda: [5, 6], max_length=7)
    holidays: list[date] = Field(default_factory=list, max_length=5000)
    makeup_workdays: list[date] = Field(default_factory=list, max_length=5000)
