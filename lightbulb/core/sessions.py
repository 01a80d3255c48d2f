"""Django's database sessions, read by SQL compiled once per process (`core.rows`): every signed-in request reads one.

Set as SESSION_ENGINE. The table, the encoding and everything but the read are Django's, so sessions
made before the change go on working, and the other way round.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from lightbulb.core.rows import UniqueReader

_SESSIONS = UniqueReader(Session, "session_key")


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        # As Django's: a session that has expired, or that no record has, is no session at all.
        key = self.session_key
        session = _SESSIONS.get(key) if key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
