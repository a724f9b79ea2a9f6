"""Emergency rules as data, and the pure matcher (no database, no web).

A rule fires when the request's text contains one of its keywords (Chinese: a substring;
English: whole words, so "fire" matches "a fire" but not "firewall"), or when the request's class
is one of the rule's classes. The defaults cover what the hotline must divert to the emergency
platform: fire (119), gas leaks (119), traffic accidents (122), crime in progress (110), people in
danger (120/110). Administrators edit the rows; these are only the first ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleData:
    code: str
    name_zh: str
    name_en: str
    keywords: tuple[str, ...]
    target: str
    hand_off_zh: str
    hand_off_en: str
    minor_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleMatch:
    code: str
    name_zh: str
    name_en: str
    target: str
    hand_off_zh: str
    hand_off_en: str
    matched: tuple[str, ...]


DEFAULT_RULES: tuple[RuleData, ...] = (
    RuleData("fire", "火灾", "Fire",
             ("火灾", "着火", "起火", "失火", "冒烟起火", "烧起来", "fire", "on fire", "burning building", "smoke"),
             "119",
             "立即转接 119 消防：告知具体地址、起火物、有无被困人员；提醒来电人远离现场、勿乘电梯。",
             "Transfer to 119 (fire) now: give the exact address, what is burning and whether anyone is "
             "trapped; tell the caller to move away and not to use lifts."),
    RuleData("gas_leak", "燃气泄漏", "Gas leak",
             ("燃气泄漏", "煤气泄漏", "天然气泄漏", "漏气", "煤气味", "燃气味", "液化气泄漏",
              "gas leak", "smell of gas", "smells of gas", "leaking gas"),
             "119",
             "立即转接 119 并通知燃气抢修：提醒来电人勿开关电器、勿用明火、开窗通风并撤离。",
             "Transfer to 119 and alert the gas emergency crew: tell the caller not to switch anything, no "
             "flames, open windows and leave."),
    RuleData("traffic_accident", "交通事故", "Traffic accident",
             ("车祸", "交通事故", "撞车", "追尾", "翻车", "被车撞", "car crash", "traffic accident",
              "road accident", "collision", "hit by a car"),
             "122",
             "立即转接 122 交通事故报警；如有伤员同时转 120。提醒来电人开启危险报警灯、设置警示。",
             "Transfer to 122 (traffic police); if anyone is hurt, also 120. Tell the caller to switch on "
             "hazard lights and warn traffic."),
    RuleData("crime", "正在发生的违法犯罪", "Crime in progress",
             ("抢劫", "抢夺", "盗窃进行", "正在偷", "打架斗殴", "持刀", "行凶", "砍人", "绑架", "入室",
              "robbery", "burglary", "break-in", "breaking in", "assault", "fighting", "knife", "stabbing",
              "kidnap"),
             "110",
             "立即转接 110 报警：记录嫌疑人特征和去向；提醒来电人确保自身安全，不要与嫌疑人对峙。",
             "Transfer to 110 (police): note the suspects' description and direction; tell the caller to "
             "stay safe and not confront anyone."),
    RuleData("people_in_danger", "人身危险", "People in danger",
             ("溺水", "落水", "被困", "跳楼", "轻生", "昏迷", "晕倒", "触电", "坠落", "受伤流血",
              "drowning", "trapped", "unconscious", "collapsed", "electrocuted", "suicide", "bleeding",
              "not breathing"),
             "120",
             "立即转接 120 急救（涉及轻生、被困同时转 110/119）：确认地址和伤者状况，保持通话。",
             "Transfer to 120 (ambulance); for suicide threats or people trapped also 110/119. Confirm the "
             "address and the person's condition; stay on the line."),
)


def normalise(text: str) -> str:
    """Full-width to half-width, lower case: "ＦＩＲＥ" and "Fire" read the same."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _is_cjk(word: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in word)


def keyword_hits(text: str, keywords: Iterable[str]) -> list[str]:
    norm = normalise(text)
    hits = []
    for raw in keywords:
        word = normalise(raw).strip()
        if not word:
            continue
        if _is_cjk(word):
            found = word in norm
        else:
            found = re.search(r"(?<![a-z0-9])" + re.escape(word) + r"(?![a-z0-9])", norm) is not None
        if found:
            hits.append(raw.strip())
    return hits


def match_rules(text: str, minor_code: str | None, rules: Iterable[RuleData]) -> list[RuleMatch]:
    """The rules a request triggers, in the given order (empty: not an emergency)."""
    matches = []
    for rule in rules:
        hits = keyword_hits(text, rule.keywords)
        if minor_code and minor_code in rule.minor_codes:
            hits.append(f"class:{minor_code}")
        if hits:
            matches.append(RuleMatch(rule.code, rule.name_zh, rule.name_en, rule.target, rule.hand_off_zh,
                                     rule.hand_off_en, tuple(hits)))
    return matches


def split_lines(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in re.split(r"[\n,，;；]", value or "") if v.strip())
