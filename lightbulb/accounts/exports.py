"""The users list, shared by its page and its CSV or XLSX download (core.exports), for administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from lightbulb.accounts import selectors
from lightbulb.accounts.forms import UserFilterForm
from lightbulb.accounts.rules import can_manage_users
from lightbulb.core.exports import Column
from lightbulb.core.registry import ExportList, registry

USER_COLUMNS = [
    Column("Name", lambda user: user.display_name),
    Column("E-mail address", lambda user: user.email),
    Column("Role", lambda user: user.get_role_display()),
    Column("Job title", lambda user: user.job_title),
    Column("Council service", lambda user: user.service_area),
    Column("Active", lambda user: user.is_active),
    Column("E-mail address confirmed", lambda user: user.email_verified_at),
    Column("Last signed in", lambda user: user.last_login),
]


def user_rows(request: HttpRequest) -> tuple[QuerySet[Any], dict[str, Any]]:
    filters = UserFilterForm(request.GET).filters()
    return selectors.user_list(query=filters["q"], role=filters["role"]).order_by("full_name", "email", "pk"), filters


def register() -> None:
    registry.exports["users"] = ExportList("Users", "users", can_manage_users, lambda request: user_rows(request)[0], USER_COLUMNS, "accounts:user_list")
