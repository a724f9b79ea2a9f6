"""Load a whole gis_data demo district (synthetic or Helsinki) in the caller's transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from backend.gisio.common import LoadReport
from backend.gisio.features import (
    load_components,
    load_departments,
    load_observation_points,
    load_street_lines,
)
from backend.gisio.hierarchy import load_hierarchy
from gis_data.demo_district import DemoDistrict, helsinki_district, synthetic_district

#: The first day of the demo districts' grid versions: grids older than a year of history.
DEMO_GRIDS_VALID_FROM = date(2024, 1, 1)


def build_district(*, helsinki: bool = False, seed: int | None = None, edition: str | None = None,
                   county_code: str | None = None) -> DemoDistrict:
    """The synthetic Suzhou district (default) or the Helsinki real-data one, from gis_data."""
    kwargs: dict = {}
    if edition:
        kwargs["edition"] = edition
    if county_code:
        kwargs["county_code"] = county_code
    if helsinki:
        return helsinki_district(seed=seed or 0, **kwargs)
    return synthetic_district(seed=seed, **kwargs) if seed is not None else synthetic_district(**kwargs)


def load_district(db: Session, district: DemoDistrict, *, progress: bool = False) -> LoadReport:
    """Departments, hierarchy, basemap roads, observation points and components; idempotent.

    Returns what was loaded; nothing is committed here.
    """
    department_ids = load_departments(db, district.departments)
    report = LoadReport()
    report.add("departments", "loaded", len(district.departments))
    report.merge(load_hierarchy(db, district, valid_from=DEMO_GRIDS_VALID_FROM, department_ids=department_ids))
    report.merge(load_street_lines(db, district.roads))
    report.merge(load_observation_points(db, district.observation_points))
    report.merge(load_components(db, district.components, department_ids=department_ids, progress=progress))
    return report
