"""A month of cases with known timestamps, driven through the real case service.

Every timestamp is local (Asia/Shanghai) and passed to ``create_report`` / ``transition`` as
``now``, so the service sets the status, the step timestamps, due times, on-time flags, tasks
and events exactly as in production. Time limits are set to calendar hours (event 06010: 24 h,
component 01001: 48 h) so due times can be checked by hand; step limits are 1 working hour
(09:00–12:00, 13:30–18:00 on working days). The hand-computed expectations live in
tests/stats/expected.py; the story of each case:

C1  inspector, grid (0,0): filed, dispatched, handled on time, checked, closed on time.
C2  phone (operator), grid (0,1): verified on time, filed, dispatched; handled late; the operator
    sends the check 2.5 working hours late; closed late; rated satisfied.
C3  WeChat, answered on the spot; rated basically satisfied.     C4 phone, answered; dissatisfied.
C5  inspector, component: extension approved; handled and closed after the first due time but
    before the extended one (on time).
C6  inspector, grid (2,2): handled on time, check fails (rework), handled late, closed late.
C7  inspector: filed, dispatched, then voided.
C8  phone duplicate, merged into C9 (counts nowhere; C9 counts once).
C9  inspector, reported Fri 29 May 16:00, filed Mon 1 June 09:10 (late: 2 h 10 min of working
    time), dispatched, never handled: overdue now. Crosses the month.
C10 inspector, component, filed in May, handled and closed late in June. Crosses the month.
C11 web: the operator sends the verify task 2 h late; never verified.
C12 phone: verified late; dispatched 2.5 h late to the other department; handled on time; open.
C13 phone, June 2025, answered (the year-on-year base).
C15 inspector: rejected (not filed).    C16 second inspector, grid (2,2): filed, not dispatched.
C17 inspector: closed on time, then reopened (no longer closed).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.admin.service import get_work_calendar
from backend.auth.service import create_user
from backend.cases import service
from backend.cases.locate import SpatialCache
from backend.cases.schemas import ActionRequest, ReportCreate
from backend.models import Case, CatalogClass, Photo, User
from tests.backend.district import PASSWORD, District, cell_centre, grid_code

SHANGHAI = ZoneInfo("Asia/Shanghai")
EDITION = "GB/T 47678.5-2026"
EVENT, COMPONENT = "06010", "01001"


def at(text: str) -> datetime:
    """'2026-06-01 09:00' in Shanghai time, as an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@dataclass
class Scenario:
    district: District
    ids: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)

    def refs(self, db: Session, *names: str) -> set[str]:
        return set(db.scalars(select(Case.ref).where(Case.id.in_([self.ids[n] for n in names]))))


class _Driver:
    def __init__(self, db: Session, district: District) -> None:
        self.db = db
        self.cache = SpatialCache()
        self.calendar = get_work_calendar(db_session=db, default_timezone="Asia/Shanghai")
        self.users = {role: db.get(User, uid) for role, uid in district.user_ids.items()}
        self.users["roads"] = db.scalar(select(User).where(User.username == "roads"))
        self.users["inspector2"] = create_user(db_session=db, username="inspector2", password=PASSWORD,
                                               role="inspector", display_name="inspector2",
                                               grid_codes=[grid_code(2, 2)])
        self._seed = 0

    def report(self, who: str, when: str, cell: tuple[int, int], *, source: str = "inspector",
               kind: str = "event") -> Case:
        lon, lat = cell_centre(*cell)
        body = ReportCreate(client_uuid=str(uuid.uuid4()), source=source, kind=kind,
                            minor_code=EVENT if kind == "event" else COMPONENT, lon=lon, lat=lat,
                            description=f"scenario {who} {when}")
        new = service.create_report(db_session=self.db, cache=self.cache, edition=EDITION, user=self.users[who],
                                    report=body, photos=[], timezone="Asia/Shanghai", now=at(when))
        assert new.created
        self.db.flush()
        return new.case

    def photo(self, case: Case, who: str, when: str, kind: str) -> None:
        self._seed += 1
        self.db.add(Photo(case_id=case.id, sha256=f"{self._seed:064x}", kind=kind, mime="image/jpeg",
                          size_bytes=1, width=1, height=1, storage_key=f"scenario/{self._seed}",
                          uploaded_by=self.users[who].id, created_at=at(when)))
        self.db.flush()

    def act(self, case: Case, who: str, action: str, when: str, **fields) -> None:
        if action == "handle":
            self.photo(case, who, when, "after")
        if action in ("check_pass", "check_fail"):
            self.photo(case, who, when, "evidence")
        fields.setdefault("note", f"{action} note")
        service.transition(db_session=self.db, case_id=case.id, user=self.users[who],
                           req=ActionRequest(action=action, **fields), calendar=self.calendar, now=at(when))
        self.db.flush()

    def full_loop(self, case: Case, day: str, times: dict[str, str], *, dept_user: str = "department") -> None:
        for action, who in (("file", "shift_leader"), ("dispatch", "dispatcher"), ("handle", dept_user),
                            ("request_check", "operator"), ("check_pass", "inspector"), ("close", "shift_leader")):
            if action in times:
                self.act(case, who, action, f"{day} {times[action]}" if len(times[action]) == 5 else times[action])


def set_time_limits(db: Session) -> None:
    for kind, code, hours in (("event", EVENT, 24.0), ("component", COMPONENT, 48.0)):
        db.execute(update(CatalogClass).where(CatalogClass.edition == EDITION, CatalogClass.kind == kind,
                                              CatalogClass.minor_code == code)
                   .values(time_limit_value=hours, time_limit_unit="calendar_hours"))


def build_scenario(db: Session, district: District) -> Scenario:
    set_time_limits(db)
    d = _Driver(db, district)
    sc = Scenario(district)
    loop = d.full_loop

    c1 = d.report("inspector", "2026-06-01 09:00", (0, 0))
    loop(c1, "2026-06-01", {"file": "09:30", "dispatch": "10:00", "handle": "15:00", "request_check": "15:30",
                            "check_pass": "16:00", "close": "16:30"})

    c2 = d.report("operator", "2026-06-02 09:00", (0, 1), source="phone")
    d.act(c2, "operator", "request_verify", "2026-06-02 09:20")
    d.act(c2, "inspector", "verify", "2026-06-02 10:00")
    loop(c2, "2026-06-02", {"file": "10:30", "dispatch": "11:00", "handle": "2026-06-03 15:00",
                            "request_check": "2026-06-03 17:30", "check_pass": "2026-06-04 09:00",
                            "close": "2026-06-04 09:30"})

    c3 = d.report("operator", "2026-06-03 09:00", (1, 1), source="wechat")
    d.act(c3, "operator", "answer_immediately", "2026-06-03 09:05")
    c4 = d.report("operator", "2026-06-03 10:00", (1, 1), source="phone")
    d.act(c4, "operator", "answer_immediately", "2026-06-03 10:05")

    c5 = d.report("inspector", "2026-06-04 09:00", (1, 1), kind="component")
    loop(c5, "2026-06-04", {"file": "09:30", "dispatch": "10:00"})
    d.act(c5, "department", "request_extension", "2026-06-05 09:00")
    d.act(c5, "dispatcher", "approve_extension", "2026-06-05 09:30", new_due=at("2026-06-08 10:00"))
    loop(c5, "2026-06-07", {"handle": "10:00", "request_check": "2026-06-08 09:00",
                            "check_pass": "2026-06-08 09:30", "close": "2026-06-08 09:40"})

    c6 = d.report("inspector", "2026-06-08 09:00", (2, 2))
    loop(c6, "2026-06-08", {"file": "09:30", "dispatch": "10:00", "handle": "14:00", "request_check": "14:30"})
    d.act(c6, "inspector", "check_fail", "2026-06-08 15:00")
    loop(c6, "2026-06-09", {"handle": "16:00", "request_check": "16:10", "check_pass": "16:30", "close": "17:00"})

    c7 = d.report("inspector", "2026-06-09 09:00", (0, 0))
    loop(c7, "2026-06-09", {"file": "09:30", "dispatch": "10:00"})
    d.act(c7, "operator", "request_void", "2026-06-09 11:00")
    d.act(c7, "shift_leader", "approve_void", "2026-06-09 11:30")

    c9 = d.report("inspector", "2026-05-29 16:00", (0, 2))
    loop(c9, "2026-06-01", {"file": "09:10", "dispatch": "09:40"})

    c8 = d.report("operator", "2026-06-09 09:10", (0, 0), source="phone")
    d.act(c8, "operator", "merge", "2026-06-09 09:15", target_case_id=c9.id)

    c10 = d.report("inspector", "2026-05-28 09:00", (1, 0), kind="component")
    loop(c10, "2026-05-28", {"file": "09:30", "dispatch": "10:00"})
    loop(c10, "2026-06-01", {"handle": "10:00", "request_check": "10:10", "check_pass": "10:30", "close": "11:00"})

    c11 = d.report("operator", "2026-06-10 09:00", (2, 0), source="web")
    d.act(c11, "operator", "request_verify", "2026-06-10 11:00")

    c12 = d.report("operator", "2026-06-10 10:00", (2, 1), source="phone")
    d.act(c12, "operator", "request_verify", "2026-06-10 10:05")
    d.act(c12, "inspector", "verify", "2026-06-10 14:00")
    d.act(c12, "shift_leader", "file", "2026-06-10 14:30")
    d.act(c12, "dispatcher", "dispatch", "2026-06-10 17:00", department_id=district.other_department_id)
    d.act(c12, "roads", "handle", "2026-06-11 10:00")

    c13 = d.report("operator", "2025-06-15 10:00", (1, 1), source="phone")
    d.act(c13, "operator", "answer_immediately", "2025-06-15 10:05")

    c15 = d.report("inspector", "2026-06-11 09:00", (1, 2))
    d.act(c15, "shift_leader", "reject", "2026-06-11 09:30")

    c16 = d.report("inspector2", "2026-06-11 10:00", (2, 2))
    d.act(c16, "shift_leader", "file", "2026-06-11 10:30")

    c17 = d.report("inspector", "2026-06-12 09:00", (0, 1))
    loop(c17, "2026-06-12", {"file": "09:10", "dispatch": "09:20", "handle": "10:00", "request_check": "10:10",
                             "check_pass": "10:20", "close": "10:30"})
    d.act(c17, "operator", "reopen", "2026-06-12 11:00")

    # Callbacks (the hotline desk records satisfaction; no status change, so set directly).
    c2.satisfaction, c3.satisfaction, c4.satisfaction = "satisfied", "basically_satisfied", "dissatisfied"
    for name, case in (("C1", c1), ("C2", c2), ("C3", c3), ("C4", c4), ("C5", c5), ("C6", c6), ("C7", c7),
                       ("C8", c8), ("C9", c9), ("C10", c10), ("C11", c11), ("C12", c12), ("C13", c13),
                       ("C15", c15), ("C16", c16), ("C17", c17)):
        sc.ids[name] = case.id
    sc.users = {role: u.id for role, u in d.users.items()}
    db.commit()
    return sc
