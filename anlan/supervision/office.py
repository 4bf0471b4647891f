"""The committee office (安委办): member units and their duty lists, and 督办 supervision tasks.

Every operation is a function here with keyword-only arguments; pages, the API and the CLI call
the same functions. Who may do what is decided by the ``may_*`` functions at the top:

- the office of a committee is a region-scoped officer of the committee's region or above it
  (a city administrator for the city and its counties, a county regulator for their county);
  a system administrator may do everything. The office creates units, issues, reviews, closes
  and cancels tasks.
- a unit's liaison accounts and, for a township unit, the township's supervisors answer the
  unit's tasks.

"Overdue" is derived (task open, assignment not accepted, deadline passed), never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlan.core.choices import NotificationKind, RegionLevel, UserRole
from anlan.core.models import Region, User
from anlan.core.notify import Message, after_commit, notify_many
from anlan.core.uploads import CheckedUpload

from .choices import AssignmentState, TaskPriority, TaskState, UnitKind
from .models import (
    Duty,
    MemberUnit,
    SupervisionTask,
    TaskAssignment,
    TaskEvidence,
    late_after,
)

OFFICE_ROLES = {UserRole.CITY_ADMIN, UserRole.COUNTY_REGULATOR}
# How a task's state reads on the office's pages ("Open" alone is already the verb 查看).
TASK_STATE_LABELS = {
    TaskState.OPEN: gettext_lazy("Open task"),
    TaskState.CLOSED: gettext_lazy("Closed task"),
    TaskState.CANCELLED: gettext_lazy("Cancelled task"),
}
TASK_STATE_CSS = {
    TaskState.OPEN: "primary",
    TaskState.CLOSED: "success",
    TaskState.CANCELLED: "secondary",
}
COMMITTEE_LEVELS = {RegionLevel.CITY, RegionLevel.COUNTY}
MAX_EVIDENCE_FILES = 10


def local_today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- who may do what


def _is_admin(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role == UserRole.SYSTEM_ADMIN)
    )


def may_run_committee(user, region: Region | None) -> bool:
    """The office of ``region``'s committee: an officer of that region or of one above it."""
    if region is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if _is_admin(user):
        return True
    if not user.is_active or user.role not in OFFICE_ROLES or not user.region_id:
        return False
    return region.prefix.startswith(user.region.prefix)


def is_office(user) -> bool:
    """Whether the user works for some committee's office (sees the office's buttons)."""
    return _is_admin(user) or (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in OFFICE_ROLES
        and bool(user.region_id)
    )


def committees_for(user):
    """The city and county regions whose committee the user may run."""
    regions = Region.objects.filter(level__in=COMMITTEE_LEVELS)
    if _is_admin(user):
        return regions.order_by("code")
    if not is_office(user):
        return regions.none()
    return regions.filter(prefix__startswith=user.region.prefix).order_by("code")


def may_edit_unit(user, unit: MemberUnit) -> bool:
    return may_run_committee(user, unit.committee_region)


def may_manage_task(user, task: SupervisionTask) -> bool:
    """Review feedback, close or cancel: the office of the committee that issued the task."""
    return may_run_committee(user, task.region)


def may_answer(user, assignment: TaskAssignment) -> bool:
    """Submit feedback for the unit: one of its liaisons, or (for a township) its supervisor."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if _is_admin(user):
        return True
    unit = assignment.unit
    if unit.liaisons.filter(pk=user.pk).exists():
        return True
    return bool(
        user.role == UserRole.TOWNSHIP_SUPERVISOR
        and unit.township_id
        and user.region_id == unit.township_id
    )


def units_answered_by(user):
    """The units the user answers for (as a liaison or a township supervisor)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return MemberUnit.objects.none()
    q = Q(liaisons=user)
    if user.role == UserRole.TOWNSHIP_SUPERVISOR and user.region_id:
        q |= Q(township=user.region_id)
    return MemberUnit.objects.filter(q).distinct()


# ---------------------------------------------------------------- recipients


def unit_recipients(unit: MemberUnit) -> list[User]:
    """Who hears of the unit's tasks: its liaison accounts and its township's supervisors."""
    people = {u.pk: u for u in unit.liaisons.filter(is_active=True)}
    if unit.township_id:
        for u in User.objects.filter(
            is_active=True, role=UserRole.TOWNSHIP_SUPERVISOR, region_id=unit.township_id
        ):
            people[u.pk] = u
    return list(people.values())


def office_recipients(task: SupervisionTask) -> list[User]:
    """The office of the issuing committee: the officers of its region, and the issuer."""
    people = {
        u.pk: u
        for u in User.objects.filter(
            is_active=True, role__in=OFFICE_ROLES, region_id=task.region_id
        )
    }
    if task.issued_by_id and task.issued_by.is_active:
        people[task.issued_by_id] = task.issued_by
    return list(people.values())


def _task_link(task) -> str:
    return reverse("supervision:task", args=[task.pk])


# ---------------------------------------------------------------- member units and duties


@dataclass
class DutyLine:
    text: str
    basis: str = ""


def _clean_duties(duties) -> list[DutyLine]:
    lines = []
    for index, item in enumerate(duties or [], start=1):
        if isinstance(item, DutyLine):
            line = item
        elif isinstance(item, dict):
            line = DutyLine(str(item.get("text") or ""), str(item.get("basis") or ""))
        elif isinstance(item, (list, tuple)):
            line = DutyLine(str(item[0] if item else ""), str(item[1]) if len(item) > 1 else "")
        else:
            line = DutyLine(str(item))
        line = DutyLine(line.text.strip(), line.basis.strip())
        if not line.text:
            if line.basis:
                raise ValidationError(
                    {"duties": _("Duty %(n)s has a basis but no text.") % {"n": index}}
                )
            continue
        if len(line.text) > 2000 or len(line.basis) > 300:
            raise ValidationError(
                {"duties": _("Duty %(n)s is too long (2,000 / 300 characters).") % {"n": index}}
            )
        lines.append(line)
    return lines


UNIT_FIELDS = (
    "kind",
    "name",
    "short_name",
    "township",
    "sectors",
    "party_chair",
    "admin_chair",
    "liaison_name",
    "liaison_phone",
    "order",
    "active",
)


def save_unit(
    *,
    user,
    committee_region: Region | None = None,
    unit: MemberUnit | None = None,
    data: dict,
    liaisons=None,
    duties=None,
) -> MemberUnit:
    """Create (``unit`` None) or edit a member unit; ``duties`` (a list of text or
    (text, basis)) replaces the duty list when given; ``liaisons`` (users) replaces the
    liaison accounts when given. Raises ValidationError naming the field."""
    region = unit.committee_region if unit is not None else committee_region
    if region is None:
        raise ValidationError({"committee_region": _("Choose the committee (a city or county).")})
    if region.level not in COMMITTEE_LEVELS:
        raise ValidationError(
            {"committee_region": _("A committee belongs to a city or a county, not %(name)s.")
             % {"name": region.name}}
        )  # fmt: skip
    if not may_run_committee(user, region):
        raise PermissionDenied(_("Only the committee office may change its member units."))
    lines = _clean_duties(duties) if duties is not None else None
    with transaction.atomic():
        obj = unit if unit is not None else MemberUnit(committee_region=region)
        for name in UNIT_FIELDS:
            if name in data:
                setattr(obj, name, data[name])
        if isinstance(obj.sectors, str):
            obj.sectors = [
                s.strip() for s in obj.sectors.replace("，", ",").split(",") if s.strip()
            ]
        if obj.kind == UnitKind.TOWNSHIP:
            if obj.township is None:
                raise ValidationError({"township": _("A township unit names its township.")})
            if obj.township.level != RegionLevel.TOWNSHIP or not obj.township.prefix.startswith(
                region.prefix
            ):
                raise ValidationError(
                    {"township": _("%(name)s is not a township of %(committee)s.")
                     % {"name": obj.township.name, "committee": region.name}}
                )  # fmt: skip
        elif obj.township is not None:
            raise ValidationError({"township": _("Only a township unit names a township.")})
        obj.full_clean()
        obj.save()
        if liaisons is not None:
            obj.liaisons.set(list(liaisons))
        if lines is not None:
            obj.duties.all().delete()
            Duty.objects.bulk_create(
                Duty(unit=obj, order=i, text=line.text, basis=line.basis)
                for i, line in enumerate(lines, start=1)
            )
    return obj


def set_duties(*, user, unit: MemberUnit, duties) -> MemberUnit:
    return save_unit(user=user, unit=unit, data={}, duties=duties)


# ---------------------------------------------------------------- issuing a task


def _next_number(region: Region, year: int) -> str:
    Region.objects.select_for_update().filter(pk=region.pk).first()  # one issuer at a time
    taken = set(
        SupervisionTask.objects.filter(region=region, issued_at__year=year).values_list(
            "number", flat=True
        )
    )
    seq = len(taken) + 1
    while True:
        number = settings.ANLAN_TASK_NUMBER_FORMAT.format(
            short=region.name[:1], region=region.name, year=year, seq=seq
        )
        if number not in taken:
            return number[:40]
        seq += 1


def issue_task(
    *,
    user,
    region: Region | None,
    title: str,
    body: str,
    deadline: dt.date | None,
    priority: str = TaskPriority.NORMAL,
    units=None,
    all_townships: bool = False,
    hazard=None,
    alert=None,
    campaign=None,
    now: dt.datetime | None = None,
) -> SupervisionTask:
    """Issue a 督办 task from ``region``'s committee to ``units`` (or all its active township
    units), tell each unit's liaisons and township supervisors. Nothing is saved on an error."""
    now = now or timezone.now()
    if region is None:
        raise ValidationError({"region": _("Choose the committee issuing the task.")})
    if not may_run_committee(user, region):
        raise PermissionDenied(_("Only the committee office may issue 督办 tasks."))
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the task a title.")})
    if not body:
        raise ValidationError({"body": _("Write the task's requirements.")})
    if deadline is None:
        raise ValidationError({"deadline": _("Give a deadline (YYYY-MM-DD).")})
    if deadline < timezone.localdate(now):
        raise ValidationError({"deadline": _("The deadline is in the past.")})
    if priority not in TaskPriority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    committee_units = MemberUnit.objects.filter(committee_region=region, active=True)
    if all_townships:
        chosen = list(committee_units.filter(kind=UnitKind.TOWNSHIP))
    else:
        chosen = list(units or [])
        ids = {u.pk for u in chosen}
        found = set(committee_units.filter(pk__in=ids).values_list("pk", flat=True))
        if ids - found:
            raise ValidationError(
                {"units": _("Some units are not active member units of %(name)s's committee.")
                 % {"name": region.name}}
            )  # fmt: skip
    if not chosen:
        raise ValidationError({"units": _("Choose at least one unit.")})
    for name, obj in (("hazard", hazard), ("alert", alert), ("campaign", campaign)):
        if obj is not None and not type(obj).objects.visible_to(user).filter(pk=obj.pk).exists():
            raise ValidationError({name: _("Not found in your jurisdiction.")})
    with transaction.atomic():
        task = SupervisionTask(
            region=region,
            number=_next_number(region, timezone.localtime(now).year),
            title=title[:200],
            body=body,
            priority=priority,
            deadline=deadline,
            issued_by=user if getattr(user, "pk", None) else None,
            issued_at=now,
            hazard=hazard,
            alert=alert,
            campaign=campaign,
        )
        task.full_clean()
        task.save()
        TaskAssignment.objects.bulk_create(TaskAssignment(task=task, unit=u) for u in chosen)
    after_commit(_notify_issued, task.pk, getattr(user, "pk", None))
    return task


def _notify_issued(task_pk: int, actor_pk: int | None) -> None:
    task = SupervisionTask.objects.select_related("region").get(pk=task_pk)
    messages = []
    for a in task.assignments.select_related("unit"):
        for person in unit_recipients(a.unit):
            messages.append(
                Message(
                    recipient=person,
                    kind=NotificationKind.TASK,
                    title=_("督办 %(number)s: %(title)s")
                    % {"number": task.number, "title": task.title},
                    body=_("For %(unit)s, due %(deadline)s.")
                    % {"unit": a.unit, "deadline": task.deadline.isoformat()},
                    link=_task_link(task),
                    dedup_key=f"task-issued-{a.pk}",
                )
            )
    notify_many(messages, actor=User.objects.filter(pk=actor_pk).first())


# ---------------------------------------------------------------- feedback and review


def submit_feedback(
    *,
    assignment: TaskAssignment,
    user,
    feedback: str,
    evidence: list[CheckedUpload] | None = None,
    now: dt.datetime | None = None,
) -> TaskAssignment:
    """The unit reports what it did, with evidence files (already checked by content)."""
    now = now or timezone.now()
    if not may_answer(user, assignment):
        raise PermissionDenied(_("Only the unit's liaison or township supervisor may answer."))
    feedback = (feedback or "").strip()
    if not feedback:
        raise ValidationError({"feedback": _("Write what the unit has done.")})
    if len(feedback) > 8000:
        raise ValidationError({"feedback": _("The feedback is longer than 8,000 characters.")})
    evidence = list(evidence or [])
    if len(evidence) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"evidence": _("At most %(n)s files at a time.") % {"n": MAX_EVIDENCE_FILES}}
        )
    task = assignment.task
    if task.state != TaskState.OPEN:
        raise ValidationError(
            {"state": _("The task is %(state)s.") % {"state": TASK_STATE_LABELS[task.state]}}
        )
    if assignment.state == AssignmentState.ACCEPTED:
        raise ValidationError({"state": _("The feedback was already accepted.")})
    with transaction.atomic():
        updated = (
            TaskAssignment.objects.filter(pk=assignment.pk)
            .exclude(state=AssignmentState.ACCEPTED)
            .update(
                state=AssignmentState.SUBMITTED,
                feedback=feedback,
                submitted_at=now,
                submitted_by=user if getattr(user, "pk", None) else None,
            )
        )
        if not updated:
            raise ValidationError({"state": _("The feedback was already accepted.")})
        for upload in evidence:
            item = TaskEvidence(assignment=assignment, uploaded_at=now, uploaded_by=user)
            item.keep(upload)
            item.save()
    assignment.refresh_from_db()
    after_commit(
        _notify_people,
        [u.pk for u in office_recipients(task)],
        _("Feedback on %(number)s from %(unit)s")
        % {"number": task.number, "unit": assignment.unit},
        feedback[:300],
        _task_link(task),
        f"task-feedback-{assignment.pk}-{int(now.timestamp())}",
        getattr(user, "pk", None),
    )
    return assignment


def _notify_people(pks, title, body, link, dedup_key, actor_pk=None) -> None:
    actor = User.objects.filter(pk=actor_pk).first() if actor_pk else None
    notify_many(
        [
            Message(
                recipient=u,
                kind=NotificationKind.TASK,
                title=title,
                body=body,
                link=link,
                dedup_key=dedup_key,
            )
            for u in User.objects.filter(pk__in=pks)
        ],
        actor=actor,
    )


def _review_guard(assignment: TaskAssignment, user) -> None:
    if not may_manage_task(user, assignment.task):
        raise PermissionDenied(_("Only the committee office may review feedback."))
    if assignment.task.state != TaskState.OPEN:
        raise ValidationError(
            {
                "state": _("The task is %(state)s.")
                % {"state": TASK_STATE_LABELS[assignment.task.state]}
            }
        )
    if assignment.state != AssignmentState.SUBMITTED:
        raise ValidationError({"state": _("There is no feedback awaiting review.")})


def accept_feedback(
    *, assignment: TaskAssignment, user, comment: str = "", now: dt.datetime | None = None
) -> TaskAssignment:
    """Accept the unit's feedback: done on time when it came in by the end of the deadline day."""
    now = now or timezone.now()
    _review_guard(assignment, user)
    on_time = assignment.submitted_at < late_after(assignment.task.deadline)
    with transaction.atomic():
        updated = TaskAssignment.objects.filter(
            pk=assignment.pk, state=AssignmentState.SUBMITTED
        ).update(
            state=AssignmentState.ACCEPTED,
            on_time=on_time,
            reviewed_at=now,
            reviewed_by=user if getattr(user, "pk", None) else None,
            review_comment=(comment or "").strip()[:2000],
        )
        if not updated:
            raise ValidationError({"state": _("Someone else reviewed this feedback first.")})
    assignment.refresh_from_db()
    after_commit(
        _notify_people,
        [u.pk for u in unit_recipients(assignment.unit)],
        _("%(number)s: feedback accepted") % {"number": assignment.task.number},
        (comment or "").strip()[:300],
        _task_link(assignment.task),
        f"task-accepted-{assignment.pk}",
        getattr(user, "pk", None),
    )
    return assignment


def return_feedback(
    *, assignment: TaskAssignment, user, comment: str, now: dt.datetime | None = None
) -> TaskAssignment:
    """Send the feedback back for more work, saying why."""
    now = now or timezone.now()
    _review_guard(assignment, user)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what is missing.")})
    with transaction.atomic():
        updated = TaskAssignment.objects.filter(
            pk=assignment.pk, state=AssignmentState.SUBMITTED
        ).update(
            state=AssignmentState.RETURNED,
            reviewed_at=now,
            reviewed_by=user if getattr(user, "pk", None) else None,
            review_comment=comment[:2000],
        )
        if not updated:
            raise ValidationError({"state": _("Someone else reviewed this feedback first.")})
    assignment.refresh_from_db()
    after_commit(
        _notify_people,
        [u.pk for u in unit_recipients(assignment.unit)],
        _("%(number)s: feedback returned") % {"number": assignment.task.number},
        comment[:300],
        _task_link(assignment.task),
        f"task-returned-{assignment.pk}-{int(now.timestamp())}",
        getattr(user, "pk", None),
    )
    return assignment


def close_task(*, task: SupervisionTask, user, now: dt.datetime | None = None) -> SupervisionTask:
    return _finish(task=task, user=user, state=TaskState.CLOSED, now=now)


def cancel_task(
    *, task: SupervisionTask, user, reason: str = "", now: dt.datetime | None = None
) -> SupervisionTask:
    return _finish(task=task, user=user, state=TaskState.CANCELLED, now=now, reason=reason)


def _finish(*, task, user, state, now=None, reason="") -> SupervisionTask:
    now = now or timezone.now()
    if not may_manage_task(user, task):
        raise PermissionDenied(_("Only the committee office may close or cancel a task."))
    if state == TaskState.CANCELLED and not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the task is cancelled.")})
    with transaction.atomic():
        updated = SupervisionTask.objects.filter(pk=task.pk, state=TaskState.OPEN).update(
            state=state, closed_at=now
        )
        if not updated:
            raise ValidationError({"state": _("The task is no longer open.")})
    task.refresh_from_db()
    if state == TaskState.CANCELLED:
        people = {
            u.pk for a in task.assignments.select_related("unit") for u in unit_recipients(a.unit)
        }
        after_commit(
            _notify_people,
            list(people),
            _("%(number)s cancelled") % {"number": task.number},
            reason.strip()[:300],
            _task_link(task),
            f"task-cancelled-{task.pk}",
            getattr(user, "pk", None),
        )
    return task


# ---------------------------------------------------------------- reminders and escalation


@dataclass
class ChaseRun:
    reminded: list[int] = field(default_factory=list)  # assignment ids
    escalated: list[int] = field(default_factory=list)


def chase(now: dt.datetime | None = None) -> ChaseRun:
    """Remind units whose answer is still awaited within ANLAN_TASK_REMIND_DAYS_BEFORE days of
    the deadline, and escalate to the office (and again to the unit) those overdue by more
    than ANLAN_TASK_ESCALATE_AFTER_DAYS days. Each happens once per assignment, however often
    the job runs (``reminded_at`` / ``escalated_at``, and notification de-duplication)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    run = ChaseRun()
    waiting = (
        TaskAssignment.objects.filter(
            task__state=TaskState.OPEN,
            state__in=[AssignmentState.PENDING, AssignmentState.RETURNED],
        )
        .select_related("task__region", "task__issued_by", "unit")
        .order_by("pk")
    )
    soon = today + dt.timedelta(days=settings.ANLAN_TASK_REMIND_DAYS_BEFORE)
    messages: list[Message] = []
    for a in waiting.filter(
        reminded_at__isnull=True, task__deadline__gte=today, task__deadline__lte=soon
    ):
        if not TaskAssignment.objects.filter(pk=a.pk, reminded_at__isnull=True).update(
            reminded_at=now
        ):
            continue
        run.reminded.append(a.pk)
        for person in unit_recipients(a.unit):
            messages.append(
                Message(
                    recipient=person,
                    kind=NotificationKind.TASK,
                    title=_("Reminder: %(number)s is due %(deadline)s")
                    % {"number": a.task.number, "deadline": a.task.deadline.isoformat()},
                    body=_("%(unit)s has not yet answered “%(title)s”.")
                    % {"unit": a.unit, "title": a.task.title},
                    link=_task_link(a.task),
                    dedup_key=f"task-remind-{a.pk}",
                )
            )
    late_before = today - dt.timedelta(days=settings.ANLAN_TASK_ESCALATE_AFTER_DAYS)
    for a in waiting.filter(escalated_at__isnull=True, task__deadline__lt=late_before):
        if not TaskAssignment.objects.filter(pk=a.pk, escalated_at__isnull=True).update(
            escalated_at=now
        ):
            continue
        run.escalated.append(a.pk)
        leaders = "、".join(n for n in (a.unit.party_chair, a.unit.admin_chair) if n)
        title = _("Overdue: %(unit)s has not answered %(number)s") % {
            "unit": a.unit,
            "number": a.task.number,
        }
        body = _("“%(title)s” was due %(deadline)s.") % {
            "title": a.task.title,
            "deadline": a.task.deadline.isoformat(),
        }
        if leaders:
            body += " " + _("Unit leaders: %(names)s.") % {"names": leaders}
        people = {u.pk: u for u in office_recipients(a.task)}
        people.update({u.pk: u for u in unit_recipients(a.unit)})
        for person in people.values():
            messages.append(
                Message(
                    recipient=person,
                    kind=NotificationKind.TASK,
                    title=title,
                    body=body,
                    link=_task_link(a.task),
                    dedup_key=f"task-escalate-{a.pk}",
                )
            )
    if messages:
        notify_many(messages)
    return run


# ---------------------------------------------------------------- figures and listing


def annotate_counts(tasks, today: dt.date | None = None):
    """Per task: assignments, accepted, submitted (awaiting review), overdue (derived)."""
    today = today or local_today()
    return tasks.annotate(
        n_units=Count("assignments", distinct=True),
        n_accepted=Count(
            "assignments", filter=Q(assignments__state=AssignmentState.ACCEPTED), distinct=True
        ),
        n_submitted=Count(
            "assignments", filter=Q(assignments__state=AssignmentState.SUBMITTED), distinct=True
        ),
        n_overdue=Count(
            "assignments",
            filter=Q(state=TaskState.OPEN, deadline__lt=today)
            & ~Q(assignments__state=AssignmentState.ACCEPTED),
            distinct=True,
        ),
    )


def filter_tasks(
    tasks, *, state="", unit=None, region=None, date_from=None, date_to=None, today=None
):
    """The shared filters: ``state`` open|overdue|closed|cancelled, a unit, a region (the
    committee's region or a unit's township inside it), issued between two days (inclusive)."""
    today = today or local_today()
    if state == "overdue":
        overdue = TaskAssignment.objects.overdue(today)
        if unit is not None:
            overdue = overdue.filter(unit=unit)
        tasks = tasks.filter(pk__in=overdue.values("task_id"))
    elif state in TaskState.values:
        tasks = tasks.filter(state=state)
    if unit is not None:
        tasks = tasks.filter(pk__in=TaskAssignment.objects.filter(unit=unit).values("task_id"))
    if region is not None:
        tasks = tasks.filter(
            Q(region__prefix__startswith=region.prefix)
            | Q(
                pk__in=TaskAssignment.objects.filter(
                    unit__township__prefix__startswith=region.prefix
                ).values("task_id")
            )
            if region.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
            else Q(region__prefix__startswith=region.prefix)
        )
    if date_from is not None:
        tasks = tasks.filter(issued_at__gte=_start_of(date_from))
    if date_to is not None:
        tasks = tasks.filter(issued_at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return tasks


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def state_counts(tasks, today: dt.date | None = None) -> dict[str, int]:
    """How many of ``tasks`` are open, overdue, closed, cancelled (overdue ⊂ open)."""
    today = today or local_today()
    by_state = dict(tasks.order_by().values_list("state").annotate(n=Count("pk")))
    overdue = (
        TaskAssignment.objects.overdue(today)
        .filter(task__in=tasks.order_by().values("pk"))
        .values("task_id")
        .distinct()
        .count()
    )
    return {
        "open": by_state.get(TaskState.OPEN, 0),
        "overdue": overdue,
        "closed": by_state.get(TaskState.CLOSED, 0),
        "cancelled": by_state.get(TaskState.CANCELLED, 0),
        "total": sum(by_state.values()),
    }


def unit_record(unit: MemberUnit) -> dict:
    """A unit's tasks at a glance: how many assigned, accepted, accepted on time, the on-time
    rate (of the accepted and the overdue), and how many are overdue now."""
    rows = unit.assignments.exclude(task__state=TaskState.CANCELLED)
    accepted = rows.filter(state=AssignmentState.ACCEPTED)
    on_time = accepted.filter(on_time=True).count()
    n_accepted = accepted.count()
    overdue = rows.overdue(local_today()).count()
    # Closed without accepted feedback also counts as a miss.
    missed_closed = (
        rows.filter(task__state=TaskState.CLOSED).exclude(state=AssignmentState.ACCEPTED).count()
    )
    judged = n_accepted + overdue + missed_closed
    return {
        "assigned": rows.count(),
        "accepted": n_accepted,
        "on_time": on_time,
        "overdue": overdue,
        "rate": round(100 * on_time / judged, 1) if judged else None,
    }


def visible_assignments(user, task: SupervisionTask):
    """A task's per-unit rows the user may read: all for the office, only their own units'
    rows for a liaison or township supervisor (not the other units' feedback)."""
    rows = task.assignments.select_related("unit", "submitted_by", "reviewed_by")
    if may_manage_task(user, task) or _is_admin(user):
        return rows
    return rows.filter(unit__in=units_answered_by(user).values("pk"))


def find_assignment(user, task: SupervisionTask, assignment_pk) -> TaskAssignment | None:
    return visible_assignments(user, task).select_related("task").filter(pk=assignment_pk).first()


def label_state(task: SupervisionTask) -> SupervisionTask:
    """Give a task ``state_label`` and ``state_css`` for the templates."""
    task.state_label = TASK_STATE_LABELS.get(task.state, task.state)
    task.state_css = TASK_STATE_CSS.get(task.state, "secondary")
    return task


def unit_breakdown(tasks, today: dt.date | None = None, limit: int = 20, user=None) -> list[dict]:
    """Per unit, over ``tasks``: accepted on time, accepted late, overdue now, still awaited
    (open, deadline not yet passed); the units with most overdue and late first."""
    today = today or local_today()
    not_accepted = ~Q(state=AssignmentState.ACCEPTED)
    is_open = Q(task__state=TaskState.OPEN)
    rows = TaskAssignment.objects.filter(task__in=tasks.order_by().values("pk"))
    if user is not None and not (_is_admin(user) or is_office(user)):
        rows = rows.filter(unit__in=units_answered_by(user).values("pk"))  # not other units'
    rows = (
        rows.values("unit_id", "unit__name")
        .annotate(
            n_on_time=Count("pk", filter=Q(state=AssignmentState.ACCEPTED, on_time=True)),
            n_late=Count("pk", filter=Q(state=AssignmentState.ACCEPTED, on_time=False)),
            n_overdue=Count("pk", filter=is_open & not_accepted & Q(task__deadline__lt=today)),
            n_waiting=Count("pk", filter=is_open & not_accepted & Q(task__deadline__gte=today)),
        )
        .order_by("-n_overdue", "-n_late", "unit__name")[:limit]
    )
    return [
        {
            "unit": r["unit_id"],
            "name": r["unit__name"],
            "on_time": r["n_on_time"],
            "late": r["n_late"],
            "overdue": r["n_overdue"],
            "waiting": r["n_waiting"],
        }
        for r in rows
    ]
