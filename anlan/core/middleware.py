import json
import re

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

ALLOWED_PREFIXES = ("/static/", "/i18n/", "/accounts/", "/healthz")


class PasswordChangeRequiredMiddleware:
    """Send a user who signed in with a temporary password to change it before anything else.
    (API calls with a token are not affected: tokens are issued to scripts, not to people.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.password_change_required
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")
        ):
            return redirect(reverse("password_change"))
        return self.get_response(request)


class DefaultLanguageMiddleware(LocaleMiddleware):
    """The interface speaks LANGUAGE_CODE (Chinese by default) until the user picks another
    language from the menu; the browser's Accept-Language is not consulted, so an officer on an
    English-language browser still gets the Chinese interface the office works in."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if not translation.check_for_language(language) or language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestGuard:
    """A check on the raw request before any view: ``find`` returns where the fault is
    (``("query", name)``, ``("body", "items", "0", "deadline")``…) or None, ``message`` says what
    is wrong there. The API answers 422 with the usual ``detail`` list, pages 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self.find(request)
        if where is None:
            return self.get_response(request)
        message = self.message(where)
        if request.path.startswith("/api/"):
            body = {"detail": [{"loc": list(where), "msg": message, "type": "value_error"}]}
            return JsonResponse(body, status=422)
        return HttpResponseBadRequest(message)

    @classmethod
    def find(cls, request) -> tuple[str, ...] | None:
        raise NotImplementedError

    def message(self, where: tuple[str, ...]) -> str:
        raise NotImplementedError


class RejectNulCharactersMiddleware(RequestGuard):
    """Refuse a NUL character (\\0) in the path, a query parameter or a JSON body: no field may
    hold one, and PostgreSQL would refuse it deep inside a query. Forms already refuse it field
    by field (Django's ProhibitNullCharactersValidator)."""

    def message(self, where):
        return translation.gettext("The request contains a NUL character (\\0) in %(where)s.") % {
            "where": where[-1]
        }

    @classmethod
    def find(cls, request) -> tuple[str, ...] | None:
        if "\x00" in request.path:
            return ("path", request.path.replace("\x00", "\\0"))
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return ("query", name.replace("\x00", "\\0"))
        if request.content_type == "application/json" and b"\\u0000" in request.body:
            return ("body",)
        return None


# The largest value of a 64-bit signed integer column (ids, counts): both databases refuse a
# larger one deep inside a query (SQLite's driver with OverflowError, PostgreSQL with an error).
LARGEST_INTEGER = 2**63 - 1
_DIGITS = re.compile(r"[+-]?\d{19,}")


class RejectHugeIntegersMiddleware(RequestGuard):
    """Refuse a whole number beyond 64 bits in a query parameter or a path segment, naming it,
    before it reaches a view: every id and count in Anlan fits in 64 bits, and no view needs to
    guard each of its integer parameters against the database driver's overflow."""

    def message(self, where):
        return translation.gettext("%(where)s: the number is too large.") % {"where": where[-1]}

    @staticmethod
    def _too_large(value: str) -> bool:
        return bool(_DIGITS.fullmatch(value.strip())) and abs(int(value)) > LARGEST_INTEGER

    @classmethod
    def find(cls, request) -> tuple[str, ...] | None:
        for segment in request.path.split("/"):
            if cls._too_large(segment):
                return ("path", segment)
        for name, values in request.GET.lists():
            if any(cls._too_large(value) for value in values):
                return ("query", name)
        return None


# Dates Anlan accepts from a request: wide enough for a rescue member born in the 1930s or a
# plan reviewed in 2150, narrow enough that adding a day or moving to UTC never leaves the range
# Python and the databases can represent (year 1 to 9999).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
_ISO_DAY = re.compile(r"^\s*([+-]?\d{4,})-(\d{1,2})-(\d{1,2})")
JSON_SCAN_LIMIT = 256 * 1024
_JSON_DAY = re.compile(rb'"([+-]?\d{4,})-\d{1,2}-\d{1,2}')
# A time's offset from UTC beyond ±14:00 (no place on Earth has one; PostgreSQL refuses it).
_LARGE_OFFSET = re.compile(r"\d[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*[+-](1[5-9]|[2-9]\d)")
_JSON_LARGE_OFFSET = re.compile(
    rb"\d[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*[+-](?:1[5-9]|[2-9]\d)"
)


class RejectOutOfRangeDatesMiddleware(RequestGuard):
    """Refuse a date before 1900 or after 2199 in a query parameter, a form field or a JSON
    body, naming the field: such a date is a typing error, and the day after 9999-12-31 (or
    0001-01-01 moved to UTC) cannot be computed, so a filter or a deadline with one would fail
    deep inside a view or a nightly job."""

    def message(self, where):
        return translation.gettext(
            "%(where)s: the date must be between %(earliest)s-01-01 and %(latest)s-12-31, "
            "and a time's offset from UTC at most 14 hours."
        ) % {"where": where[-1], "earliest": EARLIEST_YEAR, "latest": LATEST_YEAR}

    @staticmethod
    def _out_of_range(value) -> bool:
        if not isinstance(value, str):
            return False
        match = _ISO_DAY.match(value)
        if not match:
            return False
        return not EARLIEST_YEAR <= int(match.group(1)) <= LATEST_YEAR or bool(
            _LARGE_OFFSET.search(value)
        )

    @classmethod
    def find(cls, request) -> tuple[str, ...] | None:
        for name, values in request.GET.lists():
            if any(cls._out_of_range(value) for value in values):
                return ("query", name)
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        if request.content_type == "application/x-www-form-urlencoded":
            for name, values in request.POST.lists():
                if any(cls._out_of_range(value) for value in values):
                    return ("form", name)
        elif request.content_type == "application/json":
            if int(request.headers.get("Content-Length") or 0) > JSON_SCAN_LIMIT:
                return None  # a reading batch: ingestion checks its own timestamps
            body = request.body
            # A cheap scan of the raw bytes first; the JSON is parsed only to name the field.
            if not _JSON_LARGE_OFFSET.search(body) and not any(
                not EARLIEST_YEAR <= int(year) <= LATEST_YEAR for year in _JSON_DAY.findall(body)
            ):
                return None
            try:
                return ("body", *cls._json_path(json.loads(body)))
            except ValueError:
                return None  # not JSON at all: the view answers that
        return None

    @classmethod
    def _json_path(cls, value, path=()) -> tuple[str, ...]:
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            return path if cls._out_of_range(value) else ()
        for key, item in items:
            found = cls._json_path(item, (*path, str(key)))
            if found:
                return found
        return ()


class ApiErrorsAsJsonMiddleware:
    """Under /api/, answer Django's own error pages (no such route, method not allowed, a
    request too large…) as JSON ``{"detail": …}`` like every other API error, so a client
    always gets a machine-readable reason instead of an HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and 400 <= response.status_code < 600
            and not response.get("Content-Type", "").startswith("application/json")
            and not getattr(response, "streaming", False)
        ):
            detail = self._detail(response)
            replacement = JsonResponse({"detail": detail}, status=response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if response.has_header(header):
                    replacement[header] = response[header]
            return replacement
        return response

    @staticmethod
    def _detail(response) -> str:
        status = response.status_code
        if status == 404:
            return translation.gettext("Not found.")
        if status == 503:  # handler500's page for a database outage (core.faults)
            from .faults import database_unavailable_message

            return database_unavailable_message()
        if status == 405:
            return translation.gettext("Method not allowed; this address accepts: %(allowed)s.") % {
                "allowed": response.get("Allow", "") or "-"
            }
        text = response.content.decode("utf-8", "replace").strip()
        if text and "<" not in text[:200]:
            return text[:500]  # a plain-text reason (a 400 from a middleware above)
        return translation.gettext("The request was refused (HTTP %(status)s).") % {
            "status": status
        }
