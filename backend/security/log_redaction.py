"""No caller's phone number or e-mail address in any log line, whoever logs it.

A record factory rewrites the finished message of every record (our loggers, uvicorn's access
log, libraries) before any handler sees it: a filter on one logger would miss its children and
the handlers other code adds later. Only numbers shaped like phone numbers are masked, so grid,
component and case codes stay readable.
"""

from __future__ import annotations

import logging
import re

# Mainland mobiles (optionally +86, separators), landlines with an area code; not inside a longer
# digit run, so a 15-digit grid code or a 17-digit component code is left alone.
_PHONE = re.compile(r"(?<![\d.])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?![\d])"
                    r"|(?<![\d.])0\d{2,3}-\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MARK = "_gridwatch_redacted"


def redact(text: str) -> str:
    def mask_phone(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]  # +86 country code
        return digits[:3] + "****" + digits[-4:]

    text = _PHONE.sub(mask_phone, text)
    return _EMAIL.sub(lambda m: m.group(0)[0] + "***@" + m.group(0).split("@", 1)[1], text)


def install_log_redaction() -> None:
    """Wrap the process's log record factory once (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _MARK, False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's problem to report
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    setattr(factory, _MARK, True)
    logging.setLogRecordFactory(factory)
