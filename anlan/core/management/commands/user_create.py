from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anlan.core import services
from anlan.core.choices import UserRole
from anlan.core.models import Region, User
from anlan.registry.models import Enterprise
from anlan.rescue.models import Team


class Command(BaseCommand):
    help = "Create an account with a role and scope; prints its temporary password once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=UserRole.values)
        parser.add_argument("--name", default="", help="Display name")
        parser.add_argument("--mobile", default="")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--region", help="Region code (regional roles)")
        scope.add_argument("--enterprise", help="Enterprise credit code (enterprise roles)")
        scope.add_argument("--team", help="Rescue team name (team commanders)")
        parser.add_argument("--by", help="Act as this manager (default: the first system admin)")

    def handle(self, *args, username, role, name, mobile, region, enterprise, team, by, **options):
        actor = (
            User.objects.filter(username=by, is_active=True).first()
            if by
            else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError(
                "No acting administrator: create one with `anlan createadmin` or pass --by."
            )
        data = {"username": username, "role": role, "display_name": name, "mobile": mobile}
        if region:
            data["region"] = Region.objects.filter(code=region).first()
            if data["region"] is None:
                raise CommandError(f"--region: no region has the code {region!r}.")
        if enterprise:
            data["enterprise"] = Enterprise.objects.filter(uscc=enterprise.upper()).first()
            if data["enterprise"] is None:
                raise CommandError(
                    f"--enterprise: no enterprise has the credit code {enterprise!r}."
                )
        if team:
            data["team"] = Team.objects.filter(name=team).first()
            if data["team"] is None:
                raise CommandError(f"--team: no rescue team is named {team!r}.")
        try:
            user, password = services.save_user(actor=actor, data=data)
        except ValidationError as exc:
            details = "; ".join(
                f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
            )
            raise CommandError(details) from exc
        self.stderr.write(
            f"Created {user.username} ({user.get_role_display()}, {user.scope_label})."
        )
        self.stderr.write("Temporary password (must be changed at first sign-in):")
        self.stdout.write(password)
