"""Settings for the test suite: the project settings with the built-in development key allowed."""

import os

os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")

from anlan.settings import *  # noqa: E402, F403

# Background tasks run inline, in memory (tests never touch var/huey.sqlite3).
HUEY = {**HUEY, "immediate": True}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every test user gets a password; the production hasher (PBKDF2, deliberately slow) would spend
# most of a test's set-up hashing them. Production settings are untouched.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
