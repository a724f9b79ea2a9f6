"""HTTP routes of intake and exchange: the hotline desk, knowledge base, emergency rules,
duplicates and the upper-platform exchange (one router, included by create_app)."""

from fastapi import APIRouter

from backend.exchange.views import router as exchange_router

router = APIRouter()
router.include_router(exchange_router)
