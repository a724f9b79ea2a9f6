"""HTTP routes of backend.interop (being built; the router is included by create_app)."""

from fastapi import APIRouter

router = APIRouter()
