"""Who keeps the API's tokens: administrators issue and revoke them (they keep users and settings).

Reading the API needs a token, not a role: a token is scoped to what it may read.
"""

from __future__ import annotations

from lightbulb.core.rules import is_admin

can_manage_api_tokens = is_admin
