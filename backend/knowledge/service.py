"""The knowledge base (知识库): articles with owners and review dates, full-text search in
Chinese and English, and picking an article's answer into a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.cases import service as case_service
from backend.cases.schemas import ActionRequest
from backend.errors import NotFound
from backend.intake.events import note_event
from backend.knowledge.terms import terms, weighted_terms
from backend.models import Case, KnowledgeArticle, KnowledgeTerm, KnowledgeUse, User
from backend.worktime import WorkCalendar


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(default="answer", pattern="^(policy|procedure|answer)$")
    title_zh: str = Field(min_length=1, max_length=200)
    title_en: str = Field(default="", max_length=300)
    body_zh: str = Field(default="", max_length=20_000)
    body_en: str = Field(default="", max_length=20_000)
    minor_codes: list[str] = Field(default_factory=list)
    owner_user_id: int | None = None
    review_due: date | None = None
    active: bool = True


class ArticleRead(BaseModel):
    id: int
    kind: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    minor_codes: list[str]
    owner_user_id: int | None
    owner_name: str | None
    review_due: date | None
    reviewed_at: datetime | None
    review_overdue: bool
    active: bool
    updated_at: datetime
    score: float | None = None


def _index(db: Session, article: KnowledgeArticle) -> None:
    db.execute(delete(KnowledgeTerm).where(KnowledgeTerm.article_id == article.id))
    weights = weighted_terms(f"{article.title_zh} {article.title_en}", f"{article.body_zh}\n{article.body_en}",
                             article.minor_codes.replace(",", " "))
    db.add_all([KnowledgeTerm(article_id=article.id, term=t, weight=w) for t, w in weights.items()])


def save_article(*, db_session: Session, data: ArticleIn, article_id: int | None = None,
                 now: datetime | None = None) -> KnowledgeArticle:
    now = now or datetime.now(UTC)
    article = get_article(db_session=db_session, article_id=article_id) if article_id else None
    if article is None:
        article = KnowledgeArticle(created_at=now)
        db_session.add(article)
    values = data.model_dump()
    values["minor_codes"] = ",".join(sorted(set(values["minor_codes"])))
    for key, value in values.items():
        setattr(article, key, value)
    article.updated_at = now
    db_session.flush()
    _index(db_session, article)
    db_session.flush()
    return article


def get_article(*, db_session: Session, article_id: int) -> KnowledgeArticle:
    article = db_session.get(KnowledgeArticle, article_id)
    if article is None:
        raise NotFound(f"Knowledge article {article_id} does not exist.", f"知识条目 {article_id} 不存在。")
    return article


def mark_reviewed(*, db_session: Session, article_id: int, next_review: date | None,
                  now: datetime | None = None) -> KnowledgeArticle:
    article = get_article(db_session=db_session, article_id=article_id)
    article.reviewed_at = now or datetime.now(UTC)
    article.review_due = next_review
    return article


def as_read(db: Session, article: KnowledgeArticle, score: float | None = None,
            today: date | None = None) -> ArticleRead:
    today = today or date.today()
    owner = db.scalar(select(User.display_name).where(User.id == article.owner_user_id)) \
        if article.owner_user_id else None
    return ArticleRead(
        id=article.id, kind=article.kind, title_zh=article.title_zh, title_en=article.title_en,
        body_zh=article.body_zh, body_en=article.body_en,
        minor_codes=[c for c in article.minor_codes.split(",") if c], owner_user_id=article.owner_user_id,
        owner_name=owner, review_due=article.review_due, reviewed_at=article.reviewed_at,
        review_overdue=article.review_due is not None and article.review_due < today, active=article.active,
        updated_at=article.updated_at, score=score)


@dataclass(frozen=True)
class Hit:
    article: KnowledgeArticle
    score: float


def search(*, db_session: Session, query: str, minor_code: str | None = None, kind: str | None = None,
           limit: int = 10, include_inactive: bool = False) -> list[Hit]:
    """Articles ranked by the summed weights of the query's terms (a class match adds a bonus)."""
    wanted = set(terms(query))
    if minor_code:
        wanted.add(minor_code)
    if not wanted:
        return []
    score = func.sum(KnowledgeTerm.weight).label("score")
    stmt = (select(KnowledgeTerm.article_id, score).where(KnowledgeTerm.term.in_(wanted))
            .group_by(KnowledgeTerm.article_id).order_by(score.desc(), KnowledgeTerm.article_id).limit(limit * 3))
    ranked = db_session.execute(stmt).all()
    articles = {a.id: a for a in db_session.scalars(select(KnowledgeArticle).where(
        KnowledgeArticle.id.in_([r[0] for r in ranked])))} if ranked else {}
    hits = []
    for article_id, total in ranked:
        article = articles.get(article_id)
        if article is None or (not article.active and not include_inactive) or (kind and article.kind != kind):
            continue
        hits.append(Hit(article, float(total)))
    return hits[:limit]


def due_for_review(*, db_session: Session, today: date | None = None) -> list[KnowledgeArticle]:
    today = today or date.today()
    return list(db_session.scalars(select(KnowledgeArticle).where(
        KnowledgeArticle.active.is_(True), KnowledgeArticle.review_due < today).order_by(KnowledgeArticle.review_due)))


def answer_text(article: KnowledgeArticle, lang: str = "zh") -> str:
    if lang.lower().startswith("en") and article.body_en:
        return article.body_en
    return article.body_zh or article.body_en or article.title_zh


def answer_from_article(*, db_session: Session, case_id: int, article_id: int | None, answer: str, user: User,
                        calendar: WorkCalendar, now: datetime | None = None) -> Case:
    """Answer a hotline request on the spot (即时答复): the answer is the transition's note.

    With an article, the pick is recorded (which article answered which case) and the article's
    answer is used when the operator typed none.
    """
    now = now or datetime.now(UTC)
    article = get_article(db_session=db_session, article_id=article_id) if article_id else None
    text = answer.strip() or (answer_text(article) if article else "")
    case = case_service.transition(db_session=db_session, case_id=case_id, user=user, calendar=calendar, now=now,
                                   req=ActionRequest(action="answer_immediately", note=text))
    if article is not None:
        db_session.add(KnowledgeUse(case_id=case_id, article_id=article.id, user_id=user.id, used_at=now))
        note_event(db_session, case, user, "knowledge_answer", article.title_zh,
                   {"article_id": article.id, "title_zh": article.title_zh}, now)
    return case
