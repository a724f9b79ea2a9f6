"""Where the command line keeps its state: the server, the sign-in token (a file only the user can
read) and the outbox database, all in one folder (``--home`` or GRIDWATCH_FIELD_HOME)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_HOME = Path.home() / ".gridwatch-field"


@dataclass
class Session:
    server: str
    token: str | None = None
    username: str | None = None
    expires_at: str | None = None


class Home:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(os.environ.get("GRIDWATCH_FIELD_HOME") or DEFAULT_HOME)

    @property
    def session_file(self) -> Path:
        return self.path / "session.json"

    @property
    def outbox_file(self) -> Path:
        return self.path / "outbox.sqlite"

    def load(self) -> Session | None:
        try:
            return Session(**json.loads(self.session_file.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None

    def save(self, session: Session) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = self.session_file.with_suffix(".tmp")
        # The token is a password for its lifetime: readable by this user only, written atomically.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(session), f)
        os.replace(tmp, self.session_file)

    def forget_token(self) -> None:
        session = self.load()
        if session is not None:
            self.save(Session(server=session.server))
