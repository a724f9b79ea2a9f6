"""Vocabulary of the case workflow: statuses, actions, roles, guards and the Transition record.

Pure data, no web or database imports. The table itself lives in :mod:`backend.cases.workflow`.
Enum values are the stable English snake_case strings stored in the database and sent over the
API; labels are for display only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Who acts on a case (see DOMAIN.md "The users")."""

    INSPECTOR = "inspector"  # 监督员
    OPERATOR = "operator"  # 受理员
    SHIFT_LEADER = "shift_leader"  # 值班长
    DISPATCHER = "dispatcher"  # 派遣员
    DEPARTMENT = "department"  # 专业部门
    ANALYST = "analyst"  # 分析员 / 领导: reads only
    ADMIN = "admin"  # system administration: configures, does not act on cases
    CITIZEN = "citizen"  # reports and rates; acts through intake, not through the table


class StatusType(StrEnum):
    """Open311-style type of a status; statistics count ``closed`` cases as finished."""

    OPEN = "open"
    CLOSED = "closed"


class Status(StrEnum):
    """Where a case is in the closed loop."""

    REPORTED = "reported"
    PENDING_VERIFY = "pending_verify"
    VERIFIED = "verified"
    VERIFY_FAILED = "verify_failed"
    FILED = "filed"
    REJECTED = "rejected"
    ANSWERED = "answered"
    MERGED = "merged"
    DISPATCHED = "dispatched"
    RETURN_REQUESTED = "return_requested"
    EXTENSION_REQUESTED = "extension_requested"
    SHELVING_REQUESTED = "shelving_requested"
    SHELVED = "shelved"
    HANDLED = "handled"
    PENDING_CHECK = "pending_check"
    CHECK_PASSED = "check_passed"
    CLOSED = "closed"
    VOID_REQUESTED = "void_requested"
    VOIDED = "voided"
    TRANSFERRED = "transferred"  # an emergency handed to 110/119/120: not ours to handle


class Action(StrEnum):
    """What a user can do to a case; each is one button."""

    REQUEST_VERIFY = "request_verify"
    VERIFY = "verify"
    VERIFY_FAIL = "verify_fail"
    FILE = "file"
    REJECT = "reject"
    ANSWER_IMMEDIATELY = "answer_immediately"
    MERGE = "merge"
    DISPATCH = "dispatch"
    HANDLE = "handle"
    REQUEST_RETURN = "request_return"
    APPROVE_RETURN = "approve_return"
    DENY_RETURN = "deny_return"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    DENY_EXTENSION = "deny_extension"
    REQUEST_SHELVING = "request_shelving"
    APPROVE_SHELVING = "approve_shelving"
    DENY_SHELVING = "deny_shelving"
    RESUME = "resume"
    REQUEST_CHECK = "request_check"
    CHECK_PASS = "check_pass"
    CHECK_FAIL = "check_fail"
    CLOSE = "close"
    REQUEST_VOID = "request_void"
    APPROVE_VOID = "approve_void"
    DENY_VOID = "deny_void"
    REOPEN = "reopen"
    TRANSFER_EMERGENCY = "transfer_emergency"


class Guard(StrEnum):
    """Named preconditions checked against the context the service passes in."""

    REQUIRES_NOTE = "requires_note"
    REQUIRES_AFTER_PHOTO = "requires_after_photo"
    REQUIRES_CHECK_PHOTO = "requires_check_photo"
    REQUIRES_DEPARTMENT = "requires_department"
    REQUIRES_TARGET_CASE = "requires_target_case"
    REQUIRES_NEW_DUE = "requires_new_due"
    REQUIRES_CATEGORY = "requires_category"
    REQUIRES_VERIFICATION_DONE = "requires_verification_done"
    REQUIRES_HOTLINE_REQUEST = "requires_hotline_request"
    REQUIRES_PREVIOUS_STATUS = "requires_previous_status"


STATUS_TYPES: dict[Status, StatusType] = {
    status: StatusType.CLOSED
    if status
    in {
        Status.VERIFY_FAILED,
        Status.REJECTED,
        Status.ANSWERED,
        Status.MERGED,
        Status.CLOSED,
        Status.VOIDED,
        Status.TRANSFERRED,
    }
    else StatusType.OPEN
    for status in Status
}

# (zh-CN, en)
STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.REPORTED: ("已上报", "Reported"),
    Status.PENDING_VERIFY: ("待核实", "Awaiting verification"),
    Status.VERIFIED: ("已核实", "Verified"),
    Status.VERIFY_FAILED: ("核实不属实", "Not confirmed on site"),
    Status.FILED: ("已立案", "Filed"),
    Status.REJECTED: ("不予立案", "Not filed"),
    Status.ANSWERED: ("即时答复", "Answered on the spot"),
    Status.MERGED: ("已合并（重复）", "Merged as duplicate"),
    Status.DISPATCHED: ("已派遣", "Dispatched"),
    Status.RETURN_REQUESTED: ("回退申请中", "Return requested"),
    Status.EXTENSION_REQUESTED: ("延期申请中", "Extension requested"),
    Status.SHELVING_REQUESTED: ("挂账申请中", "Shelving requested"),
    Status.SHELVED: ("已挂账", "Shelved"),
    Status.HANDLED: ("已处置", "Handled"),
    Status.PENDING_CHECK: ("待核查", "Awaiting check"),
    Status.CHECK_PASSED: ("核查通过", "Check passed"),
    Status.CLOSED: ("已结案", "Closed"),
    Status.VOID_REQUESTED: ("作废申请中", "Void requested"),
    Status.VOIDED: ("已作废", "Voided"),
    Status.TRANSFERRED: ("已转应急处置", "Transferred to emergency services"),
}

ACTION_LABELS: dict[Action, tuple[str, str]] = {
    Action.REQUEST_VERIFY: ("派发核实", "Send verify task"),
    Action.VERIFY: ("核实属实", "Confirm on site"),
    Action.VERIFY_FAIL: ("核实不属实", "Not confirmed on site"),
    Action.FILE: ("立案", "File"),
    Action.REJECT: ("不予立案", "Reject"),
    Action.ANSWER_IMMEDIATELY: ("即时答复", "Answer on the spot"),
    Action.MERGE: ("合并为重复件", "Merge as duplicate"),
    Action.DISPATCH: ("派遣", "Dispatch"),
    Action.HANDLE: ("处置反馈", "Report handled"),
    Action.REQUEST_RETURN: ("申请回退", "Request return"),
    Action.APPROVE_RETURN: ("同意回退", "Approve return"),
    Action.DENY_RETURN: ("驳回回退", "Deny return"),
    Action.REQUEST_EXTENSION: ("申请延期", "Request extension"),
    Action.APPROVE_EXTENSION: ("同意延期", "Approve extension"),
    Action.DENY_EXTENSION: ("驳回延期", "Deny extension"),
    Action.REQUEST_SHELVING: ("申请挂账", "Request shelving"),
    Action.APPROVE_SHELVING: ("同意挂账", "Approve shelving"),
    Action.DENY_SHELVING: ("驳回挂账", "Deny shelving"),
    Action.RESUME: ("挂账恢复", "Resume"),
    Action.REQUEST_CHECK: ("派发核查", "Send check task"),
    Action.CHECK_PASS: ("核查通过", "Check passed"),
    Action.CHECK_FAIL: ("核查不通过（返工）", "Check failed (rework)"),
    Action.CLOSE: ("结案", "Close"),
    Action.REQUEST_VOID: ("申请作废", "Request void"),
    Action.APPROVE_VOID: ("同意作废", "Approve void"),
    Action.DENY_VOID: ("驳回作废", "Deny void"),
    Action.REOPEN: ("重新开启", "Reopen"),
    Action.TRANSFER_EMERGENCY: ("转应急（110/119/120）", "Hand off to emergency services"),
}


@dataclass(frozen=True, slots=True)
class Transition:
    """One row of the workflow table.

    ``next_status`` is ``None`` only when ``restores_previous`` is true (deny a void request:
    the case goes back to the status it had before the request, which the service passes in as
    ``context["previous_status"]``); :func:`backend.cases.workflow.plan_transition` always
    returns a Transition with a concrete ``next_status``.
    ``timestamp_fields`` are the case's bookkeeping columns the step sets to "now" (several
    when one step completes one task and starts another, e.g. a failed check).
    """

    status: Status
    action: Action
    next_status: Status | None
    roles_allowed: frozenset[Role]
    timestamp_fields: tuple[str, ...] = ()
    guards: tuple[Guard, ...] = ()
    counts_as_rework: bool = False
    restores_previous: bool = False

    def __post_init__(self) -> None:
        if (self.next_status is None) != self.restores_previous:
            raise ValueError("next_status must be None exactly when restores_previous is set")
