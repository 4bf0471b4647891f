"""Account management: every change to a user's account goes through these functions, whether
it comes from the web pages, the API or the CLI."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import User
from .permissions import can_manage, can_manage_users, manageable_roles, region_in_scope, require
from .validators import normalize_mobile

USER_FIELDS = ("username", "display_name", "mobile", "role", "region", "enterprise", "team")
TEMP_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """A readable one-time password (no 0/O, 1/l/I), to be changed at first sign-in."""
    groups = ["".join(secrets.choice(TEMP_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)]
    return "-".join(groups)


def _check_scope(actor, user: User) -> dict[str, str]:
    """Errors for a scope outside the actor's jurisdiction, keyed by the scope field."""
    errors = {}
    for field in ("region", "enterprise", "team"):
        target = getattr(user, field) if getattr(user, f"{field}_id") else None
        if target is None:
            continue
        region = target if field == "region" else target.region
        if not region_in_scope(actor, region):
            errors[field] = _("This is outside your jurisdiction.")
    return errors


@transaction.atomic
def save_user(*, actor, data: dict[str, Any], user: User | None = None) -> tuple[User, str | None]:
    """Create or change an account. Returns the user and, for a new account, its temporary
    password (shown once; the user must change it at first sign-in)."""
    require(can_manage_users(actor), _("You may not manage accounts."))
    creating = user is None
    if not creating:
        require(can_manage(actor, user), _("You may not change this account."))
    user = user or User()
    for field in USER_FIELDS:
        if field in data:
            value = data[field]
            setattr(
                user, field, "" if value is None and field in {"display_name", "mobile"} else value
            )
    user.mobile = normalize_mobile(user.mobile) if user.mobile else ""
    errors: dict[str, Any] = {}
    if user.role and user.role not in manageable_roles(actor):
        errors["role"] = _("You may not give this role.")
    errors.update(_check_scope(actor, user))
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    password = None
    if creating:
        password = temporary_password()
        user.set_password(password)
        user.password_change_required = True
    user.save()
    return user, password


@transaction.atomic
def reset_password(*, actor, user: User) -> str:
    require(can_manage(actor, user), _("You may not change this account."))
    password = temporary_password()
    user.set_password(password)
    user.password_change_required = True
    user._change_reason = _("Password reset")
    user.save()
    return password


@transaction.atomic
def set_active(*, actor, user: User, active: bool) -> User:
    require(can_manage(actor, user), _("You may not change this account."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user


def password_changed(*, user: User) -> None:
    """The user chose their own password: the temporary one no longer binds them."""
    if user.password_change_required:
        User.objects.filter(pk=user.pk).update(password_change_required=False)
        user.password_change_required = False
