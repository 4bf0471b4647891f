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
    """The error, or one it was raised while handling (e.g. a TransactionManagementError after
    the connection broke inside an atomic block), is the database being unreachable."""
    for _depth in range(5):
        if exc is None:
            return False
        if isinstance(exc, DATABASE_ERRORS) or _lost_while_serializing(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _lost_while_serializing(exc: BaseException) -> bool:
    """An API answer's schema read a lazy relation and the database was gone: pydantic reports
    that as a validation error of type get_attribute_error naming the database error (it keeps
    only its text)."""
    try:
        from pydantic_core import ValidationError
    except ImportError:  # pragma: no cover
        return False
    if not isinstance(exc, ValidationError):
        return False
    names = tuple(f"{cls.__name__}:" for cls in DATABASE_ERRORS)
    return any(
        error.get("type") == "get_attribute_error"
        and str((error.get("ctx") or {}).get("error", "")).startswith(names)
        for error in exc.errors()
    )


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


class QuietDatabaseOutage(logging.Filter):
    """For the "django.request" logger: drop the traceback Django logs for each request that
    met a database outage — ``database_unavailable`` has already logged one line for it."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (getattr(record, "status_code", None) == 503 and is_database_unavailable(exc))
