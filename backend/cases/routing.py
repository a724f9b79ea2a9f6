"""Routing is data: rules (class × area → department), most specific area first, with the
grid's responsible department and then the class's default department as fallbacks."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.models import Case, CatalogClass, RoutingRule, UnitGrid

_LEVEL_ORDER = {"grid": 0, "community": 1, "street": 2, "county": 3}


def route_case(*, db_session: Session, case: Case) -> int | None:
    """The department a case should go to, or None when nothing is configured."""
    areas = {
        "grid": case.grid_code, "community": case.community_code, "street": case.street_code,
        "county": case.street_code[:6] if case.street_code else None,
    }
    candidates = db_session.scalars(
        select(RoutingRule).where(
            or_(RoutingRule.minor_code == case.minor_code, RoutingRule.minor_code.is_(None)),
            or_(*[(RoutingRule.area_level == lvl) & (RoutingRule.area_code == code)
                  for lvl, code in areas.items() if code]),
        )
    ).all()
    if candidates:
        best = min(candidates, key=lambda r: (
            _LEVEL_ORDER.get(r.area_level, 9), r.minor_code is None, -r.priority, r.id))
        return best.department_id
    if case.grid_code:
        dept = db_session.scalar(
            select(UnitGrid.responsible_department_id)
            .where(UnitGrid.code == case.grid_code, UnitGrid.valid_to.is_(None))
        )
        if dept is not None:
            return dept
    return db_session.scalar(
        select(CatalogClass.default_department_id).where(
            CatalogClass.edition == case.edition, CatalogClass.kind == case.kind,
            CatalogClass.minor_code == case.minor_code)
    )
