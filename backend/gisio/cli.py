"""`gridwatch grids import|export|generate|validate`: gis_data's grid I/O wired to the database.

Every command validates with gis_data first and writes in one transaction, so a refused file
leaves the database untouched. Exit code 1 on any refusal, with a message naming each feature.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The GIS stack (geopandas, GDAL, PROJ, the models) is imported inside the commands: every
# `gridwatch` invocation builds this sub-app, and `gridwatch demo` should not wait for it.
LEVELS = ("streets", "communities", "grids")

app = typer.Typer(no_args_is_help=True, help="Unit grids: import, export, generate, validate. 单元网格导入导出。")


class ExportFormat(StrEnum):
    gpkg = "gpkg"
    geojson = "geojson"
    shp = "shp"


@contextmanager
def database_session() -> Iterator[Session]:
    """One transaction on the configured database (GRIDWATCH_DATABASE_URL); refuses an empty one."""
    from backend.config import get_settings
    from backend.db import make_engine, make_sessionmaker, session_scope
    from backend.migrate import current_revision

    url = get_settings().database_url
    if current_revision(url) is None:
        fail("The database has no schema yet: run `gridwatch init-db` first. 数据库尚未初始化。")
    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as db:
            yield db
    finally:
        engine.dispose()


def fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code=1)


def refuse(exc: Exception) -> None:
    """Print a gis_data / gisio refusal with every problem, then exit 1."""
    from gis_data.errors import ImportFailed

    if isinstance(exc, ImportFailed):
        lines = [str(exc).splitlines()[0], *(f"  {p}" for p in exc.problems)]
        fail("\n".join(lines))
    fail(str(exc))


def _sources(files: list[str], layers: list[str], mapping: str | None) -> tuple[dict[str, Any], dict]:
    from backend.gisio.common import GisioError
    from backend.gisio.sources import assign_levels, parse_mapping
    from gis_data.errors import GisDataError

    try:
        mappings = parse_mapping(mapping)
        return assign_levels(files, layers=layers, mappings=mappings), mappings
    except (GisioError, GisDataError) as exc:
        refuse(exc)
        raise  # unreachable: refuse exits


@app.command("import")
def import_grids(
    files: list[str] = typer.Argument(..., help="GeoJSON/GPKG/SHP files; LEVEL=FILE forces a level."),
    mapping: str | None = typer.Option(None, help='Column mapping JSON (or file): {"grids": {"code": "BGID"}}.'),
    layer: list[str] = typer.Option([], help="LEVEL=LAYER: which GeoPackage layer holds a level."),
    valid_from: str | None = typer.Option(None, help="First day of new grid versions (YYYY-MM-DD, default today)."),
    county_name: str | None = typer.Option(None, help="Name for a county code not yet in the database."),
    keep_missing: bool = typer.Option(False, help="Keep current grids of imported communities missing from the file."),
) -> None:
    """Validate and load streets, communities and grids; all or nothing. 校验并导入，全部成功或全部不导入。"""
    from backend.gisio.common import GisioError
    from backend.gisio.hierarchy import load_hierarchy
    from gis_data.errors import GisDataError
    from gis_data.grid_io import import_hierarchy

    sources, mappings = _sources(files, layer, mapping)
    try:
        hierarchy = import_hierarchy(**sources, mappings=mappings)
        day = date.fromisoformat(valid_from) if valid_from else None
    except (GisDataError, ValueError) as exc:
        refuse(exc)
        return
    try:
        with database_session() as db:
            report = load_hierarchy(db, hierarchy, valid_from=day, county_name=county_name,
                                    retire_missing=not keep_missing)
    except GisioError as exc:
        refuse(exc)
        return
    typer.echo("imported / 已导入:\n" + report.summary())


@app.command("export")
def export_grids(
    output: Path = typer.Option(..., "-o", "--output", help="A .gpkg file, or a folder (geojson/shp: one file per level)."),
    format: ExportFormat = typer.Option(ExportFormat.gpkg, "--format", help="gpkg, geojson or shp."),
    on: str | None = typer.Option(None, "--date", help="Grids valid on this day (default today)."),
) -> None:
    """Write streets, communities and current grids from the database. 导出街道、社区和现行网格。"""
    from backend.gisio.export import hierarchy_from_db
    from gis_data.grid_io import export_layer

    with database_session() as db:
        hierarchy = hierarchy_from_db(db, on=date.fromisoformat(on) if on else None)
    written = []
    for level in LEVELS:
        frame = getattr(hierarchy, level)
        if frame is None:
            continue
        if format is ExportFormat.shp and "responsible_department" in frame.columns:
            frame = frame.rename(columns={"responsible_department": "resp_dept"})  # 10-character field names
        if format is ExportFormat.gpkg:
            path = output if output.suffix.lower() == ".gpkg" else output / "hierarchy.gpkg"
            written.append(f"{export_layer(frame, path, layer=level)} (layer {level}): {len(frame)}")
        else:
            written.append(f"{export_layer(frame, output / f'{level}.{format.value}')}: {len(frame)}")
    if not written:
        fail("nothing to export: the database has no streets, communities or grids")
    typer.echo("\n".join(written))


@app.command("validate")
def validate(
    files: list[str] = typer.Argument(..., help="GeoJSON/GPKG/SHP files; LEVEL=FILE forces a level."),
    mapping: str | None = typer.Option(None, help="Column mapping JSON (or file)."),
    layer: list[str] = typer.Option([], help="LEVEL=LAYER for GeoPackages."),
) -> None:
    """Check files without loading them: one line per problem, exit 1 if any. 仅校验，不导入。"""
    from gis_data.grid_io import validate_hierarchy

    sources, mappings = _sources(files, layer, mapping)
    report = validate_hierarchy(**sources, mappings=mappings)
    for note in report.notes:
        typer.echo(f"note: {note}")
    for problem in report.problems:
        typer.echo(str(problem), err=True)
    counts = ", ".join(f"{len(frame)} {level}" for level in LEVELS
                       if (frame := getattr(report.hierarchy, level)) is not None)
    if report.problems:
        fail(f"{len(report.problems)} problem(s) found / 发现 {len(report.problems)} 个问题 ({counts} valid)")
    typer.echo(f"OK / 校验通过: {counts}")


@app.command("generate")
def generate(
    communities: str = typer.Option(..., help="Community polygons (12-digit codes)."),
    streets: str | None = typer.Option(None, help="Street centre-lines to cut along."),
    target_area: float = typer.Option(10_000.0, help="Nominal grid area in m²."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the grids to this file."),
    load: bool = typer.Option(False, "--load", help="Load communities and grids into the database."),
    mapping: str | None = typer.Option(None, help="Column mapping JSON for the communities layer."),
) -> None:
    """Cut communities into coded unit grids of about the target area. 按社区生成单元网格。"""
    from backend.gisio.common import GisioError
    from backend.gisio.hierarchy import load_hierarchy
    from backend.gisio.sources import parse_mapping
    from gis_data.errors import GisDataError
    from gis_data.grid_generate import generate_grids
    from gis_data.grid_io import Hierarchy, export_layer, import_hierarchy, read_layer

    if (output is None) == (not load):
        fail("give exactly one of -o PATH or --load")
    try:
        maps = parse_mapping(mapping)
        comm = import_hierarchy(communities=communities, mappings=maps).communities
        lines = read_layer(streets, name="streets") if streets else None
        grids = generate_grids(comm, streets=lines, target_area_m2=target_area)
    except (GisioError, GisDataError) as exc:
        refuse(exc)
        return
    area = grids["area_m2"]
    typer.echo(f"{len(grids)} grids in {grids['community_code'].nunique()} communities; "
               f"area {area.min():.0f}–{area.max():.0f} m², median {area.median():.0f} m²")
    if grids.attrs.get("out_of_band"):
        typer.echo(f"outside the area band: {', '.join(grids.attrs['out_of_band'])}")
    if output is not None:
        typer.echo(f"written {export_layer(grids, output, layer='grids')}")
        return
    try:
        with database_session() as db:
            report = load_hierarchy(db, Hierarchy(communities=comm, grids=grids))
    except GisioError as exc:
        refuse(exc)
        return
    typer.echo("loaded / 已导入:\n" + report.summary())
