from django.core.management.base import CommandError

from anlan.core.models import User


def acting_user(username: str | None) -> User:
    """The user whose scope an import or export runs under (default: the first system admin)."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("No system administrator exists; create one or pass --user.")
    return user
