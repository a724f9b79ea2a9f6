"""Guard predicates of the case workflow: named checks against a plain context.

The context is a mapping (or a :class:`TransitionContext`) the service fills from the request
and the case row. Each guard reads only the keys listed in :data:`GUARD_CONTEXT_KEYS`. Pure: no
web or database imports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from backend.cases.workflow_model import Guard, Status


@dataclass(slots=True)
class TransitionContext:
    """Typed convenience for the context; a plain dict with the same keys works as well."""

    case_id: Any = None
    note: str | None = None
    after_photo_count: int = 0
    check_photo_count: int = 0
    department_id: Any = None
    target_case_id: Any = None
    new_due: datetime | None = None
    current_due: datetime | None = None
    category_code: str | None = None
    needs_verification: bool = False
    is_hotline: bool = False
    previous_status: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# Statuses from which a void may be requested, hence those a denied void can restore.
VOIDABLE_STATUSES: frozenset[Status] = frozenset(
    {
        Status.FILED,
        Status.DISPATCHED,
        Status.SHELVED,
        Status.HANDLED,
        Status.PENDING_CHECK,
        Status.CHECK_PASSED,
    }
)

GUARD_CONTEXT_KEYS: dict[Guard, tuple[str, ...]] = {
    Guard.REQUIRES_NOTE: ("note",),
    Guard.REQUIRES_AFTER_PHOTO: ("after_photo_count",),
    Guard.REQUIRES_CHECK_PHOTO: ("check_photo_count",),
    Guard.REQUIRES_DEPARTMENT: ("department_id",),
    Guard.REQUIRES_TARGET_CASE: ("target_case_id", "case_id"),
    Guard.REQUIRES_NEW_DUE: ("new_due", "current_due"),
    Guard.REQUIRES_CATEGORY: ("category_code",),
    Guard.REQUIRES_VERIFICATION_DONE: ("needs_verification",),
    Guard.REQUIRES_HOTLINE_REQUEST: ("is_hotline",),
    Guard.REQUIRES_PREVIOUS_STATUS: ("previous_status",),
}

# (message_en, message_zh) shown when the guard fails.
GUARD_MESSAGES: dict[Guard, tuple[str, str]] = {
    Guard.REQUIRES_NOTE: ("A note (reason or result) is required.", "请填写说明（原因或处理结果）。"),
    Guard.REQUIRES_AFTER_PHOTO: (
        "At least one photo after handling is required.",
        "请至少上传一张处置后照片。",
    ),
    Guard.REQUIRES_CHECK_PHOTO: (
        "At least one photo taken on site during the check is required.",
        "请至少上传一张现场核查照片。",
    ),
    Guard.REQUIRES_DEPARTMENT: ("Choose the department to dispatch to.", "请选择派遣的专业部门。"),
    Guard.REQUIRES_TARGET_CASE: (
        "Choose the other case this one duplicates (not the case itself).",
        "请选择与本案重复的另一案件（不能是本案）。",
    ),
    Guard.REQUIRES_NEW_DUE: (
        "Give a new due time (timezone-aware) later than the current one.",
        "请填写晚于原时限的新处置时限（含时区）。",
    ),
    Guard.REQUIRES_CATEGORY: ("Choose the problem category before filing.", "立案前请选择问题类别。"),
    Guard.REQUIRES_VERIFICATION_DONE: (
        "A public report must be verified on site before it can be filed.",
        "公众举报须先经监督员核实后方可立案。",
    ),
    Guard.REQUIRES_HOTLINE_REQUEST: (
        "Only hotline requests can be answered on the spot.",
        "仅热线诉求可即时答复。",
    ),
    Guard.REQUIRES_PREVIOUS_STATUS: (
        "The status before the void request is missing or not one a void can be requested from.",
        "缺少申请作废前的案件状态，或该状态不可申请作废。",
    ),
}


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _new_due_ok(ctx: Mapping[str, Any]) -> bool:
    new_due = ctx.get("new_due")
    if not isinstance(new_due, datetime) or new_due.tzinfo is None:
        return False
    current = ctx.get("current_due")
    if isinstance(current, datetime) and current.tzinfo is not None:
        return new_due > current
    return True


def _previous_ok(ctx: Mapping[str, Any]) -> bool:
    try:
        return Status(ctx.get("previous_status")) in VOIDABLE_STATUSES
    except ValueError:
        return False


def _target_ok(ctx: Mapping[str, Any]) -> bool:
    target = ctx.get("target_case_id")
    case_id = ctx.get("case_id")
    return _present(target) and (case_id is None or str(target) != str(case_id))


GUARD_CHECKS: dict[Guard, Callable[[Mapping[str, Any]], bool]] = {
    Guard.REQUIRES_NOTE: lambda ctx: _present(ctx.get("note")),
    Guard.REQUIRES_AFTER_PHOTO: lambda ctx: _count(ctx.get("after_photo_count")) > 0,
    Guard.REQUIRES_CHECK_PHOTO: lambda ctx: _count(ctx.get("check_photo_count")) > 0,
    Guard.REQUIRES_DEPARTMENT: lambda ctx: _present(ctx.get("department_id")),
    Guard.REQUIRES_TARGET_CASE: _target_ok,
    Guard.REQUIRES_NEW_DUE: _new_due_ok,
    Guard.REQUIRES_CATEGORY: lambda ctx: _present(ctx.get("category_code")),
    Guard.REQUIRES_VERIFICATION_DONE: lambda ctx: not ctx.get("needs_verification", False),
    Guard.REQUIRES_HOTLINE_REQUEST: lambda ctx: bool(ctx.get("is_hotline", False)),
    Guard.REQUIRES_PREVIOUS_STATUS: _previous_ok,
}


def as_mapping(context: Mapping[str, Any] | TransitionContext | None) -> Mapping[str, Any]:
    """Normalise the context to a mapping (``extra`` keys of a TransitionContext are merged in)."""
    if context is None:
        return {}
    if isinstance(context, TransitionContext):
        data = asdict(context)
        extra = data.pop("extra")
        return {**extra, **data}
    return context


def failing_guards(guards: tuple[Guard, ...], context: Mapping[str, Any]) -> list[Guard]:
    """The guards (in the given order) the context does not satisfy."""
    return [guard for guard in guards if not GUARD_CHECKS[guard](context)]
