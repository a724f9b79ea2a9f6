"""Where and how the outbox delivers to the upper platform: one settings row, editable by the
administrator; the environment (GRIDWATCH_EXCHANGE_URL, GRIDWATCH_EXCHANGE_TOKEN) gives the
first values on a new installation."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace

from sqlalchemy.orm import Session

from backend.errors import Unprocessable
from backend.models import Setting

CONFIG_KEY = "exchange.config"


@dataclass(frozen=True)
class ExchangeConfig:
    endpoint_url: str = ""  # empty: nothing is sent, messages wait in the outbox
    token: str = ""  # sent as "Authorization: Bearer <token>" when set
    timeout_s: float = 10.0
    max_attempts: int = 8  # then the message is dead (dead-letter view, replay)
    backoff_base_s: float = 5.0  # 5 s, 10 s, 20 s, … after each failure
    backoff_cap_s: float = 3600.0
    batch_size: int = 200

    def __post_init__(self) -> None:
        if self.endpoint_url and not self.endpoint_url.startswith(("http://", "https://")):
            raise Unprocessable("endpoint_url must be an http(s) URL.", "endpoint_url 须为 http(s) 地址。")
        if not (0 < self.timeout_s <= 120 and 1 <= self.max_attempts <= 100 and self.backoff_base_s >= 0
                and self.backoff_base_s <= self.backoff_cap_s and 1 <= self.batch_size <= 10_000):
            raise Unprocessable("Exchange settings out of range (timeout 0–120 s, 1–100 attempts, "
                                "0 ≤ base ≤ cap, batch 1–10000).",
                                "交换设置超出范围（超时 0–120 秒，重试 1–100 次，0 ≤ 基数 ≤ 上限，批量 1–10000）。")

    def backoff_seconds(self, attempts: int) -> float:
        """Delay before the next try after ``attempts`` failures: doubling, capped."""
        return min(self.backoff_cap_s, self.backoff_base_s * 2 ** max(attempts - 1, 0))

    def public(self) -> dict:
        data = asdict(self)
        data["token"] = "***" if self.token else ""
        return data


def _from_env() -> ExchangeConfig:
    return ExchangeConfig(endpoint_url=os.environ.get("GRIDWATCH_EXCHANGE_URL", ""),
                          token=os.environ.get("GRIDWATCH_EXCHANGE_TOKEN", ""))


def load_config(db_session: Session) -> ExchangeConfig:
    row = db_session.get(Setting, CONFIG_KEY)
    return ExchangeConfig(**json.loads(row.value_json)) if row else _from_env()


def save_config(db_session: Session, changes: dict) -> ExchangeConfig:
    current = load_config(db_session)
    if changes.get("token") == "***":  # the masked value shown by GET: keep the stored token
        changes = {k: v for k, v in changes.items() if k != "token"}
    config = replace(current, **changes)
    row = db_session.get(Setting, CONFIG_KEY)
    value = json.dumps(asdict(config))
    if row is None:
        db_session.add(Setting(key=CONFIG_KEY, value_json=value))
    else:
        row.value_json = value
    return config
