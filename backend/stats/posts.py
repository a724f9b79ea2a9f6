"""Post evaluation (岗位评价): inspectors, operators, shift leaders and dispatchers.

Formulas from GB/T 30428.4 as quoted in ``reference/standards.md`` §6; which rows count:

Inspector (监督员), per user with role ``inspector``:
  * 上报数: cases the inspector reported from patrol (source ``inspector``, ``reporter_user_id``),
    ``reported_at`` in the window, merged duplicates left out.
  * 有效上报数: those the centre filed (``filed_at`` set) and did not void. 有效上报率 = 有效/上报.
  * 应核实数: verify tasks (核实) assigned to the inspector, created in the window; 按时核实数: those
    completed by their due time. 按时核实率 = 按时/应核实.
  * 应核查数 / 按时核查数 / 按时核查率: the same for check tasks (核查).
  * 立案数: cases filed in the window in the inspector's grids (``user_grid``), voided ones included;
    漏报数: those that came from citizens' channels (the public found them first) and were not
    voided. 漏报率 = 漏报/立案; 漏报率分值 = 100 − 漏报率.
  * composite = 有效上报率×0.4 + 漏报率分值×0.2 + 按时核实率×0.2 + 按时核查率×0.2.
Operator (受理员): 受理数 = cases registered by the operator (``reporter_user_id``) in the window,
  duplicates left out, turned into 受理数分值 by the bands; 核实/核查按时派发率 = verify/check
  requests (``request_verify`` / ``request_check`` events by the operator in the window) sent within
  the step limit / all such requests. composite = 分值×0.25 + 核实×0.4 + 核查×0.35.
Shift leader (值班长): 立案数 = ``file`` events by the leader in the window; 按时立案数 = those within
  the step limit; 作废数 = those cases now voided; 准确立案率 = (立案−作废)/立案; 按时结案率 =
  ``close`` events within the limit / ``close`` events. composite = 0.25 / 0.4 / 0.35.
Dispatcher (派遣员): 应派遣数 = ``dispatch`` events by the dispatcher in the window; 按时派遣数 = those
  within the step limit; 返工数 = those dispatches followed by a failed check (``check_fail``,
  rework) before the case was dispatched again; 准确派遣率 = (应派遣−返工)/应派遣; 派遣数分值 by
  the bands. composite = 分值×0.2 + 按时×0.4 + 准确×0.4.

"Within the step limit" means the working time (work calendar) from the moment the case entered
the status the action starts from (the latest earlier event that moved it there) to the action
is at most ``step_limits_hours[action]``. Every figure keeps the events/tasks/cases behind it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from backend.models import Case, CaseEvent, Task, User, UserGrid
from backend.stats.filters import StatsFilter, case_filter_clause, in_window
from backend.stats.measures import PUBLIC_CHANNELS
from backend.stats.scoring import Evidence, Indicator, band_score, complement, composite, rate
from backend.stats.settings import EvaluationSettings
from backend.worktime import TimeUnit, WorkCalendar, working_time_between


@dataclass
class Scorecard:
    subject: dict[str, Any]
    indicators: dict[str, Indicator]
    composite: dict[str, Any]


@dataclass(frozen=True)
class EventRow:
    id: int
    case_id: int
    at: datetime
    action: str
    from_status: str | None
    to_status: str
    actor: int | None


def _users(db: Session, role: str) -> list[User]:
    return list(db.scalars(select(User).where(User.role == role).order_by(User.username)))


def _subject(user: User) -> dict[str, Any]:
    return {"kind": "user", "id": user.id, "username": user.username, "name": user.display_name or user.username}


def _action_events(db: Session, f: StatsFilter, actions: tuple[str, ...], actor_ids: list[int]
                   ) -> list[tuple[EventRow, str]]:
    rows = db.execute(
        select(CaseEvent.id, CaseEvent.case_id, CaseEvent.at, CaseEvent.action, CaseEvent.from_status,
               CaseEvent.to_status, CaseEvent.actor_user_id, Case.ref)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.action.in_(actions), CaseEvent.actor_user_id.in_(actor_ids),
               in_window(CaseEvent.at, f.window), case_filter_clause(f), Case.merged_into_id.is_(None))
        .order_by(CaseEvent.id)).all()
    return [(EventRow(*r[:7]), r[7]) for r in rows]


def _histories(db: Session, case_ids: set[int]) -> dict[int, list[EventRow]]:
    out: dict[int, list[EventRow]] = defaultdict(list)
    ids = sorted(case_ids)
    for i in range(0, len(ids), 1000):
        for r in db.execute(select(CaseEvent.id, CaseEvent.case_id, CaseEvent.at, CaseEvent.action,
                                   CaseEvent.from_status, CaseEvent.to_status, CaseEvent.actor_user_id)
                            .where(CaseEvent.case_id.in_(ids[i:i + 1000])).order_by(CaseEvent.id)):
            out[r[1]].append(EventRow(*r))
    return out


def entered_status_at(history: list[EventRow], event: EventRow) -> datetime:
    """When the case entered the status ``event`` started from (the latest earlier event that
    moved it there; the event's own time if none is recorded)."""
    for earlier in reversed(history):
        if earlier.id < event.id and earlier.to_status == event.from_status:
            return earlier.at
    return event.at


def _on_time(history: list[EventRow], event: EventRow, limit_hours: float, calendar: WorkCalendar) -> bool:
    start = entered_status_at(history, event)
    return working_time_between(start, event.at, TimeUnit.WORKING_HOURS, calendar) <= limit_hours + 1e-9


def _evidence(event: EventRow, ref: str) -> Evidence:
    return Evidence(event.case_id, ref, event_id=event.id, at=event.at)


def _step_rate(key: str, zh: str, en: str, events: list[tuple[EventRow, str]], histories: dict[int, list[EventRow]],
               limit: float, calendar: WorkCalendar, formula: str) -> Indicator:
    all_ = [_evidence(e, ref) for e, ref in events]
    timely = [_evidence(e, ref) for e, ref in events if _on_time(histories[e.case_id], e, limit, calendar)]
    return rate(key, zh, en, timely, all_, formula)


def evaluate_inspectors(*, db_session: Session, f: StatsFilter, settings: EvaluationSettings,
                        calendar: WorkCalendar, now: datetime) -> list[Scorecard]:
    db = db_session
    users = _users(db, "inspector")
    ids = [u.id for u in users]
    base = and_(case_filter_clause(f), Case.merged_into_id.is_(None))
    reports = db.execute(select(Case.reporter_user_id, Case.id, Case.ref, Case.filed_at, Case.status)
                         .where(base, Case.source == "inspector", Case.reporter_user_id.in_(ids),
                                in_window(Case.reported_at, f.window)).order_by(Case.id)).all()
    tasks = db.execute(select(Task.assignee_user_id, Task.kind, Task.id, Task.created_at, Task.due_at,
                              Task.completed_at, Case.id, Case.ref)
                       .join(Case, Case.id == Task.case_id)
                       .where(base, Task.assignee_user_id.in_(ids), in_window(Task.created_at, f.window))
                       .order_by(Task.id)).all()
    grids: dict[int, set[str]] = defaultdict(set)
    for user_id, code in db.execute(select(UserGrid.user_id, UserGrid.grid_code).where(UserGrid.user_id.in_(ids))):
        grids[user_id].add(code)
    filed = db.execute(select(Case.id, Case.ref, Case.grid_code, Case.source, Case.status)
                       .where(base, in_window(Case.filed_at, f.window)).order_by(Case.id)).all()
    cards = []
    for user in users:
        mine = [r for r in reports if r[0] == user.id]
        reported = [Evidence(r[1], r[2]) for r in mine]
        valid = [Evidence(r[1], r[2]) for r in mine if r[3] is not None and r[4] != "voided"]
        ind: dict[str, Indicator] = {}
        ind["valid_report_rate"] = rate("valid_report_rate", "有效上报率", "Valid-report rate", valid, reported,
                                        "有效上报数 / 上报数 × 100%")
        for kind, key, zh, en in (("verify", "on_time_verify_rate", "按时核实率", "On-time verify rate"),
                                  ("check", "on_time_check_rate", "按时核查率", "On-time check rate")):
            own = [t for t in tasks if t[0] == user.id and t[1] == kind]
            due = [Evidence(t[6], t[7], task_id=t[2], at=t[3]) for t in own]
            timely = [Evidence(t[6], t[7], task_id=t[2], at=t[5]) for t in own
                      if t[5] is not None and (t[4] is None or t[5] <= t[4])]
            ind[key] = rate(key, zh, en, timely, due, f"按时{zh[2:4]}数 / 应{zh[2:4]}数 × 100%")
        in_grids = [r for r in filed if r[2] in grids[user.id]]
        missed = [Evidence(r[0], r[1]) for r in in_grids if r[3] in PUBLIC_CHANNELS and r[4] != "voided"]
        miss = rate("miss_rate", "漏报率", "Miss rate", missed, [Evidence(r[0], r[1]) for r in in_grids],
                    "漏报数（市民先报且已立案）/ 责任网格立案数 × 100%")
        ind["miss_rate"] = miss
        ind["miss_rate_score"] = complement("miss_rate_score", "漏报率分值", "Miss-rate score", miss, "100 − 漏报率")
        cards.append(Scorecard(_subject(user), ind, composite("inspector", ind, settings)))
    return cards


def evaluate_operators(*, db_session: Session, f: StatsFilter, settings: EvaluationSettings,
                       calendar: WorkCalendar, now: datetime) -> list[Scorecard]:
    db = db_session
    users = _users(db, "operator")
    ids = [u.id for u in users]
    intake = db.execute(select(Case.reporter_user_id, Case.id, Case.ref)
                        .where(case_filter_clause(f), Case.merged_into_id.is_(None), Case.reporter_user_id.in_(ids),
                               in_window(Case.reported_at, f.window)).order_by(Case.id)).all()
    events = _action_events(db, f, ("request_verify", "request_check"), ids)
    histories = _histories(db, {e.case_id for e, _ in events})
    limits = settings.step_limits_hours
    cards = []
    for user in users:
        count = sum(1 for r in intake if r[0] == user.id)
        ind: dict[str, Indicator] = {
            "intake_score": band_score("intake_score", "受理数分值", "Intake score", count,
                                       settings.operator_intake_bands.score(count), "按受理数分档"),
        }
        ind["intake_score"].numerator = [Evidence(r[1], r[2]) for r in intake if r[0] == user.id]
        for action, key, zh, en in (
            ("request_verify", "on_time_verify_dispatch_rate", "核实按时派发率", "On-time verify dispatch rate"),
            ("request_check", "on_time_check_dispatch_rate", "核查按时派发率", "On-time check dispatch rate"),
        ):
            own = [(e, ref) for e, ref in events if e.actor == user.id and e.action == action]
            ind[key] = _step_rate(key, zh, en, own, histories, limits[action], calendar,
                                  f"{limits[action]:g} 工作小时内派发数 / 派发数 × 100%")
        cards.append(Scorecard(_subject(user), ind, composite("operator", ind, settings)))
    return cards


def evaluate_shift_leaders(*, db_session: Session, f: StatsFilter, settings: EvaluationSettings,
                           calendar: WorkCalendar, now: datetime) -> list[Scorecard]:
    db = db_session
    users = _users(db, "shift_leader")
    events = _action_events(db, f, ("file", "close"), [u.id for u in users])
    histories = _histories(db, {e.case_id for e, _ in events})
    status = dict(db.execute(select(Case.id, Case.status).where(Case.id.in_({e.case_id for e, _ in events}))).all())
    limits = settings.step_limits_hours
    cards = []
    for user in users:
        files = [(e, ref) for e, ref in events if e.actor == user.id and e.action == "file"]
        closes = [(e, ref) for e, ref in events if e.actor == user.id and e.action == "close"]
        accurate = [_evidence(e, ref) for e, ref in files if status.get(e.case_id) != "voided"]
        ind = {
            "on_time_filing_rate": _step_rate("on_time_filing_rate", "按时立案率", "On-time filing rate", files,
                                              histories, limits["file"], calendar, "按时立案数 / 立案数 × 100%"),
            "accurate_filing_rate": rate("accurate_filing_rate", "准确立案率", "Accurate filing rate", accurate,
                                         [_evidence(e, ref) for e, ref in files], "（立案数 − 作废数）/ 立案数 × 100%"),
            "on_time_closing_rate": _step_rate("on_time_closing_rate", "按时结案率", "On-time closing rate", closes,
                                               histories, limits["close"], calendar, "按时结案数 / 结案数 × 100%"),
        }
        cards.append(Scorecard(_subject(user), ind, composite("shift_leader", ind, settings)))
    return cards


def _reworked_after(history: list[EventRow], dispatch: EventRow) -> bool:
    for later in history:
        if later.id <= dispatch.id:
            continue
        if later.action == "dispatch":
            return False
        if later.action == "check_fail":
            return True
    return False


def evaluate_dispatchers(*, db_session: Session, f: StatsFilter, settings: EvaluationSettings,
                         calendar: WorkCalendar, now: datetime) -> list[Scorecard]:
    db = db_session
    users = _users(db, "dispatcher")
    events = _action_events(db, f, ("dispatch",), [u.id for u in users])
    histories = _histories(db, {e.case_id for e, _ in events})
    cards = []
    for user in users:
        own = [(e, ref) for e, ref in events if e.actor == user.id]
        all_ = [_evidence(e, ref) for e, ref in own]
        accurate = [_evidence(e, ref) for e, ref in own if not _reworked_after(histories[e.case_id], e)]
        ind = {
            "dispatch_count_score": band_score("dispatch_count_score", "派遣数分值", "Dispatch-count score", len(own),
                                               settings.dispatcher_count_bands.score(len(own)), "按派遣数分档"),
            "on_time_dispatch_rate": _step_rate("on_time_dispatch_rate", "按时派遣率", "On-time dispatch rate", own,
                                                histories, settings.step_limits_hours["dispatch"], calendar,
                                                "按时派遣数 / 应派遣数 × 100%"),
            "accurate_dispatch_rate": rate("accurate_dispatch_rate", "准确派遣率", "Accurate dispatch rate",
                                           accurate, all_, "（应派遣数 − 返工数）/ 应派遣数 × 100%"),
        }
        ind["dispatch_count_score"].numerator = all_
        cards.append(Scorecard(_subject(user), ind, composite("dispatcher", ind, settings)))
    return cards
