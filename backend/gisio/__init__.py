"""gis_data results into the database and back: loaders, exports and the `gridwatch grids` /
`gridwatch components` commands. All spatial logic stays in gis_data; this package only moves
data, in the caller's transaction (all or nothing)."""

from backend.gisio.common import GisioError, LoadReport
from backend.gisio.district import build_district, load_district
from backend.gisio.export import (
    components_from_db,
    hierarchy_from_db,
    observation_points_from_db,
    street_lines_from_db,
)
from backend.gisio.features import (
    load_components,
    load_departments,
    load_observation_points,
    load_street_lines,
)
from backend.gisio.hierarchy import load_hierarchy

__all__ = [
    "GisioError",
    "LoadReport",
    "build_district",
    "components_from_db",
    "hierarchy_from_db",
    "load_components",
    "load_departments",
    "load_district",
    "load_hierarchy",
    "load_observation_points",
    "load_street_lines",
    "observation_points_from_db",
    "street_lines_from_db",
]
