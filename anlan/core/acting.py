"""Who a management command acts as: the user named by ``--user``, or a system administrator."""

from __future__ import annotations

from django.core.management.base import CommandError

from .choices import UserRole
from .models import User


def acting_user(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        return user
    user = (
        User.objects.filter(role=UserRole.SYSTEM_ADMIN, is_active=True).first()
        or User.objects.filter(is_superuser=True, is_active=True).first()
    )
    if user is None:
        raise CommandError("No system administrator to act as; give --user.")
    return user
