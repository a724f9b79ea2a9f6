"""`gridwatch components import`: gis_data's inventory import, grids assigned from the database.

The grid of each component comes from a :class:`gis_data.grid_index.GridIndex` over the grids
stored now; serials continue after the highest stored code of each class, so a second source
adds to the inventory instead of colliding with it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from backend.gisio.cli import database_session, fail, refuse

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from gis_data.inventory import Assign

app = typer.Typer(no_args_is_help=True, help="The component inventory (部件普查数据).")


def grid_assigner(db: Session) -> Assign | None:
    """``assign(lons, lats) -> codes`` over the grids valid today, or None if there are none."""
    from sqlalchemy import select

    from backend.gisio.export import grids_valid_on
    from backend.models import UnitGrid
    from backend.spatial import to_shapely
    from gis_data.grid_index import GridIndex

    rows = db.execute(select(UnitGrid.code, UnitGrid.geom).where(grids_valid_on(date.today()))).all()
    if not rows:
        return None
    index = GridIndex([to_shapely(r[1]) for r in rows], [r[0] for r in rows])
    return lambda lons, lats: index.locate_many(lons, lats, as_codes=True)


def next_serials(db: Session, county_code: str, edition: str) -> dict[str, int]:
    """Minor code → the first unused serial of this county's components in ``edition``."""
    from sqlalchemy import func, select

    from backend.models import Component
    from gis_data.codes import COMPONENT_DIGITS

    digits = COMPONENT_DIGITS[edition]
    stmt = (
        select(Component.minor_code, func.max(Component.code))
        .where(Component.code.like(f"{county_code}%"), func.length(Component.code) == digits)
        .group_by(Component.minor_code)
    )
    return {minor: int(code[-6:]) + 1 for minor, code in db.execute(stmt).all()}


def _edition(db: Session) -> str:
    from backend.catalog.service import get_active_edition
    from backend.config import get_settings

    return get_active_edition(db_session=db, default=get_settings().catalog_edition)


@app.command("import")
def import_components(
    file: str | None = typer.Argument(None, help="GeoJSON/GPKG/SHP point layer."),
    class_column: str | None = typer.Option(None, help="Column holding the source's class of each feature."),
    class_map: str | None = typer.Option(None, help='JSON (or file): source class → catalog minor code, e.g. {"YS": "01001"}.'),
    osm: Path | None = typer.Option(None, "--osm", help="An OpenStreetMap PBF instead of a file (default tag mapping)."),
    county: str | None = typer.Option(None, help="6-digit county code of the new codes (default GRIDWATCH_COUNTY_CODE)."),
    edition: str | None = typer.Option(None, help="Catalog edition (default: the active one)."),
    name_column: str | None = typer.Option(None, help="Column with the component's name."),
    state_column: str | None = typer.Option(None, help="Column with the state (intact, damaged, lost, …)."),
    id_column: str | None = typer.Option(None, help="Column with the source's id (kept as external_ref)."),
    data_source: str = typer.Option("", help="Data-source attribute (实测, 调绘, …)."),
    drop_unassigned: bool = typer.Option(False, help="Skip components outside every grid."),
    include_ways: bool = typer.Option(False, help="OSM: take ways' representative points too."),
) -> None:
    """Import components with a class mapping, assign grids, and report what was mapped and skipped."""
    from backend.config import get_settings
    from backend.gisio.common import GisioError
    from backend.gisio.features import load_components
    from backend.gisio.sources import parse_json_object
    from gis_data.errors import GisDataError
    from gis_data.inventory import import_inventory, import_osm

    if (file is None) == (osm is None):
        fail("give either FILE (with --class-column and --class-map) or --osm PBF")
    if file is not None and (not class_column or not class_map):
        fail("a file import needs --class-column and --class-map")
    county_code = county or get_settings().county_code
    with database_session() as db:
        used_edition = edition or _edition(db)
        assign = grid_assigner(db)
        if assign is None:
            typer.echo("warning: no grids in the database; components get no grid / 数据库中没有网格", err=True)
        start = next_serials(db, county_code, used_edition)
        try:
            if osm is not None:
                frame, report = import_osm(osm, county_code=county_code, edition=used_edition, assign=assign,
                                           drop_unassigned=drop_unassigned, include_ways=include_ways,
                                           start_serials=start, progress=True)
            else:
                frame, report = import_inventory(
                    file, class_column=class_column, class_map=parse_json_object(class_map, "--class-map"),
                    county_code=county_code, edition=used_edition, name_column=name_column,
                    state_column=state_column, id_column=id_column, assign=assign,
                    drop_unassigned=drop_unassigned, data_source=data_source, start_serials=start,
                    progress=True)
            typer.echo(report.summary())
            loaded = load_components(db, frame, progress=True)
        except (GisioError, GisDataError) as exc:
            refuse(exc)
            return
    typer.echo("loaded / 已入库:\n" + loaded.summary())
