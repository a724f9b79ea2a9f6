"""Errors raised by the case workflow table (pure: no web or database imports).

Each error carries a stable ``code`` and a bilingual message, so the HTTP layer can map the
family once (suggested: InvalidTransition -> 409, ActionForbidden -> 403, GuardFailed -> 422)
and show the message in the user's language.
"""

from __future__ import annotations


class WorkflowError(Exception):
    """Base class of every workflow error."""

    code: str = "workflow_error"

    def __init__(self, message_en: str, message_zh: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("zh..." for Chinese, anything else for English)."""
        return self.message_zh if lang.lower().startswith("zh") else self.message_en


class InvalidTransition(WorkflowError):
    """The action does not exist, or does not apply to a case in this status."""

    code = "invalid_transition"

    def __init__(self, status: str, action: str) -> None:
        self.status = status
        self.action = action
        super().__init__(
            f"Action '{action}' is not possible for a case in status '{status}'.",
            f"案件当前状态（{status}）下不能执行操作“{action}”。",
        )


class ActionForbidden(WorkflowError):
    """The action applies to this status, but not for this role."""

    code = "action_forbidden"

    def __init__(self, status: str, action: str, role: str) -> None:
        self.status = status
        self.action = action
        self.role = role
        super().__init__(
            f"Role '{role}' may not perform '{action}' on a case in status '{status}'.",
            f"角色“{role}”无权对状态为（{status}）的案件执行操作“{action}”。",
        )


class GuardFailed(WorkflowError):
    """The action is allowed, but a precondition (guard) is not met by the context.

    ``guard`` is the first failing guard's name, ``guards`` all failing ones in table order.
    """

    code = "guard_failed"

    def __init__(self, guards: list[tuple[str, str, str]]) -> None:
        """``guards``: non-empty list of ``(name, message_en, message_zh)``."""
        if not guards:
            raise ValueError("GuardFailed needs at least one failing guard")
        self.guards = tuple(name for name, _, _ in guards)
        self.guard = self.guards[0]
        super().__init__(
            " ".join(en for _, en, _ in guards),
            "".join(zh for _, _, zh in guards),
        )
