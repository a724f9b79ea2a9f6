"""Search terms for Chinese and English text (no database, no web).

Chinese is segmented with jieba in search mode (every dictionary word inside a longer one too:
"垃圾分类" gives 垃圾, 分类, 垃圾分类); English words are lower-cased with a light plural rule.
Both databases then search the same inverted index with plain SQL (``term IN (...)``), so
SpatiaLite and PostGIS rank identically.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter

import jieba

jieba.setLogLevel(logging.WARNING)

MAX_TERM_LENGTH = 64
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
STOP_WORDS = frozenset(
    ["的", "了", "是", "在", "我", "有", "和", "就", "不", "人", "都", "一", "也", "很", "到", "说", "要", "去", "你", "会", "着", "没有", "看", "好", "自己", "这", "那", "吗", "呢", "吧", "啊", "请", "把", "被", "给", "还", "让", "什么", "怎么", "怎么办", "如何", "可以", "能", "里", "上", "下", "个", "们", "问题", "情况", "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "how", "i", "in", "is", "it", "its", "my", "no", "not", "of", "on", "or", "our", "so", "that", "the", "their", "there", "this", "to", "was", "we", "what", "when", "where", "which", "who", "why", "will", "with", "you", "your", "can", "do", "does", "please"]
)


def _english_stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """All search terms of ``text``, in order, repeats kept (for weighting)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    found: list[str] = []
    for run in _CJK.findall(text):
        for word in jieba.cut_for_search(run):
            word = word.strip()
            if word and word not in STOP_WORDS:
                found.append(word[:MAX_TERM_LENGTH])
        if len(run) == 1 and run not in STOP_WORDS:
            found.append(run)
    for word in _WORD.findall(_CJK.sub(" ", text)):
        word = _english_stem(word.replace("’", "'").split("'")[0])
        if len(word) >= 2 and word not in STOP_WORDS:
            found.append(word[:MAX_TERM_LENGTH])
    return found


def weighted_terms(title: str, body: str, extra: str = "") -> dict[str, float]:
    """Index weights: a title word counts 3, a body word 1 per occurrence (capped at 5)."""
    weights: Counter[str] = Counter()
    for term in terms(title):
        weights[term] += 3.0
    for term, count in Counter(terms(body)).items():
        weights[term] += min(count, 5)
    for term in terms(extra):
        weights[term] += 2.0
    return dict(weights)
