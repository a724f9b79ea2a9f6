"""Cases for the map tests, driven through the real case service (statuses, timestamps, due
times and events exactly as in production), positioned in the 3 × 3 test district.

Grid (0,0) is the hot spot. Times are relative to the real clock so "overdue" and "this
month" mean what they mean when the test runs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.admin.service import get_work_calendar
from backend.cases import service
from backend.cases.locate import SpatialCache
from backend.cases.schemas import ActionRequest, ReportCreate
from backend.models import Photo, User
from tests.backend.district import District, cell_centre, grid_code

EDITION = "GB/T 47678.5-2026"
GARBAGE, COVER = "06010", "01001"  # event classes: exposed garbage, water manhole cover abnormal
SHANGHAI = ZoneInfo("Asia/Shanghai")


def month_start(now: datetime) -> datetime:
    local = now.astimezone(SHANGHAI)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


@dataclass
class Seeded:
    now: datetime
    ids: dict[str, list[int]] = field(default_factory=dict)

    def add(self, label: str, case_id: int) -> None:
        self.ids.setdefault(label, []).append(case_id)

    def all(self) -> list[int]:
        return [i for ids in self.ids.values() for i in ids]


class Driver:
    def __init__(self, db: Session, district: District) -> None:
        self.db = db
        self.cache = SpatialCache()
        self.calendar = get_work_calendar(db_session=db, default_timezone="Asia/Shanghai")
        self.users = {role: db.get(User, uid) for role, uid in district.user_ids.items()}
        self.district = district
        self._n = 0

    def report(self, who: str, when: datetime, cell: tuple[int, int], *, source: str = "inspector",
               minor: str = GARBAGE, jitter: int = 0) -> int:
        lon, lat = cell_centre(*cell)
        self._n += 1
        offset = ((jitter % 5) - 2) * 0.00012
        body = ReportCreate(client_uuid=str(uuid.uuid4()), source=source, kind="event", minor_code=minor,
                            lon=lon + offset, lat=lat - offset / 2, description=f"map test case {self._n}",
                            address=f"测试路 {self._n} 号")
        new = service.create_report(db_session=self.db, cache=self.cache, edition=EDITION, user=self.users[who],
                                    report=body, photos=[], timezone="Asia/Shanghai", now=when)
        self.db.flush()
        return new.case.id

    def photo(self, case_id: int, who: str, when: datetime, kind: str) -> None:
        self._n += 1
        self.db.add(Photo(case_id=case_id, sha256=f"{self._n:064x}", kind=kind, mime="image/jpeg", size_bytes=1,
                          width=1, height=1, storage_key=f"maps/{self._n}", uploaded_by=self.users[who].id,
                          created_at=when))
        self.db.flush()

    def act(self, case_id: int, who: str, action: str, when: datetime, **fields) -> None:
        if action == "handle":
            self.photo(case_id, who, when, "after")
        if action in ("check_pass", "check_fail"):
            self.photo(case_id, who, when, "evidence")
        fields.setdefault("note", f"{action} (map test)")
        service.transition(db_session=self.db, case_id=case_id, user=self.users[who],
                           req=ActionRequest(action=action, **fields), calendar=self.calendar, now=when)
        self.db.flush()

    def walk(self, case_id: int, start: datetime, steps: tuple[str, ...], **dispatch) -> None:
        who = {"file": "shift_leader", "dispatch": "dispatcher", "handle": "department",
               "request_check": "operator", "check_pass": "inspector", "close": "shift_leader"}
        for i, action in enumerate(steps):
            extra = dispatch if action == "dispatch" else {}
            self.act(case_id, who[action], action, start + timedelta(minutes=10 * (i + 1)), **extra)


LOOP = ("file", "dispatch", "handle", "request_check", "check_pass", "close")


def seed_cases(db: Session, district: District, now: datetime | None = None) -> Seeded:
    """About 20 cases: a hot spot in grid (0,0), every status class, this month and last."""
    now = now or datetime.now(UTC)
    d = Driver(db, district)
    s = Seeded(now)
    # "This month" cases are reported today (local), three hours ago or at 00:01 if the day is
    # younger than that, so a "today" window holds them whatever time the suite runs.
    today = now.astimezone(SHANGHAI).replace(hour=0, minute=1, second=0, microsecond=0).astimezone(UTC)
    this_month = max(today, now - timedelta(hours=3))
    last_month = month_start(now) - timedelta(days=10)
    # The hot spot: 8 cases in grid (0,0).
    for j in range(2):
        cid = d.report("inspector", this_month, (0, 0), jitter=j)
        d.walk(cid, this_month, LOOP)
        s.add("closed", cid)
    for j in range(2):
        cid = d.report("inspector", last_month, (0, 0), jitter=2 + j)
        d.walk(cid, last_month, ("file", "dispatch"))  # dispatched weeks ago: overdue now
        s.add("overdue", cid)
    for j in range(2):
        cid = d.report("inspector", this_month, (0, 0), minor=COVER, jitter=4 + j)
        d.walk(cid, this_month, ("file", "dispatch"))
        s.add("progress", cid)
    for j in range(2):
        s.add("new", d.report("inspector", this_month, (0, 0), jitter=j + 1))
    # A few elsewhere.
    cid = d.report("inspector", this_month, (0, 1))
    d.walk(cid, this_month, LOOP)
    s.add("closed", cid)
    s.add("new", d.report("operator", this_month, (0, 1), source="phone"))
    cid = d.report("operator", this_month, (1, 1), source="wechat")
    d.act(cid, "operator", "answer_immediately", this_month + timedelta(minutes=5), note="已答复")
    s.add("answered", cid)
    cid = d.report("inspector", this_month, (2, 2), minor=COVER)
    d.walk(cid, this_month, ("file", "dispatch"), department_id=district.other_department_id)
    s.add("other_department", cid)
    for j in range(3):  # last month only, in grid (2,0)
        s.add("last_month", d.report("inspector", last_month, (2, 0), jitter=j))
    db.commit()
    return s


def grid_of(db: Session, case_id: int) -> str:
    from backend.models import Case

    return db.scalar(select(Case.grid_code).where(Case.id == case_id))


HOT_GRID = grid_code(0, 0)
