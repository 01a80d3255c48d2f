"""Who may manage users and memberships."""

from __future__ import annotations

from typing import Any

import rules

from lightbulb.core.rules import is_admin, is_signed_in, is_vcs


@rules.predicate
def is_member_of(user: Any, organisation: Any) -> bool:
    """A `vcs` user verified as acting for `organisation` (an Organisation, or its id)."""
    if not is_vcs.test(user) or organisation is None:
        return False
    from lightbulb.accounts.models import Membership

    organisation_id = getattr(organisation, "pk", organisation)
    return Membership.objects.filter(user_id=user.pk, organisation_id=organisation_id).exists()


@rules.predicate
def is_self(user: Any, account: Any) -> bool:
    """A signed-in user acting on their own account (an account, or its id)."""
    if not is_signed_in.test(user) or account is None:
        return False
    return bool(getattr(account, "pk", account) == user.pk)


can_manage_users = is_admin
# Anyone signed in keeps their own account: password, two-factor device, calendar link.
can_manage_own_account = is_signed_in
