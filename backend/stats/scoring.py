"""Indicators, composites and ratings: the arithmetic of the scorecards, with no database access.

An indicator is either a rate (numerator / denominator × 100, ``None`` with a note when the
denominator is 0) or a band score (a count turned into points by a configured band table). A
composite is the weighted sum of a post's indicators (weights from
:class:`backend.stats.settings.EvaluationSettings`); with the "reweight" policy an indicator
without a value is left out and the others' weights are scaled so the best possible composite
stays 100, and the note names what was left out. A composite with no rate to stand on (nothing
happened in the window) is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from backend.stats.measures import ratio
from backend.stats.settings import EvaluationSettings


@dataclass(frozen=True)
class Evidence:
    """One item behind a figure: a case, and the event or task that was counted when there is one."""

    case_id: int
    ref: str
    event_id: int | None = None
    task_id: int | None = None
    at: datetime | None = None

    def as_dict(self, timezone: str = "UTC") -> dict[str, Any]:
        at = None if self.at is None else self.at.astimezone(ZoneInfo(timezone)).isoformat()
        return {"case_id": self.case_id, "ref": self.ref, "event_id": self.event_id, "task_id": self.task_id,
                "at": at}


@dataclass
class Indicator:
    key: str
    label_zh: str
    label_en: str
    kind: str  # "rate" (or derived from one) | "score" (a band score of a count)
    value: float | None
    note: str | None = None
    numerator_count: int | None = None
    denominator_count: int | None = None
    count: int | None = None  # the count a band score was read from
    formula: str = ""
    # The evidence behind numerator and denominator, when computed in Python (posts).
    numerator: list[Evidence] | None = None
    denominator: list[Evidence] | None = None
    drilldown: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label_zh": self.label_zh, "label_en": self.label_en, "kind": self.kind,
                "value": self.value, "note": self.note, "numerator": self.numerator_count,
                "denominator": self.denominator_count, "count": self.count, "formula": self.formula,
                "drilldown": self.drilldown}


def rate(key: str, zh: str, en: str, numerator: list[Evidence], denominator: list[Evidence],
         formula: str = "") -> Indicator:
    value, note = ratio(len(numerator), len(denominator))
    return Indicator(key, zh, en, "rate", value, note, len(numerator), len(denominator), formula=formula,
                     numerator=numerator, denominator=denominator)


def rate_from_counts(key: str, zh: str, en: str, numerator: int, denominator: int, formula: str = "") -> Indicator:
    value, note = ratio(numerator, denominator)
    return Indicator(key, zh, en, "rate", value, note, numerator, denominator, formula=formula)


def complement(key: str, zh: str, en: str, of: Indicator, formula: str) -> Indicator:
    """100 − a rate (miss-rate score, rework-free rate); null when the rate is null."""
    value = None if of.value is None else 100.0 - of.value
    return Indicator(key, zh, en, "rate", value, of.note, of.numerator_count, of.denominator_count,
                     formula=formula, numerator=of.numerator, denominator=of.denominator)


def band_score(key: str, zh: str, en: str, count: int | float, score: float, formula: str) -> Indicator:
    shown = int(count) if float(count).is_integer() else None
    return Indicator(key, zh, en, "score", score, None, count=shown, formula=formula)


def composite(post: str, indicators: dict[str, Indicator], settings: EvaluationSettings) -> dict[str, Any]:
    """Weighted composite of ``post``'s indicators and its A–E rating."""
    weights = settings.weights[post]
    present = {k: w for k, w in weights.items() if indicators[k].value is not None}
    missing = [k for k in weights if k not in present]
    has_rate = any(indicators[k].kind == "rate" for k in present)
    terms = " + ".join(f"{indicators[k].label_zh}×{w:g}" for k, w in weights.items())
    if not has_rate:
        return {"value": None, "rating": None, "missing": missing, "formula": terms,
                "note": "统计时段内无可评价的业务 / nothing to assess in this window"}
    if missing and settings.missing_policy == "null":
        return {"value": None, "rating": None, "missing": missing, "formula": terms,
                "note": "指标缺失：" + "、".join(indicators[k].label_zh for k in missing) +
                        f" / missing: {', '.join(missing)}"}
    raw = sum(w * float(indicators[k].value) for k, w in present.items())  # type: ignore[arg-type]
    attainable = sum(w * settings.max_value(post, k) for k, w in present.items())
    value = raw * 100.0 / attainable if missing and attainable else raw
    note = None
    if missing:
        note = ("按可计算指标重新加权，未计入：" + "、".join(indicators[k].label_zh for k in missing) +
                f" / reweighted over the available indicators; left out: {', '.join(missing)}")
    return {"value": value, "rating": settings.rating(value), "missing": missing, "formula": terms, "note": note}
