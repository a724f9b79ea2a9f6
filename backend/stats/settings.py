"""Evaluation settings: composite weights, score bands, rating bands and step time limits.

Stored as one ``Setting`` row (key ``stats_evaluation``, JSON) and edited by the administrator
through ``PUT /api/stats/settings``. The defaults are the formulas of GB/T 30428.4 as quoted in
``reference/standards.md`` §6; where the standard is silent the default is marked "local" and
explained in :data:`NOTES`.

A score band list is read from the top: the first band whose ``limit`` the value is below
(``strict``) or at most (not strict) gives the score; a value above every band gets
``otherwise``.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.orm import Session

from backend.errors import Unprocessable
from backend.models import Setting

SETTING_KEY = "stats_evaluation"


class ScoreBand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: float
    score: float = Field(ge=0, le=100)
    strict: bool = False  # True: value < limit; False: value <= limit

    def matches(self, value: float) -> bool:
        return value < self.limit if self.strict else value <= self.limit


class BandScale(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bands: list[ScoreBand]
    otherwise: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ascending(self) -> BandScale:
        limits = [b.limit for b in self.bands]
        if limits != sorted(limits):
            raise ValueError("band limits must be in ascending order")
        return self

    def score(self, value: float) -> float:
        for band in self.bands:
            if band.matches(value):
                return band.score
        return self.otherwise

    @property
    def max_score(self) -> float:
        return max([self.otherwise, *(b.score for b in self.bands)])


class RatingBand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grade: str = Field(min_length=1, max_length=2)
    min_score: float


def _count_bands() -> BandScale:
    # 受理数分值: >2000 → 100; 1201–2000 → 90; 501–1200 → 75; 301–500 → 60; otherwise 0.
    return BandScale(bands=[ScoreBand(limit=300, score=0), ScoreBand(limit=500, score=60),
                            ScoreBand(limit=1200, score=75), ScoreBand(limit=2000, score=90)], otherwise=100)


def _region_bands(shift: float) -> BandScale:
    # 立案数分值 (一类区域): 0 → 100, <3 → 90, <5 → 75, <7 → 60, <9 → 40, otherwise 0; 二类 thresholds +1.
    return BandScale(bands=[ScoreBand(limit=0 + shift, score=100), ScoreBand(limit=3 + shift, score=90, strict=True),
                            ScoreBand(limit=5 + shift, score=75, strict=True),
                            ScoreBand(limit=7 + shift, score=60, strict=True),
                            ScoreBand(limit=9 + shift, score=40, strict=True)], otherwise=0)


class EvaluationSettings(BaseModel):
    """Everything the scorecards need besides the data. Rates are in % (0–100)."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, dict[str, float]] = Field(default_factory=lambda: {
        "inspector": {"valid_report_rate": 0.4, "miss_rate_score": 0.2, "on_time_verify_rate": 0.2,
                      "on_time_check_rate": 0.2},
        "operator": {"intake_score": 0.25, "on_time_verify_dispatch_rate": 0.4,
                     "on_time_check_dispatch_rate": 0.35},
        "shift_leader": {"on_time_filing_rate": 0.25, "accurate_filing_rate": 0.4, "on_time_closing_rate": 0.35},
        "dispatcher": {"dispatch_count_score": 0.2, "on_time_dispatch_rate": 0.4, "accurate_dispatch_rate": 0.4},
        # Additive: 立案数分值 (0–10) + 结案率×0.3 + 按时处置率×0.3 + (100−返工率)×0.3.
        "department": {"filed_count_score": 1.0, "closure_rate": 0.3, "on_time_handling_rate": 0.3,
                       "rework_free_rate": 0.3},
        # local: the standard lists the region indicators but gives no weighting.
        "region": {"filed_count_score": 0.2, "closure_rate": 0.4, "on_time_closure_rate": 0.4},
    })
    operator_intake_bands: BandScale = Field(default_factory=_count_bands)
    dispatcher_count_bands: BandScale = Field(default_factory=_count_bands)  # local: no bands in the standard
    department_filed_bands: BandScale = Field(default_factory=lambda: BandScale(bands=[
        ScoreBand(limit=50, score=10), ScoreBand(limit=100, score=9), ScoreBand(limit=200, score=7.5),
        ScoreBand(limit=500, score=6), ScoreBand(limit=1000, score=4)], otherwise=0))
    region_filed_bands: dict[str, BandScale] = Field(default_factory=lambda: {
        "1": _region_bands(0), "2": _region_bands(1)})
    # UnitGrid.management_level → region class ("1" or "2"); unlisted levels are class "1".
    region_class_by_level: dict[str, str] = Field(default_factory=lambda: {"二类": "2", "2": "2", "class2": "2"})
    rating_bands: list[RatingBand] = Field(default_factory=lambda: [
        RatingBand(grade="A", min_score=90), RatingBand(grade="B", min_score=75),
        RatingBand(grade="C", min_score=60), RatingBand(grade="D", min_score=40)])
    rating_otherwise: str = "E"
    # local: the standard names 按时 steps without national limits; working hours per step.
    step_limits_hours: dict[str, float] = Field(default_factory=lambda: {
        "request_verify": 1.0, "request_check": 1.0, "file": 1.0, "dispatch": 1.0, "close": 1.0})
    # "reweight": a composite is computed over the indicators that have a value (weights scaled
    # up), noting the missing ones; "null": any missing indicator makes the composite null.
    missing_policy: str = Field(default="reweight", pattern="^(reweight|null)$")

    @model_validator(mode="after")
    def _check(self) -> EvaluationSettings:
        expected = set(DEFAULT_WEIGHT_KEYS)
        if set(self.weights) != expected:
            raise ValueError(f"weights must cover exactly {sorted(expected)}")
        for post, keys in DEFAULT_WEIGHT_KEYS.items():
            if set(self.weights[post]) != set(keys):
                raise ValueError(f"weights.{post} must have exactly {sorted(keys)}")
            if any(w < 0 for w in self.weights[post].values()):
                raise ValueError(f"weights.{post}: weights cannot be negative")
            attainable = sum(w * self.max_value(post, k) for k, w in self.weights[post].items())
            if abs(attainable - 100) > 1e-6:
                raise ValueError(f"weights.{post}: the best possible composite is {attainable:g}, it must be 100")
        mins = [b.min_score for b in self.rating_bands]
        if mins != sorted(mins, reverse=True):
            raise ValueError("rating_bands must be in descending order of min_score")
        if set(self.region_filed_bands) != {"1", "2"}:
            raise ValueError("region_filed_bands must have classes '1' and '2'")
        missing = {"request_verify", "request_check", "file", "dispatch", "close"} - set(self.step_limits_hours)
        if missing or any(v <= 0 for v in self.step_limits_hours.values()):
            raise ValueError("step_limits_hours needs positive limits for request_verify, request_check, file, "
                             "dispatch and close")
        return self

    def max_value(self, post: str, indicator: str) -> float:
        """The best value an indicator can take (100 for rates, the top band for band scores)."""
        if indicator == "intake_score":
            return self.operator_intake_bands.max_score
        if indicator == "dispatch_count_score":
            return self.dispatcher_count_bands.max_score
        if indicator == "filed_count_score" and post == "department":
            return self.department_filed_bands.max_score
        if indicator == "filed_count_score":
            return max(s.max_score for s in self.region_filed_bands.values())
        return 100.0

    def rating(self, score: float | None) -> str | None:
        if score is None:
            return None
        for band in self.rating_bands:
            if score >= band.min_score - 1e-9:
                return band.grade
        return self.rating_otherwise


DEFAULT_WEIGHT_KEYS: dict[str, tuple[str, ...]] = {
    "inspector": ("valid_report_rate", "miss_rate_score", "on_time_verify_rate", "on_time_check_rate"),
    "operator": ("intake_score", "on_time_verify_dispatch_rate", "on_time_check_dispatch_rate"),
    "shift_leader": ("on_time_filing_rate", "accurate_filing_rate", "on_time_closing_rate"),
    "dispatcher": ("dispatch_count_score", "on_time_dispatch_rate", "accurate_dispatch_rate"),
    "department": ("filed_count_score", "closure_rate", "on_time_handling_rate", "rework_free_rate"),
    "region": ("filed_count_score", "closure_rate", "on_time_closure_rate"),
}

NOTES = {
    "miss_rate_score": "漏报率分值 = 100 − 漏报率 / miss-rate score = 100 − miss rate",
    "rework_free_rate": "100 − 返工率 / 100 − rework rate",
    "dispatcher_count_bands": "local: the standard gives no bands for 派遣数分值; the 受理数 bands are used",
    "region": "local: the standard gives the region indicators but no weighting",
    "step_limits_hours": "local: working hours allowed for each step, counted from when the case entered "
                         "the status the step starts from",
}


def load_settings(db_session: Session) -> EvaluationSettings:
    row = db_session.get(Setting, SETTING_KEY)
    if row is None:
        return EvaluationSettings()
    return EvaluationSettings.model_validate(json.loads(row.value_json))


def save_settings(db_session: Session, data: dict[str, Any]) -> EvaluationSettings:
    """Validate (422 with the problems in zh and en) and store; the caller commits."""
    try:
        settings = EvaluationSettings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()[:5])
        raise Unprocessable(f"The evaluation settings are not valid: {problems}", f"评价参数设置有误：{problems}",
                            exc.errors(include_url=False, include_context=False, include_input=False)) from None
    value = settings.model_dump_json()
    row = db_session.get(Setting, SETTING_KEY)
    if row is None:
        db_session.add(Setting(key=SETTING_KEY, value_json=value))
    else:
        row.value_json = value
    db_session.flush()
    return settings
