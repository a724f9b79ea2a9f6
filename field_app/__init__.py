"""GridWatch field_app: the inspectors' offline-first web app (static files, served by the backend
at /field) and a Python sync client that speaks HTTP only (never imports backend)."""

from pathlib import Path

STATIC_DIR = Path(__file__).with_name("static")

__all__ = ["STATIC_DIR"]
