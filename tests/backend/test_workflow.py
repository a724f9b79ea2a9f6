"""The case workflow table, tested as the full status x action x role matrix.

The expectation below is written by hand from DOMAIN.md and reference/standards.md §4, not
generated from the module: if the table changes, this text must change with it.
"""

from __future__ import annotations

import ast
import itertools
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend.cases.workflow import (
    ACTION_LABELS,
    GUARD_CONTEXT_KEYS,
    GUARD_MESSAGES,
    INITIAL_STATUS,
    STATUS_LABELS,
    TIMESTAMP_FIELDS,
    TRANSITIONS,
    VOIDABLE_STATUSES,
    Action,
    Guard,
    Role,
    Status,
    StatusType,
    TransitionContext,
    action_label,
    actions_from,
    allowed_actions,
    is_open,
    plan_transition,
    status_label,
    status_type,
)
from backend.cases.workflow_errors import ActionForbidden, GuardFailed, InvalidTransition, WorkflowError

# status               action              next status        roles (comma-separated)
EXPECTED_TABLE = """
reported               request_verify      pending_verify     operator
reported               file                filed              shift_leader
reported               reject              rejected           shift_leader
reported               answer_immediately  answered           operator
reported               merge               merged             operator,shift_leader
reported               transfer_emergency  transferred        operator,shift_leader
pending_verify         verify              verified           inspector
pending_verify         verify_fail         verify_failed      inspector
pending_verify         merge               merged             operator,shift_leader
verified               file                filed              shift_leader
verified               reject              rejected           shift_leader
verified               merge               merged             operator,shift_leader
filed                  dispatch            dispatched         dispatcher
filed                  merge               merged             operator,shift_leader
filed                  request_void        void_requested     operator,dispatcher
dispatched             handle              handled            department
dispatched             request_return      return_requested   department
dispatched             request_extension   extension_requested department
dispatched             request_shelving    shelving_requested department
dispatched             request_void        void_requested     operator,dispatcher
return_requested       approve_return      filed              dispatcher
return_requested       deny_return         dispatched         dispatcher
extension_requested    approve_extension   dispatched         dispatcher
extension_requested    deny_extension      dispatched         dispatcher
shelving_requested     approve_shelving    shelved            dispatcher
shelving_requested     deny_shelving       dispatched         dispatcher
shelved                resume              dispatched         dispatcher
shelved                request_void        void_requested     operator,dispatcher
handled                request_check       pending_check      operator
handled                request_void        void_requested     operator,dispatcher
pending_check          check_pass          check_passed       inspector
pending_check          check_fail          dispatched         inspector
pending_check          request_void        void_requested     operator,dispatcher
check_passed           close               closed             shift_leader
check_passed           request_void        void_requested     operator,dispatcher
void_requested         approve_void        voided             shift_leader
void_requested         deny_void           PREVIOUS           shift_leader
closed                 reopen              filed              operator,shift_leader
answered               reopen              reported           operator,shift_leader
"""

EXPECTED: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}
for _line in EXPECTED_TABLE.strip().splitlines():
    _status, _action, _next, _roles = _line.split()
    EXPECTED[(_status, _action)] = (_next, frozenset(_roles.split(",")))

EXPECTED_CLOSED = {"verify_failed", "rejected", "answered", "merged", "closed", "voided", "transferred"}

# A context that satisfies every guard; deny_void goes back to "dispatched".
FULL_CONTEXT = {
    "case_id": 1,
    "note": "done",
    "after_photo_count": 1,
    "check_photo_count": 2,
    "department_id": 7,
    "target_case_id": 2,
    "new_due": datetime(2026, 3, 2, 10, tzinfo=UTC),
    "current_due": datetime(2026, 3, 1, 10, tzinfo=UTC),
    "category_code": "0102",
    "needs_verification": False,
    "is_hotline": True,
    "previous_status": "dispatched",
}

MATRIX = list(itertools.product(Status, Action, Role))


def _expected_outcome(status: Status, action: Action, role: Role) -> str:
    row = EXPECTED.get((status.value, action.value))
    if row is None:
        return "invalid"
    return "allowed" if role.value in row[1] else "forbidden"


@pytest.mark.parametrize(("status", "action", "role"), MATRIX, ids=lambda v: v.value)
def test_matrix(status: Status, action: Action, role: Role) -> None:
    outcome = _expected_outcome(status, action, role)
    if outcome == "invalid":
        with pytest.raises(InvalidTransition):
            plan_transition(status, action, role, FULL_CONTEXT)
    elif outcome == "forbidden":
        with pytest.raises(ActionForbidden):
            plan_transition(status, action, role, FULL_CONTEXT)
    else:
        transition = plan_transition(status, action, role, FULL_CONTEXT)
        expected_next = EXPECTED[(status.value, action.value)][0]
        if expected_next == "PREVIOUS":
            expected_next = FULL_CONTEXT["previous_status"]
        assert transition.next_status == expected_next
        assert transition.status == status and transition.action == action
    assert (action in allowed_actions(status, role)) == (outcome == "allowed")


@pytest.mark.parametrize(("status", "role"), list(itertools.product(Status, Role)), ids=lambda v: v.value)
def test_allowed_actions_match_expected(status: Status, role: Role) -> None:
    expected = {a for (s, a), (_, roles) in EXPECTED.items() if s == status.value and role.value in roles}
    got = allowed_actions(status, role)
    assert len(got) == len(set(got))
    assert {a.value for a in got} == expected
    assert allowed_actions(status.value, role.value) == got  # plain strings work too


def test_table_has_exactly_the_expected_rows() -> None:
    assert {(s.value, a.value) for s, a in TRANSITIONS} == set(EXPECTED)


def test_readers_and_analysts_and_admins_and_citizens_have_no_buttons() -> None:
    for status, role in itertools.product(Status, (Role.ANALYST, Role.ADMIN, Role.CITIZEN)):
        assert allowed_actions(status, role) == []


def test_status_types_and_is_open() -> None:
    for status in Status:
        closed = status.value in EXPECTED_CLOSED
        assert status_type(status) is (StatusType.CLOSED if closed else StatusType.OPEN)
        assert is_open(status) is (not closed)
    assert is_open("shelved") and not is_open("closed")


def test_terminal_statuses_only_reopen() -> None:
    expected = {"closed": [Action.REOPEN], "answered": [Action.REOPEN]}
    for status in Status:
        if not is_open(status):
            assert actions_from(status) == expected.get(status.value, []), status


def test_every_open_status_has_an_action() -> None:
    for status in Status:
        if is_open(status):
            assert actions_from(status), status


def _edges() -> dict[Status, set[Status]]:
    edges: dict[Status, set[Status]] = {s: set() for s in Status}
    for (status, _), t in TRANSITIONS.items():
        edges[status] |= set(VOIDABLE_STATUSES) if t.restores_previous else {t.next_status}
    return edges


def _reachable(start: Status, edges: dict[Status, set[Status]]) -> set[Status]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def test_every_status_reachable_from_reported() -> None:
    assert INITIAL_STATUS == Status.REPORTED
    assert _reachable(Status.REPORTED, _edges()) == set(Status)


def test_every_open_status_can_reach_a_closed_one() -> None:
    edges = _edges()
    for status in Status:
        if is_open(status):
            assert any(not is_open(s) for s in _reachable(status, edges)), status


def test_deny_void_restores_previous_status() -> None:
    for previous in VOIDABLE_STATUSES:
        ctx = {"note": "not a duplicate", "previous_status": previous.value}
        assert plan_transition("void_requested", "deny_void", "shift_leader", ctx).next_status == previous
    void_origins = {Status(s) for (s, a) in EXPECTED if a == "request_void"}
    assert void_origins == VOIDABLE_STATUSES
    with pytest.raises(GuardFailed) as err:
        plan_transition("void_requested", "deny_void", "shift_leader", {"note": "x", "previous_status": "closed"})
    assert err.value.guard == "requires_previous_status"


def test_rework_flag_only_on_failed_check() -> None:
    rework = [key for key, t in TRANSITIONS.items() if t.counts_as_rework]
    assert rework == [(Status.PENDING_CHECK, Action.CHECK_FAIL)]
    t = plan_transition("pending_check", "check_fail", "inspector", FULL_CONTEXT)
    assert t.next_status == Status.DISPATCHED and t.counts_as_rework
    assert set(t.timestamp_fields) == {"checked_at", "dispatched_at"}


@pytest.mark.parametrize(
    ("status", "action", "fields"),
    [
        ("reported", "request_verify", ("verify_requested_at",)),
        ("pending_verify", "verify", ("verified_at",)),
        ("pending_verify", "verify_fail", ("verified_at",)),
        ("reported", "file", ("filed_at",)),
        ("verified", "file", ("filed_at",)),
        ("reported", "reject", ("rejected_at",)),
        ("reported", "answer_immediately", ("answered_at",)),
        ("reported", "transfer_emergency", ()),
        ("filed", "merge", ("merged_at",)),
        ("filed", "dispatch", ("dispatched_at",)),
        ("dispatched", "handle", ("handled_at",)),
        ("dispatched", "request_extension", ()),
        ("extension_requested", "deny_extension", ()),
        ("extension_requested", "approve_extension", ("extended_at",)),
        ("return_requested", "approve_return", ("returned_at",)),
        ("shelving_requested", "approve_shelving", ("shelved_at",)),
        ("shelved", "resume", ("resumed_at",)),
        ("handled", "request_check", ("check_requested_at",)),
        ("pending_check", "check_pass", ("checked_at",)),
        ("check_passed", "close", ("closed_at",)),
        ("void_requested", "approve_void", ("voided_at",)),
        ("closed", "reopen", ("reopened_at",)),
    ],
)
def test_timestamp_fields(status: str, action: str, fields: tuple[str, ...]) -> None:
    assert TRANSITIONS[(Status(status), Action(action))].timestamp_fields == fields
    assert set(fields) <= set(TIMESTAMP_FIELDS)


def test_timestamp_fields_list_is_complete_and_unique() -> None:
    used = {f for t in TRANSITIONS.values() for f in t.timestamp_fields} | {"reported_at"}
    assert set(TIMESTAMP_FIELDS) == used and len(TIMESTAMP_FIELDS) == len(used)
    assert all(f.endswith("_at") for f in TIMESTAMP_FIELDS)


@pytest.mark.parametrize(
    ("status", "action", "role", "context", "guard"),
    [
        ("reported", "file", "shift_leader", {"category_code": "0102", "needs_verification": True},
         "requires_verification_done"),
        ("reported", "file", "shift_leader", {}, "requires_category"),
        ("reported", "reject", "shift_leader", {"note": "   "}, "requires_note"),
        ("reported", "answer_immediately", "operator", {"note": "kb answer"}, "requires_hotline_request"),
        ("reported", "merge", "operator", {"case_id": 5, "target_case_id": 5}, "requires_target_case"),
        ("reported", "transfer_emergency", "operator", {"note": ""}, "requires_note"),
        ("filed", "dispatch", "dispatcher", {"department_id": ""}, "requires_department"),
        ("dispatched", "handle", "department", {"note": "cleared", "after_photo_count": 0},
         "requires_after_photo"),
        ("extension_requested", "approve_extension", "dispatcher",
         {"new_due": datetime(2026, 3, 1), "current_due": None}, "requires_new_due"),
        ("extension_requested", "approve_extension", "dispatcher",
         {"new_due": datetime(2026, 3, 1, tzinfo=UTC), "current_due": datetime(2026, 3, 2, tzinfo=UTC)},
         "requires_new_due"),
        ("pending_check", "check_pass", "inspector", {}, "requires_check_photo"),
        ("closed", "reopen", "operator", {"note": None}, "requires_note"),
    ],
)
def test_guard_failures(status: str, action: str, role: str, context: dict, guard: str) -> None:
    with pytest.raises(GuardFailed) as err:
        plan_transition(status, action, role, context)
    assert err.value.guard == guard
    assert err.value.code == "guard_failed"
    assert err.value.message_en and err.value.message_zh
    assert err.value.message_zh != err.value.message_en


def test_guard_failed_lists_all_failing_guards() -> None:
    with pytest.raises(GuardFailed) as err:
        plan_transition("dispatched", "handle", "department", {})
    assert err.value.guards == ("requires_note", "requires_after_photo")


def test_new_due_without_current_due_and_dataclass_context() -> None:
    ctx = TransitionContext(new_due=datetime(2026, 3, 1, tzinfo=UTC))
    assert plan_transition("extension_requested", "approve_extension", "dispatcher", ctx).next_status == (
        Status.DISPATCHED
    )
    ctx = TransitionContext(category_code="0102", needs_verification=False)
    assert plan_transition(Status.REPORTED, Action.FILE, Role.SHIFT_LEADER, ctx).next_status == Status.FILED


def test_every_guard_has_messages_and_context_keys() -> None:
    used = {g for t in TRANSITIONS.values() for g in t.guards}
    assert used == set(Guard)
    for guard in Guard:
        en, zh = GUARD_MESSAGES[guard]
        assert en and zh and any("\u4e00" <= ch <= "\u9fff" for ch in zh)
        assert GUARD_CONTEXT_KEYS[guard]


def test_unknown_names() -> None:
    with pytest.raises(InvalidTransition):
        plan_transition("nonsense", "file", "shift_leader", FULL_CONTEXT)
    with pytest.raises(InvalidTransition):
        plan_transition("reported", "teleport", "shift_leader", FULL_CONTEXT)
    with pytest.raises(ActionForbidden) as err:
        plan_transition("reported", "file", "mayor", FULL_CONTEXT)
    assert err.value.code == "action_forbidden" and err.value.role == "mayor"
    assert allowed_actions("reported", "mayor") == []


def test_error_family() -> None:
    codes = {InvalidTransition.code, ActionForbidden.code, GuardFailed.code}
    assert len(codes) == 3
    for cls in (InvalidTransition, ActionForbidden, GuardFailed):
        assert issubclass(cls, WorkflowError) and issubclass(cls, Exception)
    err = InvalidTransition("closed", "dispatch")
    assert err.message("zh-CN") == err.message_zh and err.message("en") == err.message_en


def test_labels() -> None:
    for status in Status:
        zh, en = STATUS_LABELS[status]
        assert status_label(status) == zh and status_label(status, "en") == en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and en.isascii()
    for action in Action:
        zh, en = ACTION_LABELS[action]
        assert action_label(action, "zh-CN") == zh and action_label(action, "en") == en
    assert status_label("filed") == "已立案" and action_label("close") == "结案"


def test_a_whole_case_with_rework_and_reopen() -> None:
    steps = [
        ("request_verify", "operator", "pending_verify"),
        ("verify", "inspector", "verified"),
        ("file", "shift_leader", "filed"),
        ("dispatch", "dispatcher", "dispatched"),
        ("request_extension", "department", "extension_requested"),
        ("approve_extension", "dispatcher", "dispatched"),
        ("handle", "department", "handled"),
        ("request_check", "operator", "pending_check"),
        ("check_fail", "inspector", "dispatched"),
        ("handle", "department", "handled"),
        ("request_check", "operator", "pending_check"),
        ("check_pass", "inspector", "check_passed"),
        ("close", "shift_leader", "closed"),
        ("reopen", "operator", "filed"),
    ]
    status: Status = Status.REPORTED
    reworks = 0
    for action, role, expected in steps:
        transition = plan_transition(status, action, role, FULL_CONTEXT)
        assert transition.next_status == expected
        reworks += transition.counts_as_rework
        status = transition.next_status
    assert reworks == 1


FORBIDDEN_IMPORTS = ("fastapi", "sqlalchemy", "geoalchemy2", "starlette", "backend.db", "backend.models")


@pytest.mark.parametrize(
    "path",
    sorted(Path(__file__).resolve().parents[2].joinpath("backend", "cases").glob("workflow*.py")),
    ids=lambda p: p.name,
)
def test_workflow_modules_are_pure(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        for name in names:
            assert not name.startswith(FORBIDDEN_IMPORTS), f"{path.name} imports {name}"
