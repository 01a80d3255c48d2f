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
