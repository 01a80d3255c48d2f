"""Who may run imports.

Administrators run every import; council officers run them too from the same pages (the
register's public data, other funders' grants, the council's spend); commands and the
background worker act as the system.
"""

from __future__ import annotations

from lightbulb.core.rules import is_admin, is_officer, is_system

can_run_imports = is_admin | is_officer | is_system
