"""Walk synthetic cases through the workflow table in memory, exactly as the case service would.

Every step goes through :func:`backend.cases.workflow.plan_transition` (with the context the
service builds), and its side effects mirror ``backend.cases.service._apply``: the step's
timestamps, ``previous_status`` for requests, due times from the class's limit on the work
calendar (:mod:`backend.worktime`), on-time flags, rework/return/extension counts, merges,
reopen, and the verify/check tasks. The demo writes the result with bulk inserts, so a year of
history takes seconds instead of the hours the HTTP API would need.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from backend.cases import workflow as wf
from backend.cases.deadlines import DEFAULT_LIMIT, PRIORITY_FACTOR
from backend.cases.schemas import HOTLINE_CHANNELS
from backend.cases.service import TASK_LIMIT
from backend.worktime import TimeUnit, WorkCalendar, add_working_time, extend

A, S, R = wf.Action, wf.Status, wf.Role

#: Who takes each action in the demo (the table allows these roles; see workflow._ROWS).
ACTOR_ROLE: dict[wf.Action, wf.Role] = {
    A.REQUEST_VERIFY: R.OPERATOR, A.VERIFY: R.INSPECTOR, A.VERIFY_FAIL: R.INSPECTOR,
    A.FILE: R.SHIFT_LEADER, A.REJECT: R.SHIFT_LEADER, A.ANSWER_IMMEDIATELY: R.OPERATOR,
    A.MERGE: R.OPERATOR, A.DISPATCH: R.DISPATCHER, A.HANDLE: R.DEPARTMENT,
    A.REQUEST_RETURN: R.DEPARTMENT, A.APPROVE_RETURN: R.DISPATCHER, A.DENY_RETURN: R.DISPATCHER,
    A.REQUEST_EXTENSION: R.DEPARTMENT, A.APPROVE_EXTENSION: R.DISPATCHER, A.DENY_EXTENSION: R.DISPATCHER,
    A.REQUEST_SHELVING: R.DEPARTMENT, A.APPROVE_SHELVING: R.DISPATCHER, A.DENY_SHELVING: R.DISPATCHER,
    A.RESUME: R.DISPATCHER, A.REQUEST_CHECK: R.OPERATOR, A.CHECK_PASS: R.INSPECTOR,
    A.CHECK_FAIL: R.INSPECTOR, A.CLOSE: R.SHIFT_LEADER, A.REQUEST_VOID: R.DISPATCHER,
    A.APPROVE_VOID: R.SHIFT_LEADER, A.DENY_VOID: R.SHIFT_LEADER, A.REOPEN: R.OPERATOR,
    A.TRANSFER_EMERGENCY: R.OPERATOR,
}
_REQUESTS = {S.RETURN_REQUESTED, S.EXTENSION_REQUESTED, S.SHELVING_REQUESTED, S.VOID_REQUESTED}


@dataclass(frozen=True)
class MemoCalendar(WorkCalendar):
    """The same calendar, remembering each day's working periods: the history asks for the same
    few hundred days some 10^5 times, and building them is most of ``add_working_time``'s cost."""

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "_memo", {})

    @classmethod
    def of(cls, calendar: WorkCalendar) -> MemoCalendar:
        return cls.from_mapping(calendar.to_mapping())

    def periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        memo: dict[date, list[tuple[datetime, datetime]]] = self._memo  # type: ignore[attr-defined]
        if day not in memo:
            memo[day] = super().periods_on(day)
        return memo[day]


@dataclass
class Spec:
    """What was reported, where and when (made by :mod:`backend.demo_history`)."""

    source: str
    kind: str
    minor_code: str
    priority: str
    reported_at: datetime
    lon: float
    lat: float
    grid_code: str
    community_code: str | None
    street_code: str | None
    component_id: int | None = None
    observation_point_id: int | None = None
    address: str = ""
    description: str = ""
    reporter_name: str = ""
    reporter_contact: str = ""
    external_id: str | None = None
    duplicate_of: Spec | None = None
    emergency: bool = False  # a danger to people: handed to 110/119/120 at once
    plan: str | None = None  # a status this case is steered to (the demo's current work)
    share: float | None = None  # for plan "dispatched": the share of the limit used by now
    case_id: int | None = None  # set once the cases are ordered


@dataclass
class SimEvent:
    at: datetime
    action: str
    actor_user_id: int | None
    from_status: str | None
    to_status: str
    note: str
    data_json: str


@dataclass
class SimTask:
    kind: str
    grid_code: str
    assignee_user_id: int | None
    created_at: datetime
    due_at: datetime
    completed_at: datetime | None = None
    result: str | None = None
    note: str = ""


@dataclass
class SimCase:
    id: int
    spec: Spec
    edition: str
    status: str = S.REPORTED.value
    stamps: dict[str, datetime | None] = field(default_factory=dict)
    department_id: int | None = None
    due_at: datetime | None = None
    previous_status: str | None = None
    rework_count: int = 0
    return_count: int = 0
    extension_count: int = 0
    handled_on_time: bool | None = None
    closed_on_time: bool | None = None
    merged_into_id: int | None = None
    satisfaction: str | None = None
    reporter_user_id: int | None = None
    owner_user_id: int | None = None
    events: list[SimEvent] = field(default_factory=list)
    tasks: list[SimTask] = field(default_factory=list)

    @property
    def is_hotline(self) -> bool:
        return self.spec.source in HOTLINE_CHANNELS

    @property
    def last_at(self) -> datetime:
        return self.events[-1].at

    def status_at(self, at: datetime) -> str | None:
        """The status the case had at ``at`` (None before it was reported)."""
        status = None
        for event in self.events:
            if event.at > at:
                break
            status = event.to_status
        return status


@dataclass
class Staff:
    """The demo accounts that act, by role."""

    operator: int
    shift_leader: int
    dispatcher: int
    any_inspector: int
    inspector_of_grid: Mapping[str, int]  # the lowest-id inspector patrolling the grid, as the service picks
    department_user: Mapping[int, int]  # department id → its account
    any_department_user: int

    def actor(self, role: wf.Role, case: SimCase) -> int:
        if role is R.INSPECTOR:
            return self.inspector_of_grid.get(case.spec.grid_code, self.any_inspector)
        if role is R.DEPARTMENT:
            return self.department_user.get(case.department_id or -1, self.any_department_user)
        return {R.OPERATOR: self.operator, R.SHIFT_LEADER: self.shift_leader, R.DISPATCHER: self.dispatcher}[role]


class Walker:
    """Applies workflow actions to :class:`SimCase` objects (no database)."""

    def __init__(self, *, calendar: WorkCalendar, limits: Mapping[tuple[str, str], tuple[float, TimeUnit]],
                 route: Callable[[SimCase], int | None], staff: Staff) -> None:
        self.calendar = MemoCalendar.of(calendar)
        self.limits = limits
        self.route = route
        self.staff = staff
        self.cases: dict[int, SimCase] = {}

    def limit(self, case: SimCase) -> tuple[float, TimeUnit]:
        """As ``deadlines.time_limit``: the class's limit scaled by priority."""
        value, unit = self.limits.get((case.spec.kind, case.spec.minor_code), DEFAULT_LIMIT)
        return value * PRIORITY_FACTOR.get(case.spec.priority, 1.0), unit

    def due_from(self, case: SimCase, start: datetime) -> datetime:
        value, unit = self.limit(case)
        return add_working_time(start, value, unit, self.calendar)

    def start(self, case: SimCase) -> None:
        """Create the case as ``create_report`` does: status reported, one "report" event."""
        spec = case.spec
        reporter = self.staff.actor(R.INSPECTOR, case) if spec.source == "inspector" else self.staff.operator
        case.reporter_user_id = reporter
        case.owner_user_id = None if spec.source == "inspector" else self.staff.operator
        case.stamps[wf.INITIAL_TIMESTAMP_FIELD] = spec.reported_at
        self._event(case, spec.reported_at, "report", reporter, None, {"source": spec.source, "photos": 0}, "")
        self.cases[case.id] = case

    def act(self, case: SimCase, action: wf.Action, at: datetime, note: str = "", *,
            department_id: int | None = None, target_case_id: int | None = None,
            extension_amount: float | None = None) -> None:
        """One step; raises the workflow's own errors if the table does not allow it."""
        if at < case.last_at:
            raise ValueError(f"case {case.id}: {action} at {at} is before its last event {case.last_at}")
        role = ACTOR_ROLE[action]
        if action is A.REQUEST_VOID and case.status in (S.FILED, S.HANDLED, S.PENDING_CHECK, S.CHECK_PASSED):
            role = R.OPERATOR  # the centre's side asks; a dispatcher asks once it is with a department
        actor = self.staff.actor(role, case)
        new_due = None
        if action is A.APPROVE_EXTENSION and extension_amount and case.due_at:
            new_due = extend(case.due_at, extension_amount, self.limit(case)[1], self.calendar)
        if action is A.DISPATCH and department_id is None:
            department_id = self.route(case)
        ctx: dict[str, Any] = {
            "case_id": case.id, "note": note, "department_id": department_id, "target_case_id": target_case_id,
            "new_due": new_due, "current_due": case.due_at, "category_code": case.spec.minor_code,
            "needs_verification": case.is_hotline and case.stamps.get("verified_at") is None,
            "is_hotline": case.is_hotline, "previous_status": case.previous_status,
            # Historical cases carry no photo files (a handful get real ones afterwards); the
            # department and the inspector are taken to have attached what the guards ask for.
            "after_photo_count": 1, "check_photo_count": 1,
        }
        step = wf.plan_transition(case.status, action, role, ctx)
        old = case.status
        self._apply(case, step, ctx, actor, at)
        data = {k: ctx[k] for k in ("department_id", "target_case_id", "new_due") if ctx.get(k) is not None}
        self._event(case, at, step.action.value, actor, old, data, note)

    def _apply(self, case: SimCase, step: wf.Transition, ctx: dict[str, Any], actor: int, at: datetime) -> None:
        if step.next_status in _REQUESTS:
            case.previous_status = case.status
        case.status = step.next_status.value
        for name in step.timestamp_fields:
            case.stamps[name] = at
        action = step.action
        if action is A.DISPATCH:
            case.department_id = ctx["department_id"]
            case.due_at = self.due_from(case, at)
            case.handled_on_time = case.closed_on_time = None
        elif step.counts_as_rework:
            case.rework_count += 1
            case.due_at = self.due_from(case, at)
        elif action is A.APPROVE_RETURN:
            case.return_count += 1
            case.department_id, case.due_at = None, None
        elif action is A.APPROVE_EXTENSION:
            case.extension_count += 1
            case.due_at = ctx["new_due"]
        elif action is A.HANDLE:
            case.handled_on_time = case.due_at is None or at <= case.due_at
        elif action is A.CLOSE:
            case.closed_on_time = case.due_at is None or at <= case.due_at
        elif action is A.MERGE:
            target = self.cases.get(ctx["target_case_id"])
            if target is None or not wf.is_open(target.status_at(at) or "closed") or target.merged_into_id:
                raise ValueError(f"case {ctx['target_case_id']} cannot absorb duplicates at {at}")
            case.merged_into_id = target.id
        elif action is A.REOPEN:
            case.stamps["closed_at"] = None
        if action in (A.REQUEST_VERIFY, A.REQUEST_CHECK):
            kind = "verify" if action is A.REQUEST_VERIFY else "check"
            due = add_working_time(at, TASK_LIMIT[0], TASK_LIMIT[1], self.calendar)
            case.tasks.append(SimTask(kind, case.spec.grid_code, self.staff.inspector_of_grid.get(case.spec.grid_code),
                                      at, due))
        elif action in (A.VERIFY, A.VERIFY_FAIL, A.CHECK_PASS, A.CHECK_FAIL):
            kind = "verify" if action in (A.VERIFY, A.VERIFY_FAIL) else "check"
            open_tasks = [t for t in case.tasks if t.kind == kind and t.completed_at is None]
            if open_tasks:
                task = open_tasks[-1]
                task.completed_at, task.note = at, ctx["note"]
                task.result = "passed" if action in (A.VERIFY, A.CHECK_PASS) else "failed"
                task.assignee_user_id = task.assignee_user_id or actor

    def note_event(self, case: SimCase, at: datetime, action: str, actor: int | None, data: dict[str, Any],
                   note: str) -> None:
        """A timeline entry that changes no status (as ``backend.intake.events.note_event``)."""
        if at < case.last_at:
            raise ValueError(f"case {case.id}: {action} at {at} is before its last event {case.last_at}")
        self._event(case, at, action, actor, case.status, data, note)

    @staticmethod
    def _event(case: SimCase, at: datetime, action: str, actor: int | None, old: str | None,
               data: dict[str, Any], note: str) -> None:
        case.events.append(SimEvent(at, action, actor, old, case.status, note,
                                    json.dumps(data, ensure_ascii=False, default=str)))
