"""Who sees which cases: departments their own, inspectors their grids' and their own reports,
the centre's roles everything. Callers' contact details are masked for all but the operator who
owns the case (one operator from intake to callback)."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from backend.errors import Forbidden
from backend.models import Case, Task, User, UserGrid

CENTRE_ROLES = frozenset({"operator", "shift_leader", "dispatcher", "analyst", "admin"})
CONTACT_ROLES = frozenset({"operator"})


def visible_clause(user: User) -> ColumnElement[bool]:
    if user.role in CENTRE_ROLES:
        return true()
    if user.role == "department":
        return Case.department_id == user.department_id if user.department_id else false()
    if user.role == "inspector":
        my_grids = select(UserGrid.grid_code).where(UserGrid.user_id == user.id)
        my_tasks = select(Task.case_id).where(Task.assignee_user_id == user.id)
        return or_(Case.grid_code.in_(my_grids), Case.reporter_user_id == user.id, Case.id.in_(my_tasks))
    return false()


def ensure_visible(*, db_session: Session, user: User, case: Case) -> None:
    """403 for a case outside the user's scope (another department's, another inspector's grid)."""
    seen = db_session.scalar(select(Case.id).where(Case.id == case.id, visible_clause(user)))
    if seen is None:
        raise Forbidden(f"Case {case.id} is outside your scope (department or grids).",
                        f"案件 {case.id} 不在您的职责范围（部门或网格）内。")


def mask_contact(contact: str) -> str:
    """13812345678 → 138****5678; short values keep only their first character."""
    if not contact:
        return ""
    if len(contact) >= 7:
        return contact[:3] + "*" * (len(contact) - 7) + contact[-4:] if len(contact) > 7 else contact[:3] + "****"
    return contact[0] + "*" * (len(contact) - 1)


def description_for(user: User, case: Case) -> str:
    """Callers type their numbers into the text too ("请回电 138…"): masked like the contact."""
    from backend.security.log_redaction import redact

    full = user.role in CONTACT_ROLES and case.owner_user_id in (None, user.id)  # as contact_for
    return case.description if full else redact(case.description)


def contact_for(user: User, case: Case) -> str:
    """The caller's contact for the operator on the case (its owner, or anyone while unowned)."""
    if user.role in CONTACT_ROLES and case.owner_user_id in (None, user.id):
        return case.reporter_contact
    return mask_contact(case.reporter_contact)


# Callers type their numbers into descriptions ("请回电 13812345678"): mainland mobiles (optional
# +86 and separators), landlines with an area code, any other run of 7+ digits, e-mail addresses.
_PHONE = re.compile(r"(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}|0\d{2,3}[\s-]?\d{7,8}|(?<!\d)\d{7,}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def redact_phone_numbers(text: str) -> str:
    """Mask phone numbers and e-mail addresses in free text shown in lists or published."""
    if not text:
        return ""
    text = _PHONE.sub(lambda m: mask_contact(re.sub(r"[\s-]", "", m.group(0))), text)
    return _EMAIL.sub(lambda m: m.group(0)[0] + "***@" + m.group(0).split("@", 1)[1], text)
