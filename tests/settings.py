"""Settings for the test suite: the project settings with the built-in development key allowed."""

import os

os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")

from anlan.settings import *  # noqa: E402, F403

# Background tasks run inline, in memory (tests never touch var/huey.sqlite3).
HUEY = {**HUEY, "immediate": True}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
