import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anlan.core.choices import UserRole
from anlan.core.models import User


class Command(BaseCommand):
    help = "Create a system administrator (password from --password-env or asked for)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="Display name")
        parser.add_argument(
            "--password-env",
            default="",
            help="Read the password from this environment variable instead of asking",
        )

    def handle(self, *args, username, name, password_env, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise CommandError(f"The environment variable {password_env} is empty or unset.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        user = User(username=username, display_name=name, role=UserRole.SYSTEM_ADMIN)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Created system administrator {username}."))
