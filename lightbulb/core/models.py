"""Base models and the audit trail shared by every module."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ArchivableModel(TimeStampedModel):
    """Records the council must retain are archived with a reason, never deleted.

    Hard deletion is reserved for personal-data erasure (ENGINEERING.md §3.5).
    """

    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    archive_reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class AuditEvent(models.Model):
    """One row per service call that changed something: who, when, what, before → after.

    `organisation_id` is a plain number rather than a foreign key so that core
    depends on no domain app; it lets an organisation's timeline gather every
    event about it in one indexed query.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # History page of one record.
            models.Index(fields=["object_type", "object_id", "-occurred_at"], name="audit_object_idx"),
            # An organisation's timeline.
            models.Index(fields=["organisation_id", "-occurred_at"], name="audit_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class DutyRun(models.Model):
    """A daily duty that has been started for a day.

    The unique constraint is the lock: however many schedulers run, only the
    first to insert (name, day) runs the duty that day.
    """

    name = models.CharField(max_length=100)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="duty_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.name} on {self.day:%d/%m/%Y}"
