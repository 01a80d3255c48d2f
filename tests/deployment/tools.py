"""What the deployment test needs to talk to a running server as a browser and a mail relay would."""

from __future__ import annotations

import email
import re
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """A browser behind the council's load balancer: the balancer ended TLS and says so in
    X-Forwarded-Proto, as docs/deployment.md asks. Cookies are kept as a browser on https would
    keep them (Secure ones included)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.last_path = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", "User-Agent": "lightbulb-deploy-test"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        self.last_path = path
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin, "Referer": self.origin + path}
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        finally:
            connection.close()
        return answer

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def follow(self, answer: Answer, limit: int = 5) -> Answer:
        """Follow redirects on this site, as a browser would."""
        for _ in range(limit):
            if answer.status not in (301, 302, 303, 307, 308):
                return answer
            location = urlsplit(urljoin(self.origin + "/", answer.headers["location"]))
            assert f"{location.scheme}://{location.netloc}" == self.origin, f"redirected off the site to {location.geturl()}"
            answer = self.get(location.path + (f"?{location.query}" if location.query else ""))
        raise AssertionError("too many redirects")

    def submit(self, path: str, fields: dict[str, str]) -> Answer:
        """Fetch the form at `path`, then post `fields` with its CSRF token, as a person would."""
        page = self.get(path)
        assert page.status == 200, f"{path} answered {page.status}"
        return self.post(path, fields, page)

    def post(self, path: str, fields: dict[str, str], page: Answer) -> Answer:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no CSRF token in the form at {path}"
        return self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})


@dataclass
class Tag:
    name: str
    attrs: dict[str, str]


class TagCollector(HTMLParser):
    """The <link>, <script> and <img> tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[Tag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("link", "script", "img"):
            self.tags.append(Tag(tag, {name: value or "" for name, value in attrs}))


def page_tags(html: str) -> list[Tag]:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


def asset_urls(tags: list[Tag]) -> list[str]:
    """Every /static/ address a page's <link href>, <script src> and <img src> names."""
    urls = [tag.attrs.get("href" if tag.name == "link" else "src", "") for tag in tags]
    return [url for url in urls if url.startswith("/static/")]


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_SOURCE_MAP = re.compile(r"""[#@]\s*sourceMappingURL=(\S+?)\s*(?:\*/)?\s*$""", re.M)
_JS_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*["'](\.{1,2}/[^"']+)["']""")


def referenced_files(url: str, answer: Answer) -> list[str]:
    """Files a stylesheet or script names in turn: url(...), sourceMappingURL and relative ES module imports."""
    text = answer.text
    found: list[str] = []
    path = urlsplit(url).path
    if path.endswith(".css"):
        found += [ref for _, ref in _CSS_URL.findall(text) if not ref.startswith(("data:", "#"))]
    if path.endswith((".css", ".js")):
        found += _SOURCE_MAP.findall(text)
    if path.endswith(".js"):
        found += _JS_IMPORT.findall(text)
    return [urlsplit(urljoin(url, ref)).path for ref in found]


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


@dataclass
class MailSink:
    """A mail relay on loopback that keeps every message it is given."""

    port: int = 0
    messages: list[Message] = field(default_factory=list)
    _server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> MailSink:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self) -> None:
                self.reply("220 sink ready")
                while line := self.rfile.readline():
                    command = line.strip().upper()
                    if command == b"DATA":
                        self.reply("354 go ahead")
                        sink.messages.append(self.read_message())
                        self.reply("250 kept")
                    elif command == b"QUIT":
                        self.reply("221 bye")
                        return
                    else:  # EHLO, MAIL, RCPT, RSET, NOOP
                        self.reply("250 ok")

            def read_message(self) -> Message:
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                return email.message_from_bytes(b"".join(lines))

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def plain_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no text part in the e-mail {message['Subject']!r}")
