"""HTTP routes of backend.field (being built; the router is included by create_app)."""

from fastapi import APIRouter

router = APIRouter()
