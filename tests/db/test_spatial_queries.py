"""Point-in-grid and bbox queries on both backends, and proof that they use the spatial index."""

from __future__ import annotations

from datetime import date

from shapely.geometry import box
from sqlalchemy import select, text

from backend.models import Community, County, Street, UnitGrid
from backend.spatial import bbox_filter, contains_point, to_db_geom

X0, Y0, STEP = 120.60, 31.30, 0.001  # ~95 m × 111 m cells


def _lattice(db, n: int = 30) -> None:
    db.add(County(code="320508", name="姑苏区"))
    db.flush()  # parents first: the tables link by code, without ORM relationships
    db.add(Street(code="320508019", name="金阊街道", county_code="320508"))
    db.flush()
    db.add(Community(code="320508019044", name="养育巷社区", street_code="320508019"))
    db.flush()
    for row in range(n):
        for col in range(n):
            serial = row * n + col + 1
            db.add(UnitGrid(
                code=f"320508019044{serial:03d}", community_code="320508019044", area_m2=10_000.0,
                valid_from=date(2026, 1, 1),
                geom=to_db_geom(box(X0 + col * STEP, Y0 + row * STEP, X0 + (col + 1) * STEP, Y0 + (row + 1) * STEP)),
            ))
    db.commit()


def _dialect(db) -> str:
    return db.get_bind().dialect.name


def test_point_in_grid(db):
    _lattice(db)
    code = db.scalar(select(UnitGrid.code).where(contains_point(UnitGrid.geom, X0 + 2.5 * STEP, Y0 + 0.5 * STEP)))
    assert code == "320508019044003"
    outside = db.scalar(select(UnitGrid.code).where(contains_point(UnitGrid.geom, 121.5, 31.3)))
    assert outside is None


def test_bbox_query_returns_exactly_the_intersecting_grids(db):
    _lattice(db)
    bbox = (X0 + 2.2 * STEP, Y0 + 3.2 * STEP, X0 + 4.8 * STEP, Y0 + 5.8 * STEP)  # cols 2-4, rows 3-5
    codes = db.scalars(select(UnitGrid.code).where(bbox_filter(UnitGrid, _dialect(db), bbox))).all()
    expected = {f"320508019044{r * 30 + c + 1:03d}" for r in range(3, 6) for c in range(2, 5)}
    assert set(codes) == expected


def test_bbox_query_uses_the_spatial_index(db):
    _lattice(db)
    bbox = (X0, Y0, X0 + STEP, Y0 + STEP)
    stmt = select(UnitGrid.id).where(bbox_filter(UnitGrid, _dialect(db), bbox))
    compiled = stmt.compile(db.get_bind(), compile_kwargs={"literal_binds": True})
    if _dialect(db) == "sqlite":
        plan = db.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        details = " | ".join(str(r[-1]) for r in plan)
        # The R*Tree behind SpatialIndex is scanned as a virtual table, and the grid rows are
        # fetched by rowid (primary key), not by a full table scan.
        assert "SpatialIndex VIRTUAL TABLE" in details, details
        assert "SCAN unit_grid" not in details, details
    else:
        db.execute(text("ANALYZE unit_grid"))
        plan = "\n".join(r[0] for r in db.execute(text(f"EXPLAIN {compiled}")))
        assert "idx_unit_grid_geom" in plan, plan
