"""Pydantic models of the hotline desk API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DeskChannel = Literal["phone", "web", "wechat", "weibo", "sms", "app", "provincial", "media"]
CHANNEL_LABELS = {
    "phone": ("电话", "Phone"), "web": ("网站", "Web"), "wechat": ("微信", "WeChat"), "weibo": ("微博", "Weibo"),
    "sms": ("短信", "SMS"), "app": ("手机应用", "App"), "provincial": ("省平台转办", "Provincial transfer"),
    "media": ("媒体曝光", "Media exposure"),
}


class DeskRequest(BaseModel):
    """A request registered by the operator while on the phone (or from another channel)."""

    model_config = ConfigDict(extra="forbid")

    client_uuid: str | None = Field(default=None, pattern=r"^[0-9a-fA-F-]{32,36}$",
                                    description="makes a retried submit idempotent; generated when absent")
    channel: DeskChannel = "phone"
    caller_name: str = Field(default="", max_length=100)
    caller_contact: str = Field(default="", max_length=100)
    description: str = Field(min_length=1, max_length=4000)
    kind: Literal["component", "event"]
    minor_code: str = Field(pattern=r"^\d{4,5}$")
    lon: float
    lat: float
    crs: Literal["wgs84", "cgcs2000", "gcj02", "bd09"] = "wgs84"
    address: str = Field(default="", max_length=300)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"


class PreCheck(BaseModel):
    """What the desk shows while the operator types: emergency rules, duplicates, answers."""

    model_config = ConfigDict(extra="forbid")

    description: str = ""
    kind: Literal["component", "event"] | None = None
    minor_code: str | None = None
    lon: float | None = None
    lat: float | None = None


class DuplicateRead(BaseModel):
    case_id: int
    ref: str
    status: str
    reported_at: datetime
    distance_m: float | None
    same_component: bool
    description: str


class EmergencyRead(BaseModel):
    target: str
    hand_off_zh: str
    hand_off_en: str
    rules: list[dict]


class ArticleHit(BaseModel):
    id: int
    title_zh: str
    title_en: str
    answer_zh: str
    answer_en: str
    score: float


class PreCheckResult(BaseModel):
    emergency: EmergencyRead | None
    duplicates: list[DuplicateRead]
    answers: list[ArticleHit]


class DeskCase(BaseModel):
    id: int
    ref: str
    channel: str
    status: str
    status_zh: str
    status_en: str
    status_type: str
    kind: str
    minor_code: str
    description: str
    address: str
    grid_code: str | None
    caller_name: str
    caller_contact: str  # full only for the operator owning the case
    owner_user_id: int | None
    emergency: bool
    priority: str
    satisfaction: str | None
    reported_at: datetime
    allowed_actions: list[str]


class DeskOutcome(BaseModel):
    case: DeskCase
    created: bool
    emergency: EmergencyRead | None
    duplicates: list[DuplicateRead]


class AnswerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    article_id: int | None = None
    answer: str = Field(default="", max_length=4000)


class NoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=4000)


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target_case_id: int
    note: str = Field(default="", max_length=4000)


class CallbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    satisfaction: Literal["satisfied", "basically_satisfied", "dissatisfied"]
    note: str = Field(default="", max_length=4000)
    justified: bool = Field(default=False, description="a dissatisfaction the centre accepts: reopen the case")


class ReporterRead(BaseModel):
    origin_case_id: int
    channel: str
    name: str
    contact: str
    added_at: datetime
    informed_at: datetime | None
    informed_status: str | None


class DeskQueue(BaseModel):
    emergencies: list[DeskCase]
    open_cases: list[DeskCase]
    callbacks_due: list[DeskCase]
