"""``anlan office tasks list|show|issue|feedback|review|close|cancel|remind|export``: 督办
supervision tasks within a user's view (``--user``; default a system administrator)."""

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from anlan.core.acting import acting_user
from anlan.core.models import Region
from anlan.core.uploads import check_upload
from anlan.supervision import excel_office, office
from anlan.supervision.models import MemberUnit, SupervisionTask

from .office_units import error_text


def _date(raw, name):
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--{name} must be YYYY-MM-DD, not {raw!r}") from None


class Command(BaseCommand):
    help = "督办 tasks: list, show, issue, feedback, review, close, cancel, remind, export."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="Tasks in your view")
        ls.add_argument("--state", choices=["open", "overdue", "closed", "cancelled"])
        ls.add_argument("--unit", type=int, default=None)
        ls.add_argument("--region", default=None)
        ls.add_argument("--date-from", default=None)
        ls.add_argument("--date-to", default=None)
        show = sub.add_parser("show", help="A task and each unit's status")
        show.add_argument("task", type=int)
        issue = sub.add_parser("issue", help="Issue a task")
        issue.add_argument("--committee", required=True, help="Region code of the committee")
        issue.add_argument("--title", required=True)
        issue.add_argument("--body", required=True)
        issue.add_argument("--deadline", required=True, help="YYYY-MM-DD")
        issue.add_argument("--urgent", action="store_true")
        issue.add_argument("--units", default="", help="Comma-separated unit ids")
        issue.add_argument("--all-townships", action="store_true")
        fb = sub.add_parser("feedback", help="Submit a unit's feedback")
        fb.add_argument("task", type=int)
        fb.add_argument("unit", type=int, help="The unit's id")
        fb.add_argument("--text", required=True)
        fb.add_argument("--file", action="append", default=[], help="Evidence (photo or PDF)")
        rv = sub.add_parser("review", help="Accept or return a unit's feedback")
        rv.add_argument("task", type=int)
        rv.add_argument("unit", type=int, help="The unit's id")
        rv.add_argument("decision", choices=["accept", "return"])
        rv.add_argument("--comment", default="")
        cl = sub.add_parser("close", help="Close a task")
        cl.add_argument("task", type=int)
        ca = sub.add_parser("cancel", help="Cancel a task")
        ca.add_argument("task", type=int)
        ca.add_argument("--reason", required=True)
        rem = sub.add_parser("remind", help="Remind the pending and escalate the overdue now")
        rem.add_argument("--at", default=None, help="As if at this time (ISO)")
        exp = sub.add_parser("export", help="Tasks with each unit's status to an Excel file")
        exp.add_argument("file")
        exp.add_argument("--state", choices=["open", "overdue", "closed", "cancelled"])
        for each in sub.choices.values():
            each.add_argument("--user", default=None, help="Act as this user")

    def handle(self, *args, **o):
        self.user = acting_user(o.get("user"))
        self.console = Console(file=self.stdout, width=160)
        try:
            getattr(self, "_" + o["action"])(o)
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "You may not do this.") from None

    def _tasks(self, o):
        unit = None
        if o.get("unit"):
            unit = MemberUnit.objects.visible_to(self.user).filter(pk=o["unit"]).first()
            if unit is None:
                raise CommandError(f"No member unit {o['unit']} that you can see.")
        region = None
        if o.get("region"):
            region = Region.objects.filter(code=o["region"]).first()
            if region is None:
                raise CommandError(f"No region {o['region']!r}.")
        return office.filter_tasks(
            SupervisionTask.objects.visible_to(self.user).select_related("region"),
            state=o.get("state") or "",
            unit=unit,
            region=region,
            date_from=_date(o.get("date_from"), "date-from"),
            date_to=_date(o.get("date_to"), "date-to"),
        ).order_by("-issued_at", "-pk")

    def _list(self, o):
        tasks = office.annotate_counts(self._tasks(o))
        table = Table("id", "number", "title", "deadline", "state", "accepted", "overdue")
        for t in tasks[:500]:
            table.add_row(
                str(t.pk),
                t.number,
                t.title,
                t.deadline.isoformat(),
                t.get_state_display(),
                f"{t.n_accepted}/{t.n_units}",
                str(t.n_overdue),
            )
        self.console.print(table)

    def _task(self, pk) -> SupervisionTask:
        task = SupervisionTask.objects.visible_to(self.user).filter(pk=pk).first()
        if task is None:
            raise CommandError(f"No task {pk} that you can see.")
        return task

    def _assignment(self, task, unit_pk):
        row = office.visible_assignments(self.user, task).filter(unit_id=unit_pk).first()
        if row is None:
            raise CommandError(f"Task {task.pk} has no unit {unit_pk} that you can see.")
        return row

    def _show(self, o):
        task = self._task(o["task"])
        self.stdout.write(f"{task.number} {task.title} — {task.get_state_display()}")
        self.stdout.write(f"deadline {task.deadline.isoformat()}; {task.region.name}")
        table = Table("unit id", "unit", "status", "overdue", "submitted", "on time", "feedback")
        for a in office.visible_assignments(self.user, task):
            table.add_row(
                str(a.unit_id),
                a.unit.name,
                a.get_state_display(),
                "OVERDUE" if a.is_overdue() else "",
                timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M")
                if a.submitted_at
                else "—",
                "—" if a.on_time is None else ("yes" if a.on_time else "late"),
                (a.feedback or "")[:60],
            )
        self.console.print(table)

    def _issue(self, o):
        region = Region.objects.filter(code=o["committee"]).first()
        if region is None:
            raise CommandError(f"--committee: no region {o['committee']!r}.")
        ids = []
        for raw in (o.get("units") or "").split(","):
            if raw.strip():
                if not raw.strip().isdigit():
                    raise CommandError(f"--units: {raw.strip()!r} is not a unit id.")
                ids.append(int(raw))
        units = list(MemberUnit.objects.filter(pk__in=ids))
        if len(units) != len(set(ids)):
            raise CommandError("--units: some unit ids do not exist.")
        task = office.issue_task(
            user=self.user,
            region=region,
            title=o["title"],
            body=o["body"],
            deadline=_date(o["deadline"], "deadline"),
            priority="urgent" if o["urgent"] else "normal",
            units=units,
            all_townships=o["all_townships"],
        )
        self.stdout.write(
            f"issued {task.number} (id {task.pk}) to {task.assignments.count()} units"
        )

    def _feedback(self, o):
        task = self._task(o["task"])
        assignment = self._assignment(task, o["unit"])
        uploads = []
        for name in o["file"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {name}")
            uploads.append(check_upload(path.read_bytes(), path.name, field="evidence"))
        office.submit_feedback(
            assignment=assignment, user=self.user, feedback=o["text"], evidence=uploads
        )
        self.stdout.write(f"feedback submitted for {assignment.unit.name} ({len(uploads)} files)")

    def _review(self, o):
        task = self._task(o["task"])
        assignment = self._assignment(task, o["unit"])
        if o["decision"] == "accept":
            a = office.accept_feedback(assignment=assignment, user=self.user, comment=o["comment"])
            self.stdout.write(f"accepted ({'on time' if a.on_time else 'late'})")
        else:
            office.return_feedback(assignment=assignment, user=self.user, comment=o["comment"])
            self.stdout.write("returned to the unit")

    def _close(self, o):
        office.close_task(task=self._task(o["task"]), user=self.user)
        self.stdout.write("closed")

    def _cancel(self, o):
        office.cancel_task(task=self._task(o["task"]), user=self.user, reason=o["reason"])
        self.stdout.write("cancelled")

    def _remind(self, o):
        if not office.is_office(self.user):
            raise CommandError("Only the committee office runs the reminders; give --user.")
        now = None
        if o.get("at"):
            try:
                now = dt.datetime.fromisoformat(o["at"])
            except ValueError:
                raise CommandError(f"--at must be an ISO time, not {o['at']!r}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        run = office.chase(now)
        self.stdout.write(f"reminded: {len(run.reminded)}; escalated: {len(run.escalated)}")

    def _export(self, o):
        Path(o["file"]).write_bytes(excel_office.export_tasks(self._tasks(o)[:5000]))
        self.stdout.write(f"written {o['file']}")
