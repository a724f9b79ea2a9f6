"""Knowledge-base API: search (operators and the centre), edit (shift leaders, administrators),
review dates."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from backend.auth.deps import BearerAuthRoute, require_roles
from backend.deps import DbSession
from backend.knowledge import service
from backend.knowledge.service import ArticleIn, ArticleRead
from backend.models import User

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"], route_class=BearerAuthRoute)
Reader = Annotated[User, Depends(require_roles("operator", "shift_leader", "dispatcher", "analyst", "admin"))]
Editor = Annotated[User, Depends(require_roles("shift_leader", "admin"))]


@router.get("", response_model=list[ArticleRead])
def search_articles(_: Reader, db: DbSession, q: str = "", category: str | None = None,
                    kind: Annotated[str | None, Query(pattern="^(policy|procedure|answer)$")] = None,
                    limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[ArticleRead]:
    """Full-text search in Chinese or English; ``category`` (a catalog minor code) ranks that class first."""
    hits = service.search(db_session=db, query=q, minor_code=category, kind=kind, limit=limit)
    return [service.as_read(db, h.article, h.score) for h in hits]


@router.get("/review-due", response_model=list[ArticleRead])
def review_due(_: Reader, db: DbSession) -> list[ArticleRead]:
    """Active articles whose review date has passed: owners must check them."""
    return [service.as_read(db, a) for a in service.due_for_review(db_session=db)]


@router.get("/{article_id}", response_model=ArticleRead)
def get_article(article_id: int, _: Reader, db: DbSession) -> ArticleRead:
    return service.as_read(db, service.get_article(db_session=db, article_id=article_id))


@router.post("", response_model=ArticleRead, status_code=201)
def create_article(body: ArticleIn, _: Editor, db: DbSession) -> ArticleRead:
    article = service.save_article(db_session=db, data=body)
    db.commit()
    return service.as_read(db, article)


@router.put("/{article_id}", response_model=ArticleRead)
def update_article(article_id: int, body: ArticleIn, _: Editor, db: DbSession) -> ArticleRead:
    article = service.save_article(db_session=db, data=body, article_id=article_id)
    db.commit()
    return service.as_read(db, article)


class Reviewed(BaseModel):
    next_review: date | None = None


@router.post("/{article_id}/reviewed", response_model=ArticleRead)
def mark_reviewed(article_id: int, body: Reviewed, _: Editor, db: DbSession) -> ArticleRead:
    article = service.mark_reviewed(db_session=db, article_id=article_id, next_review=body.next_review)
    db.commit()
    return service.as_read(db, article)
