"""Permission-matrix rows for the account pages added for invitations, confirming an address and recovery codes.

The links' tokens are the credential: with one that was never issued, everyone gets the same refusal.
"""

from __future__ import annotations

from tests.security.routes import Route, everyone, only, signed_in

ROUTES: dict[str, Route] = {
    "accounts:recovery_codes": Route(signed_in()),
    "accounts:email_verify": Route(everyone(400), kwargs=lambda w: {"token": "never-issued"}),
    "accounts:invitation_accept": Route(everyone(400), kwargs=lambda w: {"token": "never-issued"}),
    "accounts:user_invitation_send": Route(only("admin", ok=405), kwargs=lambda w: {"pk": w.users["staff"].pk}),
}
