"""gis_data and map_viewer are libraries: they must not depend on the web app or the database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"backend", "fastapi", "sqlalchemy", "geoalchemy2", "starlette", "field_app"}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["gis_data", "map_viewer"])
def test_library_packages_do_not_import_backend_or_web_or_db(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no modules"
    offenders = {
        str(f.relative_to(ROOT)): sorted(_imported_roots(f) & FORBIDDEN)
        for f in files if _imported_roots(f) & FORBIDDEN
    }
    assert offenders == {}


def test_the_check_itself_catches_an_offender(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom sqlalchemy.orm import Session\nif True:\n    import fastapi\n")
    assert _imported_roots(bad) & FORBIDDEN == {"sqlalchemy", "fastapi"}
