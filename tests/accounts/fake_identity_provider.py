"""A minimal OpenID Connect provider on loopback, for signing in end to end without the internet.

Discovery, authorize (approves at once as `person`, the claims the test sets), token (an RS256 ID
token with the nonce, audience and issuer, checked against the client's id, secret, code and
redirect address), JWKS and user info. `wrong_key` signs with a key the JWKS does not publish.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "lightbulb-test-client"
CLIENT_SECRET = "test-client-secret-not-real"
KEY_ID = "test-key-1"


class FakeIdentityProvider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.person: dict[str, Any] = {}
        self.wrong_key = False
        self.audience = CLIENT_ID
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.handle(self, "GET", b"")

            def do_POST(self) -> None:
                fake.handle(self, "POST", self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeIdentityProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- HTTP ----------------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        url = urlsplit(request.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        routes = {
            ("GET", "/.well-known/openid-configuration"): lambda: (200, self.discovery()),
            ("GET", "/jwks"): lambda: (200, {"keys": [self.jwk()]}),
            ("GET", "/authorize"): lambda: self.authorize(query),
            ("POST", "/token"): lambda: self.token(form),
            ("GET", "/userinfo"): lambda: self.userinfo(request.headers.get("Authorization", "")),
        }
        status, answer = routes.get((method, url.path), lambda: (404, {"error": "not_found"}))()
        if status == 302:
            request.send_response(302)
            request.send_header("Location", answer)
            request.end_headers()
            return
        data = json.dumps(answer).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def jwk(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**public, "kid": KEY_ID, "alg": "RS256", "use": "sig"}

    def authorize(self, query: dict[str, str]) -> tuple[int, Any]:
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return 400, {"error": "invalid_request"}
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": query.get("nonce"), "redirect_uri": query["redirect_uri"], "person": dict(self.person)}
        return 302, query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")})

    def token(self, form: dict[str, str]) -> tuple[int, Any]:
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("grant_type") != "authorization_code" or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.audience, "sub": grant["person"]["sub"], "iat": now, "exp": now + 300, "nonce": grant["nonce"]}
        signing_key = self.other_key if self.wrong_key else self.key
        id_token = jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": KEY_ID})
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = grant["person"]
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    def userinfo(self, authorization: str) -> tuple[int, Any]:
        person = self.tokens.get(authorization.removeprefix("Bearer "))
        if person is None:
            return 401, {"error": "invalid_token"}
        return 200, person
