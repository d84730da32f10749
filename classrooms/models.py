"""Classroom sandboxes: people (Django users) in a portal, classrooms run by instructors, seats that are
isolated accounts of the product, templates they start from, labs with typed checks, and the jobs that
provision and reset seats.

People are Django users (the admin site's users too, but a portal person is neither staff nor
superuser); an instructor is a person with the `classrooms.teach` permission, granted by
`manage.py grant_instructor EMAIL` or in the admin site.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models

from accounts.models import Account

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a classroom


def new_join_code():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


def new_token():
    return secrets.token_urlsafe(32)


class AccountLink(models.Model):
    """An account of the product a person proved to own (its root email, password and MFA): one they
    may take a classroom template from."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_links"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="portal_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "account"], name="one_link_per_person_account")
        ]

    def __str__(self):
        return f"{self.person} owns {self.account_id}"


class Template(models.Model):
    """What every seat of a classroom starts with: a snapshot (JSON) of one of the instructor's accounts,
    its users, groups, policies, roles and optionally its organization."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(max_length=128)
    source_account = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(default=dict)
    entity_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class Lab(models.Model):
    """Markdown instructions and typed checks (classrooms/checks.py documents the schema). A lab with
    no owner ships with the product (classrooms/labs/*.yaml, loaded by `manage.py load_labs`)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="labs"
    )
    slug = models.SlugField(max_length=64)
    title = models.CharField(max_length=128)
    instructions = models.TextField(blank=True)  # Markdown, rendered without raw HTML
    checks = models.JSONField(default=list)
    pass_percentage = models.PositiveSmallIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "slug"], name="lab_slug_unique_per_owner"),
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(owner__isnull=True), name="shipped_lab_slug_unique"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def max_score(self):
        """The points its checks are worth (what a check run's max_score is today)."""
        return sum(check.get("score", 0) for check in self.checks if isinstance(check, dict))


class Classroom(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms"
    )
    name = models.CharField(max_length=128)
    seat_limit = models.PositiveIntegerField(default=30)
    join_code = models.CharField(max_length=8, unique=True, default=new_join_code)
    join_enabled = models.BooleanField(default=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    template = models.ForeignKey(
        Template, on_delete=models.PROTECT, null=True, blank=True, related_name="classrooms"
    )
    labs = models.ManyToManyField(Lab, through="ClassroomLab", related_name="classrooms")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("teach", "Can create and run classrooms")
        ]  # an instructor: `manage.py grant_instructor`

    def __str__(self):
        return self.name


class ClassroomLab(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="classroom_labs")
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["classroom", "lab"], name="lab_once_per_classroom")]

    def __str__(self):
        return f"{self.lab_id} in {self.classroom_id}"


class Seat(models.Model):
    """One student's isolated account: its root user is system-owned (a generated address, no password);
    the student opens its console from the portal."""

    class Status(models.TextChoices):
        PROVISIONING = "provisioning", "Provisioning"
        READY = "ready", "Ready"
        RESETTING = "resetting", "Resetting"
        FAILED = "failed", "Failed"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="seats")
    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="seat")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="seats"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROVISIONING)
    error = models.TextField(blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    last_reset_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"],
                condition=models.Q(student__isnull=False),
                name="one_seat_per_student_per_classroom",
            )
        ]

    def __str__(self):
        return f"Seat {self.account_id} in {self.classroom}"


class Invitation(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "email"], name="one_invitation_per_email")
        ]

    def __str__(self):
        return f"Invitation of {self.email}"


class Job(models.Model):
    """Provisioning, resets and closing run as Celery jobs; the page polls `done` of `total`."""

    class Kind(models.TextChoices):
        PROVISION = "provision", "Provision seats"
        RESET_SEAT = "reset_seat", "Reset seat"
        RESET_ALL = "reset_all", "Reset all seats"
        CLOSE = "close", "Close classroom"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    results = models.JSONField(
        default=dict
    )  # per seat: {"<seat id>": {"status": "ok"|"failed", "error": "…"}}
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.status}, {self.done}/{self.total})"


class CheckRun(models.Model):
    """One press of "Check my work": each check's pass or fail, recorded for the instructor."""

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="check_runs")
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="check_runs")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.PositiveIntegerField(default=0)
    max_score = models.PositiveIntegerField(default=0)
    passed = models.BooleanField(default=False)
    results = models.JSONField(default=list)  # [{"id", "label", "passed", "score", "hint"}]
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["seat", "lab", "-created_at"], name="check_run_latest")]

    def __str__(self):
        return f"Check of {self.lab_id} on {self.seat_id}: {self.score}/{self.max_score}"
