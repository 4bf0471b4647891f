"""Supervision tasks (督办) assigned by the committee office to member units and townships, with
feedback and evidence, reminders, overdue and escalation."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlan.core.models import user_ref
from anlan.core.scoping import scope_of
from anlan.hazards.models import StoredFile

from ..choices import AssignmentState, TaskPriority, TaskState


class SupervisionTaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The office sees tasks issued in its region and below; a unit's liaison (or a
        township's supervisor) sees the tasks assigned to their unit."""
        scope = scope_of(user)
        if scope.sees_all:
            return self
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        from anlan.core.choices import UserRole

        mine = Q(assignments__unit__liaisons=user)
        if scope.region_prefix and not scope.team_id:
            if user.role == UserRole.TOWNSHIP_SUPERVISOR:
                mine |= Q(assignments__unit__township=user.region_id)
            elif user.role != UserRole.MEMBER_UNIT_LIAISON:
                mine |= Q(region__prefix__startswith=scope.region_prefix)
        return self.filter(pk__in=self.model.objects.filter(mine).values("pk"))


class SupervisionTask(models.Model):
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("issued by the committee of"),
        on_delete=models.PROTECT,
        related_name="supervision_tasks",
    )
    number = models.CharField(_("number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("requirements"), max_length=8000)
    priority = models.CharField(
        _("priority"), max_length=8, choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN
    )
    issued_by = user_ref(_("issued by"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Where the task arose from (all optional).
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hazard"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervision_tasks",
    )
    alert = models.ForeignKey(
        "alerts.Alert",
        verbose_name=_("warning"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervision_tasks",
    )
    campaign = models.ForeignKey(
        "supervision.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )

    objects = SupervisionTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision task (督办)")
        verbose_name_plural = _("supervision tasks (督办)")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["state", "deadline"], name="task_by_deadline")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


def late_after(deadline: dt.date) -> dt.datetime:
    """The first instant after the deadline day (local time)."""
    return timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time.min))


class TaskAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(task__in=SupervisionTask.objects.visible_to(user))

    def open(self):
        return self.exclude(state=AssignmentState.ACCEPTED).filter(task__state=TaskState.OPEN)

    def overdue(self, today: dt.date | None = None):
        today = today or timezone.localdate()
        return self.open().filter(task__deadline__lt=today)


class TaskAssignment(models.Model):
    """A task as one unit must carry it out. Done on time when the feedback that was accepted
    came in by the deadline."""

    task = models.ForeignKey(
        SupervisionTask,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        "supervision.MemberUnit",
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=AssignmentState.choices,
        default=AssignmentState.PENDING,
    )
    feedback = models.TextField(_("feedback"), max_length=8000, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = user_ref(_("submitted by"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = user_ref(_("reviewed by"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), max_length=2000, blank=True)
    on_time = models.BooleanField(
        _("done on time"),
        null=True,
        blank=True,
        help_text=_("Set when the feedback is accepted: submitted by the deadline or not."),
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = TaskAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        ordering = ["task", "unit__order", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="task_assigned_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.unit}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.task.state == TaskState.OPEN
            and self.state != AssignmentState.ACCEPTED
            and self.task.deadline < today
        )


def evidence_path(instance, filename: str) -> str:
    stamp = timezone.now()
    return f"supervision/tasks/{stamp:%Y/%m}/{secrets.token_hex(8)}{instance.extension}"


class TaskEvidence(StoredFile):
    assignment = models.ForeignKey(
        TaskAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = user_ref(_("uploaded by"), null=True, blank=True)

    class Meta:
        verbose_name = _("task evidence")
        verbose_name_plural = _("task evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
