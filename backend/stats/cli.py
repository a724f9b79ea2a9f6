"""`gridwatch stats …`: the monthly report and exports from the command line.

    gridwatch stats report --month 2026-06 -o report.pdf
    gridwatch stats export cases --month 2026-06 --figure closed -o closed.xlsx
    gridwatch stats export grids --month 2026-06 -o grids.gpkg
    gridwatch stats export tables --start 2026-04-01 --end 2026-06-30 -o q2.xlsx
    gridwatch stats kpis --month 2026-06

Run on the server by an administrator: every case counts (no role scoping). The file type
follows the suffix of ``-o``. The database comes from GRIDWATCH_DATABASE_URL.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import typer

app = typer.Typer(no_args_is_help=True, help="Statistics: monthly report and exports. 统计报告与导出。")

MONTH = typer.Option(None, "--month", help="calendar month, e.g. 2026-06 (default: this month)")
START = typer.Option(None, "--start", help="first day, inclusive (YYYY-MM-DD)")
END = typer.Option(None, "--end", help="last day, inclusive (YYYY-MM-DD)")
OUTPUT = typer.Option(..., "-o", "--output", help="output file; its suffix chooses the format")


def _filter(month, start, end, county, street, community, grid, kind, major, minor, department, source):
    from backend.config import get_settings
    from backend.stats.filters import StatsFilter
    from backend.stats.service import make_window

    tz = get_settings().timezone
    window = make_window(month=month, start=date.fromisoformat(start) if start else None,
                         end=date.fromisoformat(end) if end else None, timezone=tz, now=datetime.now(UTC))
    return StatsFilter(window=window, county=county, street=street, community=community, grid=grid, kind=kind,
                       major=major, minor=minor, department_id=department, sources=tuple(source or ()))


def _run(work) -> None:
    from backend.admin.service import get_work_calendar
    from backend.config import get_settings
    from backend.db import make_engine, make_sessionmaker, session_scope
    from backend.errors import DomainError
    from backend.stats.settings import load_settings

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as db:
            calendar = get_work_calendar(db_session=db, default_timezone=settings.timezone)
            work(db, settings, load_settings(db), calendar)
    except DomainError as exc:
        typer.echo(f"{exc.message_zh}\n{exc.message}", err=True)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()


@app.command()
def report(
    output: Path = OUTPUT, month: str | None = MONTH, start: str | None = START, end: str | None = END,
    county: str | None = None, street: str | None = None, community: str | None = None, grid: str | None = None,
    kind: str | None = None, major: str | None = None, minor: str | None = None,
    department: int | None = None, source: list[str] | None = typer.Option(None, help="source channel (repeatable)"),
    level: str = typer.Option("grid", help="region scorecard level: grid, community or street"),
    hotspots: bool = typer.Option(True, help="include the Gi* hot-spot map (needs Chromium)"),
) -> None:
    """The monthly report (KPIs, charts, scorecards, maps) as PDF, or as HTML for .html."""
    from backend.stats.pdf import html_to_pdf
    from backend.stats.report import report_html

    if output.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise typer.BadParameter("the report must be .pdf or .html", param_hint="-o")

    def work(db, settings, evaluation, calendar) -> None:
        f = _filter(month, start, end, county, street, community, grid, kind, major, minor, department, source)
        html = report_html(db_session=db, f=f, settings=evaluation, calendar=calendar, app_settings=settings,
                           level=level, with_hotspots=hotspots)
        if output.suffix.lower() == ".pdf":
            output.write_bytes(html_to_pdf(html))
        else:
            output.write_text(html, encoding="utf-8")
        typer.echo(f"统计报告 / report {f.window.label} → {output} ({output.stat().st_size:,} bytes)")

    _run(work)


@app.command("export")
def export(
    what: str = typer.Argument(..., help="cases | grids | tables | one table name (kpis, by_source, top_problems, "
                                         "trend, grids, scorecard_<post>)"),
    output: Path = OUTPUT, month: str | None = MONTH, start: str | None = START, end: str | None = END,
    county: str | None = None, street: str | None = None, community: str | None = None, grid: str | None = None,
    kind: str | None = None, major: str | None = None, minor: str | None = None,
    department: int | None = None, source: list[str] | None = typer.Option(None, help="source channel (repeatable)"),
    figure: str = typer.Option("received", help="for cases: the figure whose cases to export"),
    level: str = typer.Option("grid", help="region scorecard level: grid, community or street"),
) -> None:
    """Export cases (csv/xlsx/geojson/gpkg), grid statistics (csv/xlsx/geojson/gpkg) or tables (csv/xlsx)."""
    from backend.stats import exports
    from backend.stats.gridstats import compute_grid_stats
    from backend.stats.tables import build_dashboard, dashboard_tables, grid_table

    fmt = output.suffix.lower().lstrip(".")

    def work(db, settings, evaluation, calendar) -> None:
        f = _filter(month, start, end, county, street, community, grid, kind, major, minor, department, source)
        now = datetime.now(UTC)
        info = {"window": f.window.label, "generated": now.isoformat(timespec="seconds")}
        if what == "cases":
            rows = exports.export_case_rows(db_session=db, f=f, now=now, figure=figure)
            frame_or_table = exports.case_table(rows, figure)
            geo = exports.cases_frame(rows) if fmt in ("geojson", "gpkg") else None
        elif what == "grids":
            rows = compute_grid_stats(db_session=db, f=f, now=now)
            frame_or_table = grid_table(rows)
            geo = exports.grids_frame(rows) if fmt in ("geojson", "gpkg") else None
        else:
            data = build_dashboard(db_session=db, f=f, settings=evaluation, calendar=calendar, now=now,
                                   region_level=level)
            tables = dashboard_tables(data)
            if what == "tables":
                if fmt != "xlsx":
                    raise typer.BadParameter("all tables go into one .xlsx workbook", param_hint="-o")
                output.write_bytes(exports.tables_xlsx(tables, info))
                typer.echo(f"{len(tables)} tables → {output}")
                return
            named = {t.name: t for t in tables}
            if what not in named:
                raise typer.BadParameter(f"unknown table {what!r}; known: {', '.join(named)}")
            frame_or_table, geo = named[what], None
        if fmt == "csv":
            output.write_bytes(exports.table_csv(frame_or_table))
        elif fmt == "xlsx":
            output.write_bytes(exports.tables_xlsx([frame_or_table], info))
        elif fmt == "geojson" and geo is not None:
            output.write_bytes(exports.frame_geojson(geo))
        elif fmt == "gpkg" and geo is not None:
            output.write_bytes(exports.frame_gpkg(geo, "cases" if what == "cases" else "grid_stats"))
        else:
            raise typer.BadParameter(f"cannot write {what} as .{fmt}", param_hint="-o")
        typer.echo(f"{what} {f.window.label}: {len(frame_or_table.rows)} rows → {output}")

    _run(work)


@app.command()
def kpis(
    month: str | None = MONTH, start: str | None = START, end: str | None = END,
    county: str | None = None, street: str | None = None, community: str | None = None, grid: str | None = None,
    kind: str | None = None, major: str | None = None, minor: str | None = None,
    department: int | None = None, source: list[str] | None = typer.Option(None, help="source channel (repeatable)"),
) -> None:
    """Print the dashboard's figures and rates as JSON (one line per figure)."""
    from backend.stats.kpis import compute_kpis

    def work(db, settings, evaluation, calendar) -> None:
        f = _filter(month, start, end, county, street, community, grid, kind, major, minor, department, source)
        k = compute_kpis(db_session=db, f=f, now=datetime.now(UTC))
        for key, fig in k["figures"].items():
            typer.echo(json.dumps({"figure": key, "label": fig["label_zh"], "value": fig["value"]}, ensure_ascii=False))
        for key, r in {**k["rates"], **k["changes"]}.items():
            typer.echo(json.dumps({"figure": key, "label": r["label_zh"], "value": r["value"], "note": r["note"]},
                                  ensure_ascii=False))

    _run(work)
