from django.core.management.base import BaseCommand

from anlan.inspections.seed import seed_checklists


class Command(BaseCommand):
    help = "Create the shipped checklists (15 key industries) that do not exist yet."

    def handle(self, *args, **options):
        self.stdout.write(f"{seed_checklists()} checklists created.")
