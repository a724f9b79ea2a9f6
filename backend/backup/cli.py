"""``gridwatch backup -o DIR`` and ``gridwatch restore DIR``.

The database URL and photo folder come from the usual settings (GRIDWATCH_DATABASE_URL,
GRIDWATCH_PHOTO_DIR). Register on the main CLI with :func:`register`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from backend.backup.manifest import BackupError
from backend.config import Settings

app = typer.Typer(help="Backups of the database and the photo store. 数据库与照片备份和恢复。",
                  no_args_is_help=True)


@app.command("backup")
def backup_command(
    output: Path = typer.Option(..., "--output", "-o", help="New or empty folder to write the backup into."),
) -> None:
    """Back up the database (SpatiaLite or PostGIS) and the photo store, with a checksummed manifest."""
    from backend.backup.service import backup

    settings = Settings()
    try:
        manifest = backup(database_url=settings.database_url, photo_dir=settings.photo_dir, out=output)
    except BackupError as exc:
        typer.echo(f"backup failed / 备份失败: {exc}", err=True)
        raise typer.Exit(code=1) from None
    rows = sum(manifest.database.row_counts.values())
    typer.echo(f"backup written to {output}: {manifest.database.backend} database "
               f"({manifest.database.bytes / 1e6:.1f} MB, {rows} rows in {len(manifest.database.row_counts)} tables), "
               f"{manifest.photos.count} photo files ({manifest.photos.bytes / 1e6:.1f} MB)")
    if manifest.photos.missing_for_rows:
        typer.echo(f"warning: {len(manifest.photos.missing_for_rows)} photo(s) named by the database were "
                   "missing from the store already / 警告：数据库中部分照片文件原本就缺失", err=True)


@app.command("restore")
def restore_command(
    folder: Path = typer.Argument(..., help="A folder written by `gridwatch backup`."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Replace the database and put back the photos from a backup (stop the server first)."""
    from backend.backup.service import restore

    settings = Settings()
    if not yes:
        typer.confirm(f"Replace the database at {settings.database_url.split('@')[-1]} with {folder}? "
                      "当前数据库将被备份内容替换，是否继续？", abort=True)
    try:
        report = restore(folder=folder, database_url=settings.database_url, photo_dir=settings.photo_dir)
    except BackupError as exc:
        typer.echo(f"restore failed / 恢复失败: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"restored {report.backend} database ({sum(report.row_counts.values())} rows, counts match the "
               f"manifest) and {report.photos_checked} photo files ({report.photos_written} written, all "
               "checksums match) / 恢复完成，行数与校验和均一致")


def register(main_app: typer.Typer) -> None:
    """Add ``backup`` and ``restore`` as top-level commands of the ``gridwatch`` CLI."""
    main_app.command("backup")(backup_command)
    main_app.command("restore")(restore_command)


if __name__ == "__main__":
    app()
