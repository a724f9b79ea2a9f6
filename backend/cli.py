"""The `gridwatch` command line. Database URL from GRIDWATCH_DATABASE_URL everywhere."""

from __future__ import annotations

import importlib
from pathlib import Path

import typer

from backend.config import get_settings

app = typer.Typer(help="GridWatch: grid-based city management. 网格化城市管理平台。", no_args_is_help=True)


@app.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema to the newest revision (SpatiaLite or PostGIS)."""
    from backend.migrate import current_revision, upgrade

    url = get_settings().database_url
    upgrade(url)
    typer.echo(f"database at revision {current_revision(url)}: {_redact(url)}")


@app.command("import-catalog")
def import_catalog(
    file: Path | None = typer.Argument(None, help="Catalog CSV; the bundled national catalog by default."),
) -> None:
    """Validate and load a component/event catalog. A malformed file loads nothing."""
    from backend.catalog.parse import BUNDLED_CATALOG, CatalogFileError, parse_catalog
    from backend.catalog.service import load_catalog

    path = file or BUNDLED_CATALOG
    try:
        rows = parse_catalog(path)
    except CatalogFileError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=1) from None
    with _session() as db:
        counts = load_catalog(db_session=db, rows=rows)
    total = sum(sum(kinds.values()) for kinds in counts.values())
    typer.echo(f"loaded {total} catalog classes from {path}")
    for edition, kinds in counts.items():
        typer.echo(f"  {edition}: " + ", ".join(f"{n} {kind}s" for kind, n in kinds.items()))


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes."),
    ssl_certfile: str = typer.Option("", help="TLS certificate (PEM): phones need HTTPS for GPS and offline use."),
    ssl_keyfile: str = typer.Option("", help="TLS private key (PEM) of --ssl-certfile."),
) -> None:
    """Serve the web app and API (over HTTPS when given a certificate and key)."""
    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise typer.BadParameter("give both --ssl-certfile and --ssl-keyfile, or neither")
    _run_server(host, port, workers, {"ssl_certfile": ssl_certfile, "ssl_keyfile": ssl_keyfile} if ssl_certfile else {})


def _run_server(host: str, port: int, workers: int, tls: dict[str, str]) -> None:
    import uvicorn

    # A worker imports the whole GIS stack before it answers the supervisor's health check; on a
    # busy two-core machine that takes longer than uvicorn's 5 s default, and the workers were
    # killed and restarted in a loop.
    uvicorn.run("backend.main:create_app", factory=True, host=host, port=port, workers=workers,
                timeout_worker_healthcheck=60, **tls)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    reset: bool = typer.Option(False, help="Rebuild the demo database from scratch."),
    cases: int = typer.Option(8_000, envvar="GRIDWATCH_DEMO_CASES", help="About how many cases of history."),
    seed: int = typer.Option(20240501, help="Seed of the district and the history."),
) -> None:
    """Build the demo district with a year of history on the embedded database and serve it."""
    import os

    from backend.demo import prepare_demo

    os.environ.setdefault("GRIDWATCH_DEMO_MODE", "1")
    get_settings.cache_clear()
    typer.echo("preparing the demo / 正在准备演示数据 …")
    info = prepare_demo(get_settings(), reset=reset, cases=cases, seed=seed)
    base = f"http://{'localhost' if host in ('0.0.0.0', '127.0.0.1') else host}:{port}"
    typer.echo(f"\nGridWatch demo is ready / 演示系统已就绪 ({info.seconds:.1f} s)")
    for path, zh, en in info.pages:
        typer.echo(f"  {base + path:<36} {zh} / {en}")
    typer.echo("\nAccounts (demo passwords) / 演示账号：")
    for account in info.accounts:
        note = f"  ({account.note})" if account.note else ""
        typer.echo(f"  {account.role:<13} {account.username:<13} {account.password}{note}")
    typer.echo("")
    for line in info.lines:
        typer.echo(f"  {line}")
    typer.echo("  stop with Ctrl-C / 按 Ctrl-C 停止\n")
    _run_server(host, port, 1, {})


@app.command("demo-district")
def demo_district(
    helsinki: bool = typer.Option(False, "--helsinki", help="The Helsinki real-data variant (OpenStreetMap)."),
    seed: int | None = typer.Option(None, help="Seed of the synthetic district (default: gis_data's)."),
) -> None:
    """Load the synthetic demo district (or Helsinki) into the configured database. 导入示范片区。"""
    from backend.gisio.district import build_district, load_district
    from backend.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    district = build_district(helsinki=helsinki, seed=seed, edition=settings.catalog_edition)
    with _session() as db:
        report = load_district(db, district, progress=True)
    typer.echo(f"{district.name} → {_redact(settings.database_url)}\n{report.summary()}")
    if district.inventory_report is not None:
        typer.echo(district.inventory_report.summary())


def _session():
    from backend.db import make_engine, make_sessionmaker, session_scope

    engine = make_engine(get_settings().database_url)
    return session_scope(make_sessionmaker(engine))


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.split("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}" if ":" in creds else url
    return url


# Feature areas own their subcommands: `gridwatch grids …`, `gridwatch components …`, `gridwatch map …`,
# `gridwatch stats …`.
for _name, _module in (("grids", "backend.gisio.cli"), ("components", "backend.gisio.components_cli"),
                       ("map", "backend.maps.cli"), ("stats", "backend.stats.cli")):
    app.add_typer(importlib.import_module(_module).app, name=_name)
importlib.import_module("backend.backup.cli").register(app)  # `gridwatch backup` / `gridwatch restore`


if __name__ == "__main__":
    app()
