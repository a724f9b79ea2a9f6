"""A tiny real district for API tests: 3 × 3 lattice of ~100 m grids in one community, a
department, the bundled catalog, a manhole cover, an observation point, one user per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shapely.geometry import box
from sqlalchemy.orm import Session

from backend.auth.service import create_user, issue_token
from backend.catalog.parse import BUNDLED_CATALOG, parse_catalog
from backend.catalog.service import load_catalog
from backend.models import Community, Component, County, Department, ObservationPoint, Street, UnitGrid
from backend.spatial import point_value, to_db_geom

X0, Y0, STEP = 120.600, 31.300, 0.001
COMMUNITY = "320508019044"
PASSWORD = "correct-horse-battery"
ROLES = ("inspector", "operator", "shift_leader", "dispatcher", "department", "analyst", "admin")


def grid_code(row: int, col: int) -> str:
    return f"{COMMUNITY}{row * 3 + col + 1:03d}"


def cell_centre(row: int, col: int) -> tuple[float, float]:
    return X0 + (col + 0.5) * STEP, Y0 + (row + 0.5) * STEP


@dataclass
class District:
    department_id: int
    other_department_id: int
    component_code: str
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def build_district(db: Session) -> District:
    load_catalog(db_session=db, rows=parse_catalog(BUNDLED_CATALOG))
    db.add(County(code="320508", name="姑苏区"))
    db.flush()
    db.add(Street(code="320508019", name="金阊街道", county_code="320508"))
    db.flush()
    db.add(Community(code=COMMUNITY, name="养育巷社区", street_code="320508019",
                     geom=to_db_geom(box(X0, Y0, X0 + 3 * STEP, Y0 + 3 * STEP))))
    dept = Department(code="D-ENV", name_zh="环境卫生管理处", name_en="Sanitation")
    other = Department(code="D-ROAD", name_zh="市政道路处", name_en="Roads")
    db.add_all([dept, other])
    db.flush()
    for row in range(3):
        for col in range(3):
            db.add(UnitGrid(code=grid_code(row, col), community_code=COMMUNITY, area_m2=10_000.0,
                            responsible_department_id=dept.id, valid_from=date(2026, 1, 1),
                            geom=to_db_geom(box(X0 + col * STEP, Y0 + row * STEP,
                                                X0 + (col + 1) * STEP, Y0 + (row + 1) * STEP))))
    cover_lon, cover_lat = cell_centre(1, 1)
    db.add(Component(code="32050801001000001", edition="GB/T 47678.5-2026", minor_code="01001", name="供水井盖",
                     grid_code=grid_code(1, 1), state="intact", geom=point_value(cover_lon, cover_lat)))
    db.add(ObservationPoint(code="OP-1", name="观前街口", grid_code=grid_code(0, 0), watches="乱堆物堆料",
                            geom=point_value(*cell_centre(0, 0))))
    district = District(department_id=dept.id, other_department_id=other.id, component_code="32050801001000001")
    for role in ROLES:
        user = create_user(db_session=db, username=role, password=PASSWORD, role=role, display_name=role,
                           department_id=dept.id if role == "department" else None,
                           grid_codes=[grid_code(r, c) for r in range(3) for c in range(3)]
                           if role == "inspector" else ())
        district.user_ids[role] = user.id
        district.tokens[role] = issue_token(db_session=db, user=user, ttl_minutes=60)
    other_staff = create_user(db_session=db, username="roads", password=PASSWORD, role="department",
                              department_id=other.id)
    district.tokens["other_department"] = issue_token(db_session=db, user=other_staff, ttl_minutes=60)
    db.commit()
    return district
