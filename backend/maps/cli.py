"""`gridwatch map KIND …`: export a map for documents, as offline HTML or PNG.

    gridwatch map hotspots --from 2026-01-01 --to 2026-06-30 -o hotspots.html
    gridwatch map density --category 06036 --bandwidth 500 -o density.png

Run on the server by an administrator: every case counts (no role scoping). The file type
follows the suffix of ``-o``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from map_viewer.page import MAP_KINDS

app = typer.Typer(no_args_is_help=True, help="Export maps as offline HTML or PNG. 导出地图（离线 HTML 或 PNG）。")


def _export(kind: str, output: Path, filters: dict, params: dict) -> None:
    from backend.admin.service import get_work_calendar
    from backend.config import get_settings
    from backend.db import make_engine, make_sessionmaker, session_scope
    from backend.errors import DomainError
    from backend.maps import export
    from backend.maps.base_data import MapBaseCache
    from backend.maps.filters import build_filter
    from backend.maps.service import MapContext, MapParams, build_payload

    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".png"):
        raise typer.BadParameter("the output file must end in .html or .png", param_hint="-o")
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as db:
            f = build_filter(tz=settings.timezone, **filters)
            ctx = MapContext(db=db, user=None, base=MapBaseCache().get(db), timezone=settings.timezone,
                             calendar=get_work_calendar(db_session=db, default_timezone=settings.timezone))
            data = build_payload(kind, ctx, f, MapParams(**params))
            base = ctx.base.payload
        if suffix == ".png":
            output.write_bytes(export.png(kind, base, data, settings))
        else:
            output.write_text(export.standalone_html(kind, base, data, settings), encoding="utf-8")
    except DomainError as exc:
        typer.echo(f"{exc.message_zh}\n{exc.message}", err=True)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()
    summary = data.get("summary", {})
    typer.echo(f"{MAP_KINDS[kind][0]} / {MAP_KINDS[kind][1]} → {output} ({output.stat().st_size:,} bytes); "
               f"{summary.get('filters_zh', '')}")


def _command(kind: str) -> Callable[..., None]:
    def command(
        output: Path = typer.Option(..., "-o", "--output", help="FILE.html or FILE.png"),
        date_from: str = typer.Option(None, "--from", help="reported from (YYYY-MM-DD, local)"),
        date_to: str = typer.Option(None, "--to", help="reported to, inclusive (YYYY-MM-DD)"),
        category: str = typer.Option(None, help="catalog minor code, e.g. 06036"),
        kind_: str = typer.Option(None, "--kind", help="component or event"),
        status: list[str] = typer.Option(None, help="case status (repeatable)"),
        status_type: str = typer.Option(None, help="open or closed"),
        overdue: bool = typer.Option(None, "--overdue/--not-overdue", help="only open overdue cases (or none)"),
        source: str = typer.Option(None, help="source channel, e.g. phone"),
        department: int = typer.Option(None, help="department id"),
        street: str = typer.Option(None, help="9-digit street code"),
        community: str = typer.Option(None, help="12-digit community code"),
        grid: str = typer.Option(None, help="15-digit grid code"),
        state: str = typer.Option(None, help="component state (inventory)"),
        bandwidth: float = typer.Option(300.0, help="density kernel radius in metres"),
        weights: str = typer.Option("queen", help="hot spot weights: queen or distance_band"),
        fdr: bool = typer.Option(True, "--fdr/--no-fdr", help="false discovery rate correction (hot spots)"),
        month: str = typer.Option(None, help="YYYY-MM compared with the month before (comparison)"),
        cap: int = typer.Option(2000, help="most markers drawn (cases)"),
    ) -> None:
        filters = {"reported_from": date_from, "reported_to": date_to, "category": category, "kind": kind_,
                   "status": status or None, "status_type": status_type, "overdue": overdue, "source": source,
                   "department": department, "street": street, "community": community, "grid": grid,
                   "state": state}
        if weights not in ("queen", "distance_band"):
            raise typer.BadParameter("queen or distance_band", param_hint="--weights")
        params = {"bandwidth_m": bandwidth, "weights": weights, "fdr": fdr, "month": month, "cap": cap}
        _export(kind, output, filters, params)

    command.__doc__ = f"{MAP_KINDS[kind][0]} / {MAP_KINDS[kind][1]}: export as HTML or PNG."
    return command


for _kind in MAP_KINDS:
    app.command(name=_kind)(_command(_kind))
