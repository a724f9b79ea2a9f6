"""HTTP routes of backend.maps (being built; the router is included by create_app)."""

from fastapi import APIRouter

router = APIRouter()
