"""Who may run imports."""

from __future__ import annotations

from lightbulb.core.rules import is_admin, is_system

can_run_imports = is_admin | is_system
