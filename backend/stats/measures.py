"""Every counted figure of the dashboard, defined once as (cohort, SQL condition).

A *measure* is a count of cases: the cases of one *cohort* that satisfy one condition. The same
definition produces the number (``count(*) FILTER (WHERE condition)`` in one pass over the
cohort) and its drill-down (``SELECT id, ref … WHERE cohort AND condition``), so a figure and
the list of cases behind it cannot disagree. A *rate* is ``100 × numerator / denominator`` of two
measures of the same cohort; a zero denominator gives ``null`` with a note, never 0 %.

Cohorts (every one also honours the filters of :class:`backend.stats.filters.StatsFilter`):

``intake``
    Cases **received** in the window: ``reported_at`` inside it. Duplicates merged into another
    case (``merged_into_id`` set) are left out, so a problem reported five times counts once, as
    the case the others were merged into.
``filed``
    Cases **filed** (立案) in the window: ``filed_at`` inside it, duplicates left out. ``filed_at``
    is set once, by the first filing; a return (回退) or a reopen does not move a case to another
    month. Closure and handling figures use this cohort, as the national indicators do
    (结案率 = 结案数 / 应结案数, both counted over the cases filed in the period).
``snapshot``
    Every case, whatever its dates: for "overdue now", which counts open statuses only (a merged
    duplicate is in the closed status ``merged`` for good, so it never counts).

The measures themselves are listed in :data:`MEASURES` with their Chinese and English
definitions (returned by the API next to each number).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, true

from backend.cases import workflow as wf
from backend.cases.schemas import HOTLINE_CHANNELS
from backend.models import Case

# Citizens' channels (hotline, web, apps, provincial transfers, media): reports that must be
# verified on site before filing. Inspector, API and video reports are the centre's own.
PUBLIC_CHANNELS = tuple(sorted(HOTLINE_CHANNELS))
SATISFIED_VALUES = ("satisfied", "basically_satisfied")
RATED_VALUES = ("satisfied", "basically_satisfied", "dissatisfied")
OPEN_STATUSES = tuple(s.value for s in wf.Status if wf.is_open(s))


class Cohort(StrEnum):
    INTAKE = "intake"
    FILED = "filed"
    SNAPSHOT = "snapshot"


@dataclass(frozen=True)
class Measure:
    key: str
    cohort: Cohort
    label_zh: str
    label_en: str
    definition_zh: str
    definition_en: str
    # The condition inside the cohort; receives "now" (only "overdue now" uses it).
    condition: Callable[[datetime], ColumnElement[bool]]


@dataclass(frozen=True)
class Rate:
    key: str
    numerator: str
    denominator: str
    label_zh: str
    label_en: str


def _all(_: datetime) -> ColumnElement[bool]:
    return true()


def _not_voided() -> ColumnElement[bool]:
    return Case.status != wf.Status.VOIDED.value


def _dispatched_not_voided() -> ColumnElement[bool]:
    return and_(Case.dispatched_at.is_not(None), _not_voided())


def _m(key: str, cohort: Cohort, zh: str, en: str, def_zh: str, def_en: str,
       condition: Callable[[datetime], ColumnElement[bool]] = _all) -> Measure:
    return Measure(key, cohort, zh, en, def_zh, def_en, condition)


IN, F, S = Cohort.INTAKE, Cohort.FILED, Cohort.SNAPSHOT

_MEASURES: list[Measure] = [
    # ---- intake: what came in during the window -----------------------------------------------
    _m("received", IN, "受理数", "Requests received",
       "统计时段内上报/受理的案件（reported_at 在时段内），重复件合并后只计一次（计入合并目标）。",
       "Cases reported in the window (reported_at inside it); merged duplicates count once, as their target."),
    _m("hotline", IN, "热线诉求数", "Hotline requests",
       "受理数中来自市民渠道（电话、网站、微信、微博、短信、App、省级转办、媒体）的诉求。",
       "Received cases from citizens' channels (phone, web, WeChat, Weibo, SMS, app, provincial, media).",
       lambda _: Case.source.in_(PUBLIC_CHANNELS)),
    _m("answered", IN, "即时答复数", "Answered on the spot",
       "热线诉求中当前状态为“即时答复”的（由知识库当场答复，未派遣）。",
       "Hotline requests whose status is 'answered' (answered on the spot, never dispatched).",
       lambda _: and_(Case.source.in_(PUBLIC_CHANNELS), Case.status == wf.Status.ANSWERED.value)),
    _m("dispatched", IN, "派遣数", "Dispatched",
       "受理数中至少派遣过一次的案件（dispatched_at 非空）。",
       "Received cases dispatched to a department at least once (dispatched_at set).",
       lambda _: Case.dispatched_at.is_not(None)),
    _m("events", IN, "事件数", "Events", "受理数中类型为事件的。", "Received cases of kind 'event'.",
       lambda _: Case.kind == "event"),
    _m("components", IN, "部件数", "Components", "受理数中类型为部件的。", "Received cases of kind 'component'.",
       lambda _: Case.kind == "component"),
    _m("rated", IN, "回访评价数", "Rated in callbacks",
       "受理数中回访时给出满意度（满意、基本满意、不满意）的。",
       "Received cases with a satisfaction rating (satisfied, basically satisfied, dissatisfied).",
       lambda _: Case.satisfaction.in_(RATED_VALUES)),
    _m("satisfied", IN, "满意数（含基本满意）", "Satisfied (incl. basically)",
       "回访评价为“满意”或“基本满意”的。", "Rated 'satisfied' or 'basically satisfied'.",
       lambda _: Case.satisfaction.in_(SATISFIED_VALUES)),
    _m("dissatisfied", IN, "不满意数", "Dissatisfied", "回访评价为“不满意”的。", "Rated 'dissatisfied'.",
       lambda _: Case.satisfaction == "dissatisfied"),
    # ---- filed: the closed loop for cases filed in the window ----------------------------------
    _m("filed", F, "立案数", "Filed",
       "统计时段内立案的案件（filed_at 在时段内，含其后作废的），重复件不计。",
       "Cases filed in the window (filed_at inside it, including those voided later); duplicates excluded."),
    _m("voided", F, "作废数", "Voided", "立案数中当前状态为“已作废”的。", "Filed cases whose status is 'voided'.",
       lambda _: Case.status == wf.Status.VOIDED.value),
    _m("should_close", F, "应结案数", "Should be closed",
       "立案数减去作废数。", "Filed cases minus voided ones.", lambda _: _not_voided()),
    _m("closed", F, "结案数", "Closed",
       "应结案数中当前状态为“已结案”的（closed_at 已设；重新开启的案件不计）。",
       "Cases that should be closed whose status is 'closed' (closed_at set; reopened cases do not count).",
       lambda _: Case.status == wf.Status.CLOSED.value),
    _m("closed_on_time", F, "按期结案数", "Closed on time",
       "结案数中在处置时限（含批准的延期）内结案的（closed_on_time 为真）。",
       "Closed cases closed within their time limit, approved extensions included (closed_on_time true).",
       lambda _: and_(Case.status == wf.Status.CLOSED.value, Case.closed_on_time.is_(True))),
    _m("should_handle", F, "应处置数", "Should be handled",
       "应结案数中已派遣到专业部门的（dispatched_at 非空）。",
       "Cases that should be closed and were dispatched to a department (dispatched_at set).",
       lambda _: _dispatched_not_voided()),
    _m("handled", F, "处置数", "Handled",
       "应处置数中专业部门已反馈处置的（handled_at 非空）。",
       "Cases that should be handled and were reported handled at least once (handled_at set).",
       lambda _: and_(_dispatched_not_voided(), Case.handled_at.is_not(None))),
    _m("handled_on_time", F, "按时处置数", "Handled on time",
       "应处置数中最近一次处置在时限内的（handled_on_time 为真；返工后以重新处置为准）。",
       "Cases whose latest handling was within the time limit (handled_on_time true; after rework, the new handling counts).",
       lambda _: and_(_dispatched_not_voided(), Case.handled_on_time.is_(True))),
    _m("reworked", F, "返工数", "Reworked",
       "处置数中核查不通过、返工（同一部门重新处置）至少一次的。",
       "Handled cases that failed an on-site check and were reworked by the same department at least once.",
       lambda _: and_(_dispatched_not_voided(), Case.handled_at.is_not(None), Case.rework_count > 0)),
    _m("extended", F, "延期数", "Extended", "应处置数中批准过延期的。",
       "Cases that should be handled with at least one approved extension.",
       lambda _: and_(_dispatched_not_voided(), Case.extension_count > 0)),
    _m("public_verified", F, "监督举报核实数", "Public reports verified",
       "立案数中来自市民渠道、经监督员现场核实后立案且未作废的。",
       "Filed cases from citizens' channels, verified on site before filing, not voided.",
       lambda _: and_(Case.source.in_(PUBLIC_CHANNELS), Case.verified_at.is_not(None), _not_voided())),
    # ---- now ----------------------------------------------------------------------------------
    _m("overdue_now", S, "当前超期数", "Overdue now",
       "此刻仍在办（未结束状态）且已超过处置时限（due_at 早于当前时间）的案件，不受统计时段限制。",
       "Cases still open now whose due time has passed (due_at before now); the window does not apply.",
       lambda now: and_(Case.status.in_(OPEN_STATUSES), Case.due_at < now)),
]

MEASURES: dict[str, Measure] = {m.key: m for m in _MEASURES}

RATES: dict[str, Rate] = {r.key: r for r in (
    Rate("immediate_answer_rate", "answered", "hotline", "即时答复率", "Immediate-answer rate"),
    Rate("dispatch_rate", "dispatched", "received", "派遣率", "Dispatch rate"),
    Rate("satisfaction_rate", "satisfied", "rated", "满意率", "Satisfaction rate"),
    Rate("event_share", "events", "received", "事件占比", "Share of events"),
    Rate("component_share", "components", "received", "部件占比", "Share of components"),
    Rate("closure_rate", "closed", "should_close", "结案率", "Closure rate"),
    Rate("on_time_closure_rate", "closed_on_time", "should_close", "按期结案率", "On-time closure rate"),
    Rate("timely_handling_rate", "handled_on_time", "should_handle", "按时处置率", "Timely-handling rate"),
    Rate("handling_rate", "handled", "should_handle", "处置率", "Handling rate"),
    Rate("rework_rate", "reworked", "handled", "返工率", "Rework rate"),
    Rate("extension_rate", "extended", "should_handle", "延期率", "Extension rate"),
    Rate("void_rate", "voided", "filed", "作废率", "Void rate"),
    Rate("public_report_rate", "public_verified", "filed", "监督举报率", "Public-report rate"),
)}

INTAKE_KEYS = [m.key for m in _MEASURES if m.cohort is Cohort.INTAKE]
FILED_KEYS = [m.key for m in _MEASURES if m.cohort is Cohort.FILED]


def ratio(numerator: int | None, denominator: int | None) -> tuple[float | None, str | None]:
    """``100 × n / d`` as a percentage, or ``(None, note)`` when the denominator is zero."""
    if not denominator:
        return None, "分母为 0，无法计算 / denominator is 0: no rate"
    return 100.0 * (numerator or 0) / denominator, None


def change(current: int, previous: int) -> tuple[float | None, str | None]:
    """Relative change in % (同比/环比); ``None`` with a note when the earlier period had none."""
    if not previous:
        return None, "上期为 0，无法计算增减 / nothing in the earlier period: no change rate"
    return 100.0 * (current - previous) / previous, None
