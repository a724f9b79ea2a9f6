"""Prepare the demo: schema, catalog with local settings, the synthetic district, accounts, and a
year of case history. Used by ``gridwatch demo``.

Everything goes in one transaction, and a marker row records that it is done: a second run
finds the marker and only lists what is there (seconds), unless ``reset`` rebuilds it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.catalog.parse import BUNDLED_CATALOG, parse_catalog
from backend.catalog.service import load_catalog, set_active_edition
from backend.config import Settings
from backend.db import make_engine, make_sessionmaker, session_scope
from backend.demo_accounts import Account, ensure_accounts
from backend.demo_config import add_routing_rules, configure_catalog, department_ids
from backend.demo_history import generate_history
from backend.demo_world import load_world
from backend.demo_write import add_demo_photos, next_case_id, write_cases
from backend.gisio.district import build_district, load_district
from backend.migrate import alembic_config, upgrade
from backend.models import Case, Component, Department, Setting, UnitGrid

DEMO_MARK_KEY = "demo.prepared"
DEFAULT_CASES = 8_000
DEFAULT_SEED = 20240501
#: The pages to open (path, zh-CN, English); some are built by other parts of the project.
DEMO_PAGES = (
    ("/", "首页", "landing page"),
    ("/docs", "接口文档", "API documentation (OpenAPI)"),
    ("/field", "监督员移动端", "inspectors' field app"),
    ("/map/cases", "案件地图", "dispatchers' case map"),
    ("/stats", "统计分析", "statistics and evaluation"),
)


@dataclass
class DemoInfo:
    """What ``gridwatch demo`` prints."""

    lines: list[str] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    pages: tuple[tuple[str, str, str], ...] = DEMO_PAGES
    reused: bool = False
    seconds: float = 0.0


def prepare_demo(settings: Settings, *, reset: bool = False, cases: int = DEFAULT_CASES, seed: int = DEFAULT_SEED,
                 now: datetime | None = None) -> DemoInfo:
    """Build the demo database (or reuse the one already built) at ``settings.database_url``.

    Parameters
    ----------
    reset
        Throw the existing database away first (the SpatiaLite file; on PostGIS, every migration
        is downgraded to an empty schema).
    cases
        About how many cases the year of history holds.
    seed
        Seed of the district and of the history: the same seed gives the same demo.
    now
        End of the history (default: the current time).
    """
    if not settings.demo_mode:
        raise RuntimeError("prepare_demo creates accounts with printed passwords: it runs in demo mode only "
                           "(GRIDWATCH_DEMO_MODE=1, which `gridwatch demo` sets)")
    start = time.perf_counter()
    url = settings.database_url
    if reset:
        _reset(url)
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as db:
            mark = db.get(Setting, DEMO_MARK_KEY)
            if mark is None:
                info = _build(db, settings, cases=cases, seed=seed, now=now or datetime.now(UTC))
            else:
                info = DemoInfo(reused=True, lines=[f"reusing the demo built {json.loads(mark.value_json)['built_at']}"
                                                    " (--reset rebuilds it) / 复用已有演示数据"])
            info.accounts = ensure_accounts(db, _department_ids(db, settings.county_code))
            info.lines += _summary(db, settings)
    finally:
        engine.dispose()
    info.seconds = time.perf_counter() - start
    return info


def _build(db: Session, settings: Settings, *, cases: int, seed: int, now: datetime) -> DemoInfo:
    edition = settings.catalog_edition
    load_catalog(db_session=db, rows=parse_catalog(BUNDLED_CATALOG))
    set_active_edition(db_session=db, edition=edition)
    district = build_district(seed=seed, edition=edition, county_code=settings.county_code)
    dept_ids = department_ids(db, district.county_code, district.departments)
    load_district(db, district)
    limited = configure_catalog(db, edition, dept_ids, district.departments)
    rules = add_routing_rules(db, edition, dept_ids)
    ensure_accounts(db, dept_ids)
    world = load_world(db, settings)
    history = generate_history(world, n_cases=cases, seed=seed, now=now, first_id=next_case_id(db))
    written = write_cases(db, history)
    photos = add_demo_photos(db, settings, history)
    db.add(Setting(key=DEMO_MARK_KEY, value_json=json.dumps(
        {"built_at": now.isoformat(timespec="seconds"), "seed": seed, "cases": written["cases"],
         "district": district.name})))
    db.flush()
    return DemoInfo(lines=[
        f"built {district.name}: {written['cases']} cases, {written['events']} events, {written['tasks']} tasks, "
        f"{photos} photos; time limits for {limited} classes, {rules} routing rules",
    ])


def _department_ids(db: Session, county_code: str) -> dict[str, int]:
    prefix = f"{county_code}-"
    rows = db.execute(select(Department.code, Department.id).where(Department.code.like(f"{prefix}%"))).all()
    return {code.removeprefix(prefix): i for code, i in rows}


def _summary(db: Session, settings: Settings) -> list[str]:
    def count(stmt) -> int:
        return int(db.scalar(stmt) or 0)

    grids = count(select(func.count()).select_from(UnitGrid).where(UnitGrid.valid_to.is_(None)))
    components = count(select(func.count()).select_from(Component))
    total = count(select(func.count()).select_from(Case))
    open_cases = count(select(func.count()).select_from(Case).where(Case.status.not_in(
        ["verify_failed", "rejected", "answered", "merged", "closed", "voided"])))
    overdue = count(select(func.count()).select_from(Case).where(
        Case.due_at < datetime.now(UTC), Case.closed_at.is_(None), Case.status.in_(["dispatched"])))
    return [
        f"district: {grids} grids, {components} components / 网格 {grids} 个，部件 {components} 个",
        f"cases: {total} in total, {open_cases} open, {overdue} dispatched and overdue now / "
        f"案件 {total} 件，在办 {open_cases} 件，超期 {overdue} 件",
        f"database: {settings.database_url}",
    ]


def _reset(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    # Every migration's own downgrade: it also removes what is not a table (functions, triggers).
    command.downgrade(alembic_config(url), "base")
