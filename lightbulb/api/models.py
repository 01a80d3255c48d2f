"""API tokens an administrator issues and revokes, and the log of every use (PRODUCT.md §2.12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiScope(models.TextChoices):
    REGISTER = "register", "The register of organisations"
    AGREEMENTS = "agreements", "Funding agreements"
    GRANTS = "grants", "Grants in 360Giving form"
    OPENDATA = "opendata", "The open-data files"


class ApiToken(models.Model):
    """A token is shown once, when issued; only its SHA-256 hash is kept."""

    name = models.CharField("Who or what it is for", max_length=200)
    # The first characters of the token, so people can tell tokens apart without the secret.
    prefix = models.CharField(max_length=12, db_index=True)
    hashed = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiRequest(models.Model):
    """One use of a token: when, what was asked, and the answer."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="requests")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status}"
