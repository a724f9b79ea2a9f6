"""Phones need HTTPS for GPS and offline use: `gridwatch serve` takes a certificate and key."""

from __future__ import annotations

import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.live_app import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test certificate")
def test_serve_over_https_with_a_certificate_and_key(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    env = {**os.environ, "GRIDWATCH_DATABASE_URL": f"sqlite:///{tmp_path}/gw.sqlite",
           "GRIDWATCH_PHOTO_DIR": str(tmp_path / "photos"), "GRIDWATCH_DEMO_MODE": "1"}
    subprocess.run([sys.executable, "-m", "backend.cli", "init-db"], env=env, cwd=REPO, check=True,
                   capture_output=True)
    half = subprocess.run([sys.executable, "-m", "backend.cli", "serve", "--ssl-certfile", str(cert)],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert half.returncode != 0 and "--ssl-keyfile" in half.stderr
    trusted = ssl.create_default_context(cafile=str(cert))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "backend.cli", "serve", "--port", str(port),
                               "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)],
                              env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read().decode(errors="replace")[-2000:]
            try:
                r = httpx.get(f"https://127.0.0.1:{port}/field/", verify=trusted, timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the HTTPS server did not answer within 120 s"
                time.sleep(0.3)
        assert r.status_code == 200 and "<html" in r.text.lower()
        with pytest.raises(httpx.TransportError):  # plain http on the TLS port is not served
            httpx.get(f"http://127.0.0.1:{port}/field/", timeout=5).raise_for_status()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
