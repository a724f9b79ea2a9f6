"""gis_data results into the database and back: loaders, exports and the `gridwatch grids` /
`gridwatch components` commands. All spatial logic stays in gis_data; this package only moves
data, in the caller's transaction (all or nothing).

The names below are imported on first use: the CLI imports this package for every `gridwatch`
command, and the GIS stack behind the loaders takes seconds to import.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "GisioError": "backend.gisio.common",
    "LoadReport": "backend.gisio.common",
    "build_district": "backend.gisio.district",
    "load_district": "backend.gisio.district",
    "components_from_db": "backend.gisio.export",
    "hierarchy_from_db": "backend.gisio.export",
    "observation_points_from_db": "backend.gisio.export",
    "street_lines_from_db": "backend.gisio.export",
    "load_components": "backend.gisio.features",
    "load_departments": "backend.gisio.features",
    "load_observation_points": "backend.gisio.features",
    "load_street_lines": "backend.gisio.features",
    "load_hierarchy": "backend.gisio.hierarchy",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'backend.gisio' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
