from django.core.management.base import BaseCommand, CommandError

from anlan.core.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue an API token for a user; the token is printed once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="What the token is for")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        token, raw = ApiToken.issue(user=user, name=name)
        self.stderr.write(f"Token {token.key_prefix}… for {username}; keep it secret:")
        self.stdout.write(raw)
