"""``gridwatch-field``: the inspectors' command line. Sign in once; report from photos (one, or a
whole folder of geotagged JPEGs, through a local outbox that survives interruptions); list and
answer verify/check tasks.

Exit codes: 0 all done; 1 something was refused by the server (see the message); 2 something is
still waiting in the outbox (no connection, server busy, or signed out) — run ``sync`` later.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from field_app.bulk import position_of, queue_folder, report_body
from field_app.client import FieldApiError, FieldClient
from field_app.exif import GpsFix
from field_app.outbox import Outbox, OutboxItem, SyncResult
from field_app.session import Home, Session

app = typer.Typer(help="GridWatch field client: reports from photos, offline outbox, tasks. 巡查上报客户端。",
                  no_args_is_help=True)
CRS_HELP = "CRS of --lon/--lat: wgs84 (GPS), cgcs2000, gcj02 or bd09. EXIF GPS is always wgs84."


class State:
    def __init__(self, home: Home, server: str | None) -> None:
        self.home, self.server_option = home, server

    def session(self) -> Session:
        session = self.home.load()
        server = self.server_option or (session.server if session else None)
        if not server:
            _fail("No server: pass --server URL (or sign in with `login --server URL`).", "未指定服务器：请使用 --server。")
        if session is None or session.server != server:
            return Session(server=server)
        return session

    def client(self, *, signed_in: bool = True) -> FieldClient:
        session = self.session()
        if signed_in and not session.token:
            _fail("Not signed in: run `gridwatch-field login` first.", "尚未登录：请先运行 gridwatch-field login。")
        return FieldClient(session.server, session.token)


def _fail(message: str, message_zh: str = "", code: int = 1) -> None:
    typer.echo(f"{message_zh}\n{message}" if message_zh else message, err=True)
    raise typer.Exit(code)


def _api_fail(exc: FieldApiError) -> None:
    if exc.network:
        _fail(f"Cannot reach the server: {exc.message}", "无法连接服务器。", 2)
    _fail(f"{exc.status} {exc.message}", exc.message_zh, 2 if exc.retryable else 1)


@app.callback()
def main(ctx: typer.Context,
         server: Annotated[str | None, typer.Option(envvar="GRIDWATCH_FIELD_SERVER", help="e.g. http://127.0.0.1:8000")] = None,
         home: Annotated[Path | None, typer.Option(envvar="GRIDWATCH_FIELD_HOME", help="State folder (token, outbox).")] = None,
         ) -> None:
    ctx.obj = State(Home(home), server)


@app.command()
def login(ctx: typer.Context, username: Annotated[str, typer.Option("--username", "-u", prompt=True)],
          password: Annotated[str, typer.Option("--password", "-p", prompt=True, hide_input=True,
                                                envvar="GRIDWATCH_FIELD_PASSWORD")]) -> None:
    """Sign in and keep the token in the state folder (readable by you only)."""
    state: State = ctx.obj
    with state.client(signed_in=False) as client:
        try:
            session = client.login(username, password)
        except FieldApiError as exc:
            _api_fail(exc)
    state.home.save(Session(server=state.session().server, token=session["access_token"], username=username,
                            expires_at=session.get("expires_at")))
    user = session["user"]
    typer.echo(f"signed in as {user['display_name'] or user['username']} ({user['role']}); "
               f"grids: {len(user['grid_codes'])} · 登录成功")


@app.command()
def logout(ctx: typer.Context) -> None:
    """Revoke the token on the server and forget it here."""
    state: State = ctx.obj
    with state.client() as client:
        try:
            client.logout()
        except FieldApiError as exc:
            if not exc.retryable:
                _api_fail(exc)
    state.home.forget_token()
    typer.echo("signed out · 已退出登录")


@app.command()
def catalog(ctx: typer.Context, query: Annotated[str | None, typer.Argument(help="Chinese/English name or code")] = None,
            kind: Annotated[str | None, typer.Option(help="component or event")] = None) -> None:
    """Search the active catalog."""
    with ctx.obj.client() as client:
        try:
            rows = client.catalog(kind=kind, q=query)
        except FieldApiError as exc:
            _api_fail(exc)
    for row in rows:
        typer.echo(f"{row['kind']:<9} {row['minor_code']}  {row['name_zh']}  {row['name_en']}")


def _resolve_kind(client: FieldClient, code: str, kind: str | None) -> str:
    if kind:
        return kind
    try:
        kinds = sorted({row["kind"] for row in client.catalog(q=code) if row["minor_code"] == code})
    except FieldApiError as exc:
        if exc.retryable:
            _fail("Cannot look up the class offline: pass --kind event|component.", "离线时请用 --kind 指定部件或事件。")
        _api_fail(exc)
    if len(kinds) != 1:
        _fail(f"Class {code} is {' and '.join(kinds) or 'unknown'}: pass --kind event|component.",
              f"类别 {code} {'有歧义' if kinds else '不存在'}：请用 --kind 指定。")
    return kinds[0]


def _fallback(lon: float | None, lat: float | None) -> GpsFix | None:
    if (lon is None) != (lat is None):
        _fail("Give both --lon and --lat, or neither.", "请同时给出 --lon 和 --lat。")
    return None if lon is None else GpsFix(lon=lon, lat=lat)  # type: ignore[arg-type]


def _send(outbox: Outbox, client: FieldClient, *, show_progress: bool, workers: int = 1) -> SyncResult:
    pending = outbox.counts()["pending"]
    bar = tqdm(total=pending, unit="report", desc="sending 发送", disable=not show_progress or pending == 0)

    def progress(item: OutboxItem, error: FieldApiError | None) -> None:
        bar.update(1)
        if error is not None and not error.retryable:
            bar.write(f"failed {Path(item.photos[0]['path']).name if item.photos else item.id}: {error}")

    try:
        return outbox.send_pending(client, progress=progress, workers=workers)
    finally:
        bar.close()


def _finish(result: SyncResult, outbox: Outbox) -> None:
    counts = outbox.counts()
    typer.echo(f"sent {result.sent} now; outbox: {counts['sent']} sent, {counts['pending']} pending, "
               f"{counts['failed']} failed · 已发送 {counts['sent']}，待发送 {counts['pending']}，失败 {counts['failed']}")
    if result.stopped_by is not None:
        typer.echo(f"stopped: {result.stopped_by} — run `gridwatch-field sync` to resume", err=True)
    if counts["failed"]:
        raise typer.Exit(1)
    if counts["pending"]:
        raise typer.Exit(2)


@app.command()
def report(ctx: typer.Context, photos: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
           category: Annotated[str, typer.Option("--category", "-c", help="catalog minor code, e.g. 06010")],
           kind: Annotated[str | None, typer.Option(help="component or event (looked up if omitted)")] = None,
           lon: float | None = None, lat: float | None = None,
           crs: Annotated[str, typer.Option(help=CRS_HELP)] = "wgs84",
           description: Annotated[str, typer.Option("--description", "-d")] = "") -> None:
    """Submit one report with one or more photos; the position comes from the first photo's EXIF
    GPS, else from --lon/--lat. It goes through the outbox, so a failed send is kept for `sync`."""
    state: State = ctx.obj
    with state.client() as client, Outbox(state.home.outbox_file) as outbox:
        position, source = position_of(photos[0], _fallback(lon, lat))
        if position is None:
            _fail(f"{photos[0]} has no GPS position: pass --lon and --lat.", "照片没有 GPS 位置：请给出 --lon 和 --lat。")
        body = report_body(kind=_resolve_kind(client, category, kind), minor_code=category, position=position,
                           description=description, crs="wgs84" if source == "exif" else crs)
        item, _ = outbox.add(body, photos)
        error = outbox.send_one(client, item)
        item = outbox.get(item.id)
        if error is None:
            typer.echo(f"case {item.case_ref} in grid {item.grid_code} (position from {source}) · 上报成功")
            return
        if error.retryable:
            _fail(f"kept in the outbox ({error}); run `gridwatch-field sync` later", "已保存到待发送队列，稍后请运行 sync。", 2)
        _fail(str(error), error.message_zh)


@app.command()
def bulk(ctx: typer.Context, folder: Annotated[Path, typer.Argument(exists=True, file_okay=False)],
         category: Annotated[str, typer.Option("--category", "-c", help="catalog minor code for every photo")],
         kind: Annotated[str | None, typer.Option(help="component or event (looked up if omitted)")] = None,
         description: Annotated[str, typer.Option("--description", "-d")] = "",
         lon: Annotated[float | None, typer.Option(help="position for photos without GPS")] = None,
         lat: Annotated[float | None, typer.Option(help="position for photos without GPS")] = None,
         crs: Annotated[str, typer.Option(help=CRS_HELP)] = "wgs84",
         recursive: bool = False,
         parallel: Annotated[int, typer.Option(min=1, max=8, help="uploads at a time")] = 3,
         progress: Annotated[bool, typer.Option(help="show a progress bar")] = True) -> None:
    """One report per geotagged JPEG in FOLDER, through the outbox: run it again after an
    interruption and it resumes (nothing lost, nothing sent twice)."""
    state: State = ctx.obj
    with state.client() as client, Outbox(state.home.outbox_file) as outbox:
        summary = queue_folder(outbox, folder, kind=_resolve_kind(client, category, kind), minor_code=category,
                               description=description, fallback=_fallback(lon, lat), fallback_crs=crs,
                               recursive=recursive)
        typer.echo(f"queued {summary.added} new, {summary.already_queued} already queued · 新加入 {summary.added}")
        for photo in summary.without_position:
            typer.echo(f"skipped (no GPS; give --lon/--lat): {photo}", err=True)
        _finish(_send(outbox, client, show_progress=progress, workers=parallel), outbox)


@app.command()
def sync(ctx: typer.Context, parallel: Annotated[int, typer.Option(min=1, max=8, help="uploads at a time")] = 3,
         progress: Annotated[bool, typer.Option(help="show a progress bar")] = True) -> None:
    """Send everything pending in the outbox."""
    state: State = ctx.obj
    with state.client() as client, Outbox(state.home.outbox_file) as outbox:
        _finish(_send(outbox, client, show_progress=progress, workers=parallel), outbox)


@app.command("outbox")
def show_outbox(ctx: typer.Context, status: Annotated[str | None, typer.Option(help="pending, sent or failed")] = None
                ) -> None:
    """List the outbox."""
    with Outbox(ctx.obj.home.outbox_file) as outbox:
        for item in outbox.items(status):
            name = Path(item.photos[0]["path"]).name if item.photos else "-"
            result = item.case_ref or (item.last_error or "")
            typer.echo(f"{item.id:>5} {item.status:<8} {item.report['minor_code']} {name:<24} {result}")
        counts = outbox.counts()
        typer.echo(f"{counts['pending']} pending, {counts['sent']} sent, {counts['failed']} failed")


@app.command("retry-failed")
def retry_failed(ctx: typer.Context) -> None:
    """Put failed items back in line and send them again."""
    state: State = ctx.obj
    with state.client() as client, Outbox(state.home.outbox_file) as outbox:
        typer.echo(f"requeued {outbox.requeue_failed()}")
        _finish(_send(outbox, client, show_progress=True), outbox)


@app.command()
def tasks(ctx: typer.Context, done: Annotated[bool, typer.Option("--all", help="include completed tasks")] = False
          ) -> None:
    """My verify (核实) and check (核查) tasks, most urgent first."""
    with ctx.obj.client() as client:
        try:
            rows = client.tasks(include_done=done)
        except FieldApiError as exc:
            _api_fail(exc)
    for t in rows:
        flag = "OVERDUE 已超时" if t["overdue"] else ""
        where = f"{t['lon']:.6f},{t['lat']:.6f}" if t["lon"] is not None else "-"
        typer.echo(f"{t['id']:>5} {t['kind']:<6} {t['case_ref']} due {t['due_at'] or '-'} at {where} "
                   f"{t['category_zh'] or ''} {flag}".rstrip())
    if not rows:
        typer.echo("no tasks · 暂无任务")


@app.command()
def answer(ctx: typer.Context, task_id: int,
           result: Annotated[str, typer.Option(help="pass (属实/合格) or fail (不属实/不合格)")],
           note: Annotated[str, typer.Option("--note", "-n")] = "",
           photo: Annotated[list[Path] | None, typer.Option("--photo", exists=True, dir_okay=False)] = None) -> None:
    """Answer a task with a result, a note and on-site photos (a check needs at least one)."""
    if result not in ("pass", "fail"):
        _fail("--result must be pass or fail.", "--result 须为 pass 或 fail。")
    with ctx.obj.client() as client:
        try:
            task = {t["id"]: t for t in client.tasks()}.get(task_id)
            if task is None:
                _fail(f"Task {task_id} is not among your open tasks.", f"任务 {task_id} 不在您的待办任务中。")
            files = [(p.name, p.read_bytes()) for p in photo or []]
            case = client.answer_task(task, result, note=note, photos=files)
        except FieldApiError as exc:
            _api_fail(exc)
    typer.echo(f"case {case['ref']} is now {case['status']} ({case['status_zh']})")
