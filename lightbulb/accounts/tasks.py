"""Background tasks of accounts: the halves of sign-up and password reset that look at existing accounts.

The request only checks the form and queues one of these, so it answers the same, in the same time,
whether or not an address already has an account.
"""

from __future__ import annotations

from django_tasks import task


@task()
def sign_up_deliver(full_name: str, email: str, password_hash: str) -> bool:
    """Make the account and e-mail its confirmation link, or tell the address it already has an account."""
    from lightbulb.accounts.services import sign_up_complete

    return sign_up_complete(full_name=full_name, email=email, password_hash=password_hash) is not None


@task()
def password_reset_deliver(email: str) -> bool:
    """E-mail a reset link if the address has an active account."""
    from lightbulb.accounts.services import password_reset_deliver_now

    return password_reset_deliver_now(email=email)
