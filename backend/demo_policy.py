"""How the demo's staff behave: which action follows which status, how long each step takes.

A case is walked from its report until the next step would lie in the future; whatever status
it has then is its status now. So old cases are mostly finished and recent ones are at every
stage of the loop, as in a real centre. Steps by centre staff take minutes to an hour of
working time; departments use a share of the class's limit (most on time, some late, a few
never); inspectors answer tasks within a few working hours.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np

from backend.cases import workflow as wf
from backend.demo_walk import SimCase, Walker
from backend.worktime import TimeUnit, add_working_time, limit_used

A, S = wf.Action, wf.Status
WH = TimeUnit.WORKING_HOURS

NOTES = {
    A.REJECT: ("不符合立案标准", "已自行整改，不予立案", "不属于城市管理受理范围"),
    A.VERIFY_FAIL: ("现场未发现所述问题", "到场时问题已消失"),
    A.ANSWER_IMMEDIATELY: ("已按知识库答复市民（政策咨询）", "已告知市民办理渠道"),
    A.HANDLE: ("已处置完毕，附处置后照片", "已清理完毕", "已修复", "已劝离并整改"),
    A.REQUEST_RETURN: ("经核实不属于本单位职责", "位置不在本单位养护范围"),
    A.DENY_RETURN: ("经核实属于你单位职责，请继续处置",),
    A.REQUEST_EXTENSION: ("需协调材料与施工队，申请延期", "涉及多部门协调，申请延期"),
    A.DENY_EXTENSION: ("问题简单，请按时处置",),
    A.REQUEST_SHELVING: ("涉及历史遗留问题，短期无法解决，申请挂账",),
    A.DENY_SHELVING: ("不符合挂账条件，请继续处置",),
    A.CHECK_FAIL: ("现场问题仍未处置到位，返工", "处置不彻底，返工"),
    A.REQUEST_VOID: ("重复立案，申请作废", "上报信息有误，申请作废"),
    A.DENY_VOID: ("不符合作废条件",),
    A.REOPEN: ("市民回访不满意，问题未解决，重新办理", "市民再次投诉同一问题"),
    A.TRANSFER_EMERGENCY: ("存在人身安全危险，已转110/119联动处置", "疑似燃气泄漏，已转119并告知来电人撤离"),
}
#: Paths to the open statuses the demo keeps some current work in (after any verification).
PLANS: dict[str, tuple[wf.Action, ...]] = {
    "reported": (),
    "pending_verify": (A.REQUEST_VERIFY,),
    "verified": (A.REQUEST_VERIFY, A.VERIFY),
    "filed": (A.FILE,),
    "dispatched": (A.FILE, A.DISPATCH),
    "return_requested": (A.FILE, A.DISPATCH, A.REQUEST_RETURN),
    "extension_requested": (A.FILE, A.DISPATCH, A.REQUEST_EXTENSION),
    "shelving_requested": (A.FILE, A.DISPATCH, A.REQUEST_SHELVING),
    "handled": (A.FILE, A.DISPATCH, A.HANDLE),
    "pending_check": (A.FILE, A.DISPATCH, A.HANDLE, A.REQUEST_CHECK),
    "check_passed": (A.FILE, A.DISPATCH, A.HANDLE, A.REQUEST_CHECK, A.CHECK_PASS),
    "void_requested": (A.FILE, A.DISPATCH, A.REQUEST_VOID),
    "transferred": (A.TRANSFER_EMERGENCY,),
}
_VERIFY_FIRST = (A.REQUEST_VERIFY, A.VERIFY)
_CONSULTING = frozenset({"phone", "web", "wechat", "app", "sms", "weibo"})


class Policy:
    """Decides the next step of a case and when it happens."""

    def __init__(self, walker: Walker, rng: np.random.Generator, now: datetime) -> None:
        self.walker, self.rng, self.now = walker, rng, now
        self.calendar = walker.calendar

    # ------------------------------------------------------------------ timing
    def _later(self, case: SimCase, t: datetime, hours: float) -> datetime:
        """``hours`` of work after ``t``, faster for short limits; classes counted in calendar
        hours (dangerous ones) are worked round the clock, the rest in working time."""
        value, unit = self.walker.limit(case)
        limit_hours = value * 7.5 if unit is TimeUnit.WORKING_DAYS else value
        hours *= min(1.0, max(limit_hours / 8.0, 0.15))
        if unit is TimeUnit.CALENDAR_HOURS:
            return t + timedelta(hours=hours)
        return add_working_time(t, hours, WH, self.calendar)

    def office(self, case: SimCase, t: datetime, low: float = 0.03, high: float = 0.6) -> datetime:
        """A centre step: a few minutes to about an hour of working time later."""
        return self._later(case, t, float(np.exp(self.rng.uniform(np.log(low), np.log(high)))))

    def field_visit(self, case: SimCase, t: datetime) -> datetime:
        """An inspector's task: within the 2 working hours, sometimes later."""
        hours = self.rng.uniform(0.2, 1.2) if self.rng.random() < 0.85 else self.rng.uniform(1.2, 4.0)
        return self._later(case, t, hours)

    def share_of_limit(self, case: SimCase, t: datetime, share: float) -> datetime:
        value, unit = self.walker.limit(case)
        return add_working_time(t, max(share * value, 0.02), unit, self.calendar)

    def handling_share(self, case: SimCase) -> float:
        r = self.rng.random()
        if case.rework_count:
            return self.rng.uniform(0.05, 0.6)  # rework is done quickly
        if r < 0.72:
            return float(self.rng.beta(2.0, 6.0))
        if r < 0.88:
            return self.rng.uniform(0.75, 1.0)
        return self.rng.uniform(1.03, 2.6)  # late

    def note(self, action: wf.Action) -> str:
        options = NOTES.get(action)
        return str(options[int(self.rng.integers(len(options)))]) if options else ""

    # ------------------------------------------------------------------ natural walk
    def run(self, case: SimCase) -> None:
        """Walk until the next step would be after now, or the case is finished."""
        for _ in range(60):
            step = self.decide(case)
            if step is None:
                return
            action, at, kwargs = step
            if at > self.now:
                return
            self.walker.act(case, action, at, kwargs.pop("note", self.note(action)), **kwargs)
            if case.status in (S.CLOSED, S.ANSWERED) and case.is_hotline and not self._call_back(case):
                return

    def _call_back(self, case: SimCase) -> bool:
        """The operator calls the caller back hours after closure (as the hotline desk records
        it: a "callback" entry and the satisfaction); a justified dissatisfaction reopens the case
        at once. False if the call is still to come."""
        at = case.last_at + timedelta(hours=float(self.rng.uniform(1, 30)))
        if at > self.now:
            return False
        late = case.closed_on_time is False
        p = (0.62, 0.22, 0.16) if late else (0.82, 0.13, 0.05)
        case.satisfaction = str(self.rng.choice(["satisfied", "basically_satisfied", "dissatisfied"], p=p))
        justified = case.satisfaction == "dissatisfied" and case.stamps.get("reopened_at") is None \
            and self.rng.random() < 0.35
        self.walker.note_event(case, at, "callback", self.walker.staff.operator,
                               {"satisfaction": case.satisfaction, "justified": justified}, "")
        if justified:
            self.walker.act(case, A.REOPEN, at, "来电人不满意，经核实诉求合理，重新办理。")
        return True

    def _merge_target(self, case: SimCase, at: datetime) -> int | None:
        target = case.spec.duplicate_of
        if target is None:
            return None
        sim = self.walker.cases.get(target.case_id or -1)
        if sim is None or sim.merged_into_id is not None or not wf.is_open(sim.status_at(at) or "closed"):
            return None
        return sim.id

    def decide(self, case: SimCase) -> tuple[wf.Action, datetime, dict] | None:
        r, t, status = self.rng.random(), case.last_at, case.status
        if status in (S.REPORTED, S.VERIFIED) and case.spec.duplicate_of is not None and r < 0.85:
            at = self.office(case, t)
            target = self._merge_target(case, at)
            if target is not None:
                return A.MERGE, at, {"target_case_id": target, "note": "与已有案件重复，合并处理"}
        if status == S.REPORTED:
            if case.spec.emergency:
                return A.TRANSFER_EMERGENCY, t + timedelta(minutes=float(self.rng.uniform(1, 8))), {}
            if case.is_hotline:
                if case.spec.source in _CONSULTING and r < 0.12:
                    return A.ANSWER_IMMEDIATELY, self.office(case, t, 0.02, 0.3), {}
                return (A.REJECT if r > 0.97 else A.REQUEST_VERIFY), self.office(case, t), {}
            return (A.REJECT if r > 0.95 else A.FILE), self.office(case, t), {}
        if status == S.PENDING_VERIFY:
            return (A.VERIFY_FAIL if r < 0.14 else A.VERIFY), self.field_visit(case, t), {}
        if status == S.VERIFIED:
            return (A.REJECT if r < 0.03 else A.FILE), self.office(case, t), {}
        if status == S.FILED:
            if r < 0.008:
                return A.REQUEST_VOID, self.office(case, t), {}
            return A.DISPATCH, self.office(case, t), {"department_id": self._redispatch(case)}
        if status == S.DISPATCHED:
            return self._department(case, t, r)
        if status == S.RETURN_REQUESTED:
            return (A.APPROVE_RETURN if r < 0.75 else A.DENY_RETURN), self.office(case, t), {}
        if status == S.EXTENSION_REQUESTED:
            if r < 0.8:
                amount = self.walker.limit(case)[0] * self.rng.uniform(0.5, 1.0)
                return A.APPROVE_EXTENSION, self.office(case, t), {"extension_amount": amount}
            return A.DENY_EXTENSION, self.office(case, t), {}
        if status == S.SHELVING_REQUESTED:
            return (A.APPROVE_SHELVING if r < 0.8 else A.DENY_SHELVING), self.office(case, t, 0.5, 8), {}
        if status == S.SHELVED:
            if r < 0.5:
                return A.RESUME, add_working_time(t, self.rng.uniform(5, 40) * 7.5, WH, self.calendar), {}
            return None  # 挂账: a long-term problem that stays on the ledger
        if status == S.HANDLED:
            return (A.REQUEST_VOID if r < 0.003 else A.REQUEST_CHECK), self.office(case, t), {}
        if status == S.PENDING_CHECK:
            return (A.CHECK_FAIL if r < 0.12 else A.CHECK_PASS), self.field_visit(case, t), {}
        if status == S.CHECK_PASSED:
            return A.CLOSE, self.office(case, t, 0.03, 0.8), {}
        if status == S.VOID_REQUESTED:
            return (A.APPROVE_VOID if r < 0.7 else A.DENY_VOID), self.office(case, t), {}
        if status in (S.CLOSED, S.ANSWERED) and case.stamps.get("reopened_at") is None and r < 0.006:
            return A.REOPEN, t + timedelta(hours=float(self.rng.uniform(20, 240))), {}  # a complaint later
        return None

    def _redispatch(self, case: SimCase) -> int | None:
        """After an approved return the dispatcher picks another department than the last one."""
        routed = self.walker.route(case)
        if not case.return_count:
            return routed
        last = [e for e in case.events if e.action == A.DISPATCH.value]
        previous = json.loads(last[-1].data_json).get("department_id") if last else None
        others = [d for d in self.walker.staff.department_user if d != previous]
        return routed if routed != previous or not others else int(self.rng.choice(others))

    def _department(self, case: SimCase, t: datetime, r: float) -> tuple[wf.Action, datetime, dict] | None:
        if r < 0.002:
            return None  # never handled: the chronic overdue case every centre has
        first_round = not case.rework_count
        if first_round and not case.return_count and r < 0.045:
            return A.REQUEST_RETURN, self.share_of_limit(case, t, self.rng.uniform(0.05, 0.3)), {}
        if first_round and not case.extension_count and r < 0.10:
            return A.REQUEST_EXTENSION, self.share_of_limit(case, t, self.rng.uniform(0.5, 0.9)), {}
        if first_round and r < 0.112:
            return A.REQUEST_SHELVING, self.share_of_limit(case, t, self.rng.uniform(0.6, 1.2)), {}
        if r < 0.118:
            return A.REQUEST_VOID, self.office(case, t), {}
        return A.HANDLE, self.share_of_limit(case, t, self.handling_share(case)), {}

    # ------------------------------------------------------------------ steered walk
    def plan_actions(self, case: SimCase, target: str) -> Sequence[wf.Action]:
        actions = PLANS[target]
        if case.is_hotline and target not in ("reported", "pending_verify", "verified", "transferred"):
            actions = (*_VERIFY_FIRST, *actions)
        return actions

    def run_plan(self, case: SimCase, target: str) -> bool:
        """Walk the fixed path to ``target`` with short steps; False if it would pass now."""
        for action in self.plan_actions(case, target):
            t = case.last_at
            if action in (A.VERIFY, A.CHECK_PASS):
                at = self.field_visit(case, t)
            elif action in (A.HANDLE, A.REQUEST_RETURN, A.REQUEST_EXTENSION, A.REQUEST_SHELVING):
                at = self.share_of_limit(case, t, self.rng.uniform(0.1, 0.6))
            else:
                at = self.office(case, t, 0.05, 0.6)
            if at > self.now:
                return False
            self.walker.act(case, action, at, self.note(action))
        return True

    def run_timed_plan(self, case: SimCase, target: str, times: Sequence[datetime]) -> None:
        """Walk the path to ``target`` at the given times (one per action)."""
        for action, at in zip(self.plan_actions(case, target), times, strict=True):
            self.walker.act(case, action, at, self.note(action))

    def dispatch_time_for_share(self, case: SimCase, share: float) -> datetime:
        """When to dispatch so that ``share`` of the limit is used now (as the deadline state
        measures it: working time between dispatch, due and now). Bisection: later dispatch,
        smaller share."""
        value, unit = self.walker.limit(case)
        days = value / 7.5 if unit is WH else value if unit is TimeUnit.WORKING_DAYS else value / 24
        lo, hi = self.now - timedelta(days=share * days * 2.2 + 4), self.now - timedelta(minutes=2)
        for _ in range(28):
            mid = lo + (hi - lo) / 2
            due = add_working_time(mid, value, unit, self.calendar)
            if limit_used(mid, due, self.now, self.calendar) > share:
                lo = mid
            else:
                hi = mid
        return hi
