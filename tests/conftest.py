# --- Test environment (owned by the build/CI set-up; fixtures go below) ------------------------
# Tests run with the built-in development key (settings refuse it otherwise). pytest-django loads
# the settings *before* this file is imported, so `make test*` also sets ANLAN_ALLOW_INSECURE_KEY
# in the environment; this line covers the processes the tests start (e.g. the `anlan` CLI).
# Tests use pytest-django's test database (in-memory SQLite, or test_<db> on PostgreSQL when
# DATABASE_URL is set) and write nothing under var/.
import os

import pytest

os.environ.setdefault("ANLAN_ALLOW_INSECURE_KEY", "1")
# --- end of test environment -----------------------------------------------------------------

pytest_plugins = ["tests.personas"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and other cached values do not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
