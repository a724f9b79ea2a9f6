"""Keeping callers' contact details private in everything that leaves the desk.

``Case.reporter_contact`` is masked by :func:`backend.cases.visibility.mask_contact`; callers also
type their numbers into the description ("请回电 13812345678"), so free text that is published
(Open311, OGC API, the exchange payload) goes through :func:`redact_phone_numbers` as well.
"""

from __future__ import annotations

import re

from backend.cases.visibility import mask_contact

# Mainland mobiles (1[3-9]x, 11 digits, optional +86 and separators), landlines with an area
# code (0xx-xxxxxxxx) and any other run of 7+ digits: a number is never published, a code
# (grid, component, case ref) is not free text and does not go through here.
_PHONE = re.compile(
    r"(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}"
    r"|0\d{2,3}[\s-]?\d{7,8}"
    r"|(?<!\d)\d{7,}(?!\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def redact_phone_numbers(text: str) -> str:
    """Mask phone numbers and e-mail addresses in free text: 13812345678 → 138****5678."""
    if not text:
        return ""
    text = _PHONE.sub(lambda m: mask_contact(re.sub(r"[\s-]", "", m.group(0))), text)
    return _EMAIL.sub(lambda m: m.group(0)[0] + "***@" + m.group(0).split("@", 1)[1], text)


def masked(contact: str) -> str:
    return mask_contact(contact)
