"""The case workflow as ONE pure table: ``(status, action) -> Transition``.

Every status change of a case goes through :func:`plan_transition` (called by the case service,
the only writer of a case's status); every button comes from :func:`allowed_actions`. The table
is data: who may act, where the case goes, which bookkeeping timestamps the step sets, and which
named guards (:mod:`backend.cases.workflow_guards`) must hold. No web or database imports.

The loop (DOMAIN.md, reference/standards.md §4)::

    reported ─request_verify→ pending_verify ─verify→ verified ─file→ filed ─dispatch→ dispatched
       │                         └verify_fail→ verify_failed (closed)       │
       ├file→ filed    ├reject→ rejected (closed)  ├answer_immediately→ answered (closed)
       └merge→ merged (closed, also from pending_verify / verified / filed)
       └transfer_emergency→ transferred (closed: handed to 110/119/120)
    dispatched ─handle→ handled ─request_check→ pending_check ─check_pass→ check_passed ─close→ closed
       │                                           └check_fail→ dispatched (rework, same department)
       ├request_return→ return_requested ─approve_return→ filed | deny_return→ dispatched
       ├request_extension→ extension_requested ─approve_extension→ dispatched (new due) | deny→ dispatched
       └request_shelving→ shelving_requested ─approve_shelving→ shelved ─resume→ dispatched | deny→ dispatched
    filed|dispatched|shelved|handled|pending_check|check_passed ─request_void→ void_requested
       ─approve_void→ voided (closed) | deny_void→ the status before the request
    closed ─reopen→ filed;  answered ─reopen→ reported
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from backend.cases.workflow_errors import ActionForbidden, GuardFailed, InvalidTransition
from backend.cases.workflow_guards import (
    GUARD_CONTEXT_KEYS,
    GUARD_MESSAGES,
    VOIDABLE_STATUSES,
    TransitionContext,
    as_mapping,
    failing_guards,
)
from backend.cases.workflow_model import (
    ACTION_LABELS,
    STATUS_LABELS,
    STATUS_TYPES,
    Action,
    Guard,
    Role,
    Status,
    StatusType,
    Transition,
)

__all__ = [
    "ACTION_LABELS",
    "GUARD_CONTEXT_KEYS",
    "GUARD_MESSAGES",
    "INITIAL_STATUS",
    "INITIAL_TIMESTAMP_FIELD",
    "REPORT_ROLES",
    "STATUS_LABELS",
    "STATUS_TYPES",
    "TIMESTAMP_FIELDS",
    "TRANSITIONS",
    "VOIDABLE_STATUSES",
    "Action",
    "ActionForbidden",
    "Guard",
    "GuardFailed",
    "InvalidTransition",
    "Role",
    "Status",
    "StatusType",
    "Transition",
    "TransitionContext",
    "action_label",
    "actions_from",
    "allowed_actions",
    "is_open",
    "plan_transition",
    "status_label",
    "status_type",
]

S, A, R, G = Status, Action, Role, Guard

# Every case is created in this status; the service sets this timestamp on creation.
INITIAL_STATUS: Status = S.REPORTED
INITIAL_TIMESTAMP_FIELD = "reported_at"
# Who may create a case (intake, not a transition): inspectors patrol, operators take hotline
# requests, citizens report through the app or Open311.
REPORT_ROLES: frozenset[Role] = frozenset({R.INSPECTOR, R.OPERATOR, R.CITIZEN})

_OPERATOR = frozenset({R.OPERATOR})
_INSPECTOR = frozenset({R.INSPECTOR})
_LEADER = frozenset({R.SHIFT_LEADER})
_DISPATCHER = frozenset({R.DISPATCHER})
_DEPARTMENT = frozenset({R.DEPARTMENT})
_OPERATOR_OR_LEADER = frozenset({R.OPERATOR, R.SHIFT_LEADER})
_VOID_REQUESTERS = frozenset({R.OPERATOR, R.DISPATCHER})

_NOTE = (G.REQUIRES_NOTE,)

# fmt: off
_ROWS: list[Transition] = [
    # intake: verify public reports, then file or reject; hotline answers; duplicates
    Transition(S.REPORTED, A.REQUEST_VERIFY, S.PENDING_VERIFY, _OPERATOR, ("verify_requested_at",)),
    Transition(S.REPORTED, A.FILE, S.FILED, _LEADER, ("filed_at",),
               (G.REQUIRES_VERIFICATION_DONE, G.REQUIRES_CATEGORY)),
    Transition(S.REPORTED, A.REJECT, S.REJECTED, _LEADER, ("rejected_at",), _NOTE),
    Transition(S.REPORTED, A.ANSWER_IMMEDIATELY, S.ANSWERED, _OPERATOR, ("answered_at",),
               (G.REQUIRES_HOTLINE_REQUEST, G.REQUIRES_NOTE)),
    Transition(S.REPORTED, A.MERGE, S.MERGED, _OPERATOR_OR_LEADER, ("merged_at",), (G.REQUIRES_TARGET_CASE,)),
    # emergencies (fire, gas, accidents, crime, people in danger) go to 110/119/120, never queued
    Transition(S.REPORTED, A.TRANSFER_EMERGENCY, S.TRANSFERRED, _OPERATOR_OR_LEADER, (), _NOTE),
    Transition(S.PENDING_VERIFY, A.VERIFY, S.VERIFIED, _INSPECTOR, ("verified_at",)),
    Transition(S.PENDING_VERIFY, A.VERIFY_FAIL, S.VERIFY_FAILED, _INSPECTOR, ("verified_at",), _NOTE),
    Transition(S.PENDING_VERIFY, A.MERGE, S.MERGED, _OPERATOR_OR_LEADER, ("merged_at",),
               (G.REQUIRES_TARGET_CASE,)),
    Transition(S.VERIFIED, A.FILE, S.FILED, _LEADER, ("filed_at",), (G.REQUIRES_CATEGORY,)),
    Transition(S.VERIFIED, A.REJECT, S.REJECTED, _LEADER, ("rejected_at",), _NOTE),
    Transition(S.VERIFIED, A.MERGE, S.MERGED, _OPERATOR_OR_LEADER, ("merged_at",), (G.REQUIRES_TARGET_CASE,)),
    # filed: dispatch
    Transition(S.FILED, A.DISPATCH, S.DISPATCHED, _DISPATCHER, ("dispatched_at",), (G.REQUIRES_DEPARTMENT,)),
    Transition(S.FILED, A.MERGE, S.MERGED, _OPERATOR_OR_LEADER, ("merged_at",), (G.REQUIRES_TARGET_CASE,)),
    Transition(S.FILED, A.REQUEST_VOID, S.VOID_REQUESTED, _VOID_REQUESTERS, (), _NOTE),
    # dispatched: the department handles, or asks to return / extend / shelve
    Transition(S.DISPATCHED, A.HANDLE, S.HANDLED, _DEPARTMENT, ("handled_at",),
               (G.REQUIRES_NOTE, G.REQUIRES_AFTER_PHOTO)),
    Transition(S.DISPATCHED, A.REQUEST_RETURN, S.RETURN_REQUESTED, _DEPARTMENT, (), _NOTE),
    Transition(S.DISPATCHED, A.REQUEST_EXTENSION, S.EXTENSION_REQUESTED, _DEPARTMENT, (), _NOTE),
    Transition(S.DISPATCHED, A.REQUEST_SHELVING, S.SHELVING_REQUESTED, _DEPARTMENT, (), _NOTE),
    Transition(S.DISPATCHED, A.REQUEST_VOID, S.VOID_REQUESTED, _VOID_REQUESTERS, (), _NOTE),
    # the dispatcher decides on requests
    Transition(S.RETURN_REQUESTED, A.APPROVE_RETURN, S.FILED, _DISPATCHER, ("returned_at",)),
    Transition(S.RETURN_REQUESTED, A.DENY_RETURN, S.DISPATCHED, _DISPATCHER, (), _NOTE),
    Transition(S.EXTENSION_REQUESTED, A.APPROVE_EXTENSION, S.DISPATCHED, _DISPATCHER, ("extended_at",),
               (G.REQUIRES_NEW_DUE,)),
    Transition(S.EXTENSION_REQUESTED, A.DENY_EXTENSION, S.DISPATCHED, _DISPATCHER, (), _NOTE),
    Transition(S.SHELVING_REQUESTED, A.APPROVE_SHELVING, S.SHELVED, _DISPATCHER, ("shelved_at",)),
    Transition(S.SHELVING_REQUESTED, A.DENY_SHELVING, S.DISPATCHED, _DISPATCHER, (), _NOTE),
    Transition(S.SHELVED, A.RESUME, S.DISPATCHED, _DISPATCHER, ("resumed_at",)),
    Transition(S.SHELVED, A.REQUEST_VOID, S.VOID_REQUESTED, _VOID_REQUESTERS, (), _NOTE),
    # handled: check on site, then close; a failed check is rework for the same department
    Transition(S.HANDLED, A.REQUEST_CHECK, S.PENDING_CHECK, _OPERATOR, ("check_requested_at",)),
    Transition(S.HANDLED, A.REQUEST_VOID, S.VOID_REQUESTED, _VOID_REQUESTERS, (), _NOTE),
    Transition(S.PENDING_CHECK, A.CHECK_PASS, S.CHECK_PASSED, _INSPECTOR, ("checked_at",),
               (G.REQUIRES_CHECK_PHOTO,)),
    Transition(S.PENDING_CHECK, A.CHECK_FAIL, S.DISPATCHED, _INSPECTOR, ("checked_at", "dispatched_at"),
               (G.REQUIRES_NOTE, G.REQUIRES_CHECK_PHOTO), counts_as_rework=True),
    Transition(S.PENDING_CHECK, A.REQUEST_VOID, S.VOID_REQUESTED, _VOID_REQUESTERS, (), _NOTE),
    Transition(S.CHECK_PASSED, A.CLOSE, S.CLOSED, _LEADER, ("closed_at",)),
    Transition(S.CHECK_PASSED, A.REQUEST_VOID, S.VOID_REQUESTED, _VOID_REQUESTERS, (), _NOTE),
    # void: the shift leader approves, or denies and the case goes back where it was
    Transition(S.VOID_REQUESTED, A.APPROVE_VOID, S.VOIDED, _LEADER, ("voided_at",)),
    Transition(S.VOID_REQUESTED, A.DENY_VOID, None, _LEADER, (),
               (G.REQUIRES_NOTE, G.REQUIRES_PREVIOUS_STATUS), restores_previous=True),
    # reopen on a justified complaint
    Transition(S.CLOSED, A.REOPEN, S.FILED, _OPERATOR_OR_LEADER, ("reopened_at",), _NOTE),
    Transition(S.ANSWERED, A.REOPEN, S.REPORTED, _OPERATOR_OR_LEADER, ("reopened_at",), _NOTE),
]
# fmt: on

TRANSITIONS: dict[tuple[Status, Action], Transition] = {(t.status, t.action): t for t in _ROWS}
if len(TRANSITIONS) != len(_ROWS):  # pragma: no cover - guards the table against copy-paste
    raise RuntimeError("duplicate (status, action) row in the workflow table")

# Every bookkeeping column a step can set, plus the creation timestamp: the case model's columns.
TIMESTAMP_FIELDS: tuple[str, ...] = (
    INITIAL_TIMESTAMP_FIELD,
    *dict.fromkeys(field for t in _ROWS for field in t.timestamp_fields),
)


def _coerce(enum: type, value: Any) -> Any:
    try:
        return enum(value)
    except ValueError:
        return None


def status_type(status: Status | str) -> StatusType:
    """Open311 type of ``status``; raises ValueError for an unknown status."""
    return STATUS_TYPES[Status(status)]


def is_open(status: Status | str) -> bool:
    """True while the case still needs work (statistics: "should be closed")."""
    return status_type(status) is StatusType.OPEN


def status_label(status: Status | str, lang: str = "zh") -> str:
    """Display label of a status: "zh..." gives zh-CN, anything else English."""
    zh, en = STATUS_LABELS[Status(status)]
    return zh if lang.lower().startswith("zh") else en


def action_label(action: Action | str, lang: str = "zh") -> str:
    """Display label of an action (button text)."""
    zh, en = ACTION_LABELS[Action(action)]
    return zh if lang.lower().startswith("zh") else en


def actions_from(status: Status | str) -> list[Action]:
    """All actions the table defines from ``status``, whatever the role, in table order."""
    return [t.action for t in _ROWS if t.status == status]


def allowed_actions(status: Status | str, role: Role | str) -> list[Action]:
    """The actions ``role`` may take on a case in ``status``, in table order (the buttons).

    Guards are not evaluated here: they depend on what the user enters, and are checked by
    :func:`plan_transition` when the action is submitted.
    """
    return [t.action for t in _ROWS if t.status == status and role in t.roles_allowed]


def plan_transition(
    status: Status | str,
    action: Action | str,
    role: Role | str,
    context: Mapping[str, Any] | TransitionContext | None = None,
) -> Transition:
    """Check one step against the table and return the transition to apply.

    Raises, in this order: :class:`InvalidTransition` (unknown status or action, or no such
    action from this status), :class:`ActionForbidden` (the role may not take it),
    :class:`GuardFailed` (all failing guards, the first as ``.guard``). The returned Transition
    always has a concrete ``next_status`` (for ``deny_void`` it is ``context["previous_status"]``).
    """
    status_ = _coerce(Status, status)
    action_ = _coerce(Action, action)
    transition = TRANSITIONS.get((status_, action_)) if status_ and action_ else None
    if transition is None:
        raise InvalidTransition(str(status), str(action))
    role_ = _coerce(Role, role)
    if role_ is None or role_ not in transition.roles_allowed:
        raise ActionForbidden(status_, action_, str(role))
    ctx = as_mapping(context)
    failed = failing_guards(transition.guards, ctx)
    if failed:
        raise GuardFailed([(guard.value, *GUARD_MESSAGES[guard]) for guard in failed])
    if transition.restores_previous:
        return replace(transition, next_status=Status(ctx["previous_status"]), restores_previous=False)
    return transition
