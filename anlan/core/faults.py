"""What users get when a backing service fails (docs/operations.md, "Faults and recovery").

The database unreachable (restarting, failing over, out of connections) is not a bug in the
request: the answer is 503 with a Retry-After and a translated "try again" message — a small
standalone page for the site, ``{"detail": …}`` for the API — never a 500 traceback. The
request's transaction was rolled back by the database, so nothing of it was saved; Django opens
a fresh connection for the next request (CONN_HEALTH_CHECKS drops a dead persistent one).
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("anlan.faults")

RETRY_AFTER_SECONDS = 10
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_message() -> str:
    return _("The database is unavailable at the moment. Please try again in a few seconds.")


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def database_unavailable(request, exc: BaseException | None = None) -> HttpResponse:
    """503 for a request that failed because the database could not be reached."""
    logger.warning(
        "Database unavailable during %s %s: %s",
        request.method,
        request.path,
        str(exc).strip().splitlines()[0] if exc and str(exc).strip() else type(exc).__name__,
    )
    message = database_unavailable_message()
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        # No context processors, no base template: they would ask the database again.
        response = HttpResponse(
            render_to_string("core/unavailable.html", {"message": message}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request, *args, **kwargs):
    """handler500: a database outage becomes a 503 (see above); anything else is Django's
    plain 500 page."""
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        return database_unavailable(request, exc)
    return defaults.server_error(request, *args, **kwargs)
