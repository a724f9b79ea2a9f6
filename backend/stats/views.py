"""HTTP routes of backend.stats, combined into the one ``router`` create_app includes:
the KPI/evaluation API, the exports and the /stats dashboard page."""

from fastapi import APIRouter

from backend.stats.views_api import router as api_router
from backend.stats.views_exports import router as exports_router
from backend.stats.views_page import options_router, page_router

router = APIRouter()
# The options route is declared before the API router's /evaluation/{post} etc.; no overlap.
for _sub in (options_router, api_router, exports_router, page_router):
    router.include_router(_sub)
