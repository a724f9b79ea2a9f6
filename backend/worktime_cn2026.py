"""China's 2026 public holidays and make-up working days (调休), as data.

Source: 国务院办公厅关于2026年部分节假日安排的通知 (General Office of the State Council, notice of
4 November 2025, published by Xinhua, e.g. https://politics.gmw.cn/2025-11/04/content_38391083.htm).
Update this table (or load another year from configuration with ``WorkCalendar.from_mapping``)
when the next notice comes out; nothing else depends on the dates.
"""

from __future__ import annotations

from datetime import date, timedelta

from backend.worktime import WorkCalendar

# (zh-CN name, en name, first day off, last day off, make-up working days)
CN_2026_FESTIVALS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("元旦", "New Year's Day", "2026-01-01", "2026-01-03", ("2026-01-04",)),
    ("春节", "Spring Festival", "2026-02-15", "2026-02-23", ("2026-02-14", "2026-02-28")),
    ("清明节", "Qingming Festival", "2026-04-04", "2026-04-06", ()),
    ("劳动节", "Labour Day", "2026-05-01", "2026-05-05", ("2026-05-09",)),
    ("端午节", "Dragon Boat Festival", "2026-06-19", "2026-06-21", ()),
    ("中秋节", "Mid-Autumn Festival", "2026-09-25", "2026-09-27", ()),
    ("国庆节", "National Day", "2026-10-01", "2026-10-07", ("2026-09-20", "2026-10-10")),
)


def _days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


CN_2026_HOLIDAYS: frozenset[date] = frozenset(
    day for _, _, first, last, _ in CN_2026_FESTIVALS for day in _days(first, last)
)
CN_2026_MAKEUP_WORKDAYS: frozenset[date] = frozenset(
    date.fromisoformat(d) for *_, makeup in CN_2026_FESTIVALS for d in makeup
)

# The default office calendar (09:00-12:00, 13:30-18:00, Asia/Shanghai) with 2026's dates.
CN_2026_CALENDAR = WorkCalendar(holidays=CN_2026_HOLIDAYS, makeup_workdays=CN_2026_MAKEUP_WORKDAYS)
