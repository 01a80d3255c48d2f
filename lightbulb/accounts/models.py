"""Users, their one role, and their membership of organisations."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lightbulb.core.roles import Role
from lightbulb.core.rules import TWO_FACTOR_ROLES


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. The e-mail address is the user name."""

    email = models.EmailField("E-mail address", unique=True)
    full_name = models.CharField("Full name", max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VCS)
    job_title = models.CharField(max_length=200, blank=True)
    service_area = models.CharField("Council service", max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use Django's own admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    # The personal calendar feed's secret; reset to revoke the old address.
    calendar_token = models.CharField(max_length=64, blank=True)
    # When the person proved they read this address: a self-made account cannot sign in until then
    # (an invitation or a password-reset link is the same proof). Accounts an administrator or the
    # demo makes are trusted from the start; only `user_sign_up` leaves it empty.
    email_verified_at = models.DateTimeField("E-mail address verified", null=True, blank=True, default=timezone.now)
    # The council identity provider's stable `sub` claim, once the person has signed in through it:
    # matched on, rather than the e-mail address, which the provider may change or give to someone else.
    oidc_sub = models.CharField("Identity provider subject", max_length=255, null=True, blank=True, unique=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login", "calendar_token"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def needs_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES


class Membership(models.Model):
    """A `vcs` user's link to an organisation they act for, once verified."""

    class MemberRole(models.TextChoices):
        MEMBER = "member", "Member"
        LEAD = "lead", "Lead contact"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


class AccountToken(models.Model):
    """A single-use secret sent to an account's e-mail address: only its SHA-256 is stored.

    An invitation (an administrator's, for a new account), an e-mail address check (after sign-up)
    and an enrolment code (the fresh proof a person gives before setting up their first
    authenticator) each expire and work once.
    """

    class Purpose(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        EMAIL_VERIFICATION = "email_verification", "E-mail address check"
        ENROLMENT_CODE = "enrolment_code", "Code to set up two-factor authentication"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_tokens")
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Wrong tries at a short code; it stops working after a few.
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["user", "purpose"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.user}"

    @property
    def is_live(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class RateLimitHit(models.Model):
    """One request counted against a limit (sign-up and password reset, per address and per client).

    `key` is a SHA-256 of the address or client, so the table holds no e-mail addresses; rows older
    than the longest window are removed as new ones are written.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.scope} at {self.at:%Y-%m-%d %H:%M}"
