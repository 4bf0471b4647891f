from django.core.management.base import BaseCommand

from anlan.inspections.services import generate_tasks


class Command(BaseCommand):
    help = "Create this period's inspection tasks of every active plan (safe to re-run)."

    def handle(self, *args, **options):
        self.stdout.write(f"{generate_tasks()} tasks created.")
