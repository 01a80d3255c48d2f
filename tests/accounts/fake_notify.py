"""A stand-in for GOV.UK Notify's HTTP API on loopback, so the tests never reach the internet.

It answers `POST /v2/notifications/email` as Notify does: the request must carry a JWT signed
(HS256) with the API key's secret, issued by the key's service id within the last 30 seconds, and
name a template and an address; it records what it accepted. `outage` makes it answer 500 until
cleared, as Notify does when it is down.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"lightbulb_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


class FakeNotify:
    def __init__(self) -> None:
        self.accepted: list[dict[str, Any]] = []
        self.refused: list[tuple[int, str]] = []
        self.outage = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                status, answer = fake.answer(self.path, self.headers.get("Authorization", ""), self.rfile.read(length))
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeNotify:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _error(self, status: int, kind: str, message: str) -> tuple[int, dict[str, Any]]:
        self.refused.append((status, message))
        return status, {"status_code": status, "errors": [{"error": kind, "message": message}]}

    def answer(self, path: str, authorization: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        if self.outage:
            return self._error(500, "Exception", "Internal server error")
        if path != "/v2/notifications/email":
            return self._error(404, "NotFound", "Not found")
        try:
            claims = jwt.decode(authorization.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
        except jwt.PyJWTError as error:
            return self._error(403, "AuthError", f"Invalid token: {error}")
        if claims.get("iss") != SERVICE_ID or abs(time.time() - claims.get("iat", 0)) > 30:
            return self._error(403, "AuthError", "Invalid token: service not found or token expired")
        data = json.loads(raw)
        if data.get("template_id") != TEMPLATE_ID:
            return self._error(400, "BadRequestError", "Template not found")
        if "@" not in str(data.get("email_address", "")):
            return self._error(400, "ValidationError", "email_address Not a valid email address")
        personalisation = data.get("personalisation") or {}
        if not {"subject", "body", "link_to_file"} <= set(personalisation):
            return self._error(400, "BadRequestError", "Missing personalisation: subject, body, link_to_file")
        self.accepted.append(data)
        notification_id = str(uuid.uuid4())
        return 201, {
            "id": notification_id,
            "reference": data.get("reference"),
            "content": {"subject": personalisation["subject"], "body": personalisation["body"], "from_email": "lightbulb@notifications.service.gov.uk"},
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": {"id": TEMPLATE_ID, "version": 1, "uri": f"{self.base_url}/v2/template/{TEMPLATE_ID}"},
        }
