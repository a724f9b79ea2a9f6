"""Who may see which statistics, and turning request parameters into a filter."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from backend.errors import Forbidden, Unprocessable
from backend.models import User
from backend.stats.filters import StatsFilter, Window

# The centre's roles read every statistic; a department reads its own figures only.
STATS_ROLES = ("operator", "shift_leader", "dispatcher", "analyst", "admin", "department")
CENTRE_STATS_ROLES = frozenset({"operator", "shift_leader", "dispatcher", "analyst", "admin"})


def make_window(*, month: str | None, start: date | None, end: date | None, timezone: str, now: datetime) -> Window:
    """``month`` (2026-06) wins; else ``start``/``end`` (inclusive local dates); else this month."""
    if month:
        return Window.month(month, timezone)
    if start or end:
        if not (start and end):
            raise Unprocessable("Give both start and end (inclusive dates), or a month.",
                                "请同时给出开始和结束日期（含），或给出月份。")
        if (end - start).days > 3660:
            raise Unprocessable("The window is longer than ten years.", "统计时段超过十年。")
        return Window(start, end, timezone)
    return Window.current_month(now, timezone)


def scoped(user: User, f: StatsFilter) -> StatsFilter:
    """A department user sees its own department's figures only (403 for another's)."""
    if user.role in CENTRE_STATS_ROLES:
        return f
    if user.role == "department" and user.department_id is not None:
        if f.department_id not in (None, user.department_id):
            raise Forbidden("A department sees its own statistics only.", "专业部门只能查看本部门的统计。")
        return replace(f, department_id=user.department_id)
    raise Forbidden(f"Your role ({user.role}) may not read statistics.", f"您的角色（{user.role}）无权查看统计。")


def visible_posts(user: User) -> tuple[str, ...]:
    """The scorecards a user may see: all for the centre, the department and region ones for a
    department (its own cases only, through :func:`scoped`)."""
    from backend.stats.evaluation import POSTS

    return tuple(POSTS) if user.role in CENTRE_STATS_ROLES else ("departments", "regions")


def ensure_post_visible(user: User, post: str) -> None:
    if post not in visible_posts(user):
        raise Forbidden("A department sees the department and region scorecards of its own cases only.",
                        "专业部门只能查看本部门案件的部门与区域评价。")
