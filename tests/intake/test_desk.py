"""The hotline desk API: register with a channel, locate, answer on the spot from the knowledge
base, send on to verify, own the case, call back and reopen on a justified complaint."""

from __future__ import annotations

from backend.auth.service import create_user, issue_token
from tests.backend.district import PASSWORD, cell_centre, grid_code

CALLER = "13612345678"


def register(client, district, who="operator", **overrides) -> dict:
    lon, lat = cell_centre(0, 1)
    body = {"channel": "phone", "caller_name": "孙女士", "caller_contact": CALLER, "kind": "event",
            "minor_code": "06041", "lon": lon, "lat": lat, "address": "养育巷 12 号",
            "description": "请问垃圾分类怎么投放？厨余垃圾放哪个桶", **overrides}
    r = client.post("/api/desk/requests", json=body, headers=district.headers(who))
    assert r.status_code == 201, r.text
    return r.json()


def second_operator(db, district) -> dict[str, str]:
    user = create_user(db_session=db, username="operator2", password=PASSWORD, role="operator",
                       display_name="operator2")
    token = issue_token(db_session=db, user=user, ttl_minutes=60)
    db.commit()
    return {"Authorization": f"Bearer {token}"}


ARTICLES = [
    {"kind": "answer", "title_zh": "生活垃圾分类投放指南", "title_en": "How to sort household waste",
     "body_zh": "厨余垃圾投放至绿色桶，可回收物投放至蓝色桶，有害垃圾投放至红色桶，其他垃圾投放至灰色桶。",
     "body_en": "Food waste goes in the green bin, recyclables in the blue bin, hazardous waste in the red bin.",
     "minor_codes": ["06041"], "review_due": "2027-01-01"},
    {"kind": "procedure", "title_zh": "井盖缺失、破损的处置流程", "title_en": "Missing or broken manhole covers",
     "body_zh": "井盖缺失属于紧急部件问题，须 2 小时内设置警示并通知权属单位补装。",
     "body_en": "A missing manhole cover must be fenced off within 2 hours and the owner told to replace it.",
     "minor_codes": ["01001", "01002"], "review_due": "2026-01-01"},
    {"kind": "policy", "title_zh": "占道经营管理规定", "title_en": "Street vending rules",
     "body_zh": "禁止在人行道、车行道摆摊设点。", "body_en": "Vending on pavements and roads is not allowed."},
]


def load_articles(client, district) -> list[int]:
    ids = []
    for article in ARTICLES:
        r = client.post("/api/knowledge", json=article, headers=district.headers("shift_leader"))
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    assert client.post("/api/knowledge", json=ARTICLES[0], headers=district.headers("operator")).status_code == 403
    return ids


def test_knowledge_search_in_chinese_and_english(client, district):
    ids = load_articles(client, district)
    op = district.headers("operator")

    def top(query: str, **params) -> list[int]:
        r = client.get("/api/knowledge", params={"q": query, **params}, headers=op)
        assert r.status_code == 200, r.text
        return [a["id"] for a in r.json()]

    assert top("井盖丢了怎么办")[0] == ids[1]
    assert top("垃圾分类")[0] == ids[0]
    assert top("厨余垃圾放哪里")[0] == ids[0]
    assert top("摆摊")[0] == ids[2]
    assert top("missing manhole covers")[0] == ids[1]
    assert top("Where does FOOD waste go?")[0] == ids[0]
    assert top("vending")[0] == ids[2]
    assert top("完全无关的词 quantum")[:1] == []
    assert top("垃圾", category="06041")[0] == ids[0]
    overdue = client.get("/api/knowledge/review-due", headers=op).json()
    assert [a["id"] for a in overdue] == [ids[1]] and overdue[0]["review_overdue"]
    r = client.post(f"/api/knowledge/{ids[1]}/reviewed", json={"next_review": "2027-06-30"},
                    headers=district.headers("shift_leader"))
    assert r.status_code == 200 and r.json()["reviewed_at"]
    assert client.get("/api/knowledge/review-due", headers=op).json() == []
    edited = {**ARTICLES[2], "title_zh": "流动摊贩管理规定", "body_zh": "流动摊贩不得占用盲道。"}
    assert client.put(f"/api/knowledge/{ids[2]}", json=edited, headers=district.headers("admin")).status_code == 200
    assert top("盲道")[0] == ids[2] and top("摆摊") == []


def test_register_answer_on_the_spot_and_callback(client, district, db):
    ids = load_articles(client, district)
    op = district.headers("operator")
    outcome = register(client, district)
    case = outcome["case"]
    assert outcome["created"] and outcome["emergency"] is None
    assert case["channel"] == "phone" and case["owner_user_id"] == district.user_ids["operator"]
    assert case["caller_contact"] == CALLER  # the owner sees the number
    other = second_operator(db, district)
    assert client.get(f"/api/desk/cases/{case['id']}", headers=other).json()["caller_contact"] == "136****5678"
    assert client.get(f"/api/cases/{case['id']}", headers=other).json()["reporter_contact"] == "136****5678"

    check = client.post("/api/desk/check", json={"description": "垃圾分类怎么投放", "minor_code": "06041"},
                        headers=op).json()
    assert check["emergency"] is None and check["answers"][0]["id"] == ids[0]
    assert "绿色桶" in check["answers"][0]["answer_zh"]

    r = client.post(f"/api/desk/cases/{case['id']}/answer", json={"article_id": ids[0]}, headers=op)
    assert r.status_code == 200, r.text
    answered = r.json()
    assert answered["status"] == "answered" and answered["status_type"] == "closed"
    events = client.get(f"/api/cases/{case['id']}", headers=op).json()["events"]
    assert [e["action"] for e in events][-2:] == ["answer_immediately", "knowledge_answer"]
    assert "绿色桶" in events[-2]["note"]

    queue = client.get("/api/desk/queue", headers=op).json()
    assert [c["id"] for c in queue["callbacks_due"]] == [case["id"]]
    assert client.post(f"/api/desk/cases/{case['id']}/callback", json={"satisfaction": "satisfied"},
                       headers=other).status_code == 403
    r = client.post(f"/api/desk/cases/{case['id']}/callback",
                    json={"satisfaction": "dissatisfied", "justified": True, "note": "答复不准确，需上门核实"},
                    headers=op)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "reported" and r.json()["satisfaction"] == "dissatisfied"
    assert client.get("/api/desk/queue", headers=op).json()["callbacks_due"] == []

    r = client.post(f"/api/desk/cases/{case['id']}/send-to-verify", json={"note": "请现场核实"}, headers=op)
    assert r.status_code == 200 and r.json()["status"] == "pending_verify", r.text
    tasks = client.get("/api/tasks", headers=district.headers("inspector")).json()
    assert [t["case_id"] for t in tasks] == [case["id"]] and tasks[0]["grid_code"] == grid_code(0, 1)
    assert client.post(f"/api/desk/cases/{case['id']}/callback", json={"satisfaction": "satisfied"},
                       headers=op).status_code == 409


def test_callback_unjustified_dissatisfaction_keeps_it_closed_and_claim(client, district, db):
    op = district.headers("operator")
    case = register(client, district, channel="wechat")["case"]
    r = client.post(f"/api/desk/cases/{case['id']}/answer", json={"answer": "已告知投放时间为每天 7-9 点。"}, headers=op)
    assert r.status_code == 200, r.text
    r = client.post(f"/api/desk/cases/{case['id']}/callback",
                    json={"satisfaction": "dissatisfied", "justified": False, "note": "对政策本身不满"}, headers=op)
    assert r.json()["status"] == "answered" and r.json()["satisfaction"] == "dissatisfied"

    other = second_operator(db, district)
    assert client.post(f"/api/desk/cases/{case['id']}/claim", headers=other).status_code == 409
    lon, lat = cell_centre(2, 0)
    report = {"client_uuid": "2b7e1c1e-5f40-4c57-9a43-2f0f6a6f0002", "source": "web", "kind": "event",
              "minor_code": "06010", "lon": lon, "lat": lat, "reporter_contact": CALLER}
    unowned = client.post("/api/reports", json=report, headers=district.headers("inspector")).json()
    r = client.post(f"/api/desk/cases/{unowned['id']}/claim", headers=other)
    assert r.status_code == 200 and r.json()["owner_user_id"] is not None


def test_geocode_and_reverse(client, district):
    op = district.headers("operator")
    candidates = client.get("/api/desk/geocode", params={"q": "观前街口附近"}, headers=op).json()
    assert candidates[0]["kind"] == "observation_point" and candidates[0]["grid_code"] == grid_code(0, 0)
    community = client.get("/api/desk/geocode", params={"q": "养育巷社区"}, headers=op).json()
    assert community[0]["kind"] == "community" and community[0]["score"] == 1.0
    by_grid = client.get("/api/desk/geocode", params={"q": grid_code(2, 2)}, headers=op).json()
    assert by_grid[0]["kind"] == "grid" and by_grid[0]["code"] == grid_code(2, 2)
    street = client.get("/api/desk/geocode", params={"q": "金阊街道"}, headers=op).json()
    assert street == []  # the test district's street has no outline: nothing to put on the map
    place = client.get("/api/desk/reverse", params={"lon": cell_centre(0, 0)[0], "lat": cell_centre(0, 0)[1]},
                       headers=op).json()
    assert place["grid_code"] == grid_code(0, 0) and place["observation_point"] == "观前街口"
    assert "养育巷社区" in place["address"]
    assert client.get("/api/desk/reverse", params={"lon": 121.5, "lat": 31.2}, headers=op).status_code == 422


def test_starter_articles_are_searchable(db, district):
    from backend.knowledge.seed import STARTER_ARTICLES, seed_knowledge
    from backend.knowledge.service import search

    assert seed_knowledge(db_session=db) == len(STARTER_ARTICLES)
    assert seed_knowledge(db_session=db) == 0
    assert search(db_session=db, query="下水道堵了")[0].article.title_zh == "下水道堵塞、污水外溢的处置"
    assert search(db_session=db, query="illegal construction next door")[0].article.title_en == \
        "Complaints about illegal construction"
    assert search(db_session=db, query="小区物业不管")[0].article.title_zh == "小区物业管理问题的办理渠道"
