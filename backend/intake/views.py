"""HTTP routes of intake and exchange: the hotline desk (page and API), knowledge base, emergency
and duplicate settings, and the upper-platform exchange (one router, included by create_app)."""

from fastapi import APIRouter

from backend.emergency.views import router as intake_settings_router
from backend.exchange.runner import outbox_lifespan
from backend.exchange.views import router as exchange_router
from backend.intake.desk_page import router as desk_page_router
from backend.intake.desk_views import router as desk_router
from backend.knowledge.views import router as knowledge_router

# The outbox worker starts with the app when GRIDWATCH_EXCHANGE_WORKER=1 (backend.exchange.runner).
router = APIRouter(lifespan=outbox_lifespan)
for _router in (desk_page_router, desk_router, knowledge_router, intake_settings_router, exchange_router):
    router.include_router(_router)
