"""Spatial query helpers. Database differences live here and nowhere else.

SpatiaLite never uses its R*Tree on its own: a bbox filter has to go through the
``SpatialIndex`` virtual table. PostGIS uses the GiST index for ``&&`` by itself.
"""

from __future__ import annotations

from typing import Any

from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiLineString, MultiPolygon, Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import ColumnElement, and_, func, literal_column, select, text
from sqlalchemy.orm import InstrumentedAttribute

from backend.db import STORED_SRID

BBox = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


def bbox_filter(model: Any, dialect_name: str, bbox: BBox) -> ColumnElement[bool]:
    """A WHERE clause selecting rows of ``model`` whose geometry intersects ``bbox``.

    The model must have an integer ``id`` primary key (the SQLite rowid) and a ``geom`` column.
    """
    minx, miny, maxx, maxy = bbox
    if dialect_name == "sqlite":
        frame = func.BuildMbr(minx, miny, maxx, maxy, STORED_SRID)
        candidates = (
            select(literal_column("rowid"))
            .select_from(text("SpatialIndex"))
            .where(
                literal_column("f_table_name") == model.__tablename__,
                literal_column("f_geometry_column") == "geom",
                literal_column("search_frame") == frame,
            )
        )
        return and_(model.id.in_(candidates), func.MbrIntersects(model.geom, frame) == 1)
    envelope = func.ST_MakeEnvelope(minx, miny, maxx, maxy, STORED_SRID)
    return model.geom.op("&&")(envelope)


def contains_point(geom_column: InstrumentedAttribute, lon: float, lat: float) -> ColumnElement[bool]:
    """Polygon column contains the point (boundary included, so edge points are not lost)."""
    point = func.ST_GeomFromText(f"POINT({float(lon)!r} {float(lat)!r})", STORED_SRID)
    return func.ST_Intersects(geom_column, point) == True  # noqa: E712 - SQL boolean on both backends


def to_db_geom(geom: BaseGeometry):
    """Shapely → a value for a geometry column, promoting to the column's multi type."""
    if geom.geom_type == "Polygon":
        geom = MultiPolygon([geom])
    elif geom.geom_type == "LineString":
        geom = MultiLineString([geom])
    return from_shape(geom, srid=STORED_SRID)


def point_value(lon: float, lat: float):
    return from_shape(Point(lon, lat), srid=STORED_SRID)


def to_shapely(value) -> BaseGeometry | None:
    return None if value is None else to_shape(value)
