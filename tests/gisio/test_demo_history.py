"""The demo's year of history, checked against the workflow table itself, on both databases.

One demo database per backend and test run (the `demo` fixture; building it is the expensive
part); every test reads it. The checks replay each case's events through
``backend.cases.workflow`` rather than trusting the generator.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from datetime import timedelta
from itertools import pairwise

import numpy as np
import pytest
from sqlalchemy import select

from backend.cases import workflow as wf
from backend.cases.deadlines import state_of
from backend.cases.routing import route_case
from backend.cases.schemas import HOTLINE_CHANNELS
from backend.db import make_engine, make_sessionmaker
from backend.demo import prepare_demo
from backend.models import Case, CaseEvent, CatalogClass, Photo, Task, UnitGrid, User
from backend.models.case import SOURCE_CHANNELS
from backend.worktime import DeadlineState

ACTIONS = {a.value for a in wf.Action}


@pytest.fixture(scope="module")
def data(demo):
    """The generated history: cases as built (other tests carry some on through the API, at
    real time, after the history's end) and their events up to the end of the history."""
    settings = demo.settings
    engine = make_engine(settings.database_url)
    session = make_sessionmaker(engine)()
    cases = [c for c in session.scalars(select(Case).order_by(Case.id)) if c.updated_at <= demo.now]
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in session.scalars(select(CaseEvent).where(CaseEvent.at <= demo.now)
                                 .order_by(CaseEvent.case_id, CaseEvent.id)):
        events[event.case_id].append(event)
    roles = dict(session.execute(select(User.id, User.role)).all())
    yield session, cases, events, roles
    session.close()
    engine.dispose()


def test_build_is_fast_and_the_second_run_reuses_it(demo):
    settings, info = demo.settings, demo.info
    assert not info.reused and demo.seconds < 90
    start = time.perf_counter()
    again = prepare_demo(settings, cases=demo.cases, now=demo.now)
    assert again.reused and time.perf_counter() - start < 15
    assert [a.username for a in again.accounts] == [a.username for a in info.accounts]
    roles = {a.role for a in info.accounts}
    assert roles >= {"inspector", "operator", "shift_leader", "dispatcher", "department", "analyst", "admin"}
    assert all(a.password.endswith("-demo") for a in info.accounts)
    assert {p[0] for p in info.pages} >= {"/", "/docs", "/field", "/map/cases", "/stats"}


def test_every_case_is_a_path_through_the_workflow_table(data):
    _, cases, events, roles = data
    by_id = {c.id: c for c in cases}
    for case in cases:
        trail = events[case.id]
        assert trail[0].action == "report" and trail[0].to_status == "reported" and trail[0].from_status is None
        status, previous, set_at = "reported", None, {"reported_at": trail[0].at}
        for before, event in pairwise(trail):
            assert event.at >= before.at, (case.ref, event.action)
            if event.action not in ACTIONS:  # a timeline note (callback, …): no status change
                assert event.from_status == event.to_status == status, (case.ref, event.action)
                continue
            step = wf.TRANSITIONS[(wf.Status(status), wf.Action(event.action))]
            assert event.from_status == status
            assert wf.Role(roles[event.actor_user_id]) in step.roles_allowed, (case.ref, event.action)
            if step.next_status in (wf.Status.RETURN_REQUESTED, wf.Status.EXTENSION_REQUESTED,
                                    wf.Status.SHELVING_REQUESTED, wf.Status.VOID_REQUESTED):
                previous = status
            expected = previous if step.restores_previous else step.next_status.value
            assert event.to_status == expected, (case.ref, event.action)
            status = event.to_status
            for name in step.timestamp_fields:
                set_at[name] = event.at
            if event.action == "reopen":
                set_at["closed_at"] = None
            if event.action == "merge":
                target = by_id[json.loads(event.data_json)["target_case_id"]]
                assert case.merged_into_id == target.id
                target_status = [e.to_status for e in events[target.id] if e.at <= event.at][-1]
                assert wf.is_open(target_status) and target.merged_into_id is None
        assert case.status == status and case.previous_status == previous
        assert case.updated_at == trail[-1].at
        for name in wf.TIMESTAMP_FIELDS:
            assert getattr(case, name) == set_at.get(name), (case.ref, name)


def test_counts_and_flags_follow_from_the_events(data):
    _, cases, events, _ = data
    for case in cases:
        actions = Counter(e.action for e in events[case.id])
        assert case.rework_count == actions["check_fail"]
        assert case.return_count == actions["approve_return"]
        assert case.extension_count == actions["approve_extension"]
        if case.status == "closed":
            assert case.handled_on_time == (case.handled_at <= case.due_at)
            assert case.closed_on_time == (case.closed_at <= case.due_at)
        if case.status in ("dispatched", "handled", "pending_check", "check_passed", "closed"):
            assert case.department_id is not None and case.due_at > case.dispatched_at
        callbacks = [json.loads(e.data_json) for e in events[case.id] if e.action == "callback"]
        if case.source in HOTLINE_CHANNELS and case.status in ("closed", "answered") and callbacks:
            assert case.satisfaction == callbacks[-1]["satisfaction"]
        if not callbacks:
            assert case.satisfaction is None


def test_due_times_come_from_the_class_limit_on_the_work_calendar(data, demo):
    session, cases, events, _ = data
    from backend.admin.service import get_work_calendar
    from backend.cases.deadlines import due_from

    calendar = get_work_calendar(db_session=session, default_timezone=demo.settings.timezone)
    checked = 0
    for case in cases:
        actions = [e.action for e in events[case.id]]
        if case.due_at is None or "approve_extension" in actions or "check_fail" in actions:
            continue
        assert case.due_at == due_from(db_session=session, case=case, start=case.dispatched_at, calendar=calendar)
        checked += 1
        if checked >= 300:
            break
    assert checked >= 100


def test_routing_matches_the_service_for_first_dispatches(data):
    session, cases, events, _ = data
    checked = 0
    for case in cases:
        dispatches = [e for e in events[case.id] if e.action == "dispatch"]
        if len(dispatches) != 1 or case.return_count or case.department_id is None:
            continue
        assert json.loads(dispatches[0].data_json)["department_id"] == route_case(db_session=session, case=case)
        checked += 1
        if checked == 300:
            break
    assert checked == 300


def test_tasks_follow_verify_and_check_requests(data):
    session, cases, events, _ = data
    tasks = defaultdict(list)
    for task in session.scalars(select(Task).order_by(Task.id)):
        tasks[task.case_id].append(task)
    for case in cases[:600]:
        requested = [e.at for e in events[case.id] if e.action in ("request_verify", "request_check")]
        assert sorted(t.created_at for t in tasks[case.id]) == requested
        answers = [e for e in events[case.id] if e.action in ("verify", "verify_fail", "check_pass", "check_fail")]
        done = sorted((t for t in tasks[case.id] if t.completed_at), key=lambda t: t.completed_at)
        assert [t.completed_at for t in done] == [e.at for e in answers]
        assert all(t.assignee_user_id == e.actor_user_id for t, e in zip(done, answers, strict=True))


def test_every_status_source_and_major_class_occurs(data, demo):
    session, cases, _, _ = data
    statuses = Counter(c.status for c in cases)
    assert set(statuses) == {s.value for s in wf.Status}, set(wf.Status) - set(statuses)
    assert statuses["closed"] > 0.6 * len(cases)
    sources = Counter(c.source for c in cases)
    assert set(sources) == set(SOURCE_CHANNELS)
    assert sources["inspector"] > 0.45 * len(cases) and sources["phone"] > 0.08 * len(cases)
    majors = {(c.kind, c.minor_code[:2]) for c in cases}
    assert {("event", m) for m in ("06", "07", "08", "09", "10")} <= majors
    assert {("component", m) for m in ("01", "02", "03", "04")} <= majors
    known = {(k.kind, k.minor_code) for k in session.scalars(select(CatalogClass).where(
        CatalogClass.edition == "GB/T 47678.5-2026"))}
    assert all((c.kind, c.minor_code) in known for c in cases)
    assert 0.9 * demo.cases <= len(cases) <= 1.05 * demo.cases


def test_hot_spots_concentrate_the_cases(data):
    session, cases, _, _ = data
    grids = list(session.scalars(select(UnitGrid.code).where(UnitGrid.valid_to.is_(None))))
    per_grid = np.array(sorted((Counter(c.grid_code for c in cases).get(g, 0) for g in grids), reverse=True))
    top = per_grid[: max(1, len(grids) // 20)].sum() / per_grid.sum()
    assert top > 0.25, f"the top 5 % of grids hold only {top:.0%} of the cases"
    at_points = Counter(c.observation_point_id for c in cases if c.observation_point_id)
    assert sum(at_points.values()) > 0.05 * len(cases)


def test_seasons_show(data, demo):
    _, cases, _, _ = data
    zone = demo.settings.timezone
    from zoneinfo import ZoneInfo

    month = Counter((c.minor_code, c.reported_at.astimezone(ZoneInfo(zone)).month) for c in cases)
    garbage_summer = sum(month[("06010", m)] for m in (6, 7, 8))
    garbage_winter = sum(month[("06010", m)] for m in (12, 1, 2))
    assert garbage_summer > 1.3 * garbage_winter
    snow = [m for (code, m), n in month.items() if code == "10001" for _ in range(n)]
    assert snow and set(snow) <= {1, 2}


def test_open_work_is_waiting_some_in_warning_and_some_overdue(data, demo):
    session, cases, _, _ = data
    from backend.admin.service import get_work_calendar

    calendar = get_work_calendar(db_session=session, default_timezone=demo.settings.timezone)
    states = Counter(state_of(c, demo.now, calendar) for c in cases if c.status == "dispatched")
    assert states[DeadlineState.OVERDUE] >= 3 and states[DeadlineState.WARNING] >= 2
    assert states[DeadlineState.NORMAL] >= 3
    recent = [c for c in cases if c.reported_at > demo.now - timedelta(days=14) and wf.is_open(c.status)]
    assert {c.status for c in recent} >= {"reported", "pending_verify", "filed", "dispatched", "pending_check"}
    photos = list(session.scalars(select(Photo)))
    assert photos and {p.kind for p in photos} == {"before", "after"}
