"""Helpers the module tests share."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def visible_text(html: str | bytes) -> str:
    """The page's text as a person reads it: tags removed, whitespace folded."""
    if isinstance(html, bytes):
        html = html.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    return " ".join(text.split())


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(context.captured_queries)


def assert_queries_independent_of_size(client: Client, url: str, grow: Callable[[], None]) -> None:
    """The page issues the same number of queries before and after `grow()` adds more data (no N+1)."""
    client.get(url)  # warm caches such as content types and sessions
    before = count_queries(client, url)
    grow()
    after = count_queries(client, url)
    assert before == after, f"{url}: {before} queries at the small size, {after} at the larger size"
