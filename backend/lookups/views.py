"""Lookups the apps need: the catalog (searchable), grids, components and departments."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, or_, select

from backend.auth.deps import CurrentUser
from backend.catalog.service import get_active_edition
from backend.deps import AppSettings, DbSession
from backend.errors import NotFound, Unprocessable
from backend.models import CatalogClass, Component, Department, UnitGrid
from backend.spatial import bbox_filter

router = APIRouter(prefix="/api", tags=["lookups"])


class CatalogItem(BaseModel):
    edition: str
    kind: str
    major_code: str
    major_name_zh: str
    minor_code: str
    name_zh: str
    name_en: str
    time_limit_value: float | None
    time_limit_unit: str | None
    default_department_id: int | None


class GridItem(BaseModel):
    code: str
    name: str
    community_code: str
    area_m2: float
    responsible_department_id: int | None
    geometry: dict


class ComponentItem(BaseModel):
    id: int
    code: str
    minor_code: str
    name: str
    state: str
    grid_code: str | None
    lon: float
    lat: float


class DepartmentItem(BaseModel):
    id: int
    code: str
    name_zh: str
    name_en: str


def _bbox(raw: str) -> tuple[float, float, float, float]:
    try:
        minx, miny, maxx, maxy = (float(v) for v in raw.split(","))
    except ValueError:
        raise Unprocessable("bbox must be four numbers: minlon,minlat,maxlon,maxlat.",
                            "bbox 须为四个数：最小经度,最小纬度,最大经度,最大纬度。") from None
    return minx, miny, maxx, maxy


@router.get("/catalog", response_model=list[CatalogItem])
def catalog(_: CurrentUser, db: DbSession, settings: AppSettings,
            kind: Annotated[str | None, Query(pattern="^(component|event)$")] = None,
            q: Annotated[str | None, Query(max_length=50, description="search zh/en name or code")] = None,
            edition: str | None = None) -> list[CatalogItem]:
    """The active edition's classes (or another edition's), searchable by Chinese or English name or code."""
    edition = edition or get_active_edition(db_session=db, default=settings.catalog_edition)
    stmt = select(CatalogClass).where(CatalogClass.edition == edition, CatalogClass.active.is_(True))
    if kind:
        stmt = stmt.where(CatalogClass.kind == kind)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(CatalogClass.name_en).like(like), CatalogClass.name_zh.like(f"%{q.strip()}%"),
                              CatalogClass.minor_code.like(f"{q.strip()}%")))
    rows = db.scalars(stmt.order_by(CatalogClass.kind, CatalogClass.minor_code))
    return [CatalogItem(edition=c.edition, kind=c.kind, major_code=c.major_code, major_name_zh=c.major_name_zh,
                        minor_code=c.minor_code, name_zh=c.name_zh, name_en=c.name_en,
                        time_limit_value=c.time_limit_value, time_limit_unit=c.time_limit_unit,
                        default_department_id=c.default_department_id) for c in rows]


@router.get("/grids", response_model=list[GridItem])
def grids(_: CurrentUser, db: DbSession, bbox: Annotated[str | None, Query()] = None,
          community: str | None = None, limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> list[GridItem]:
    """Current unit grids with their polygons as GeoJSON (lon/lat, 7 decimals ≈ 1 cm)."""
    stmt = select(UnitGrid, func.ST_AsGeoJSON(UnitGrid.geom, 7)).where(UnitGrid.valid_to.is_(None))
    if bbox:
        stmt = stmt.where(bbox_filter(UnitGrid, db.get_bind().dialect.name, _bbox(bbox)))
    if community:
        stmt = stmt.where(UnitGrid.community_code == community)
    return [_grid_item(g, gj) for g, gj in db.execute(stmt.order_by(UnitGrid.code).limit(limit))]


def _grid_item(g: UnitGrid, geojson: str) -> GridItem:
    return GridItem(code=g.code, name=g.name, community_code=g.community_code, area_m2=g.area_m2,
                    responsible_department_id=g.responsible_department_id, geometry=json.loads(geojson))


@router.get("/grids/{code}", response_model=GridItem)
def grid(code: str, _: CurrentUser, db: DbSession) -> GridItem:
    row = db.execute(select(UnitGrid, func.ST_AsGeoJSON(UnitGrid.geom, 7))
                     .where(UnitGrid.code == code, UnitGrid.valid_to.is_(None))).first()
    if row is None:
        raise NotFound(f"Grid {code} does not exist.", f"网格 {code} 不存在。")
    return _grid_item(*row)


@router.get("/components", response_model=list[ComponentItem])
def components(_: CurrentUser, db: DbSession, bbox: Annotated[str | None, Query()] = None,
               category: str | None = None, grid: str | None = None,
               limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[ComponentItem]:
    stmt = select(Component, func.ST_X(Component.geom), func.ST_Y(Component.geom))
    if bbox:
        stmt = stmt.where(bbox_filter(Component, db.get_bind().dialect.name, _bbox(bbox)))
    if category:
        stmt = stmt.where(Component.minor_code == category)
    if grid:
        stmt = stmt.where(Component.grid_code == grid)
    return [ComponentItem(id=c.id, code=c.code, minor_code=c.minor_code, name=c.name, state=c.state,
                          grid_code=c.grid_code, lon=x, lat=y)
            for c, x, y in db.execute(stmt.order_by(Component.code).limit(limit))]


@router.get("/departments", response_model=list[DepartmentItem])
def departments(_: CurrentUser, db: DbSession) -> list[DepartmentItem]:
    rows = db.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.code))
    return [DepartmentItem(id=d.id, code=d.code, name_zh=d.name_zh, name_en=d.name_en) for d in rows]
