import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from anlan.hazards.tasks import check_deadlines


class Command(BaseCommand):
    help = "Send the deadline reminders and overdue escalations due today, and list them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Act as if today were this date (YYYY-MM-DD); default: today"
        )

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from exc
        sent = check_deadlines(today)
        console = Console(file=self.stdout._out, highlight=False, width=120)
        if not sent:
            console.print("Nothing due: no reminders or escalations to send.")
            return
        table = Table(title="Deadline reminders and escalations sent")
        for column in ("hazard", "step", "deadline", "recipients"):
            table.add_column(column)
        for item in sent:
            table.add_row(
                item.hazard, item.step, item.deadline.isoformat(), ", ".join(item.recipients)
            )
        console.print(table)
        people = sum(len(item.recipients) for item in sent)
        console.print(f"{len(sent)} sent, to {people} recipients in all.")
