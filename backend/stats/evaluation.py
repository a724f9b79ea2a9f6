"""综合评价: one entry point for every scorecard, and the drill-down of post indicators."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from backend.errors import NotFound, Unprocessable
from backend.stats.filters import StatsFilter
from backend.stats.posts import (
    Scorecard,
    evaluate_dispatchers,
    evaluate_inspectors,
    evaluate_operators,
    evaluate_shift_leaders,
)
from backend.stats.scoring import Evidence
from backend.stats.settings import EvaluationSettings
from backend.stats.units import evaluate_departments, evaluate_regions
from backend.worktime import WorkCalendar

POSTS: dict[str, tuple[str, str, str]] = {
    # API name: (weights key, zh, en)
    "inspectors": ("inspector", "监督员", "Inspectors"),
    "operators": ("operator", "受理员", "Operators"),
    "shift_leaders": ("shift_leader", "值班长", "Shift leaders"),
    "dispatchers": ("dispatcher", "派遣员", "Dispatchers"),
    "departments": ("department", "专业部门", "Departments"),
    "regions": ("region", "区域", "Regions"),
}
REGION_LEVELS = ("grid", "community", "street")
_POST_FUNCTIONS = {"inspectors": evaluate_inspectors, "operators": evaluate_operators,
                   "shift_leaders": evaluate_shift_leaders, "dispatchers": evaluate_dispatchers}


def evaluate(post: str, *, db_session: Session, f: StatsFilter, settings: EvaluationSettings,
             calendar: WorkCalendar, now: datetime, level: str = "grid") -> list[Scorecard]:
    if post not in POSTS:
        raise NotFound(f"No scorecard {post!r}; choose one of {', '.join(POSTS)}.",
                       f"没有评价对象 {post!r}；可选：{'、'.join(POSTS)}。")
    if post == "departments":
        return evaluate_departments(db_session=db_session, f=f, settings=settings, now=now)
    if post == "regions":
        if level not in REGION_LEVELS:
            raise Unprocessable(f"level must be one of {REGION_LEVELS}.", f"区域层级应为 {'、'.join(REGION_LEVELS)} 之一。")
        return evaluate_regions(db_session=db_session, f=f, settings=settings, now=now, level=level)
    return _POST_FUNCTIONS[post](db_session=db_session, f=f, settings=settings, calendar=calendar, now=now)


def _post_drilldown(post: str, f: StatsFilter, subject: Any, indicator: str, part: str) -> str:
    params = {"subject": subject, "indicator": indicator, "part": part, **f.query_params()}
    return f"/api/stats/evaluation/{post}/cases?{urlencode(params, doseq=True)}"


def scorecards_json(post: str, cards: list[Scorecard], f: StatsFilter, settings: EvaluationSettings,
                    level: str = "grid") -> dict[str, Any]:
    weights_key, zh, en = POSTS[post]
    rows = []
    for card in cards:
        indicators = {}
        for key, ind in card.indicators.items():
            if not ind.drilldown and (ind.numerator is not None or ind.denominator is not None):
                links = {}
                if ind.numerator is not None:
                    links["numerator"] = _post_drilldown(post, f, card.subject["id"], key, "numerator")
                if ind.denominator is not None:
                    links["denominator"] = _post_drilldown(post, f, card.subject["id"], key, "denominator")
                ind.drilldown = links
            indicators[key] = ind.as_dict()
        rows.append({"subject": card.subject, "indicators": indicators, "composite": card.composite})
    rows.sort(key=lambda r: (r["composite"]["value"] is None, -(r["composite"]["value"] or 0),
                             str(r["subject"]["name"])))
    return {"post": post, "label_zh": zh, "label_en": en, "level": level if post == "regions" else None,
            "window": f.window.as_dict(), "filters": f.as_dict(), "weights": settings.weights[weights_key],
            "rating_bands": [b.model_dump() for b in settings.rating_bands], "rows": rows}


def evidence_for(cards: list[Scorecard], subject: str, indicator: str, part: str) -> list[Evidence]:
    """The events/tasks/cases behind one post indicator's numerator or denominator."""
    for card in cards:
        if str(card.subject["id"]) != str(subject):
            continue
        ind = card.indicators.get(indicator)
        if ind is None:
            raise NotFound(f"No indicator {indicator!r}.", f"没有指标 {indicator!r}。")
        items = ind.numerator if part == "numerator" else ind.denominator
        if items is None:
            raise NotFound(f"Indicator {indicator!r} has no {part}; use its drill-down link.",
                           f"指标 {indicator!r} 没有{'分子' if part == 'numerator' else '分母'}明细，请使用其钻取链接。")
        return items
    raise NotFound(f"No scorecard for {subject!r} in this window.", f"本时段没有 {subject!r} 的评价。")
