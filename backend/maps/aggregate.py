"""SQL for the maps: everything is aggregated in the database with the same filters as
GET /api/cases (``backend.cases.queries._filtered``) and the same visibility rules, so what a
map costs grows with the number of grids and pixels, not with the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import ColumnElement, Select, and_, case, func, select, true
from sqlalchemy.orm import Session

from backend.cases import workflow as wf
from backend.cases.queries import _filtered
from backend.cases.visibility import visible_clause
from backend.maps.filters import MapFilter
from backend.models import Case, Component, User
from gis_data.density import DensityGrid

OPEN_STATUSES = tuple(s.value for s in wf.Status if wf.is_open(s))
NOT_DUE_STATUSES = (wf.Status.VOIDED.value, wf.Status.MERGED.value, wf.Status.TRANSFERRED.value)


def _scoped(stmt: Select, db: Session, user: User | None, f: MapFilter, now: datetime) -> Select:
    """Apply the case filter and, for a signed-in user, what that user may see."""
    stmt = _filtered(stmt, f.cases, db.get_bind().dialect.name, now)
    return stmt.where(visible_clause(user)) if user is not None else stmt


def _flag(cond: ColumnElement[bool]):
    return func.sum(case((cond, 1), else_=0))


@dataclass
class GridMetrics:
    """Per-grid sums over the filtered cases, aligned with ``codes``."""

    codes: list[str]
    total: np.ndarray
    closed: np.ndarray
    should_close: np.ndarray
    closed_on_time: np.ndarray
    open: np.ndarray
    overdue: np.ndarray
    outside_grids: int  # matching cases with no current grid (e.g. a grid since redrawn)


def grid_metrics(db: Session, user: User | None, f: MapFilter, codes: list[str], now: datetime) -> GridMetrics:
    """Counts per grid: all, closed (结案), should be closed (应结案: filed, not voided or merged),
    closed on time, still open, open and past due."""
    is_open = Case.status.in_(OPEN_STATUSES)
    stmt = select(
        Case.grid_code, func.count(),
        _flag(Case.status == wf.Status.CLOSED.value),
        _flag(and_(Case.filed_at.is_not(None), Case.status.not_in(NOT_DUE_STATUSES))),
        _flag(and_(Case.status == wf.Status.CLOSED.value, Case.closed_on_time.is_(True))),
        _flag(is_open),
        _flag(and_(is_open, Case.due_at < now)),
    ).group_by(Case.grid_code)
    rows = db.execute(_scoped(stmt, db, user, f, now)).all()
    index = {c: i for i, c in enumerate(codes)}
    arrays = np.zeros((6, len(codes)))
    outside = 0
    for row in rows:
        i = index.get(row[0])
        if i is None:
            outside += int(row[1])
            continue
        arrays[:, i] = [int(v or 0) for v in row[1:]]
    return GridMetrics(codes, *arrays, outside_grids=outside)


def grid_counts(db: Session, user: User | None, f: MapFilter, codes: list[str], now: datetime) -> np.ndarray:
    """Matching cases per grid, aligned with ``codes`` (zeros included)."""
    stmt = select(Case.grid_code, func.count()).group_by(Case.grid_code)
    index = {c: i for i, c in enumerate(codes)}
    out = np.zeros(len(codes))
    for code, n in db.execute(_scoped(stmt, db, user, f, now)):
        if code in index:
            out[index[code]] = n
    return out


def count_cases(db: Session, user: User | None, f: MapFilter, now: datetime) -> int:
    stmt = _scoped(select(func.count()).select_from(Case), db, user, f, now)
    return int(db.scalar(stmt) or 0)


def density_bins(db: Session, user: User | None, f: MapFilter, grid: DensityGrid,
                 now: datetime) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cases per raster pixel, binned in SQL: (columns, rows, counts) of the non-empty pixels."""
    col = func.floor((func.ST_X(Case.geom) - grid.west) / grid.dlon)
    row = func.floor((func.ST_Y(Case.geom) - grid.south) / grid.dlat)
    stmt = (select(col.label("ix"), row.label("iy"), func.count())
            .where(Case.geom.is_not(None)).group_by("ix", "iy"))
    rows = db.execute(_scoped(stmt, db, user, f, now)).all()
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    data = np.asarray([(r[0], r[1], r[2]) for r in rows if r[0] is not None], dtype=np.float64)
    return data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2]


def newest_cases(db: Session, user: User | None, f: MapFilter, now: datetime, limit: int) -> list:
    """The newest ``limit`` matching cases with a position, for markers."""
    stmt = (select(Case.id, func.ST_X(Case.geom), func.ST_Y(Case.geom), Case.status, Case.ref, Case.edition,
                   Case.kind, Case.minor_code, Case.due_at, Case.dispatched_at, Case.grid_code)
            .where(Case.geom.is_not(None)).order_by(Case.reported_at.desc(), Case.id.desc()).limit(limit))
    return list(db.execute(_scoped(stmt, db, user, f, now)))


def open_deadlines(db: Session, user: User | None, f: MapFilter, now: datetime) -> list:
    """(grid, dispatched_at, due_at) of open cases not yet past due: for the 80 % warning."""
    stmt = (select(Case.grid_code, Case.dispatched_at, Case.due_at)
            .where(Case.status.in_(OPEN_STATUSES), Case.due_at >= now, Case.dispatched_at.is_not(None)))
    return list(db.execute(_scoped(stmt, db, user, f, now)))


def _component_filter(stmt: Select, f: MapFilter) -> Select:
    c = f.cases
    if c.minor_code:
        stmt = stmt.where(Component.minor_code == c.minor_code)
    if f.component_state:
        stmt = stmt.where(Component.state == f.component_state)
    area = c.grid_code or c.community_code or c.street_code
    if area:
        # Grid codes extend their community's and street's codes (national coding scheme).
        stmt = stmt.where(Component.grid_code.like(f"{area}%"))
    return stmt


def component_counts(db: Session, f: MapFilter) -> dict[str, int]:
    stmt = _component_filter(select(Component.state, func.count()).group_by(Component.state), f)
    return {state: int(n) for state, n in db.execute(stmt)}


def component_problems(db: Session, f: MapFilter, codes: list[str]) -> np.ndarray:
    stmt = _component_filter(select(Component.grid_code, func.count()).where(Component.state != "intact")
                             .group_by(Component.grid_code), f)
    index = {c: i for i, c in enumerate(codes)}
    out = np.zeros(len(codes))
    for code, n in db.execute(stmt):
        if code in index:
            out[index[code]] = n
    return out


def components(db: Session, f: MapFilter, limit: int) -> list:
    stmt = _component_filter(select(Component.code, Component.state, Component.minor_code, Component.name,
                                    Component.edition, func.ST_X(Component.geom), func.ST_Y(Component.geom))
                             .where(true()).order_by(Component.id).limit(limit), f)
    return list(db.execute(stmt))
