"""Encryption at rest for the few fields only one role may read (tip-off reporters' identities,
reward payees). Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``; several keys may be
configured, newest first, so a key can be rotated without losing old records."""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.ANLAN_IDENTITY_KEYS)
    if not keys:
        # Development and tests only: settings refuse production without configured keys.
        digest = hashlib.sha256(("anlan-identity:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def new_key() -> str:
    return Fernet.generate_key().decode()


def seal(data: dict) -> str:
    """Encrypt a small dict of personal data; an empty dict stays an empty string."""
    if not data:
        return ""
    return _fernet().encrypt(json.dumps(data, ensure_ascii=False).encode()).decode()


def unseal(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise ValueError(
            "This record was encrypted with a key that is no longer configured."
        ) from exc
