"""The ``gridwatch-field`` commands against a live server: login, catalog, a single report from a
JPEG (position from EXIF, class kind looked up), the outbox listing, tasks and an answer."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from backend.photos import testimages
from field_app.cli import app
from tests.backend.district import PASSWORD, cell_centre, grid_code
from tests.field_app.workflow import case_waiting_for_check

pytestmark = pytest.mark.db


def test_single_report_tasks_and_answer_from_the_command_line(live_server, tmp_path):
    runner = CliRunner()
    env = {"GRIDWATCH_FIELD_HOME": str(tmp_path / "home"), "GRIDWATCH_FIELD_SERVER": live_server.url}

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    assert "未指定服务器" in runner.invoke(app, ["tasks"], env={"GRIDWATCH_FIELD_HOME": str(tmp_path / "x")}).output
    assert "尚未登录" in run("tasks", code=1)
    assert "signed in as inspector" in run("login", "-u", "inspector", "-p", PASSWORD)
    assert "06010" in run("catalog", "暴露垃圾")

    lon, lat = cell_centre(2, 2)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(testimages.jpeg(640, 480, seed=3, exif=testimages.make_exif(lon=lon, lat=lat)))
    out = run("report", str(photo), "-c", "06010", "-d", "命令行上报")
    assert f"in grid {grid_code(2, 2)} (position from exif)" in out
    no_gps = tmp_path / "no_gps.jpg"
    no_gps.write_bytes(testimages.jpeg(640, 480, seed=4))
    assert "--lon" in run("report", str(no_gps), "-c", "06010", code=1)
    lon2, lat2 = cell_centre(0, 0)
    out = run("report", str(no_gps), "-c", "06010", "--lon", str(lon2), "--lat", str(lat2))
    assert f"in grid {grid_code(0, 0)} (position from argument)" in out
    assert "0 pending, 2 sent, 0 failed" in run("outbox")

    with live_server.api() as http:
        case_id = case_waiting_for_check(http, live_server.district)
    listing = run("tasks")
    task_id = int(next(line for line in listing.splitlines() if " check " in line).split()[0])
    # Without an on-site photo the server refuses the check, in its own words.
    assert "现场核查照片" in run("answer", str(task_id), "--result", "pass", code=1)
    after = tmp_path / "after.jpg"
    after.write_bytes(testimages.jpeg(640, 480, seed=5))
    out = run("answer", str(task_id), "--result", "pass", "--note", "已清理", "--photo", str(after))
    assert "check_passed" in out and "核查通过" in out
    with live_server.api() as http:
        assert http.get(f"/api/cases/{case_id}").json()["status"] == "check_passed"
    assert "no tasks" in run("tasks")
    assert "signed out" in run("logout")
