"""Keeping callers' contact details private in everything that leaves the desk.

``Case.reporter_contact`` is masked by :func:`backend.cases.visibility.mask_contact`; callers also
type their numbers into the description ("请回电 13812345678"), so free text shown in lists or
published (Open311, OGC API, the exchange payload) goes through :func:`redact_phone_numbers`.
Both live in ``backend.cases.visibility`` so the case lists use the same rule.
"""

from __future__ import annotations

from backend.cases.visibility import mask_contact, redact_phone_numbers

__all__ = ["masked", "redact_phone_numbers"]


def masked(contact: str) -> str:
    return mask_contact(contact)
