"""Emergency diversion on Chinese and English texts: the pure matcher, then the desk flow
(flagged at once, hand-off shown, recorded as transferred, or dismissed with a reason)."""

from __future__ import annotations

import pytest

from backend.emergency.rules import DEFAULT_RULES, RuleData, match_rules
from tests.intake.test_desk import register

CASES = [
    ("小区3号楼着火了，浓烟很大", {"fire"}),
    ("楼道里一股很浓的煤气味，怀疑燃气泄漏", {"gas_leak"}),
    ("路口两辆车追尾，有人受伤流血", {"traffic_accident", "people_in_danger"}),
    ("有人正在抢劫便利店！", {"crime"}),
    ("河里有人落水了", {"people_in_danger"}),
    ("There is a FIRE in the bin store behind block 5", {"fire"}),
    ("Strong smell of gas in the stairwell", {"gas_leak"}),
    ("Car crash at the junction, one driver unconscious", {"traffic_accident", "people_in_danger"}),
    ("Someone is breaking in to the shop next door right now", {"crime"}),
    ("Ｆｉｒｅ！", {"fire"}),  # full-width letters from a phone keyboard
    ("路边垃圾桶满了，很久没人清运", set()),
    ("小区门口有人摆摊卖烟花爆竹", set()),
    ("The firewall of the council website is down", set()),
    ("Fireworks are sold without a licence at the market", set()),
    ("Street light is broken, it gets dark at night", set()),
    ("噪声扰民，晚上施工", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:24] for c in CASES])
def test_default_rules_on_chinese_and_english(text: str, expected: set[str]) -> None:
    assert {m.code for m in match_rules(text, None, DEFAULT_RULES)} == expected


def test_class_rules_and_hand_off_text() -> None:
    rule = RuleData("sos_point", "紧急报警点", "SOS point", (), "110", "转 110", "Call 110", ("01066",))
    assert [m.matched for m in match_rules("报警柱坏了", "01066", [rule])] == [("class:01066",)]
    assert match_rules("报警柱坏了", "01065", [rule]) == []
    fire = match_rules("着火了", None, DEFAULT_RULES)[0]
    assert fire.target == "119" and "119" in fire.hand_off_zh and "119" in fire.hand_off_en


def test_desk_flags_at_once_and_records_the_transfer(client, district):
    op = district.headers("operator")
    check = client.post("/api/desk/check", json={"description": "快来人，厨房起火了"}, headers=op).json()
    assert check["emergency"]["target"] == "119"

    outcome = register(client, district, description="快来人，楼下厨房起火了！电话 13612345678")
    assert outcome["emergency"]["target"] == "119" and "119" in outcome["emergency"]["hand_off_zh"]
    assert outcome["duplicates"] == []
    case = outcome["case"]
    assert case["emergency"] and case["priority"] == "urgent" and case["status"] == "reported"
    queue = client.get("/api/desk/queue", headers=op).json()
    assert [c["id"] for c in queue["emergencies"]] == [case["id"]]  # never queued with ordinary cases
    assert "transfer_emergency" in case["allowed_actions"]
    assert client.post(f"/api/desk/cases/{case['id']}/emergency/transfer", json={"note": ""},
                       headers=op).status_code == 422  # the hand-off must be described
    r = client.post(f"/api/desk/cases/{case['id']}/emergency/transfer",
                    json={"note": "已三方转接 119，接警员确认出警"}, headers=op)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "transferred" and r.json()["status_type"] == "closed"
    assert client.get("/api/desk/queue", headers=op).json()["emergencies"] == []
    events = [e["action"] for e in client.get(f"/api/cases/{case['id']}", headers=op).json()["events"]]
    assert events == ["report", "emergency_flag", "transfer_emergency"]
    assert client.post(f"/api/desk/cases/{case['id']}/emergency/transfer", json={"note": "again"},
                       headers=op).status_code == 409


def test_english_emergency_dismissed_as_false_alarm(client, district):
    op = district.headers("operator")
    outcome = register(client, district, channel="web", description="Smell of gas near the school gate")
    assert outcome["emergency"]["target"] == "119"
    case_id = outcome["case"]["id"]
    assert client.post(f"/api/desk/cases/{case_id}/emergency/dismiss", json={"note": ""},
                       headers=op).status_code == 422
    r = client.post(f"/api/desk/cases/{case_id}/emergency/dismiss",
                    json={"note": "Caller confirms it is the smell from a sewer, not gas"}, headers=op)
    assert r.status_code == 200, r.text
    assert not r.json()["emergency"] and r.json()["status"] == "reported"
    assert "emergency_dismiss" in [e["action"] for e in
                                   client.get(f"/api/cases/{case_id}", headers=op).json()["events"]]


def test_admin_configures_rules(client, district):
    admin, op = district.headers("admin"), district.headers("operator")
    rules = client.get("/api/intake-settings/emergency-rules", headers=op).json()
    assert {r["code"] for r in rules} == {r.code for r in DEFAULT_RULES}
    new = {"code": "flood", "name_zh": "内涝", "name_en": "Flooding", "keywords": ["水漫进屋", "flooded house"],
           "minor_codes": ["01072"], "target": "119", "hand_off_zh": "转 119 并通知排水抢险",
           "hand_off_en": "Transfer to 119 and the drainage crew"}
    assert client.post("/api/intake-settings/emergency-rules", json=new, headers=op).status_code == 403
    r = client.post("/api/intake-settings/emergency-rules", json=new, headers=admin)
    assert r.status_code == 201, r.text
    check = client.post("/api/desk/check", json={"description": "My flooded house needs help"}, headers=op).json()
    assert check["emergency"]["rules"][0]["code"] == "flood"
    fire = next(r for r in rules if r["code"] == "fire")
    r = client.put(f"/api/intake-settings/emergency-rules/{fire['id']}", json={**{k: v for k, v in fire.items() if k != "id"}, "active": False},
                   headers=admin)
    assert r.status_code == 200, r.text
    assert client.post("/api/desk/check", json={"description": "着火了"}, headers=op).json()["emergency"] is None
