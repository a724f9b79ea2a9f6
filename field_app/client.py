"""A small HTTP client for the GridWatch API as an inspector uses it. HTTP only: it never imports
the backend, so it runs on any laptop with the public API in reach."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx

PhotoFile = tuple[str, bytes]  # (file name, JPEG bytes)

# verify (核实) and check (核查) tasks: the workflow action for a positive or negative result.
TASK_ACTIONS = {"verify": {"pass": "verify", "fail": "verify_fail"},
                "check": {"pass": "check_pass", "fail": "check_fail"}}


class FieldApiError(Exception):
    """An error from the server (with its bilingual message) or from the network (``network``)."""

    def __init__(self, status: int, code: str, message: str, message_zh: str = "", details: Any = None,
                 *, network: bool = False) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.message_zh, self.details, self.network = message_zh or message, details, network

    @property
    def retryable(self) -> bool:
        """Worth sending again unchanged later: no connection, server trouble, or signed out."""
        return self.network or self.status in (401, 408, 429) or self.status >= 500

    def __str__(self) -> str:
        if self.network:
            return f"network error: {self.message}"
        return f"{self.status} {self.code}: {self.message} / {self.message_zh}"


class FieldClient:
    """``FieldClient(base_url, token)``; pass ``http`` to reuse a configured httpx.Client."""

    def __init__(self, base_url: str, token: str | None = None, *, http: httpx.Client | None = None,
                 timeout: float = 60.0) -> None:
        self.token = token
        self._http = http or httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> FieldClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- plumbing --------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise FieldApiError(0, "network", str(exc) or type(exc).__name__, network=True) from exc
        if response.status_code >= 400:
            raise _error_from(response)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        return None if response.status_code == 204 else response.json()

    # -- the API ---------------------------------------------------------------------------

    def login(self, username: str, password: str) -> dict[str, Any]:
        """Sign in; the client keeps the token (also in the returned dict's ``access_token``)."""
        session = self._json("POST", "/api/auth/login", json={"username": username, "password": password})
        self.token = session["access_token"]
        return session

    def logout(self) -> None:
        self._json("POST", "/api/auth/logout")
        self.token = None

    def me(self) -> dict[str, Any]:
        return self._json("GET", "/api/auth/me")

    def catalog(self, *, kind: str | None = None, q: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("kind", kind), ("q", q)) if v}
        return self._json("GET", "/api/catalog", params=params)

    def submit_report(self, report: dict[str, Any], photos: Sequence[PhotoFile] = ()) -> tuple[dict[str, Any], bool]:
        """POST a report (with its ``client_uuid``) and photos. Returns (case, created): a retry of
        an already received report returns the same case with ``created`` False."""
        if photos:
            files = [("photos", (name, data, "image/jpeg")) for name, data in photos]
            response = self._request("POST", "/api/reports", data={"report": json.dumps(report, ensure_ascii=False)},
                                     files=files)
        else:
            response = self._request("POST", "/api/reports", json=report)
        return response.json(), response.status_code == 201

    def tasks(self, *, include_done: bool = False) -> list[dict[str, Any]]:
        return self._json("GET", "/api/tasks", params={"include_done": "true"} if include_done else None)

    def case(self, case_id: int) -> dict[str, Any]:
        return self._json("GET", f"/api/cases/{case_id}")

    def upload_photos(self, case_id: int, photos: Sequence[PhotoFile], *, kind: str = "evidence") -> dict[str, Any]:
        files = [("photos", (name, data, "image/jpeg")) for name, data in photos]
        return self._json("POST", f"/api/cases/{case_id}/photos", params={"kind": kind}, files=files)

    def act(self, case_id: int, action: str, note: str = "") -> dict[str, Any]:
        return self._json("POST", f"/api/cases/{case_id}/actions", json={"action": action, "note": note})

    def answer_task(self, task: dict[str, Any], result: str, *, note: str = "",
                    photos: Sequence[PhotoFile] = ()) -> dict[str, Any]:
        """Answer a verify or check task: upload the on-site photos, then take the action.

        Safe to repeat after a lost response: identical photos are stored once, and an action
        the server already applied (409, task completed) counts as done.
        """
        action = TASK_ACTIONS[task["kind"]][result]
        if photos:
            self.upload_photos(task["case_id"], photos, kind="evidence")
        try:
            return self.act(task["case_id"], action, note)
        except FieldApiError as exc:
            if exc.status != 409:
                raise
            done = {t["id"]: t for t in self.tasks(include_done=True)}.get(task["id"])
            if done is None or done.get("completed_at") is None:
                raise
            return self.case(task["case_id"])


def _error_from(response: httpx.Response) -> FieldApiError:
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return FieldApiError(response.status_code, error.get("code", "error"), error.get("message", ""),
                             error.get("message_zh", ""), error.get("details"))
    return FieldApiError(response.status_code, "http_error", f"HTTP {response.status_code}",
                         f"服务器返回 {response.status_code}")
