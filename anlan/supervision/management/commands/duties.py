"""``anlan duties generate [--date D]``: create this period's 包保 checks, report missed ones."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from anlan.supervision import services


def parse_date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {raw!r}") from None


class Command(BaseCommand):
    help = "包保 duty checks: create the current period's checks and report missed ones."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="create the checks of the periods containing DATE")
        gen.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        day = parse_date(options.get("date"))
        run = services.generate_checks(day)
        self.stdout.write(
            f"checks created: {len(run.created)}; missed checks reported: "
            f"{len(run.missed_notified)}"
        )
