from django.core.management.base import BaseCommand

from anlan.core.crypto import new_key


class Command(BaseCommand):
    help = (
        "Print a new key for ANLAN_IDENTITY_KEYS (encryption of reporters' identities). To "
        "rotate, put the new key first and keep the old ones after it."
    )

    def handle(self, *args, **options):
        self.stdout.write(new_key())
