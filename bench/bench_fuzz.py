"""Issue 9, hostile input at length: schemathesis over the OpenAPI document on both backends,
every operation, valid and invalid requests, as roles the route admits and as anyone/nobody —
at least 1,000 generated cases per backend, no 5xx.

    .venv/bin/python bench/bench_fuzz.py            # SpatiaLite and PostGIS
    .venv/bin/python bench/bench_fuzz.py --quick    # SpatiaLite only, fewer cases
Prints one JSON line per backend; exits 1 on any 5xx or too few cases.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _server import postgis_cluster, prepare_database  # noqa: I001

from fastapi.testclient import TestClient
from schemathesis.generation import GenerationMode
from schemathesis.python.asgi import shutdown_lifespans

from backend.config import Settings
from backend.db import make_engine
from backend.main import create_app
from tests.backend.district import ROLES
from tests.hardening.fuzz import fuzz_app
from tests.hardening.routes import endpoints
from tests.hardening.test_schemathesis import heal_accounts


def run(url: str, backend: str, examples: int, minimum: int) -> dict:
    district = prepare_database(url)
    app = create_app(Settings(database_url=url, demo_mode=True, photo_dir=Path(tempfile.mkdtemp())))
    engine = make_engine(url)
    with TestClient(app) as client:
        openapi = client.get("/openapi.json").json()
    admitted = {re.sub(r"\{(\w+):\w+\}", r"{\1}", e.label): sorted(e.roles) for e in endpoints(app)}
    everyone = [*ROLES, None]

    def headers_for(label: str, mode: GenerationMode, n: int) -> dict[str, str]:
        roles = (admitted.get(label) or everyone) if mode == GenerationMode.POSITIVE else everyone
        role = roles[n % len(roles)]
        return district.headers(role) if role else {}

    try:
        result = fuzz_app(app, openapi, headers_for, examples=examples, heal=lambda: heal_accounts(engine))
    finally:
        shutdown_lifespans()
        engine.dispose()
    return {"backend": backend, "cases": result.cases, "operations": result.operations,
            "elapsed_s": round(result.elapsed_s), "statuses": dict(sorted(result.by_status.items())),
            "server_errors": result.server_errors[:20], "not_generated": len(result.not_generated),
            "ok": not result.server_errors and result.cases >= minimum}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=6, help="generated cases per operation and mode")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    results = []
    folder = Path(tempfile.mkdtemp(prefix="gw-fuzz-"))
    if args.quick:
        results.append(run(f"sqlite:///{folder / 'fuzz.sqlite'}", "spatialite", 1, 100))
    else:
        results.append(run(f"sqlite:///{folder / 'fuzz.sqlite'}", "spatialite", args.examples, 1000))
        with postgis_cluster() as url:
            results.append(run(url, "postgis", args.examples, 1000))
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    sys.exit(0 if all(r["ok"] for r in results) else 1)


if __name__ == "__main__":
    main()
