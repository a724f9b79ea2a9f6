"""What every gisio loader shares: the report of what a load did, its error, and small helpers.

gisio only moves data between gis_data's GeoDataFrames and the database: the caller owns the
transaction (one ``session_scope``), so a failure anywhere loads nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import shapely
from geoalchemy2 import WKBElement
from shapely.geometry import MultiLineString, MultiPolygon
from shapely.geometry.base import BaseGeometry

from backend.db import STORED_SRID

T = TypeVar("T")

#: Values per ``IN (...)`` list: well under SQLite's bound-parameter limit.
IN_CHUNK = 500
#: How many problems an error message spells out; all stay in ``problems``.
MAX_LISTED = 20


class GisioError(ValueError):
    """A load was refused before anything was written; ``problems`` names each feature."""

    def __init__(self, summary: str, problems: Sequence[str] = ()) -> None:
        self.summary = summary
        self.problems = list(problems)
        lines = [summary, *(f"  {p}" for p in self.problems[:MAX_LISTED])]
        if len(self.problems) > MAX_LISTED:
            lines.append(f"  ... and {len(self.problems) - MAX_LISTED} more")
        super().__init__("\n".join(lines))


@dataclass
class LoadReport:
    """Counts of what a load did, keyed like ``("grids", "redrawn")``."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def add(self, layer: str, outcome: str, n: int = 1) -> None:
        if n:
            self.counts[(layer, outcome)] += n

    def get(self, layer: str, outcome: str) -> int:
        return self.counts.get((layer, outcome), 0)

    def merge(self, other: LoadReport) -> LoadReport:
        self.counts.update(other.counts)
        self.notes.extend(other.notes)
        return self

    def summary(self) -> str:
        """One line per layer, e.g. ``grids: 407 inserted, 2 redrawn``."""
        layers = list(dict.fromkeys(layer for layer, _ in self.counts))
        lines = []
        for layer in layers:
            parts = [f"{n} {outcome}" for (lay, outcome), n in self.counts.items() if lay == layer]
            lines.append(f"{layer}: {', '.join(parts)}")
        return "\n".join(lines + [f"note: {n}" for n in self.notes]) or "nothing to load"


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def text_or_empty(value: Any) -> str:
    """A frame cell as text: missing values (None, NaN, NaT) become ""."""
    if value is None:
        return ""
    if not isinstance(value, str) and pd.isna(value):
        return ""
    return str(value)


def optional(value: Any) -> Any:
    """A frame cell with pandas' missing markers turned into None."""
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):  # list-likes: pd.isna answers element-wise
        return value


def as_multi(geom: BaseGeometry) -> BaseGeometry:
    """The column's multi type: polygons and lines are stored as their multi versions."""
    if geom.geom_type == "Polygon":
        return MultiPolygon([geom])
    if geom.geom_type == "LineString":
        return MultiLineString([geom])
    return geom


def same_geometry(a: BaseGeometry | None, b: BaseGeometry | None, tolerance: float = 1e-9) -> bool:
    """Equal vertex by vertex within ``tolerance`` degrees, ignoring Polygon vs MultiPolygon and
    ring start/orientation (normalised first)."""
    if a is None or b is None:
        return a is b
    na, nb = shapely.normalize(as_multi(a)), shapely.normalize(as_multi(b))
    return bool(shapely.equals_exact(na, nb, tolerance=tolerance))


def require_columns(frame: pd.DataFrame, layer: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = [str(c) for c in frame.columns if c != "geometry"]
        raise GisioError(f"The {layer} layer lacks column(s) {missing}; it has {have}.")


def point_values(lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray) -> list[WKBElement]:
    """Column values for many points at once: what ``backend.spatial.point_value`` makes one by
    one (plain WKB with the stored SRID), ten times faster for a bulk load."""
    blobs = shapely.to_wkb(shapely.points(np.asarray(lons, float), np.asarray(lats, float)))
    return [WKBElement(memoryview(b), srid=STORED_SRID, extended=False) for b in blobs]
