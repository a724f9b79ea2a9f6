"""HTTP routes of backend.interop: Open311 GeoReport v2 (/open311/v2) and OGC API – Features (/ogc)."""

from fastapi import APIRouter

from backend.interop.ogc_views import router as ogc_router
from backend.interop.open311_views import router as open311_router

router = APIRouter()
router.include_router(open311_router)
router.include_router(ogc_router)
