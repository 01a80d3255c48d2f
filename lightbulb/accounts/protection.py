"""Which address a request comes from, and limits on the requests that send e-mail to an address.

Behind a load balancer every request arrives from the balancer's address; the client's is in
X-Forwarded-For, which the client can also write. `TRUSTED_PROXY_COUNT` says how many proxies of
the council's own stand in front of Lightbulb: each appends the address it was reached from, so the
client is that many entries from the right, and anything further left is the client's own invention.
With 0 (no proxy) the connection's address counts. Lockout (django-axes, per account and client
address together) and the limits below both use `client_ip`.

Sign-up, password reset and enrolment codes are limited per e-mail address and per client within
`ACCOUNT_EMAIL_WINDOW_MINUTES`: an address gets at most `ACCOUNT_EMAIL_PER_ADDRESS` messages, a
client may ask `ACCOUNT_EMAIL_PER_CLIENT` times. Only SHA-256 digests of addresses are stored.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lightbulb.accounts.models import RateLimitHit


def client_ip(request: Any) -> str:
    """The address of the client, trusting exactly `TRUSTED_PROXY_COUNT` proxies in front of Lightbulb."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    if len(hops) < count:
        # The request did not come through every trusted proxy: the connection is all we know.
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _digest(value: str) -> str:
    """A keyed hash of an address: without the secret key (kept outside the database) nobody can test
    every possible client or e-mail address against a stored row, so a limit leaves no trace of who asked."""
    return hmac.new(settings.SECRET_KEY.encode(), value.strip().lower().encode(), hashlib.sha256).hexdigest()


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "ACCOUNT_EMAIL_WINDOW_MINUTES", 60)))


def rate_limit_exceeded(*, scope: str, client: str, address: str = "") -> bool:
    """Count one request in `scope` from `client` (about `address`, if one); True, without counting, once either is at its limit."""
    now = timezone.now()
    since = now - _window()
    limits = [(f"{scope}:client", _digest(client), int(getattr(settings, "ACCOUNT_EMAIL_PER_CLIENT", 20)))]
    if address:
        limits.append((f"{scope}:address", _digest(address), int(getattr(settings, "ACCOUNT_EMAIL_PER_ADDRESS", 5))))
    with transaction.atomic():
        RateLimitHit.objects.filter(scope__startswith=f"{scope}:", at__lt=since).delete()
        for key_scope, key, limit in limits:
            if RateLimitHit.objects.filter(scope=key_scope, key=key, at__gte=since).count() >= limit:
                return True
        RateLimitHit.objects.bulk_create([RateLimitHit(scope=key_scope, key=key, at=now) for key_scope, key, _ in limits])
    return False
