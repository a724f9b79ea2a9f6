"""Local configuration a real deployment would enter through the admin API: per-class time
limits and default departments, two street-level departments, and routing rules."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.demo_catalog import DEMO_CLASSES, MAJOR_DEPARTMENTS, OLD_EVENT_MAJOR_DEPARTMENTS
from backend.gisio.features import load_departments
from backend.models import CatalogClass, Community, RoutingRule, Street, UnitGrid
from gis_data.inventory import CLASSES

#: Street-level teams that take some classes in one street (routing by area × class).
STREET_DEPARTMENTS = (
    ("QSHW", "青石街道环卫所", "Qingshi Street Sanitation Station"),
    ("JLZD", "锦澜街道城管中队", "Jinlan Street City Management Squad"),
)


def department_ids(db: Session, county_code: str, departments: list[dict]) -> dict[str, int]:
    """Load the district's departments plus the street teams; returns code suffix → id."""
    extra = [{"code": f"{county_code}-{s}", "name_zh": zh, "name_en": en} for s, zh, en in STREET_DEPARTMENTS]
    ids = load_departments(db, [*departments, *extra])
    prefix = f"{county_code}-"
    return {code.removeprefix(prefix): i for code, i in ids.items() if code.startswith(prefix)}


def _component_departments(edition: str, departments: list[dict]) -> dict[str, str]:
    """Component minor code → the suffix of the department whose classes list it."""
    out: dict[str, str] = {}
    for dept in departments:
        for key in dept.get("classes", []):
            found = CLASSES[key].in_edition(edition) if key in CLASSES else None
            if found:
                out.setdefault(found[0], dept["code"].rsplit("-", 1)[-1])
    return out


def configure_catalog(
    db: Session, edition: str, dept_ids: Mapping[str, int], departments: list[dict]
) -> int:
    """Time limits for the demo's classes and a default department for every class of ``edition``.

    Settings already made (by an admin) are kept. Returns the number of classes given a limit.
    """
    by_component = _component_departments(edition, departments)
    explicit = {(c.kind, c.code(edition)): c for c in DEMO_CLASSES if c.code(edition)}
    limited = 0
    for cls in db.scalars(select(CatalogClass).where(CatalogClass.edition == edition)):
        demo = explicit.get((cls.kind, cls.minor_code))
        if cls.kind == "component":
            suffix = by_component.get(cls.minor_code) or MAJOR_DEPARTMENTS.get(("component", cls.major_code))
        elif edition.startswith("GB/T"):
            suffix = MAJOR_DEPARTMENTS.get(("event", cls.major_code))
        else:
            suffix = OLD_EVENT_MAJOR_DEPARTMENTS.get(cls.major_code)
        if demo is not None and demo.department:
            suffix = demo.department
        if cls.default_department_id is None and suffix in dept_ids:
            cls.default_department_id = dept_ids[suffix]
        if demo is not None and cls.time_limit_value is None:
            cls.time_limit_value, cls.time_limit_unit = float(demo.limit[0]), demo.limit[1].value
            limited += 1
    db.flush()
    return limited


def add_routing_rules(db: Session, edition: str, dept_ids: Mapping[str, int]) -> int:
    """A few area × class rules: street teams take garbage and vending in their streets, the
    housing bureau takes illegal construction in the old-housing community, the transport
    bureau the bicycles at the busiest grid. Added once (skipped when rules exist)."""
    if db.scalar(select(RoutingRule.id).limit(1)) is not None:
        return 0
    streets = list(db.scalars(select(Street.code).order_by(Street.code)))
    communities = list(db.scalars(select(Community.code).order_by(Community.code)))
    grid = db.scalar(select(UnitGrid.code).where(UnitGrid.valid_to.is_(None)).order_by(UnitGrid.code))
    gb = edition.startswith("GB/T")
    rules: list[tuple[str | None, str, str | None, str, str]] = []
    if len(streets) >= 2:
        for minor in (("06010", "06012", "06042") if gb else ("0102", "0104")):
            rules.append((minor, "street", streets[-1], "QSHW", "青石街道环卫所负责本街道垃圾与保洁"))
        for minor in (("09006", "09005", "09001") if gb else ("0504", "0501")):
            rules.append((minor, "street", streets[0], "JLZD", "锦澜街道城管中队负责本街道街面秩序"))
    if len(communities) >= 4:
        rules.append(("06001" if gb else "0101", "community", communities[3], "ZJ", "老旧小区私搭乱建由住建局处置"))
    if grid:
        rules.append(("09010" if gb else "0506", "grid", grid, "JT", "地铁口非机动车由交通运输局处置"))
    added = 0
    for minor, level, area, suffix, note in rules:
        if area and suffix in dept_ids:
            db.add(RoutingRule(minor_code=minor, area_level=level, area_code=area, department_id=dept_ids[suffix],
                               priority=0, note=note))
            added += 1
    db.flush()
    return added
