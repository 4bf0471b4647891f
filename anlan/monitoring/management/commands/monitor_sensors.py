from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anlan.core.choices import UserRole
from anlan.core.models import User
from anlan.monitoring import excel


class Command(BaseCommand):
    help = "Import sensors from an Excel sheet (all or nothing), or write the empty template."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--template", action="store_true", help="Write the empty template")
        parser.add_argument("--user", help="Act within this user's jurisdiction")

    def handle(self, *args, file, template=False, user=None, **options):
        path = Path(file)
        if template:
            path.write_bytes(excel.template())
            self.stdout.write(f"Wrote the sensor template to {path}.")
            return
        actor = (
            User.objects.filter(username=user, is_active=True).first()
            if user
            else User.objects.filter(role=UserRole.SYSTEM_ADMIN, is_active=True).first()
        )
        if actor is None:
            raise CommandError("No such active user (and no system administrator to act as).")
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        try:
            report = excel.import_sensors(path.read_bytes(), user=actor)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not report.ok:
            for row, column, reason in report.errors:
                self.stderr.write(f"row {row}, {column}: {reason}")
            raise CommandError(f"{len(report.errors)} bad cells; nothing was saved.")
        self.stdout.write(f"{report.created} sensors added, {report.updated} updated.")
