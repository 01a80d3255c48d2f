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


class AuditAction(models.TextChoices):
    """Every action an `AuditEvent` may record, each named after the service that writes it.

    `audit_event_record` refuses any other action, so the history pages can always
    say in words what happened. Core only lists the names; it imports no domain app.
    A renamed action needs a data migration renaming the rows already stored.
    The column itself has no `choices`, so a module adding an action needs no
    migration of core's: the label is looked up here when a page shows it.
    """

    # accounts
    USER_CREATE = "user_create", "Account created"
    USER_UPDATE = "user_update", "Account details changed"
    USER_SET_PASSWORD = "user_set_password", "Password set"
    USER_TWO_FACTOR_RESET = "user_two_factor_reset", "Two-factor authentication reset"
    TOTP_DEVICE_CONFIRM = "totp_device_confirm", "Two-factor authentication set up"
    USER_CALENDAR_TOKEN_RESET = "user_calendar_token_reset", "Calendar feed address reset"
    USER_EMAIL_VERIFY = "user_email_verify", "E-mail address confirmed"
    INVITATION_SEND = "invitation_send", "Invitation sent"
    INVITATION_ACCEPT = "invitation_accept", "Invitation accepted"
    ENROLMENT_CODE_VERIFY = "enrolment_code_verify", "Identity checked by an e-mailed code"
    RECOVERY_CODES_CREATE = "recovery_codes_create", "Recovery codes made"
    RECOVERY_CODE_USE = "recovery_code_use", "Signed in with a recovery code"
    # places
    COUNCIL_UPDATE = "council_update", "Council details saved"
    LOCALITY_CREATE = "locality_create", "Locality added"
    LOCALITY_UPDATE = "locality_update", "Locality changed"
    WARD_CREATE = "ward_create", "Ward added"
    WARD_UPDATE = "ward_update", "Ward changed"
    WARD_BULK_UPSERT = "ward_bulk_upsert", "Wards loaded from a file"
    COUNCILLOR_CREATE = "councillor_create", "Councillor added"
    COUNCILLOR_UPDATE = "councillor_update", "Councillor details changed"
    POSTCODE_BULK_UPSERT = "postcode_bulk_upsert", "Postcodes loaded from a file"
    # organisations
    ORGANISATION_CREATE = "organisation_create", "Organisation added"
    ORGANISATION_UPDATE = "organisation_update", "Organisation details changed"
    ORGANISATION_ARCHIVE = "organisation_archive", "Organisation archived"
    REGISTER_VALUES_RECORD = "register_values_record", "Public register details recorded"
    IDENTIFIER_ADD = "identifier_add", "Identifier added"
    IDENTIFIER_REMOVE = "identifier_remove", "Identifier removed"
    CONTACT_CREATE = "contact_create", "Contact added"
    CONTACT_UPDATE = "contact_update", "Contact changed"
    CONTACT_ERASE = "contact_erase", "Contact erased"
    AREA_OF_WORK_CREATE = "area_of_work_create", "Area of work added"
    AREA_OF_WORK_RENAME = "area_of_work_rename", "Area of work renamed"
    DUPLICATE_DISMISS = "duplicate_dismiss", "Marked as not a duplicate"
    ORGANISATION_MERGE = "organisation_merge", "Organisations merged"
    ORGANISATION_MERGE_UNDO = "organisation_merge_undo", "Merge undone"
    ORGANISATION_CLAIM_CREATE = "organisation_claim_create", "Claim to act for the organisation made"
    ORGANISATION_PROPOSAL_CREATE = "organisation_proposal_create", "New organisation proposed"
    ORGANISATION_CLAIM_VERIFY = "organisation_claim_verify", "Claim verified"
    ORGANISATION_CLAIM_REJECT = "organisation_claim_reject", "Claim rejected"
    PROFILE_CHANGE_REVIEW = "profile_change_review", "Profile change reviewed"
    # funding
    AGREEMENT_CREATE = "agreement_create", "Agreement added"
    AGREEMENT_UPDATE = "agreement_update", "Agreement details changed"
    AGREEMENT_TRANSITION = "agreement_transition", "Agreement status changed"
    AGREEMENT_VARY = "agreement_vary", "Agreement varied"
    PAYMENT_INVOICE_RECORD = "payment_invoice_record", "Invoice or claim received"
    AGREEMENT_WIND_DOWN = "agreement_wind_down", "Later payments and returns wound down as funding ended"
    CONDITION_ADD = "condition_add", "Condition added"
    CONDITION_UPDATE = "condition_update", "Condition changed"
    CONDITION_REMOVE = "condition_remove", "Condition removed"
    DUE_DILIGENCE_RECORD = "due_diligence_record", "Due diligence recorded"
    TIER_CREATE = "tier_create", "Proportionality tier added"
    TIER_UPDATE = "tier_update", "Proportionality tier changed"
    RETURNS_SCHEDULE = "returns_schedule", "Monitoring returns scheduled"
    RETURN_SUBMIT = "return_submit", "Return submitted"
    RETURN_ACCEPT = "return_accept", "Return accepted"
    RETURN_QUERY = "return_query", "Return queried"
    PAYMENTS_SCHEDULE = "payments_schedule", "Payments scheduled"
    PAYMENT_MILESTONE_ADD = "payment_milestone_add", "Milestone payment added"
    PAYMENT_RECORD_PAID = "payment_record_paid", "Payment made"
    PAYMENT_HOLD = "payment_hold", "Payment held"
    PAYMENT_RELEASE = "payment_release", "Payment released"
    PAYMENT_CLAW_BACK = "payment_claw_back", "Money clawed back"
    DECOMMISSIONING_ISSUE_NOTICE = "decommissioning_issue_notice", "Notice issued"
    DECOMMISSIONING_RESPOND = "decommissioning_respond", "Response recorded"
    DECOMMISSIONING_CONSIDER = "decommissioning_consider", "Response considered"
    DECOMMISSIONING_COMPLETE = "decommissioning_complete", "Decommissioning completed"
    # compact
    COMPACT_CREATE_DEFAULT = "compact_create_default", "Compact created"
    COMPACT_UPDATE = "compact_update", "Compact changed"
    COMMITMENT_CREATE = "commitment_create", "Commitment added"
    COMMITMENT_UPDATE = "commitment_update", "Commitment changed"
    COMMITMENT_MOVE = "commitment_move", "Commitment moved"
    COMMITMENT_REMOVE = "commitment_remove", "Commitment removed"
    CONSULTATION_CREATE = "consultation_create", "Consultation created"
    CONSULTATION_UPDATE = "consultation_update", "Consultation changed"
    CONSULTATION_INVITE = "consultation_invite", "Invited to a consultation"
    CONSULTATION_PUBLISH_SUMMARY = "consultation_publish_summary", '"You said, we did" summary published'
    CONSULTATION_RESPOND = "consultation_respond", "Consultation response recorded"
    # engagement
    THEME_CREATE = "theme_create", "Theme added"
    THEME_UPDATE = "theme_update", "Theme changed"
    ENGAGEMENT_CREATE = "engagement_create", "Engagement logged"
    ENGAGEMENT_UPDATE = "engagement_update", "Engagement changed"
    FOLLOW_UP_ACTION_ADD = "follow_up_action_add", "Follow-up action added"
    FOLLOW_UP_ACTION_COMPLETE = "follow_up_action_complete", "Follow-up action done"
    FLAG_DISMISS = "flag_dismiss", "Flag dismissed"
    WARD_BOUNDARIES_UPSERT = "ward_boundaries_upsert", "Ward boundaries loaded from a file"
    FLAG_THRESHOLDS_UPDATE = "flag_thresholds_update", "The thresholds flags are raised at changed"
    SURVEY_CREATE = "survey_create", "Survey written"
    SURVEY_UPDATE = "survey_update", "Survey's title, introduction or dates changed"
    SURVEY_QUESTION_ADD = "survey_question_add", "Question added to a survey"
    SURVEY_QUESTION_REMOVE = "survey_question_remove", "Question taken off a survey"
    SURVEY_SEND = "survey_send", "Survey sent to organisations"
    SURVEY_ANSWER = "survey_answer", "Survey answered"
    SURVEY_CLOSE = "survey_close", "Survey closed"
    # imports
    IMPORT_RUN_CREATE = "import_run_create", "Import started"
    IMPORT_RUN_FINISH = "import_run_finish", "Import finished"
    IMPORT_RUN_MAP = "import_run_map", "Import's columns confirmed"
    # grants (other funders' grants from 360Giving files)
    GRANT_BULK_UPSERT = "grant_bulk_upsert", "Other funders' grants imported"
    GRANT_MATCH_CONFIRM = "grant_match_confirm", "Grant's organisation confirmed"
    GRANT_MATCH_REJECT = "grant_match_reject", "Grant's proposed organisation rejected"
    # directory
    SERVICE_CREATE = "service_create", "Service described"
    SERVICE_UPDATE = "service_update", "Service changed"
    SERVICE_LOCATION_ADD = "service_location_add", "Place added to a service"
    SERVICE_LOCATION_REMOVE = "service_location_remove", "Place removed from a service"
    SERVICE_SCHEDULE_ADD = "service_schedule_add", "Opening times added to a service"
    SERVICE_SCHEDULE_REMOVE = "service_schedule_remove", "Opening times removed from a service"
    # api
    API_TOKEN_ISSUE = "api_token_issue", "API token issued"
    API_TOKEN_REVOKE = "api_token_revoke", "API token revoked"
    # concerns (restricted: the summary never names the organisation or the reporter)
    CONCERN_SETTINGS_UPDATE = "concern_settings_update", "Time to triage a concern changed"
    CONCERN_RAISE = "concern_raise", "Concern raised"
    CONCERN_TRIAGE = "concern_triage", "Concern triaged"
    CONCERN_NOTE_ADD = "concern_note_add", "Investigation note added"
    CONCERN_EVIDENCE_ADD = "concern_evidence_add", "Evidence added to a concern"
    CONCERN_STEP_TAKE = "concern_step_take", "Action taken on a concern"
    CONCERN_CLOSE = "concern_close", "Concern closed"
    COUNTER_FRAUD_YEAR_SAVE = "counter_fraud_year_save", "Counter-fraud team figures saved"
    RISK_CREATE = "risk_create", "Risk added"
    RISK_UPDATE = "risk_update", "Risk changed"
    RISK_APPETITE_SET = "risk_appetite_set", "The council's risk appetite for an area changed"
    # core: a copy of a list taken away as a file
    EXPORT_REQUEST = "export_request", "List downloaded as a file"


class AuditEvent(models.Model):
    """One row per service call that changed something: who, when, what, before → after.

    `organisation_id` is a plain number rather than a foreign key so that core
    depends on no domain app; it lets an organisation's timeline gather every
    event about it in one indexed query.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    # Checked against AuditAction by `audit_event_record`; no `choices` here, see AuditAction.
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

    def get_action_display(self) -> str:
        """The action in words; an action no longer listed shows as stored."""
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action


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


class OrganisationMessage(models.Model):
    """A message the council sent (or must post) to an organisation about one of its records.

    Most organisations have no portal member, so every message records how it
    reached them: e-mailed to the portal members, e-mailed to the registered
    contact who consented to it, or, with no e-mail address at all, printed and
    posted by the officer (the letter is ready as a PDF). Nothing is sent
    silently to nobody. `organisation_id` is a plain number so core depends on
    no domain app.
    """

    class Route(models.TextChoices):
        MEMBERS = "members", "E-mailed to the organisation's portal members"
        CONTACT = "contact", "E-mailed to the organisation's registered contact"
        POST = "post", "No e-mail address: print the letter and post it"

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation_id = models.BigIntegerField()
    organisation_name = models.CharField(max_length=300)
    # Postal address lines for a printed letter (the organisation's, when it has one).
    address = models.TextField(blank=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    route = models.CharField(max_length=20, choices=Route.choices)
    recipients = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The messages panel of one record's page.
            models.Index(fields=["object_type", "object_id", "-created_at"], name="message_object_idx"),
            # An organisation's messages on its page and timeline.
            models.Index(fields=["organisation_id", "-created_at"], name="message_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_route_display()})"


class ExportJob(TimeStampedModel):
    """A list written to a CSV or XLSX file in the background, for the person who asked to download it.

    `list_name` names an `ExportList` in the registry; `query` keeps the list page's filters and sort
    as they were, so the file holds what the page showed. The file is cleared after
    `core.exports.KEEP_FILES_FOR` by a daily duty; the row stays as the record of who took which list.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Writing the file"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    list_name = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    query = models.CharField(max_length=2000, blank=True)
    format = models.CharField(max_length=10, choices=Format.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_requester_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_format_display()}) requested {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, int(self.rows_done * 100 / self.rows_total)) if self.rows_total else 0
