"""Starter articles for a new knowledge base: the hotline's hot topics (illegal construction,
estate management, street vending and litter, blocked drains, manhole covers, sorting waste).

They are examples to be replaced by the centre's own policies; each gets a review date a year
ahead and an owner (the given user). ``seed_knowledge`` adds only titles not present yet, so it
can run on every demo start.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.knowledge.service import ArticleIn, save_article
from backend.models import KnowledgeArticle

STARTER_ARTICLES: tuple[dict, ...] = (
    {"kind": "answer", "title_zh": "生活垃圾分类投放指南", "title_en": "How to sort household waste",
     "body_zh": "厨余垃圾投放至绿色桶，可回收物投放至蓝色桶，有害垃圾投放至红色桶，其他垃圾投放至灰色桶。"
                "大件垃圾请预约上门收运。",
     "body_en": "Food waste in the green bin, recyclables in the blue bin, hazardous waste in the red bin, "
                "other waste in the grey bin. Book a collection for bulky waste.",
     "minor_codes": ["06041", "06042"]},
    {"kind": "procedure", "title_zh": "井盖缺失、破损的处置流程", "title_en": "Missing or broken manhole covers",
     "body_zh": "井盖缺失或破损危及行人车辆安全，受理后立即派发核实，2 小时内设置警示，通知权属单位补装；"
                "权属不明的由市政部门先行处置。",
     "body_en": "A missing or broken cover endangers people: send a verify task at once, fence it off within "
                "2 hours and have the owner replace it; if the owner is unknown the public-works department acts first.",
     "minor_codes": ["01001", "01002", "01003", "01023"]},
    {"kind": "policy", "title_zh": "违法建设（私搭乱建）投诉的受理范围",
     "title_en": "Complaints about illegal construction",
     "body_zh": "正在施工的违法建设由街道综合执法及时制止；已建成的按规划核实后依法处理。"
                "请告知来电人具体位置、楼栋门牌和施工时间。",
     "body_en": "Construction in progress is stopped by the sub-district enforcement team; finished structures "
                "are checked against the plan and dealt with by law. Ask for the exact address and when work started.",
     "minor_codes": ["06001"]},
    {"kind": "answer", "title_zh": "小区物业管理问题的办理渠道", "title_en": "Residential estate management issues",
     "body_zh": "小区内公共设施维修、保洁、停车等问题先由物业服务企业处理；物业不处理的，由属地社区和住建部门督办。",
     "body_en": "Repairs, cleaning and parking inside an estate are first the property manager's job; if it does "
                "not act, the community and the housing department follow up.",
     "minor_codes": []},
    {"kind": "procedure", "title_zh": "占道经营和乱扔垃圾的处置", "title_en": "Street vending and litter",
     "body_zh": "占道经营由城管中队劝导规范，屡教不改的依法查处；路面垃圾由环卫作业单位 2 小时内清理。",
     "body_en": "Street vendors are first guided to permitted spots, repeat offenders fined; litter on roads is "
                "cleared by the sanitation contractor within 2 hours.",
     "minor_codes": ["06010", "06012"]},
    {"kind": "procedure", "title_zh": "下水道堵塞、污水外溢的处置", "title_en": "Blocked drains and overflowing sewage",
     "body_zh": "市政管网堵塞由排水管理单位疏通；小区内部管道由物业负责。污水外溢影响通行的按紧急件办理。",
     "body_en": "Blocked public sewers are cleared by the drainage authority; pipes inside an estate by its "
                "property manager. Overflowing sewage on a road is handled as urgent.",
     "minor_codes": ["06030", "01004"]},
)


def seed_knowledge(*, db_session: Session, owner_user_id: int | None = None, today: date | None = None) -> int:
    """Add the starter articles that are missing (by Chinese title); returns how many were added."""
    today = today or date.today()
    existing = set(db_session.scalars(select(KnowledgeArticle.title_zh)))
    added = 0
    for article in STARTER_ARTICLES:
        if article["title_zh"] in existing:
            continue
        save_article(db_session=db_session, data=ArticleIn(**article, owner_user_id=owner_user_id,
                                                           review_due=today + timedelta(days=365)))
        added += 1
    return added
